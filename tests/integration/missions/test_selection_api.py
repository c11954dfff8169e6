"""The selection through the API: the same services as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.core.models import JournalEntry
from cercle.core.signed_links import make_token
from cercle.missions.enums import SelectionMode
from cercle.missions.models import Award, Evaluator, Score, TieDeclaration
from tests.factories.network import SupporterFactory
from tests.integration.core.conftest import bearer, token_secret
from tests.unit.missions.test_selection_builders import selection

pytestmark = pytest.mark.django_db

API = "/api/v1"


def call(method: str, path: str, person: Any = None, body: object = None) -> Any:
    extra = bearer(token_secret(person)) if person is not None else {}
    client = Client()
    send = getattr(client, method)
    if body is None:
        return send(API + path, **extra)
    return send(API + path, json.dumps(body), content_type="application/json", **extra)


def marks(s: Any, mark: str = "8") -> list[dict[str, Any]]:
    positions = [c.position for c in s.request.criteria.filter(is_price=False)]
    return [{"offer": o.label, "criterion": p, "mark": mark} for o in s.offers for p in positions]


def ties(s: Any, kind: str = "none") -> dict[str, Any]:
    return {"ties": [{"team": str(t.uuid), "kind": kind, "note": "x"} for t in s.teams]}


def test_delegated_selection_through_the_api() -> None:
    s = selection(evaluators=0)
    member = SupporterFactory()
    response = call(
        "post", f"/requests/{s.request.uuid}/evaluators", s.steward, {"person": member.slug}
    )
    assert response.status_code == 201
    evaluator = response.json()["id"]
    listed = call("get", f"/requests/{s.request.uuid}/evaluators", s.steward).json()
    assert listed["count"] == 1
    assert call("get", f"/requests/{s.request.uuid}/evaluators", member).status_code == 403

    before = call("get", f"/requests/{s.request.uuid}/evaluation", member).json()
    assert before["offers"] == []
    assert len(before["teams_to_declare"]) == 3
    assert call("post", f"/evaluators/{evaluator}/ties", member, ties(s)).status_code == 200
    evaluation = call("get", f"/requests/{s.request.uuid}/evaluation", member).json()
    assert {o["label"] for o in evaluation["offers"]} == {"A", "B", "C"}
    names = {t.name for t in s.teams} | {t.lead.full_name for t in s.teams}
    assert not any(n in json.dumps(evaluation["offers"]) for n in names)
    assert all("team" not in o for o in evaluation["offers"])
    assert len(evaluation["missing"]) == 6

    assert (
        call("put", f"/evaluators/{evaluator}/scores", member, {"marks": marks(s)}).status_code
        == 200
    )
    assert (
        call(
            "post", f"/evaluators/{evaluator}/scores", member, {"marks": marks(s, "9")}
        ).status_code
        == 200
    )
    assert Score.objects.filter(mark=9).count() == 6
    assert call("post", f"/evaluators/{evaluator}/submit", member).status_code == 200
    assert (
        call("put", f"/evaluators/{evaluator}/scores", member, {"marks": marks(s)}).status_code
        == 409
    )

    results = call("get", f"/requests/{s.request.uuid}/results", s.steward).json()
    assert results["ranking"][0]["label"] == "A"  # the lowest price, equal marks
    assert results["ranking"][0]["total"] == "93.00"  # 30 × 1 + 70 × 0.9
    assert call("get", f"/requests/{s.request.uuid}/results", s.teams[0].lead).status_code == 403

    award = call(
        "post",
        f"/requests/{s.request.uuid}/award",
        s.steward,
        {"offer": str(s.offers[0].uuid), "reasons": "Meilleur total."},
    )
    assert award.status_code == 201
    assert award.json()["team"] == s.teams[0].name
    again = call(
        "post",
        f"/requests/{s.request.uuid}/award",
        s.steward,
        {"offer": str(s.offers[1].uuid), "reasons": "Non."},
    )
    assert again.status_code == 409
    public = call("get", f"/requests/{s.request.uuid}/results", s.teams[1].lead).json()
    assert public["evaluators"] == [member.full_name]


def test_conflicted_evaluator_gets_403_and_a_journal_entry() -> None:
    s = selection(evaluators=1)
    e = s.evaluators[0]
    assert (
        call("post", f"/evaluators/{e.uuid}/ties", e.person, ties(s, "personal")).status_code == 200
    )
    response = call("get", f"/requests/{s.request.uuid}/evaluation", e.person)
    assert response.status_code == 403
    assert "offers" not in response.json()
    assert (
        call("put", f"/evaluators/{e.uuid}/scores", e.person, {"marks": marks(s)}).status_code
        == 403
    )
    assert JournalEntry.objects.filter(verb="evaluation.refused").count() == 2
    assert not Score.objects.exists()


def test_bad_input_is_refused_and_changes_nothing() -> None:
    s = selection(evaluators=1)
    e = s.evaluators[0]
    path = f"/evaluators/{e.uuid}/ties"
    assert call("post", path, e.person, {"ties": []}).status_code == 422
    assert (
        call("post", path, e.person, {"ties": [{"team": "x", "kind": "none"}]}).status_code == 422
    )
    assert (
        call(
            "post", path, e.person, {"ties": [{"team": str(s.teams[0].uuid), "kind": "bad"}]}
        ).status_code
        == 422
    )
    assert not TieDeclaration.objects.exists()
    assert call("post", path, e.person, ties(s)).status_code == 200
    scores = f"/evaluators/{e.uuid}/scores"
    for bad in ({"marks": [{"offer": "A", "criterion": 2, "mark": 11}]}, {"marks": "x"}, {}):
        assert call("put", scores, e.person, bad).status_code == 422
    price = s.request.criteria.get(is_price=True).position
    response = call(
        "put", scores, e.person, {"marks": [{"offer": "A", "criterion": price, "mark": 5}]}
    )
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not Score.objects.exists()
    assert call("post", f"/evaluators/{e.uuid}/submit", e.person).status_code == 422
    steward = s.steward
    assert (
        call(
            "post", f"/requests/{s.request.uuid}/evaluators", steward, {"person": "nobody"}
        ).status_code
        == 422
    )
    assert (
        call(
            "post", f"/requests/{s.request.uuid}/award", steward, {"offer": "nope", "reasons": ""}
        ).status_code
        == 422
    )
    assert Evaluator.objects.count() == 1
    # another person cannot act for the evaluator
    assert call("post", f"/evaluators/{e.uuid}/submit", SupporterFactory()).status_code == 403


def test_client_link_and_choice_through_the_api() -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    sent = call("post", f"/requests/{s.request.uuid}/client-link", s.steward)
    assert sent.status_code == 200
    assert sent.json()["sent_to"] == s.request.contact_email
    assert (
        call("post", f"/requests/{s.request.uuid}/client-link", s.teams[0].lead).status_code == 403
    )
    token = make_token("client-choice", str(s.request.uuid))
    offers = call("get", f"/client/requests/{s.request.uuid}/offers?token={token}")
    assert offers.status_code == 200
    assert {o["team"] for o in offers.json()} == {t.name for t in s.teams}
    other = make_token("client-choice", str(s.offers[0].uuid))
    for bad in (other, token + "x", ""):
        assert (
            call("get", f"/client/requests/{s.request.uuid}/offers?token={bad}").status_code == 403
        )
    choose = f"/client/requests/{s.request.uuid}/choose"
    assert (
        call(
            "post", choose, body={"token": other, "offer": str(s.offers[0].uuid), "reasons": "x"}
        ).status_code
        == 403
    )
    assert (
        call(
            "post", choose, body={"token": token, "offer": str(s.offers[0].uuid), "reasons": ""}
        ).status_code
        == 422
    )
    assert not Award.objects.exists()
    done = call(
        "post",
        choose,
        body={"token": token, "offer": str(s.offers[0].uuid), "reasons": "Leur approche."},
    )
    assert done.status_code == 201
    assert done.json()["decided_by_client"] == s.request.contact_name
    assert (
        call(
            "post", choose, body={"token": token, "offer": str(s.offers[1].uuid), "reasons": "x"}
        ).status_code
        == 409
    )


def test_api_query_counts_do_not_grow_with_offers() -> None:
    counts = []
    for n in (5, 50):
        s = selection(offers=n, evaluators=1)
        e = s.evaluators[0]
        call("post", f"/evaluators/{e.uuid}/ties", e.person, ties(s))
        secret = token_secret(e.person)
        client = Client()
        client.get(f"{API}/requests/{s.request.uuid}/evaluation", **bearer(secret))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{API}/requests/{s.request.uuid}/evaluation", **bearer(secret))
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    assert counts[1] <= 30
