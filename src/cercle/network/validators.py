"""Validators for French identifiers: SIRET numbers and territory codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN whose SIRET numbers do not pass Luhn; INSEE
# documents that their digits sum to a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"

# Metropolitan départements 01–95 without 20 (Corsica is 2A and 2B since 1976), the
# overseas départements 971–978, and the overseas collectivities that INSEE's code
# lists with them: 984 (TAAF), 986 (Wallis-et-Futuna), 987 (French Polynesia),
# 988 (New Caledonia), 989 (Clipperton). A commune code is its département's code
# followed by three digits (two overseas). Use `fullmatch`: `$` would let a final
# newline through.
_METROPOLE = r"0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B"
_OVERSEAS = r"97[1-8]|98[46-9]"
DEPARTMENT_RE = re.compile(rf"(?:{_METROPOLE}|{_OVERSEAS})")
COMMUNE_RE = re.compile(rf"(?:(?:{_METROPOLE})[0-9]{{3}}|(?:{_OVERSEAS})[0-9]{{2}})")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siret(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{14}", value or ""):
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return luhn_ok(value)


def normalize_siret(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siret(value: str) -> None:
    if not re.fullmatch(r"[0-9]{14}", value or ""):
        raise ValidationError(_("A SIRET number has exactly 14 digits."), code="siret_length")
    if not is_valid_siret(value):
        raise ValidationError(
            _("This SIRET number is not valid (its check digit is wrong)."), code="siret_luhn"
        )


def is_territory_code_shape(value: str) -> bool:
    """Whether a code looks like a département or a commune code (INSEE)."""
    return bool(DEPARTMENT_RE.fullmatch(value or "") or COMMUNE_RE.fullmatch(value or ""))
