"""A visitor's first visit: sign up, confirm the address, switch language, make an API
token, log out — with axe checks on every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from cercle.core.models import ApiToken, User, hash_token
from cercle.network.models import Person
from tests.e2e.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

EMAIL = "lea.martin@example.org"


def confirmation_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body)
    assert match, f"no confirmation link in:\n{message.body}"
    return match.group(0)


def logout_button(page: Any) -> Any:
    return page.locator("header form[action='/compte/logout/'] button")


def test_a_visitor_signs_up_confirms_switches_to_english_makes_a_token_and_logs_out(
    page: Any,
    assert_accessible: Callable[[Any], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    """The whole first visit works in the browser, and every page on the way is axe-clean."""
    # The home page, in French, for an anonymous visitor.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    assert_accessible(page)

    # Sign up from the navigation.
    page.locator("header nav a[href='/compte/signup/']").click()
    page.wait_for_url("**/compte/signup/")
    assert_accessible(page)
    page.locator("#id_first_name").fill("Léa")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    # The site asks to check the mailbox; nobody is logged in yet.
    page.wait_for_url("**/compte/confirm-email/")
    assert_accessible(page)
    assert logout_button(page).count() == 0
    person = Person.objects.get(user__email=EMAIL)
    assert (person.first_name, person.last_name) == ("Léa", "Martin")
    assert [message.to for message in mailoutbox] == [[EMAIL]]

    # The link in the e-mail leads to a confirmation page; confirming logs in.
    page.goto(confirmation_link(mailoutbox[0]))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert logout_button(page).count() == 1
    french_label = logout_button(page).inner_text().strip()
    assert french_label != "Log out"

    # Switch to English: the page and the person's stored choice follow.
    page.locator("#language-select").select_option("en")
    page.locator(".lang-switch button[type=submit]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert logout_button(page).inner_text().strip() == "Log out"
    assert User.objects.get(email=EMAIL).language == "en"

    # Create an API token: the secret is shown once, and only its hash is kept.
    page.goto("/compte/jetons/")
    assert_accessible(page)
    page.locator("#id_name").fill("My script")
    page.locator("main form button[type=submit]").first.click()
    secret = page.locator("code.secret").inner_text().strip()
    assert secret.startswith(ApiToken.PREFIX)
    token = ApiToken.objects.get(user__email=EMAIL)
    assert token.key_hash == hash_token(secret)
    assert_accessible(page)

    # Log out from the header.
    logout_button(page).click()
    page.wait_for_load_state()
    assert logout_button(page).count() == 0
    assert page.locator("header nav a[href='/compte/login/']").count() == 1
    page.goto("/compte/jetons/")
    assert "/compte/login/" in page.url


def test_account_and_core_pages_are_accessible_in_every_state(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    verified_person: Callable[..., Any],
) -> None:
    """Login, sign-up and reset (also with errors), 404, and a member's account pages,
    tokens and journal: axe finds nothing."""
    for path in ("/compte/login/", "/compte/password/reset/", "/page-qui-n-existe-pas/"):
        page.goto(path)
        assert_accessible(page)

    page.goto("/compte/signup/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".form-errors[role=alert]").count() == 1
    assert_accessible(page)

    member = verified_person(engagement_level="sympathisant")
    page.goto("/compte/login/")
    page.locator("#id_login").fill(member.user.email)
    page.locator("#id_password").fill("wrong password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".form-errors[role=alert]").count() == 1
    assert_accessible(page)

    log_in(page, member.user.email)
    for path in ("/compte/email/", "/compte/password/change/", "/journal/", "/compte/logout/"):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

    page.goto("/compte/jetons/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#id_name[aria-invalid=true]").count() == 1
    assert_accessible(page)
