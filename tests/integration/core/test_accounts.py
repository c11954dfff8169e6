"""Accounts (django-allauth) inside our layout: sign-up with a name, mandatory e-mail
verification, login, logout, password reset and change, e-mail management."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from cercle.core.models import User
from cercle.network.models import Person
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "another long passphrase 42"


def verified_person(email: str = "claire@example.org") -> Person:
    """A person whose login e-mail is confirmed, as after a finished sign-up."""
    person = PersonFactory(user__email=email)
    EmailAddress.objects.create(user=person.user, email=email, verified=True, primary=True)
    return person


def link_in(message: mail.EmailMessage, path_prefix: str) -> str:
    """The path of the first link in an e-mail that starts with `path_prefix`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]*)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(1)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sign_up(client: Client, email: str = "nadia@example.org") -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Nadia",
            "last_name": "Benali",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def log_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_entrance_pages_render_in_our_layout_in_french(client: Client, url_name: str) -> None:
    """Every entrance page is a page of the site: French, our skip link, one main, one h1."""
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert 'class="skip-link"' in html
    assert html.count("<main") == 1
    assert html.count("<h1") == 1


def test_signup_form_labels_every_field_name_first(client: Client) -> None:
    """Sign-up asks first and last name, then e-mail and password, each with a label."""
    html = client.get(reverse("account_signup")).content.decode()
    for name in ("first_name", "last_name", "email", "password1", "password2"):
        assert f'<label for="id_{name}"' in html, name
    positions = [html.index(f'id="id_{n}"') for n in ("first_name", "last_name", "email")]
    assert positions == sorted(positions)
    # The password rules are read out with the field.
    assert 'aria-describedby="id_password1_helptext"' in html


