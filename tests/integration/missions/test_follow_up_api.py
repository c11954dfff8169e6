"""Mission follow-up through the API: the twins of the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.missions.enums import MissionStatus
from cercle.missions.models import (
    Mission,
    MissionCommonsUse,
    MissionUpdate,
    QualityReview,
    SatisfactionSurvey,
)
from cercle.missions.services.follow_up import survey_token
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import CommonFactory, MissionFactory
from tests.integration.core.conftest import bearer, token_secret
from tests.unit.missions.test_follow_up_services import Setup, build_mission, doc_fields, run_to

pytestmark = pytest.mark.django_db

API = "/api/v1"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def post(url: str, body: object, headers: dict[str, str] | None = None) -> Any:
    return Client().post(
        API + url, json.dumps(body), content_type="application/json", **(headers or {})
    )


def get(url: str, headers: dict[str, str] | None = None) -> Any:
    return Client().get(API + url, **(headers or {}))


@pytest.fixture
def s() -> Setup:
    return build_mission()


def test_the_whole_follow_up_through_the_api(s: Setup) -> None:
    lead, member, steward = auth(s.lead), auth(s.member), auth(s.steward)
    base = f"/missions/{s.mission.uuid}"
    started = post(f"{base}/start", {"text": "Démarrage."}, lead)
    assert started.status_code == 200
    assert started.json()["status"] == "started"
    created = post(f"{base}/updates", {"text": "Atelier."}, member)
    assert created.status_code == 201
    assert created.json()["kind"] == "progress"
    listed = get(f"{base}/updates", member).json()
    assert listed["count"] == 2
    assert post(f"{base}/deliver", {"text": "Livré."}, lead).json()["status"] == "delivered"
    common = CommonFactory()
    body = {**doc_fields(), "commons_used": [{"common": common.slug, "how_used": "Fiches"}]}
    documented = post(f"{base}/documentation", body, lead)
    assert documented.status_code == 201
    assert documented.json()["commons_used"][0]["common"] == common.slug
    survey = post(
        f"{base}/survey",
        {
            "token": survey_token(s.mission),
            "overall": 4,
            "objectives_met": 5,
            "would_recommend": True,
        },
    )
    assert survey.status_code == 200
    closed = post(f"{base}/close", {}, steward)
    assert closed.json()["status"] == "closed"
    detail = get(base, steward).json()
    assert detail["survey"]["overall"] == 4
    assert detail["documentation"]["pooling"] == doc_fields()["pooling"]
    review = post(
        f"{base}/quality-reviews",
        {"year": timezone.localdate().year, "finding": "conforms", "note": "Conforme."},
        steward,
    )
    assert review.status_code == 201
    assert get(f"{base}/quality-reviews", lead).json()["count"] == 1


def test_outsiders_see_no_confidential_part(s: Setup) -> None:
    outsider = auth(s.outsider)
    detail = get(f"/missions/{s.mission.uuid}", outsider).json()
    assert detail["survey"] is None
    assert detail["quality_reviews"] is None
    assert get(f"/missions/{s.mission.uuid}/quality-reviews", outsider).status_code == 403


def test_anonymous_and_plain_members_are_refused(s: Setup) -> None:
    assert get("/missions").status_code in (401, 403)
    assert get("/missions", auth(MemberFactory())).status_code == 403
    assert post(f"/missions/{s.mission.uuid}/start", {"text": "x"}).status_code in (401, 403)


def test_refusals_change_nothing(s: Setup) -> None:
    base = f"/missions/{s.mission.uuid}"
    assert post(f"{base}/start", {"text": "x"}, auth(s.outsider)).status_code == 403
    empty = post(f"{base}/start", {"text": "  "}, auth(s.lead))
    assert empty.status_code in (400, 422)
    assert "text" in empty.json()["errors"]
    assert post(f"{base}/start", {}, auth(s.lead)).status_code == 422
    assert post(f"{base}/deliver", {"text": "x"}, auth(s.lead)).status_code == 409
    assert post(f"{base}/updates", {"text": "x"}, auth(s.lead)).status_code == 409
    assert (
        post(f"/missions/{s.mission.request.uuid}/start", {"text": "x"}, auth(s.lead)).status_code
        == 404
    )
    assert Mission.objects.get().status == MissionStatus.AWARDED
    assert not MissionUpdate.objects.exists()


def test_documentation_with_an_unknown_common_is_refused(s: Setup) -> None:
    run_to(s, MissionStatus.DELIVERED)
    body = {**doc_fields(), "commons_used": [{"common": "inconnu", "how_used": "x"}]}
    response = post(f"/missions/{s.mission.uuid}/documentation", body, auth(s.lead))
    assert response.status_code == 422
    assert "commons_used" in response.json()["errors"]
    assert not MissionCommonsUse.objects.exists()
    assert Mission.objects.get().status == MissionStatus.DELIVERED


def test_survey_errors(s: Setup) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    url = f"/missions/{mission.uuid}/survey"
    body = {"token": "faux", "overall": 4, "objectives_met": 5, "would_recommend": True}
    assert post(url, body).status_code == 403
    assert post(url, {**body, "token": survey_token(mission), "overall": 7}).status_code == 422
    ok = {**body, "token": survey_token(mission)}
    assert post(url, ok).status_code == 200
    again = post(url, ok)
    assert again.status_code == 409
    assert again.json()["detail"]
    assert SatisfactionSurvey.objects.get().overall == 4


def test_quality_review_errors(s: Setup) -> None:
    url = f"/missions/{s.mission.uuid}/quality-reviews"
    year = timezone.localdate().year
    body = {"year": year, "finding": "conforms", "note": "x"}
    assert post(url, body, auth(s.lead)).status_code == 403
    assert post(url, {**body, "finding": "bof"}, auth(s.steward)).status_code == 422
    assert post(url, {**body, "open_regulation": True}, auth(s.steward)).status_code == 422
    assert post(url, {**body, "year": 99999}, auth(s.steward)).status_code == 422
    assert not QualityReview.objects.exists()
    assert post(url, body, auth(s.steward)).status_code == 201
    assert post(url, body, auth(s.steward)).status_code == 409


def _api_list_queries(headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = get("/missions?limit=100", headers)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_api_list_makes_as_many_queries_for_5_and_50_missions(
    s: Setup, django_assert_max_num_queries: Any
) -> None:
    headers = auth(s.steward)
    for _ in range(4):
        MissionFactory()
    _api_list_queries(headers)  # the token's first use is recorded once
    few = _api_list_queries(headers)
    for _ in range(45):
        MissionFactory()
    many = _api_list_queries(headers)
    assert few == many
    with django_assert_max_num_queries(10):
        assert get("/missions?status=awarded", headers).json()["count"] == 50
