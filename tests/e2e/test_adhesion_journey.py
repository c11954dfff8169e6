"""The adhesion of a tiers-lieu, in the browser: a newcomer creates their organization,
fills and submits its contract, discusses it with a steward who validates it, and
downloads the signed PDF — with axe checks on every page on the way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from cercle.membership.enums import ContractStatus, MenuSection
from cercle.membership.models import AdhesionContract, MenuItem
from cercle.membership.services.menus import menu_seed_defaults
from cercle.network.enums import ActorType
from cercle.network.models import Organization

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PLACE = "La Grange aux Savoirs"
PROPOSAL = "Un atelier mensuel de réparation de vélos, ouvert aux habitants."
QUESTION = "Bienvenue ! Combien de personnes font vivre le lieu au quotidien ?"
ANSWER = "Une salariée et une quinzaine de bénévoles réguliers."


def in_french(text: Any) -> str:
    """What a French reader sees for an English message id (whatever the catalog holds)."""
    with translation.override("fr"):
        return str(text)


@pytest.fixture
def other_page(browser: Any, live_server: Any, e2e_db: None) -> Iterator[Any]:
    """A second browser (own cookies) on the live server: the steward's, next to the
    applicant's `page`. Fails like `page` on JavaScript errors, 5xx and missing assets."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    problems: list[str] = []
    new_page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    def check(response: Any) -> None:
        if response.status >= 500 or (response.status >= 400 and "/static/" in response.url):
            problems.append(f"{response.status} on {response.url}")

    new_page.on("response", check)
    yield new_page
    context.close()
    assert not problems, "\n".join(problems)


def status_badge(page: Any) -> Any:
    return page.locator("main h1 + p .badge").first


def test_a_tiers_lieu_adheres_discusses_with_a_steward_and_downloads_its_contract(
    page: Any,
    other_page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    verified_person: Callable[..., Any],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    """From an empty account to a validated contract and its PDF; every page is axe-clean."""
    menu_seed_defaults(actor=None)
    newcomer = verified_person(first_name="Camille", last_name="Vasseur")
    steward = verified_person(first_name="Ana", last_name="Ribeiro", engagement_level="soucieux")

    # --- The newcomer creates their organization.
    log_in(page, newcomer.user.email)
    page.goto("/structures/nouvelle/")
    assert_accessible(page)
    page.locator("#id_name").fill(PLACE)
    page.locator("#id_actor_type").select_option(ActorType.TIERS_LIEU.value)
    page.locator("#id_territory_code").fill("59350")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/structures/la-grange-aux-savoirs*/")
    expect(page.locator("h1")).to_have_text(PLACE)
    assert_accessible(page)
    organization = Organization.objects.get(name=PLACE)
    assert (organization.actor_type, organization.territory_id) == ("tiers_lieu", "59350")
    assert organization.member_since is None

    # --- They start the adhesion contract for it.
    page.goto("/adhesion/")
    assert_accessible(page)
    page.get_by_label(PLACE, exact=True).check()
    page.locator("main form[action='/adhesion/'] button[type=submit]").click()
    page.wait_for_url("**/adhesion/*-*-*-*-*/")
    assert_accessible(page)
    contract = AdhesionContract.objects.get(applicant_organization=organization)
    assert contract.status == ContractStatus.DRAFT

    # --- One item a section, and a proposal of their own in the "other" need.
    menu = MenuItem.objects.filter(actor_type=ActorType.TIERS_LIEU, is_active=True)
    picked = []
    for section in MenuSection.values:
        item = menu.filter(section=section, is_free_text=False).order_by("position").first()
        assert item is not None, section
        page.locator(f"#section-{section}").get_by_label(item.label, exact=True).check()
        picked.append(item)
    other = menu.get(section=MenuSection.NEED, is_free_text=True)
    page.locator(f"#id_item_{other.uuid}").check()
    # Picking "other" without writing the proposal is refused, next to the empty box.
    page.locator("main form button[name=action][value=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(f"#id_text_{other.uuid}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-errors[role=alert]")).to_have_count(1)
    assert_accessible(page)
    assert AdhesionContract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT
    expect(page.locator(f"#id_item_{other.uuid}")).to_be_checked()
    page.locator(f"#id_text_{other.uuid}").fill(PROPOSAL)
    page.locator("#id_motivation").fill("Nous ouvrons un lieu partagé dans une ancienne ferme.")
    page.locator("main form button[name=action][value=submit]").click()
    page.wait_for_load_state()
    expect(status_badge(page)).to_have_text(in_french(ContractStatus.SUBMITTED.label))
    expect(page.locator("main")).to_contain_text(PROPOSAL)
    assert_accessible(page)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUBMITTED
    chosen = {c.item_id: c.free_text for c in contract.choices.all()}
    assert chosen == {**{item.pk: "" for item in picked}, other.pk: PROPOSAL}
    contract_url = page.url

    # --- A steward finds it in the queue and asks a question: the discussion opens.
    log_in(other_page, steward.user.email)
    other_page.goto("/adhesion/a-traiter/")
    assert_accessible(other_page)
    other_page.locator("main table").get_by_role("link", name=PLACE).click()
    other_page.wait_for_url(contract_url)
    expect(other_page.locator("#discussion")).to_be_visible()
    assert_accessible(other_page)
    other_page.locator("#discussion textarea[name=body]").fill(QUESTION)
    other_page.locator("#discussion form button[type=submit]").click()
    expect(other_page.locator("#discussion .thread")).to_contain_text(QUESTION)
    assert_accessible(other_page)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_DISCUSSION

    # --- The applicant reads it and answers.
    page.reload()
    expect(status_badge(page)).to_have_text(in_french(ContractStatus.IN_DISCUSSION.label))
    expect(page.locator("#discussion .thread")).to_contain_text(QUESTION)
    assert_accessible(page)
    page.locator("#discussion textarea[name=body]").fill(ANSWER)
    page.locator("#discussion form button[type=submit]").click()
    expect(page.locator("#discussion .thread")).to_contain_text(ANSWER)
    assert contract.comments.count() == 2

    # --- The steward reads the answer and validates.
    other_page.reload()
    expect(other_page.locator("#discussion .thread")).to_contain_text(ANSWER)
    other_page.locator("main form[action$='/valider/'] button[type=submit]").click()
    other_page.wait_for_load_state()
    expect(status_badge(other_page)).to_have_text(in_french(ContractStatus.VALIDATED.label))
    assert_accessible(other_page)
    contract.refresh_from_db()
    organization.refresh_from_db()
    assert contract.status == ContractStatus.VALIDATED
    assert contract.decided_by == steward
    assert organization.member_since is not None
    assert newcomer.user.email in {address for message in mailoutbox for address in message.to}

    # --- The applicant sees it validated and downloads the PDF.
    page.reload()
    expect(status_badge(page)).to_have_text(in_french(ContractStatus.VALIDATED.label))
    assert_accessible(page)
    pdf_link = page.locator(f"main a[href='/adhesion/{contract.uuid}/pdf/']")
    expect(pdf_link).to_be_visible()
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # The adhesion home now lists the validated contract.
    page.goto("/adhesion/")
    expect(page.locator("main table")).to_contain_text(PLACE)
    expect(page.locator("main table")).to_contain_text(in_french(ContractStatus.VALIDATED.label))
