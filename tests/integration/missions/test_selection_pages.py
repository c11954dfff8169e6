"""The selection through the pages: client link, evaluation, conflicts, award, results."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from cercle.core.models import JournalEntry
from cercle.core.signed_links import make_token
from cercle.missions.enums import RequestStatus, SelectionMode
from cercle.missions.models import Award, Evaluator, Mission, Score, TieDeclaration
from cercle.missions.services import selection as services
from cercle.missions.services import selection_award as award_services
from tests.factories.network import SupporterFactory
from tests.integration.core.conftest import logged_in
from tests.unit.missions.test_selection_builders import all_marks, no_ties, selection

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def url(s: Any, suffix: str = "") -> str:
    return f"/demandes/{s.request.uuid}/evaluation/{suffix}"


def _ties_post(s: Any, **override: tuple[str, str]) -> dict[str, str]:
    data = {}
    for team in s.teams:
        kind, note = override.get(team.name, ("none", ""))
        data[f"tie_{team.uuid}"] = kind
        data[f"note_{team.uuid}"] = note
    return data


def _marks_post(s: Any, mark: str = "7") -> dict[str, str]:
    return {services.mark_field(label, pos): mark for (label, pos) in all_marks(s)}


# ---------------------------------------------------------------- delegated


def test_delegated_journey_through_the_pages() -> None:
    s = selection(evaluators=0)
    steward = logged_in(s.steward)
    first, second = SupporterFactory(), SupporterFactory()
    for person in (first, second):
        response = steward.post(url(s, "evaluateurs/"), {"person": person.slug})
        assert response.status_code == 302
    assert Evaluator.objects.filter(request=s.request).count() == 2

    one, two = logged_in(first), logged_in(second)
    page = one.get(url(s))
    assert page.status_code == 200
    assert s.teams[0].name in page.content.decode()  # ties are declared to named teams
    assert "price_ht" not in page.content.decode()
    assert one.post(url(s, "liens/"), _ties_post(s)).status_code == 302
    page = one.get(url(s)).content.decode()
    for team in s.teams:
        assert team.name not in page  # anonymised offers: labels only
    assert one.post(url(s, "notes/"), _marks_post(s)).status_code == 302
    assert Score.objects.filter(evaluator__person=first).count() == 6
    assert one.post(url(s, "soumettre/")).status_code == 302

    # the second declares a tie: conflicted, refused from then on, journaled
    tie = {s.teams[0].name: ("collaborator", "Mission commune en 2024.")}
    assert two.post(url(s, "liens/"), _ties_post(s, **tie)).status_code == 302
    refused = two.get(url(s))
    assert refused.status_code == 403
    assert str(s.offers[0].price_ht) not in refused.content.decode()
    assert JournalEntry.objects.filter(verb="evaluation.refused", subject=second.user).exists()
    assert two.post(url(s, "notes/"), _marks_post(s)).status_code == 403

    # the only unconflicted evaluator submitted: revealed; the steward sees the ranking
    s.request.refresh_from_db()
    assert s.request.revealed_at is not None
    progress = steward.get(url(s)).content.decode()
    assert s.teams[0].name in progress
    assert fr("conflicted") in progress

    bad = steward.post(f"/demandes/{s.request.uuid}/attribution/", {"offer": str(s.offers[0].uuid)})
    assert bad.status_code == 400
    assert not Award.objects.exists()
    done = steward.post(
        f"/demandes/{s.request.uuid}/attribution/",
        {"offer": str(s.offers[0].uuid), "reasons": "Meilleur total."},
    )
    assert done.status_code == 302
    assert Mission.objects.get().offer == s.offers[0]

    # afterwards the circle sees the evaluators' names and the scores
    member = logged_in(s.teams[1].lead)
    results = member.get(f"/demandes/{s.request.uuid}/resultats/")
    assert results.status_code == 200
    assert first.full_name in results.content.decode()
    detail = member.get(s.request.get_absolute_url())
    assert detail.status_code == 200
    assert first.full_name in detail.content.decode()


def test_results_are_hidden_before_the_award() -> None:
    s = selection()
    member = logged_in(s.teams[1].lead)
    assert member.get(f"/demandes/{s.request.uuid}/resultats/").status_code == 403
    assert member.get(url(s)).status_code == 403
    assert logged_in(s.steward).get(f"/demandes/{s.request.uuid}/resultats/").status_code == 403


def test_bad_input_gives_400_and_changes_nothing() -> None:
    s = selection()
    e = s.evaluators[0]
    client = logged_in(e.person)
    assert client.post(url(s, "liens/"), {}).status_code == 400
    assert not TieDeclaration.objects.exists()
    data = _ties_post(s, **{s.teams[0].name: ("personal", "")})
    response = client.post(url(s, "liens/"), data)
    assert response.status_code == 400
    assert not TieDeclaration.objects.exists()
    assert client.post(url(s, "liens/"), _ties_post(s)).status_code == 302
    response = client.post(url(s, "notes/"), {services.mark_field("A", 2): "12"})
    assert response.status_code == 400
    response = client.post(url(s, "notes/"), {services.mark_field("A", 2): "abc"})
    assert response.status_code == 400
    assert not Score.objects.exists()
    response = client.post(url(s, "soumettre/"))
    assert response.status_code == 400
    steward = logged_in(s.steward)
    assert steward.post(url(s, "evaluateurs/"), {"person": "nobody"}).status_code == 400
    response = steward.post(url(s, "evaluateurs/"), {"person": s.teams[0].lead.slug})
    assert response.status_code == 400
    assert Evaluator.objects.count() == 2


def test_non_evaluators_are_refused() -> None:
    s = selection()
    assert logged_in(SupporterFactory()).get(url(s)).status_code == 403
    assert Client().get(url(s)).status_code == 302  # to the login page


# ---------------------------------------------------------------- client


def test_client_choice_page() -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    steward = logged_in(s.steward)
    assert steward.post(f"/demandes/{s.request.uuid}/lien-client/").status_code == 302
    token = make_token("client-choice", str(s.request.uuid))
    page_url = f"/demandes/{s.request.uuid}/choix/{token}/"
    client = Client()
    page = client.get(page_url)
    assert page.status_code == 200
    assert s.teams[0].name in page.content.decode()
    assert client.post(page_url, {"offer": str(s.offers[1].uuid)}).status_code == 400
    assert not Award.objects.exists()
    assert (
        client.post(page_url, {"offer": str(s.offers[1].uuid), "reasons": "Ok."}).status_code == 200
    )
    s.request.refresh_from_db()
    assert s.request.status == RequestStatus.AWARDED
    again = client.post(page_url, {"offer": str(s.offers[0].uuid), "reasons": "Non."})
    assert again.status_code == 409
    assert Award.objects.get().offer == s.offers[1]


def test_client_choice_refuses_wrong_tokens() -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    other = make_token("client-choice", "00000000-0000-0000-0000-000000000000")
    good = make_token("client-choice", str(s.request.uuid))
    for token in (other, good[:-3] + "abc", "n'importe-quoi"):
        response = Client().get(f"/demandes/{s.request.uuid}/choix/{token}/")
        assert response.status_code == 403
        assert fr("This link is not valid.") in html.unescape(response.content.decode())


# ---------------------------------------------------------------- query counts


def _evaluator_page_queries(offers: int) -> int:
    s = selection(offers=offers, evaluators=1)
    e = s.evaluators[0]
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
    client = logged_in(e.person)
    client.get(url(s))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(s)).status_code == 200
    return len(ctx)


def _steward_page_queries(offers: int) -> int:
    s = selection(offers=offers, evaluators=1)
    e = s.evaluators[0]
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
    services.evaluation_submit(actor=e.person.user, evaluator=e)
    client = logged_in(s.steward)
    client.get(url(s))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(s)).status_code == 200
    return len(ctx)


def test_evaluation_page_query_count_does_not_grow_with_offers(
    django_assert_max_num_queries: Any,
) -> None:
    assert _evaluator_page_queries(5) == _evaluator_page_queries(50)
    assert _steward_page_queries(5) == _steward_page_queries(50)
    s = selection(offers=50, evaluators=1)
    e = s.evaluators[0]
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    client = logged_in(e.person)
    with django_assert_max_num_queries(30):
        assert client.get(url(s)).status_code == 200


def test_awarded_request_page_query_count(django_assert_max_num_queries: Any) -> None:
    counts = []
    for offers in (5, 50):
        s = selection(offers=offers, evaluators=1)
        e = s.evaluators[0]
        services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
        services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
        services.evaluation_submit(actor=e.person.user, evaluator=e)
        award_services.award_delegated(
            actor=s.steward.user, request=s.request, offer_uuid=s.offers[0].uuid, reasons="Ok"
        )
        client = logged_in(s.teams[0].lead)
        client.get(f"/demandes/{s.request.uuid}/resultats/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/demandes/{s.request.uuid}/resultats/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    assert counts[1] <= 20


def test_anonymised_method_file_for_evaluators_only(settings: Any, tmp_path: Any) -> None:
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    s = selection()
    s.offers[0].anonymised_method_file.save("methode.txt", ContentFile(b"Notre approche."))
    s.offers[0].method_file.save("original.txt", ContentFile(b"Secret"))
    first, second = s.evaluators
    file_url = url(s, f"offres/{s.offers[0].label}/methode/")
    client = logged_in(first.person)
    assert client.get(file_url).status_code == 403  # ties not declared yet
    services.ties_declare(actor=first.person.user, evaluator=first, ties=no_ties(s))
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Notre approche."
    assert client.get(url(s, "offres/ZZ/methode/")).status_code == 404
    ties = no_ties(s)
    ties[str(s.teams[0].uuid)] = ("other", "Voisin.")
    services.ties_declare(actor=second.person.user, evaluator=second, ties=ties)
    assert logged_in(second.person).get(file_url).status_code == 403
    assert logged_in(s.teams[1].lead).get(file_url).status_code == 403


def test_request_page_offers_the_client_link_to_stewards_only() -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    link = f"/demandes/{s.request.uuid}/lien-client/"
    assert link in logged_in(s.steward).get(s.request.get_absolute_url()).content.decode()
    member_page = logged_in(s.teams[0].lead).get(s.request.get_absolute_url())
    assert member_page.status_code == 200
    assert link not in member_page.content.decode()
