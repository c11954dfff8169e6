"""Signed links (the client's choice, the satisfaction survey, the request's
confirmation, unsubscribing): they expire, they hold for one purpose and one object, an
edited token is refused, and the client's link no longer awards once a team is chosen."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from cercle.core.errors import NotAllowed
from cercle.core.signed_links import make_token, read_token
from cercle.missions.enums import SelectionMode
from cercle.missions.models import Award
from cercle.missions.services import selection_award
from tests.unit.missions.test_selection_builders import selection

DAY = 24 * 3600
SUBJECT = "5f0c6b1e-8a1e-4f7e-9d8e-3a1b2c3d4e5f"
OTHER = "0b7d1c2e-1111-4222-8333-944455566677"


def _later(days: float) -> Any:
    return mock.patch("django.core.signing.time.time", return_value=time.time() + days * DAY)


def test_a_token_holds_until_its_age_then_expires() -> None:
    token = make_token("client", SUBJECT)
    with _later(29.9):
        assert read_token(token, "client", SUBJECT, max_age_days=30)["s"] == SUBJECT
    with _later(30.1), pytest.raises(NotAllowed) as refusal:
        read_token(token, "client", SUBJECT, max_age_days=30)
    assert "expir" in str(refusal.value.message).lower()


def test_a_token_for_one_object_or_purpose_does_not_open_another() -> None:
    token = make_token("client", SUBJECT)
    with pytest.raises(NotAllowed):
        read_token(token, "client", OTHER, max_age_days=30)
    with pytest.raises(NotAllowed):
        read_token(token, "survey", SUBJECT, max_age_days=30)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_edit_of_a_token_is_refused(data: st.DataObject) -> None:
    token = make_token("client", SUBJECT)
    position = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.")
    )
    edited = token[:position] + replacement + token[position + 1 :]
    if edited == token:
        return
    with pytest.raises(NotAllowed):
        read_token(edited, "client", SUBJECT, max_age_days=30)


@settings(max_examples=100, deadline=None)
@given(garbage=st.text(max_size=200))
def test_any_garbage_token_is_refused_not_a_crash(garbage: str) -> None:
    with pytest.raises(NotAllowed):
        read_token(garbage, "client", SUBJECT, max_age_days=30)


# ---------------------------------------------------------------- the client's link


def _offers_url(request: Any, token: str) -> str:
    return f"/api/v1/client/requests/{request.uuid}/offers?token={token}"


def _choose(request: Any, token: str, offer: Any) -> Any:
    return Client().post(
        f"/api/v1/client/requests/{request.uuid}/choose",
        {"token": token, "offer": str(offer.uuid), "reasons": "La méthode nous convient."},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_the_client_link_of_request_a_does_not_open_request_b() -> None:
    a, b = selection(mode=SelectionMode.CLIENT), selection(mode=SelectionMode.CLIENT)
    token_a = make_token(selection_award.CLIENT_LINK_PURPOSE, str(a.request.uuid))
    assert Client().get(_offers_url(a.request, token_a)).status_code == 200
    assert Client().get(_offers_url(b.request, token_a)).status_code == 403
    assert _choose(b.request, token_a, b.offers[0]).status_code == 403
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_an_expired_or_edited_client_link_is_refused_and_awards_nothing() -> None:
    s = selection(mode=SelectionMode.CLIENT)
    token = make_token(selection_award.CLIENT_LINK_PURPOSE, str(s.request.uuid))
    with _later(selection_award.CLIENT_LINK_DAYS + 1):
        assert Client().get(_offers_url(s.request, token)).status_code == 403
        assert _choose(s.request, token, s.offers[0]).status_code == 403
    edited = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _choose(s.request, edited, s.offers[0]).status_code == 403
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_the_client_link_chooses_once_then_closes() -> None:
    s = selection(mode=SelectionMode.CLIENT)
    token = make_token(selection_award.CLIENT_LINK_PURPOSE, str(s.request.uuid))
    assert _choose(s.request, token, s.offers[0]).status_code == 201
    again = _choose(s.request, token, s.offers[1])
    assert again.status_code in {403, 409}, again.content
    assert Award.objects.count() == 1
