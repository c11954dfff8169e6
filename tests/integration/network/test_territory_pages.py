"""The territory suggestions behind the forms (htmx) and the plain search page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("network:territory_search")


def test_htmx_gets_options_for_the_typed_value(client: Client) -> None:
    """htmx sends the input's value under the field's name; the answer is bare <option>s."""
    response = client.get(
        URL,
        {"territory_code": "lille"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "territory_code"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="59350">Lille (59350)' in html
    assert "<html" not in html


def test_htmx_with_q(client: Client) -> None:
    response = client.get(URL, {"q": "2A"}, headers={"HX-Request": "true"})
    assert '<option value="2A">' in response.content.decode()


def test_multiple_codes_complete_the_last_one(client: Client) -> None:
    response = client.get(
        URL,
        {"territory_codes": "59, 62, lill", "multiple": "1"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "territory_codes"},
    )
    assert '<option value="59, 62, 59350">' in response.content.decode()


def test_too_short_or_unknown_queries_give_no_option(client: Client) -> None:
    for q in ["", "l", "zzzqqqxx"]:
        response = client.get(URL, {"q": q}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<option" not in response.content.decode()


def test_the_plain_page_works_without_javascript(client: Client) -> None:
    response = client.get(URL, {"q": "Ajaccio"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "2A004" in html


def test_an_overlong_query_is_a_400(client: Client) -> None:
    response = client.get(URL, {"q": "x" * 200})
    assert response.status_code == 400
    assert "<html" in response.content.decode()
