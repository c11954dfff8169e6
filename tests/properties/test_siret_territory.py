"""Properties of the French identifiers: SIRET (Luhn, La Poste) and territory codes."""

from __future__ import annotations

import string
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cercle.network.models import Territory
from cercle.network.services import _territory
from cercle.network.validators import (
    LA_POSTE_SIREN,
    is_territory_code_shape,
    is_valid_siret,
    luhn_ok,
    validate_siret,
)

digits = st.text(alphabet=string.digits, min_size=13, max_size=13)


def luhn_complete(body: str) -> str:
    """The 14-digit number made of `body` and the check digit that satisfies Luhn."""
    for check in string.digits:
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("some check digit always satisfies Luhn")


@st.composite
def luhn_sirets(draw: Any) -> str:
    siret = luhn_complete(draw(digits))
    assume(not siret.startswith(LA_POSTE_SIREN))
    return siret


@given(luhn_sirets())
def test_any_luhn_valid_14_digit_number_passes(siret: str) -> None:
    assert is_valid_siret(siret)
    validate_siret(siret)


@given(luhn_sirets(), st.integers(min_value=0, max_value=13), st.integers(1, 9))
def test_changing_any_single_digit_fails(siret: str, position: int, shift: int) -> None:
    """Luhn catches every single-digit error."""
    changed = str((int(siret[position]) + shift) % 10)
    mutated = siret[:position] + changed + siret[position + 1 :]
    assume(not mutated.startswith(LA_POSTE_SIREN))
    assert not is_valid_siret(mutated)
    with pytest.raises(ValidationError):
        validate_siret(mutated)


@given(st.text(alphabet=string.digits, max_size=30).filter(lambda s: len(s) != 14))
def test_a_number_without_14_digits_fails(value: str) -> None:
    assert not is_valid_siret(value)
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == "siret_length"


@given(st.text(min_size=14, max_size=14).filter(lambda s: not s.isascii() or not s.isdigit()))
def test_fourteen_characters_that_are_not_all_digits_fail(value: str) -> None:
    assert not is_valid_siret(value)


@given(st.text(alphabet=string.digits, min_size=5, max_size=5))
def test_la_poste_numbers_follow_their_own_rule(rest: str) -> None:
    """La Poste's establishments: the digits add up to a multiple of 5, Luhn or not."""
    siret = LA_POSTE_SIREN + rest
    assert is_valid_siret(siret) is (sum(int(c) for c in siret) % 5 == 0)


# --- Territory codes ------------------------------------------------------------------


@pytest.mark.django_db
def test_every_code_in_the_territory_table_has_a_valid_shape() -> None:
    codes = list(Territory.objects.values_list("code", flat=True))
    assert len(codes) > 30000
    assert [c for c in codes if not is_territory_code_shape(c)] == []


@pytest.mark.django_db
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_sample_of_real_codes_is_accepted_and_found(data: Any) -> None:
    """The database is only read here, so sharing the test's transaction is safe."""
    codes = _all_codes()
    code = data.draw(st.sampled_from(codes))
    assert is_territory_code_shape(code)
    assert _territory(code.lower()).code == code


_CODES: list[str] = []


def _all_codes() -> list[str]:
    if not _CODES:
        _CODES.extend(Territory.objects.order_by("code").values_list("code", flat=True))
    return _CODES


@given(st.text(max_size=8).filter(lambda s: len(s) not in (2, 3, 5)))
def test_garbage_of_the_wrong_length_is_rejected(value: str) -> None:
    assert not is_territory_code_shape(value)


@given(st.text(min_size=2, max_size=5).filter(lambda s: any(c not in "0123456789AB" for c in s)))
def test_garbage_with_other_characters_is_rejected(value: str) -> None:
    assert not is_territory_code_shape(value)


OVERSEAS = {f"97{n}" for n in range(1, 9)} | {"984", "986", "987", "988", "989"}


@given(st.text(alphabet=string.digits, min_size=3, max_size=3))
def test_three_digit_codes_are_only_overseas(value: str) -> None:
    assert is_territory_code_shape(value) is (value in OVERSEAS)


@given(
    st.sampled_from(["59", "2A", "974", "59350", "2B033", "97411", "98735"]),
    st.sampled_from(["\n", " ", "-", "x", ".", "\t", "é"]),
)
def test_anything_around_a_code_is_rejected(code: str, junk: str) -> None:
    """No prefix, suffix or final newline slips through."""
    assert not is_territory_code_shape(code + junk)
    assert not is_territory_code_shape(junk + code)


@given(st.sampled_from(["00", "20", "96", "97", "98", "99", "2C", "AB", "B2", "20000", "00123"]))
def test_codes_that_never_existed_are_rejected(value: str) -> None:
    assert not is_territory_code_shape(value)


@pytest.mark.django_db
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=12))
def test_looking_up_any_text_finds_a_territory_or_gives_a_field_error(value: str) -> None:
    """Never a crash: either a territory with that code, or a field error."""
    code = value.strip().upper()
    # Only well-shaped codes reach the database (PostgreSQL refuses NUL characters).
    if is_territory_code_shape(code) and Territory.objects.filter(code=code).exists():
        assert _territory(value, "where").code == code
    else:
        with pytest.raises(ValidationError) as error:
            _territory(value, "where")
        assert list(error.value.message_dict) == ["where"]