def test_signup_creates_the_person_sends_a_verification_email_and_does_not_log_in(
    client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    """A sign-up creates the login and the Person, e-mails a confirmation link, and waits."""
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    person = Person.objects.get(user__email="nadia@example.org")
    assert (person.first_name, person.last_name) == ("Nadia", "Benali")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nadia@example.org"]
    link_in(mailoutbox[0], "/compte/confirm-email/")
    assert not is_logged_in(client)
    assert not EmailAddress.objects.get(email="nadia@example.org").verified
    page = client.get(response.url)
    assert page.status_code == 200
    assert "<h1" in page.content.decode()


def test_signup_with_a_missing_name_shows_field_errors_and_creates_nothing(
    client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    """A sign-up without a first name is refused with a linked error; no login, no mail."""
    response = client.post(
        reverse("account_signup"),
        {"last_name": "B", "email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_first_name_errors"' in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html
    assert not User.objects.filter(email="x@example.org").exists()
    assert mailoutbox == []


def test_login_is_refused_until_the_address_is_confirmed(
    client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    """With mandatory verification, the right password is not enough before confirmation."""
    sign_up(client)
    other = Client()
    response = log_in(other, "nadia@example.org")
    assert not is_logged_in(other)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    # Confirming the address (from the first e-mail) opens the door.
    confirm = link_in(mailoutbox[0], "/compte/confirm-email/")
    Client().post(confirm)
    assert EmailAddress.objects.get(email="nadia@example.org").verified
    log_in(other, "nadia@example.org")
    assert is_logged_in(other)


def test_following_the_confirmation_link_asks_then_confirms_and_logs_in(
    client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    """The link shows a confirm button (GET changes nothing); the POST confirms and logs in."""
    sign_up(client)
    confirm = link_in(mailoutbox[0], "/compte/confirm-email/")
    page = client.get(confirm)
    assert page.status_code == 200
    html = page.content.decode()
    assert "nadia@example.org" in html
    assert '<button type="submit">' in html
    assert not EmailAddress.objects.get(email="nadia@example.org").verified
    response = client.post(confirm)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nadia@example.org").verified
    assert is_logged_in(client)
    assert client.session["_auth_user_id"] == str(User.objects.get(email="nadia@example.org").pk)


def test_a_wrong_confirmation_key_says_so(client: Client) -> None:
    """An invalid link is explained, in the layout, and confirms nothing."""
    response = client.get("/compte/confirm-email/not-a-key/")
    assert response.status_code in {200, 404}
    html = response.content.decode()
    assert "<main" in html
    assert reverse("account_login") in html


def test_login_with_a_wrong_password_is_refused_with_a_message(client: Client) -> None:
    """A wrong password re-renders the form with an alert and does not log in."""
    verified_person()
    response = log_in(client, "claire@example.org", "wrong password")
    assert not is_logged_in(client)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_login_and_logout_of_a_confirmed_person(client: Client) -> None:
    """A confirmed person logs in; logout asks first (GET) and happens on POST."""
    verified_person()
    response = log_in(client, "claire@example.org")
    assert response.status_code == 302
    assert is_logged_in(client)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert is_logged_in(client)
    client.post(reverse("account_logout"))
    assert not is_logged_in(client)


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    """Reset: e-mail, link, new password form; the new password works, the old one not."""
    verified_person()
    response = client.post(reverse("account_reset_password"), {"email": "claire@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    link = link_in(mailoutbox[0], "/compte/password/reset/key/")
    # allauth moves the key into the session and redirects to a key-less address.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert '<label for="id_password1"' in html
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("account_reset_password_from_key_done")
    assert client.get(done.url).status_code == 200
    assert User.objects.get(email="claire@example.org").check_password(NEW_PASSWORD)
    other = Client()
    log_in(other, "claire@example.org", PASSWORD)
    assert not is_logged_in(other)
    log_in(other, "claire@example.org", NEW_PASSWORD)
    assert is_logged_in(other)


def test_a_used_or_wrong_reset_link_is_explained(client: Client) -> None:
    """A bad reset key shows 'link not valid' with a way to ask again."""
    person = verified_person()
    response = client.get(f"/compte/password/reset/key/{person.user.pk}-bad-key/", follow=True)
    assert response.status_code == 200
    assert reverse("account_reset_password") in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_password_change_needs_the_current_password(client: Client) -> None:
    """Change password: a wrong current password is refused; the right one changes it."""
    person = verified_person()
    client.force_login(person.user)
    url = reverse("account_change_password")
    page = client.get(url)
    assert page.status_code == 200
    assert '<label for="id_oldpassword"' in page.content.decode()
    assert 'aria-current="page"' in page.content.decode()
    wrong = client.post(
        url, {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert 'id="id_oldpassword_errors"' in wrong.content.decode()
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)
    client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)


def test_email_page_lists_addresses_and_adds_one_with_verification(
    client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    """The e-mail page labels each address; adding one sends it a confirmation e-mail."""
    person = verified_person()
    client.force_login(person.user)
    url = reverse("account_email")
    html = client.get(url).content.decode()
    assert '<label for="email_radio_0">' in html
    assert "claire@example.org" in html
    assert "<legend>" in html
    response = client.post(url, {"action_add": "", "email": "claire.pro@example.org"})
    assert response.status_code == 302
    added = EmailAddress.objects.get(email="claire.pro@example.org")
    assert added.user == person.user
    assert not added.verified
    assert [m.to for m in mailoutbox] == [["claire.pro@example.org"]]


def test_email_page_rejects_an_invalid_address_with_a_field_error(client: Client) -> None:
    """A malformed address is refused on its field and nothing is added."""
    person = verified_person()
    client.force_login(person.user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "not an email"})
    assert 'id="id_email_errors"' in response.content.decode()
    assert EmailAddress.objects.filter(user=person.user).count() == 1


def test_account_pages_need_a_login(client: Client) -> None:
    """E-mail and password pages send an anonymous visitor to the login page."""
    for name in ("account_email", "account_change_password"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_pages_we_do_not_override_still_use_our_layout_and_labels(client: Client) -> None:
    """allauth pages without our own template (re-authentication) render in the layout,
    with labelled fields from our field partial."""
    person = verified_person()
    client.force_login(person.user)
    response = client.get(reverse("account_reauthenticate"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="skip-link"' in html
    assert '<label for="id_password"' in html
    assert html.count("<h1") == 1


def test_an_invalid_login_answers_400_with_the_error(client: Any) -> None:
    """allauth's own views follow the house rule: bad input is a 4xx with field errors."""
    response = client.post("/compte/login/", {"login": "nobody@exemple.org", "password": "wrong"})
    assert response.status_code == 400
    assert response.context["form"].errors


def test_an_invalid_sign_up_answers_400_and_creates_nothing(client: Any) -> None:
    before = User.objects.count()
    response = client.post(
        "/compte/signup/",
        {
            "email": "pas-une-adresse",
            "password1": "x",
            "password2": "y",
            "first_name": "",
            "last_name": "",
        },
    )
    assert response.status_code == 400
    assert User.objects.count() == before
