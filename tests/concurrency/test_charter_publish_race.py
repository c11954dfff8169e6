"""Stewards publishing a version of the charter at the same moment.

Each publication takes the next number; two that take the same one must not both land,
and the one that loses is told so (a 409: reload and look at the new version), never a
server error. Versions stay numbered without gaps, one journal entry each."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.core.errors import Conflict
from cercle.membership.models import CharterEngagement, CharterVersion
from cercle.membership.services.charter import charter_version_publish
from tests.concurrency.race import (
    assert_books_and_journal_hold,
    journal_count,
    kinds,
    together,
    unexpected,
    workers,
)
from tests.factories.network import StewardFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]

ENGAGEMENTS = [{"code": "share", "title": "Partager", "text": "Je partage ce que je produis."}]


def test_simultaneous_publications_number_versions_once_and_refuse_the_losers() -> None:
    stewards = [StewardFactory() for _ in range(workers(postgresql=16, sqlite=6))]

    def publish(steward: Any, n: int) -> Any:
        return lambda: charter_version_publish(
            actor=steward.user, title=f"Charte {n}", closing="J'accepte.", engagements=ENGAGEMENTS
        )

    outcomes = together([publish(s, n) for n, s in enumerate(stewards)])

    assert unexpected(outcomes, Conflict) == []
    published = kinds(outcomes)["ok"]
    assert published >= 1
    numbers = list(CharterVersion.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, published + 1))
    assert {o.value.title for o in outcomes if o.ok} == set(
        CharterVersion.objects.values_list("title", flat=True)
    )
    assert CharterEngagement.objects.count() == published  # no half-published version
    assert journal_count("charter.published") == published
    assert_books_and_journal_hold()
