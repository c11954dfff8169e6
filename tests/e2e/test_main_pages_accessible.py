"""Every main page of the demo network, as the role that uses it, checked with axe.

Each page is its own test (one id a page), all in the session's single Chromium. The live
server's database is emptied after each test, so each one loads the demo network again
(about a second) and logs in once, through the form, as the role the page is for.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from cercle.demo import data
from cercle.demo.loader import email_for
from cercle.membership.enums import ContractStatus
from cercle.membership.models import AdhesionContract, RegulationCase
from cercle.membership.services.regulation import regulation_case_raise
from cercle.network.models import Organization, Person

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ANONYMOUS, MEMBER, STEWARD = "", "maelle", "solene"
"""Demo logins: Maëlle is a consultant in the circle who administers Quentric Conseil;
Solène is the first steward."""


def person(key: str) -> Person:
    return Person.objects.get(user__email=email_for(key))


def organization(key: str) -> Organization:
    name = next(row[1] for row in data.ORGANIZATIONS if row[0] == key)
    return Organization.objects.get(name=name)


def amended_contract() -> str:
    """Quentric Conseil's contract in force: version 2, with version 1 in its history."""
    contract = AdhesionContract.objects.get(
        applicant_organization=organization("quentric-conseil"), status=ContractStatus.VALIDATED
    )
    return f"/adhesion/{contract.uuid}/"


def decided_case() -> str:
    return f"/regulation/{RegulationCase.objects.get(person=person('gaspard')).uuid}/"


def open_case() -> str:
    """A concern just raised by another steward: the page shows the hearing form."""
    case = regulation_case_raise(
        actor=person("yanis").user,
        person=person("theo"),
        concern="Une mission démarrée sans prévenir le réseau.",
    )
    return f"/regulation/{case.uuid}/"


@dataclass(frozen=True)
class MainPage:
    id: str
    role: str
    path: str | Callable[[], str]
    shows: str = ""
    """A CSS selector the page must match for this role (the part worth checking)."""

    def url(self) -> str:
        return self.path if isinstance(self.path, str) else self.path()


PAGES = [
    # Anyone
    MainPage("home", ANONYMOUS, "/"),
    MainPage("directory", ANONYMOUS, "/annuaire/", "main .card"),
    MainPage(
        "member-page", ANONYMOUS, lambda: f"/annuaire/{person('maelle').slug}/", "main ul.tags"
    ),
    MainPage("charter", ANONYMOUS, "/charte/"),
    MainPage("charter-versions", ANONYMOUS, "/charte/versions/"),
    MainPage("charter-version-1", ANONYMOUS, "/charte/versions/1/"),
    MainPage("organization-list", ANONYMOUS, "/structures/"),
    MainPage("organization-detail", ANONYMOUS, lambda: organization("filature").get_absolute_url()),
    MainPage("skill-list", ANONYMOUS, "/competences/"),
    MainPage("territory-search", ANONYMOUS, "/territoires/?q=Lille", "#id_q"),
    MainPage("login", ANONYMOUS, "/compte/login/"),
    MainPage("signup", ANONYMOUS, "/compte/signup/"),
    MainPage("password-reset", ANONYMOUS, "/compte/password/reset/"),
    # A member (consultant in the circle, administrator of an organization)
    MainPage("profile", MEMBER, "/compte/profil/"),
    MainPage("consultant-profile", MEMBER, "/compte/profil/accompagnement/"),
    MainPage("tokens", MEMBER, "/compte/jetons/"),
    MainPage("my-data", MEMBER, "/compte/mes-donnees/"),
    MainPage("journal", MEMBER, "/journal/"),
    MainPage("adhesion-home", MEMBER, "/adhesion/"),
    MainPage("contract-detail", MEMBER, amended_contract, "main details[id^=version-]"),
    MainPage(
        "organization-detail-admin",
        MEMBER,
        lambda: organization("quentric-conseil").get_absolute_url(),
        "form[action$='/membres/']",
    ),
    MainPage("engagements", MEMBER, "/engagements/", "main form"),
    MainPage("circle", MEMBER, "/cercle/"),
    # A steward
    MainPage("steward-home", STEWARD, "/soucieux/"),
    MainPage("contract-queue", STEWARD, "/adhesion/a-traiter/", "main tbody a"),
    MainPage("menus", STEWARD, "/adhesion/menus/", "main form[action$='/deplacer/']"),
    MainPage("charter-publish", STEWARD, "/charte/publier/", "main form textarea"),
    MainPage("engagement-follow-up", STEWARD, "/soucieux/engagements/"),
    MainPage("resign-list", STEWARD, "/soucieux/a-resigner/", "main tbody a[href^=mailto]"),
    MainPage("regulation-list", STEWARD, "/regulation/"),
    MainPage("regulation-case-decided", STEWARD, decided_case),
    MainPage("regulation-case-open", STEWARD, open_case, "form[action$='/audition/']"),
    MainPage(
        "person-with-level-form",
        STEWARD,
        lambda: person("agathe").get_absolute_url(),
        "form[action$='/niveau/']",
    ),
    MainPage("skill-create", STEWARD, "/competences/nouvelle/", "#id_name"),
]


@pytest.fixture
def demo(e2e_db: None) -> None:
    """The demo network, in the live server's database (the territories are there)."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize("main_page", PAGES, ids=[p.id for p in PAGES])
def test_main_page_is_accessible(
    main_page: MainPage,
    demo: None,
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
) -> None:
    """The page answers 200 to its role, has one h1, and axe finds no violation."""
    if main_page.role:
        log_in(page, email_for(main_page.role), data.DEMO_PASSWORD)
    url = main_page.url()
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"
    assert page.url.endswith(url), f"{url} led to {page.url}"
    assert page.locator("h1").count() == 1
    if main_page.shows:
        assert page.locator(main_page.shows).count() >= 1, f"{url} lacks {main_page.shows}"
    assert_accessible(page)
