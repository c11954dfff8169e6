"""Regressions for what the bad-input tests found, one example each (the fuzzing tests
find them again at random; these pin them)."""

from __future__ import annotations

import pytest

from tests.factories.missions import consultant
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["0", "-317814", "10000", "99999999"])
def test_a_declaration_for_an_absurd_year_is_a_form_error_not_a_500(year: str) -> None:
    response = logged_in(consultant()).post(
        "/contributions/declarations/nouvelle/", {"year": year, "amount_ht": "10"}
    )
    assert response.status_code == 400
    assert "year" in response.context["form"].errors


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/helloasso-imports",
        "/api/v1/requests/{uuid}/documents",
        "/api/v1/offers/{uuid}/files",
    ],
)
def test_a_multipart_body_without_boundary_is_a_400_not_a_500(url: str) -> None:
    """schemathesis sent `Content-Type: multipart/form-data` with no boundary to the
    upload endpoints: Django's parser error surfaced as a 500."""
    from django.test import Client

    from tests.factories.network import StewardFactory
    from tests.integration.core.conftest import bearer, token_secret

    headers = bearer(token_secret(StewardFactory()))
    response = Client(raise_request_exception=False).post(
        url.replace("{uuid}", "3ec3b9cb-d710-41f5-9d62-fff1778bc194"),
        data=b"--x\r\n",
        content_type="multipart/form-data",
        **headers,  # type: ignore[arg-type]
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("body", ['"AAA"', "[null, null]", "true", "12"])
def test_a_json_body_that_is_not_an_object_is_refused_and_creates_nothing(body: str) -> None:
    """schemathesis posted `"AAA"` and `[null, null]` as bodies: ninja read them as an
    empty object, so a reading criterion or an adhesion contract was created from nothing
    (201) and profiles 'updated' (200)."""
    from django.test import Client

    from cercle.core.models import JournalEntry
    from tests.factories.network import StewardFactory
    from tests.integration.core.conftest import bearer, token_secret

    headers = bearer(token_secret(StewardFactory()))
    entries = JournalEntry.objects.count()
    for method, url in [
        ("post", "/api/v1/reading-criteria"),
        ("post", "/api/v1/contracts"),
        ("patch", "/api/v1/me"),
    ]:
        response = getattr(Client(), method)(
            url, data=body, content_type="application/json", **headers
        )
        assert response.status_code in {400, 422}, (url, response.status_code, response.content)
    assert JournalEntry.objects.count() == entries


def test_values_that_cannot_be_rounded_or_stored_are_a_422_not_a_500(db: None) -> None:
    """The long schemathesis run: 5e46 hours of animation time (rounding to the cent
    raised decimal.InvalidOperation), a payout of 5e46 euros, an event starting at
    0363-09-24 05:10:01-22:57 (PostgreSQL cannot store that offset)."""
    from django.test import Client

    from tests.factories.missions import CommonFactory
    from tests.factories.network import StewardFactory
    from tests.integration.core.conftest import bearer, token_secret

    headers = bearer(token_secret(StewardFactory()))
    client = Client(raise_request_exception=False)
    common = CommonFactory()
    calls = [
        ("/api/v1/animation-time", {"hours": 5.368431607636035e46, "worked_on": "2026-01-05"}),
        (
            f"/api/v1/commons/{common.slug}/payouts",
            {"paid_on": "2026-01-05", "amount": 5.368431607636035e46, "beneficiary": "Collectif"},
        ),
        (
            "/api/v1/events",
            {
                "title": "Rencontre",
                "kind": "seminar",
                "starts_at": "0363-09-24T05:10:01-22:57",
                "ends_at": "0363-09-24T07:10:01-22:57",
            },
        ),
    ]
    for url, body in calls:
        response = client.post(url, body, content_type="application/json", **headers)  # type: ignore[arg-type]
        assert response.status_code < 500, (url, response.content[:300])
