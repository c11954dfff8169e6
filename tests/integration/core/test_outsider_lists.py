"""A person who signed up but is not a member reads lists that answer 200 (the regulation
cases, support letters, proposals, contracts, declarations and payments, as pages and
through the API). Each list must hold only their own records: another person's record of
each kind is planted, and neither its identifier nor its words appear in the answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cercle.decisions.enums import GroupVisibility
from tests.factories.decisions_letters import SupportLetterRequestFactory
from tests.factories.decisions_proposals import ProposalFactory
from tests.factories.decisions_threads import GroupFactory
from tests.factories.membership_charter import ContributorMemberFactory, RegulationCaseFactory
from tests.factories.membership_contracts import ContractFactory
from tests.factories.missions import consultant
from tests.factories.network import PersonFactory
from tests.factories.reciprocity_declarations import invoiced, paid
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

VICTIM = "Victime-Plantee"


@pytest.fixture
def planted() -> dict[str, Any]:
    """Another person's record of each kind, and the outsider's own contract."""
    victim = consultant(last_name=VICTIM)
    declaration = invoiced(person=victim)
    records: dict[str, Any] = {
        "regulation": RegulationCaseFactory(
            person=victim, raised_by=ContributorMemberFactory(), concern="Grief-Secret-Plante"
        ),
        "letter": SupportLetterRequestFactory(
            requested_by=victim, project_name="Projet-Lettre-Secret"
        ),
        "proposal_members": ProposalFactory(
            group=GroupFactory(visibility=GroupVisibility.MEMBERS), title="Proposition-Membres"
        ),
        "proposal_group": ProposalFactory(
            group=GroupFactory(visibility=GroupVisibility.GROUP), title="Proposition-Groupe"
        ),
        "contract": ContractFactory(applicant_person=victim),
        "declaration": declaration,
        "payment": paid(declaration, "600.00"),
    }
    outsider = PersonFactory(last_name="Juste-Inscrit")
    return {
        "records": records,
        "outsider": outsider,
        "own_contract": ContractFactory(applicant_person=outsider),
    }


WORDS = (VICTIM, "Grief-Secret-Plante", "Projet-Lettre-Secret", "Proposition-")

PAGES = (
    "membership:regulation_list",
    "decisions:letter_list",
    "decisions:proposal_list",
    "reciprocity:declaration_list",
    "reciprocity:payment_list",
)
API = (
    "/api/v1/regulation-cases",
    "/api/v1/support-letters",
    "/api/v1/proposals",
    "/api/v1/contracts",
    "/api/v1/declarations",
    "/api/v1/payments",
)


def _secrets(planted: dict[str, Any]) -> list[str]:
    return [str(record.uuid) for record in planted["records"].values()] + list(WORDS)


def _found(body: str, planted: dict[str, Any]) -> list[str]:
    return [secret for secret in _secrets(planted) if secret in body]


@pytest.mark.parametrize("route", PAGES)
def test_an_outsiders_list_page_shows_nobody_elses_records(
    route: str, planted: dict[str, Any]
) -> None:
    response = logged_in(planted["outsider"]).get(reverse(route))
    assert response.status_code == 200
    assert _found(response.content.decode(), planted) == []


@pytest.mark.parametrize("path", API)
def test_an_outsiders_api_list_holds_nobody_elses_records(
    path: str, planted: dict[str, Any]
) -> None:
    secret = token_secret(planted["outsider"])
    response = Client().get(path, **bearer(secret))
    assert response.status_code == 200
    assert _found(response.content.decode(), planted) == []


def test_the_outsider_still_reads_their_own_contract(planted: dict[str, Any]) -> None:
    secret = token_secret(planted["outsider"])
    response = Client().get("/api/v1/contracts", **bearer(secret))
    assert str(planted["own_contract"].uuid) in response.content.decode()


def test_anonymous_proposals_api_lists_no_members_or_group_proposal(
    planted: dict[str, Any],
) -> None:
    response = Client().get("/api/v1/proposals")
    assert response.status_code == 200
    assert _found(response.content.decode(), planted) == []


def test_the_planted_records_are_seen_by_those_who_may(planted: dict[str, Any]) -> None:
    """The check above can fail: the victim's own lists do carry the planted records."""
    victim = planted["records"]["declaration"].person
    secret = token_secret(victim)
    client = Client()
    for path, key in (
        ("/api/v1/regulation-cases", "regulation"),
        ("/api/v1/support-letters", "letter"),
        ("/api/v1/contracts", "contract"),
        ("/api/v1/declarations", "declaration"),
        ("/api/v1/payments", "payment"),
        ("/api/v1/proposals", "proposal_members"),
    ):
        body = client.get(path, **bearer(secret)).content.decode()
        assert str(planted["records"][key].uuid) in body, path
