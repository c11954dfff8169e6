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
