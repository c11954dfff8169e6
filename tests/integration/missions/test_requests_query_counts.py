"""The request list (page and API) makes the same number of queries with 10 and 1,000
requests; the detail page is bounded whatever the positionings, panel and documents."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.missions.enums import RequestStatus
from cercle.missions.models import (
    PanelInvitation,
    Positioning,
    RequestDocument,
    SupportRequest,
)
from cercle.network.models import Skill
from tests.factories.missions import QualifiedRequestFactory, consultant
from tests.factories.network import SkillFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 1000


def queries_of(client: Client, url: str, **extra: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries)


def grow_requests(total: int, skills: list[Skill], people: list[Any]) -> None:
    existing = SupportRequest.objects.count()
    deadline = timezone.now() + datetime.timedelta(days=10)
    rows = SupportRequest.objects.bulk_create(
        SupportRequest(
            title=f"Demande n°{existing + i}",
            description="Accompagner un lieu.",
            client_name="Commune de Beaulieu",
            contact_name="Anne Rivière",
            contact_email=f"contact{existing + i}@beaulieu.example",
            territory_id="59",
            budget_min_ht=Decimal("1000.00"),
            budget_max_ht=Decimal("2000.00"),
            offers_deadline=deadline,
            status=RequestStatus.NEW,
            confirmed_at=timezone.now(),
        )
        for i in range(total - existing)
    )
    through = SupportRequest.required_skills.through
    through.objects.bulk_create(
        through(supportrequest_id=r.pk, skill_id=s.pk) for r in rows for s in skills
    )
    Positioning.objects.bulk_create(Positioning(request=r, person=p) for r in rows for p in people)


def test_list_page_and_api_same_count_at_10_and_1000(django_assert_max_num_queries: Any) -> None:
    skills = [SkillFactory(), SkillFactory()]
    people = [consultant(), consultant()]
    member = people[0]
    page, api = logged_in(member), Client()
    headers = bearer(token_secret(member))
    api.get("/api/v1/requests", **headers)  # the token's first use is recorded once
    grow_requests(SMALL, skills, people)
    small = (queries_of(page, "/demandes/"), queries_of(api, "/api/v1/requests", **headers))
    grow_requests(LARGE, skills, people)
    with django_assert_max_num_queries(12):
        page.get("/demandes/?page=3")
    large = (queries_of(page, "/demandes/"), queries_of(api, "/api/v1/requests", **headers))
    assert small == large


def _detail_with(n: int, support_request: SupportRequest) -> None:
    people = [consultant() for _ in range(n)]
    Positioning.objects.bulk_create(Positioning(request=support_request, person=p) for p in people)
    PanelInvitation.objects.bulk_create(
        PanelInvitation(request=support_request, person=p, awarded_missions_12m=0) for p in people
    )
    RequestDocument.objects.bulk_create(
        RequestDocument(
            request=support_request,
            file=f"requests/x/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=10,
        )
        for i in range(len(people))
    )


def test_detail_page_and_api_bounded(django_assert_max_num_queries: Any) -> None:
    support_request = QualifiedRequestFactory(skills=[SkillFactory(), SkillFactory()])
    member = consultant()
    page, api = logged_in(member), Client()
    headers = bearer(token_secret(member))
    url = support_request.get_absolute_url()
    api_url = f"/api/v1/requests/{support_request.uuid}"
    api.get(api_url, **headers)  # the token's first use is recorded once
    _detail_with(2, support_request)
    small = (queries_of(page, url), queries_of(api, api_url, **headers))
    _detail_with(20, support_request)
    with django_assert_max_num_queries(30):
        page.get(url)
    large = (queries_of(page, url), queries_of(api, api_url, **headers))
    assert small == large
