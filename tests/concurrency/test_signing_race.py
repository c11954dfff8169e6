"""Signing under concurrency: members sign the charter twice at the same moment (a
double click), applicants start their adhesion contract twice at once.

One signature per person and version, one open contract per applicant; the repeated
attempt is refused with a message, never a server error; one journal entry each."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import Conflict
from cercle.membership.models import AdhesionContract, CharterSignature
from cercle.membership.services.charter import charter_sign
from cercle.membership.services.contracts import contract_start
from tests.concurrency.race import (
    assert_books_and_journal_hold,
    journal_count,
    kinds,
    together,
    unexpected,
    workers,
)
from tests.factories.membership_charter import CharterVersionFactory, MemberFactory
from tests.factories.network import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def test_double_signatures_and_double_contract_starts_keep_one_each() -> None:
    n = workers()
    version = CharterVersionFactory()
    signers = [MemberFactory() for _ in range(n // 4)]
    applicants = [PersonFactory() for _ in range(n // 4)]

    def sign(person: Any) -> Any:
        return lambda: charter_sign(
            actor=person.user,
            version_number=version.number,
            consents_to_listing=True,
            mandates_follow_up=True,
        )

    def start(person: Any) -> Any:
        return lambda: contract_start(actor=person.user)

    calls = [sign(p) for p in signers] * 2 + [start(p) for p in applicants] * 2
    outcomes = together(calls)

    half = 2 * len(signers)
    assert unexpected(outcomes[:half], ValidationError) == []
    assert kinds(outcomes[:half]) == {"ok": len(signers), "ValidationError": len(signers)}
    signatures = CharterSignature.objects.filter(version=version)
    assert Counter(signatures.values_list("person_id", flat=True)) == {p.pk: 1 for p in signers}
    assert journal_count("charter.signed") == len(signers)

    assert unexpected(outcomes[half:], Conflict) == []
    assert kinds(outcomes[half:]) == {"ok": len(applicants), "Conflict": len(applicants)}
    contracts = AdhesionContract.objects.filter(applicant_person__in=applicants)
    assert Counter(contracts.values_list("applicant_person_id", flat=True)) == {
        p.pk: 1 for p in applicants
    }
    assert journal_count("contract.started") == len(applicants)
    assert_books_and_journal_hold()
