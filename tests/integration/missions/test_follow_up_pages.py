"""Mission follow-up through the pages: list, detail, steps, documentation, survey, review."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.missions.enums import MissionStatus, ReviewFinding
from cercle.missions.models import (
    Mission,
    MissionCommonsUse,
    MissionDocumentation,
    MissionUpdate,
    OfferCommonsLine,
    QualityReview,
    SatisfactionSurvey,
)
from cercle.missions.services.follow_up import survey_token
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import CommonFactory, MissionFactory
from tests.integration.core.conftest import logged_in
from tests.unit.missions.test_follow_up_services import Setup, build_mission, doc_fields, run_to

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture
def s() -> Setup:
    return build_mission()


# ---------------------------------------------------------------- list


def test_circle_members_and_stewards_see_the_list(s: Setup) -> None:
    for person in (s.outsider, s.steward):
        response = logged_in(person).get("/missions/")
        assert response.status_code == 200
        assert escape(s.mission.request.title) in response.content.decode()


def test_plain_members_do_not_see_missions(s: Setup) -> None:
    response = logged_in(MemberFactory()).get("/missions/")
    assert response.status_code == 403
    assert logged_in(MemberFactory()).get(s.mission.get_absolute_url()).status_code == 403


def test_the_list_filters_by_status(s: Setup) -> None:
    started = build_mission()
    run_to(started, MissionStatus.STARTED)
    body = logged_in(s.outsider).get("/missions/?status=started").content.decode()
    assert escape(started.mission.request.title) in body
    assert escape(s.mission.request.title) not in body
    assert logged_in(s.outsider).get("/missions/?status=nope").status_code == 400


def _list_queries(person: Any) -> int:
    client = logged_in(person)
    client.get("/missions/")  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/missions/").status_code == 200
    return len(ctx.captured_queries)


def test_the_list_makes_as_many_queries_for_5_and_50_missions(
    s: Setup, django_assert_max_num_queries: Any
) -> None:
    for _ in range(4):
        MissionFactory()
    few = _list_queries(s.steward)
    for _ in range(45):
        MissionFactory()
    assert Mission.objects.count() == 50
    many = _list_queries(s.steward)
    assert few == many
    client = logged_in(s.steward)
    client.get("/missions/")
    with django_assert_max_num_queries(10):
        assert client.get("/missions/?page=2").status_code == 200


# ---------------------------------------------------------------- detail and steps


def test_the_team_walks_the_mission_through_the_pages(s: Setup) -> None:
    lead = logged_in(s.lead)
    url = s.mission.get_absolute_url()
    assert 'name="start-text"' in lead.get(url).content.decode()
    assert lead.post(f"{url}demarrer/", {"start-text": "On démarre."}).status_code == 302
    member = logged_in(s.member)
    assert member.post(f"{url}nouvelles/", {"update-text": "Atelier fait."}).status_code == 302
    assert lead.post(f"{url}livraison/", {"deliver-text": "Livré."}).status_code == 302
    assert MissionUpdate.objects.count() == 3
    common = CommonFactory()
    OfferCommonsLine.objects.create(offer=s.mission.offer, common=common, amount_ht="300.00")
    page = lead.get(f"{url}documentation/")
    assert page.status_code == 200
    assert f'value="{common.slug}" selected' in page.content.decode()
    data = {
        **dict(doc_fields().items()),
        "commons-TOTAL_FORMS": "2",
        "commons-INITIAL_FORMS": "0",
        "commons-0-common": common.slug,
        "commons-0-how_used": "Fiches d'animation",
        "commons-0-given_back": "Une fiche",
        "commons-1-common": "",
        "commons-1-how_used": "",
    }
    assert lead.post(f"{url}documentation/", data).status_code == 302
    assert MissionCommonsUse.objects.get().common == common
    steward = logged_in(s.steward)
    detail = steward.get(url).content.decode()
    assert escape("Fiches d'animation") in detail
    assert steward.post(f"{url}cloture/").status_code == 302
    assert Mission.objects.get().status == MissionStatus.CLOSED


def test_an_empty_update_is_a_400_and_changes_nothing(s: Setup) -> None:
    url = s.mission.get_absolute_url()
    response = logged_in(s.lead).post(f"{url}demarrer/", {"start-text": "  "})
    assert response.status_code == 400
    assert Mission.objects.get().status == MissionStatus.AWARDED


def test_a_forbidden_step_is_a_403_and_a_wrong_state_a_409(s: Setup) -> None:
    url = s.mission.get_absolute_url()
    response = logged_in(s.outsider).post(f"{url}demarrer/", {"start-text": "Moi ?"})
    assert response.status_code == 403
    response = logged_in(s.lead).post(f"{url}livraison/", {"deliver-text": "Déjà ?"})
    assert response.status_code == 409
    assert fr("Cannot go from “%(current)s” to “%(target)s”.")[:10] in response.content.decode()
    assert Mission.objects.get().status == MissionStatus.AWARDED
    assert logged_in(s.steward).post(f"{url}cloture/").status_code == 409


def test_bad_documentation_is_a_400(s: Setup) -> None:
    run_to(s, MissionStatus.DELIVERED)
    url = f"{s.mission.get_absolute_url()}documentation/"
    data = {
        **doc_fields(pooling=""),
        "commons-TOTAL_FORMS": "1",
        "commons-INITIAL_FORMS": "0",
        "commons-0-common": "inconnu",
        "commons-0-how_used": "x",
    }
    response = logged_in(s.lead).post(url, data)
    assert response.status_code == 400
    assert not MissionDocumentation.objects.exists()
    assert logged_in(s.member).get(url).status_code == 403


def test_unknown_mission_is_a_404(s: Setup) -> None:
    assert logged_in(s.outsider).get(f"/missions/{s.mission.request.uuid}/").status_code == 404


def test_survey_answers_are_for_stewards_and_the_team(s: Setup) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    SatisfactionSurvey.objects.filter(mission=mission).update(
        answered_at=timezone.now(), overall=4, objectives_met=3, comment="Secret client"
    )
    for person in (s.steward, s.member):
        assert "Secret client" in logged_in(person).get(mission.get_absolute_url()).content.decode()
    assert (
        "Secret client"
        not in logged_in(s.outsider).get(mission.get_absolute_url()).content.decode()
    )


def test_detail_query_count_is_bounded(s: Setup, django_assert_max_num_queries: Any) -> None:
    run_to(s, MissionStatus.DELIVERED)
    for _ in range(20):
        MissionUpdate.objects.create(mission=s.mission, author=s.lead, kind="progress", text="x")
    client = logged_in(s.steward)
    client.get(s.mission.get_absolute_url())
    with django_assert_max_num_queries(16):
        assert client.get(s.mission.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------- satisfaction survey


def test_the_client_answers_through_the_signed_link(s: Setup, client: Any) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    url = f"{mission.get_absolute_url()}satisfaction/{survey_token(mission)}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"overall": "9", "objectives_met": "3", "would_recommend": "yes"})
    assert bad.status_code == 400
    assert SatisfactionSurvey.objects.get().answered_at is None
    done = client.post(
        url, {"overall": "5", "objectives_met": "4", "would_recommend": "no", "comment": "Bien"}
    )
    assert done.status_code == 200
    survey = SatisfactionSurvey.objects.get()
    assert (survey.overall, survey.would_recommend) == (5, False)
    again = client.get(url)
    assert again.status_code == 409
    assert fr("This questionnaire has already been answered. Thank you!") in again.content.decode()
    assert client.post(url, {"overall": "1"}).status_code == 409


def test_a_bad_link_is_a_403(s: Setup, client: Any) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    assert client.get(f"{mission.get_absolute_url()}satisfaction/faux/").status_code == 403
    other = build_mission().mission
    wrong = f"{mission.get_absolute_url()}satisfaction/{survey_token(other)}/"
    assert client.get(wrong).status_code == 403


# ---------------------------------------------------------------- quality review


def test_stewards_review_the_year(s: Setup) -> None:
    year = timezone.localdate().year
    steward = logged_in(s.steward)
    page = steward.get(f"/missions/revue-qualite/{year}/")
    assert page.status_code == 200
    assert escape(s.mission.request.title) in page.content.decode()
    prefix = str(s.mission.uuid)
    bad = steward.post(
        f"/missions/revue-qualite/{year}/{s.mission.uuid}/",
        {
            f"{prefix}-finding": ReviewFinding.CONFORMS,
            f"{prefix}-note": "",
            f"{prefix}-open_regulation": "on",
        },
    )
    assert bad.status_code == 400
    assert not QualityReview.objects.exists()
    ok = steward.post(
        f"/missions/revue-qualite/{year}/{s.mission.uuid}/",
        {
            f"{prefix}-finding": ReviewFinding.CONCERN,
            f"{prefix}-note": "Hors cahier.",
            f"{prefix}-open_regulation": "on",
        },
    )
    assert ok.status_code == 302
    review = QualityReview.objects.get()
    assert review.regulation_case is not None
    again = steward.post(
        f"/missions/revue-qualite/{year}/{s.mission.uuid}/",
        {f"{prefix}-finding": ReviewFinding.CONFORMS, f"{prefix}-note": "Bis"},
    )
    assert again.status_code == 409
    assert QualityReview.objects.count() == 1


def test_the_review_is_for_stewards_only(s: Setup) -> None:
    year = timezone.localdate().year
    assert logged_in(s.lead).get(f"/missions/revue-qualite/{year}/").status_code == 403
    assert logged_in(s.steward).get(f"/missions/revue-qualite/{year + 1}/").status_code == 404
    assert logged_in(s.steward).get("/missions/revue-qualite/").status_code == 302


def test_review_page_queries_are_bounded(s: Setup, django_assert_max_num_queries: Any) -> None:
    for _ in range(10):
        MissionFactory(awarded_at=timezone.now() - datetime.timedelta(days=1))
    client = logged_in(s.steward)
    client.get(f"/missions/revue-qualite/{timezone.localdate().year}/")
    with django_assert_max_num_queries(14):
        client.get(f"/missions/revue-qualite/{timezone.localdate().year}/")


def test_the_request_page_section_names_the_mission(s: Setup) -> None:
    from django.test import RequestFactory

    from cercle.missions.views.follow_up import mission_section

    request = RequestFactory().get("/")
    request.user = s.outsider.user
    assert mission_section(request, s.mission.request, None)["mission"] == s.mission
    request.user = MemberFactory().user
    assert mission_section(request, s.mission.request, None)["mission"] is None
