"""Garbage posted to the main HTML forms: missing fields, huge strings, NUL bytes,
unicode, absurd numbers and dates, wrong choices and identifiers, extra fields.

Whatever is posted, the answer is never a server error; and when the form refuses (any
4xx), the database is exactly as before: every row of every table, and the journal's head.
The fields are read from the page itself, so a new field is fuzzed without editing here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings

from tests.factories.decisions_proposals import ProposalFactory
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories.missions import (
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import PersonFactory, StewardFactory, SupporterFactory
from tests.fuzz.harness import Form, changed, database_snapshot, form_on, garbage_for
from tests.integration.core.conftest import logged_in
from tests.unit.missions.test_selection_builders import selection

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("CERCLE_FUZZ_FORM_EXAMPLES", "12"))


def _public_request() -> tuple[Client, Form]:
    client = Client()
    return client, form_on(client, "/demandes/deposer/", "/demandes/deposer/")


def _profile() -> tuple[Client, Form]:
    client = logged_in(PersonFactory(engagement_level="sympathisant"))
    return client, form_on(client, "/compte/profil/", "/compte/profil/")


def _organization() -> tuple[Client, Form]:
    client = logged_in(SupporterFactory())
    return client, form_on(client, "/structures/nouvelle/", "/structures/nouvelle/")


def _qualify() -> tuple[Client, Form]:
    client = logged_in(StewardFactory())
    page = f"/demandes/{SupportRequestFactory().uuid}/qualifier/"
    return client, form_on(client, page, "qualifier")


def _team() -> tuple[Client, Form]:
    client = logged_in(consultant())
    page = f"/demandes/{QualifiedRequestFactory().uuid}/equipes/nouvelle/"
    return client, form_on(client, page, "equipes/nouvelle")


def _offer() -> tuple[Client, Form]:
    team = TeamFactory()
    client = logged_in(team.lead)
    page = f"/demandes/{team.request.uuid}/offre/"
    return client, form_on(client, page, "offre")


def _scores() -> tuple[Client, Form]:
    s = selection(evaluators=1)
    client = logged_in(s.evaluators[0].person)
    page = f"/demandes/{s.request.uuid}/evaluation/"
    ties = {f"tie_{team.uuid}": "none" for team in s.teams}
    assert client.post(page + "liens/", ties).status_code == 302
    return client, form_on(client, page, "notes")


def _declaration() -> tuple[Client, Form]:
    client = logged_in(consultant())
    page = "/contributions/declarations/nouvelle/"
    return client, form_on(client, page, page)


def _payment() -> tuple[Client, Form]:
    client = logged_in(StewardFactory())
    page = "/contributions/paiements/nouveau/"
    return client, form_on(client, page, page)


def _proposal() -> tuple[Client, Form]:
    group = GroupFactory()
    member = SupporterFactory()
    GroupMembershipFactory(group=group, person=member)
    client = logged_in(member)
    page = f"/decisions/groupes/{group.slug}/nouvelle-proposition/"
    return client, form_on(client, page, "nouvelle-proposition")


def _vote() -> tuple[Client, Form]:
    proposal = ProposalFactory()
    member = SupporterFactory()
    GroupMembershipFactory(group=proposal.group, person=member)
    client = logged_in(member)
    return client, form_on(client, f"/decisions/propositions/{proposal.uuid}/", "voter")


def _comment() -> tuple[Client, Form]:
    thread = ThreadFactory()
    member = SupporterFactory()
    GroupMembershipFactory(group=thread.group, person=member)
    client = logged_in(member)
    return client, form_on(client, f"/decisions/fils/{thread.uuid}/", "commenter")


def _event() -> tuple[Client, Form]:
    client = logged_in(StewardFactory())
    return client, form_on(client, "/evenements/nouveau/", "/evenements/nouveau/")


def _in_kind() -> tuple[Client, Form]:
    client = logged_in(SupporterFactory())
    page = "/contributions/en-nature/"
    return client, form_on(client, page, page)


def _regulation() -> tuple[Client, Form]:
    client = logged_in(StewardFactory())
    page = "/regulation/nouveau/"
    return client, form_on(client, page, page)


def _support_letter() -> tuple[Client, Form]:
    client = logged_in(SupporterFactory())
    page = "/lettres-de-soutien/demander/"
    return client, form_on(client, page, page)


FORMS: dict[str, Callable[[], tuple[Client, Form]]] = {
    "public request": _public_request,
    "profile": _profile,
    "organization": _organization,
    "qualify": _qualify,
    "team": _team,
    "offer": _offer,
    "scores": _scores,
    "declaration": _declaration,
    "payment": _payment,
    "proposal": _proposal,
    "vote": _vote,
    "comment": _comment,
    "event": _event,
    "in-kind contribution": _in_kind,
    "regulation case": _regulation,
    "support letter": _support_letter,
}


@pytest.mark.parametrize("name", list(FORMS))
def test_garbage_never_errs_and_a_refusal_changes_nothing(name: str) -> None:
    client, form = FORMS[name]()
    statuses: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=garbage_for(form))
    def post(data: dict[str, Any]) -> None:
        cache.clear()  # the rate limit of open forms would answer every later example
        with transaction.atomic():
            before = database_snapshot()
            response = client.post(form.action, data)
            statuses.append(response.status_code)
            assert response.status_code < 500, (form.action, data)
            if response.status_code >= 400:
                assert changed(before, database_snapshot()) == {}, (form.action, data)
            transaction.set_rollback(True)

    post()
    # The form was reached, not only the NUL-byte guard or the login page.
    assert any(status != 302 or name in {"public request"} for status in statuses), statuses
