"""Generated HelloAsso CSV files: one cell of the real export replaced by garbage, random
bytes inserted, lines cut or doubled. The import never crashes: it imports, or refuses
with a field error that names the bad line, and then nothing was written; the good file
imported twice creates nothing the second time. (The Loomio JSONL import has the same
properties in tests/properties/test_loomio_properties.py.)"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core.errors import ApplicationError
from cercle.reciprocity.models import Payment
from cercle.reciprocity.services import declarations_helloasso as helloasso
from tests.factories.core import UserFactory
from tests.factories.missions import consultant
from tests.factories.reciprocity_declarations import invoiced, steward
from tests.fuzz.harness import GARBAGE, changed, database_snapshot

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "helloasso" / "paiements.csv"
).read_bytes()
LINES = SAMPLE.decode("utf-8-sig").splitlines()
EXAMPLES = int(os.environ.get("CERCLE_FUZZ_IMPORT_EXAMPLES", "40"))
QUIET = list(HealthCheck)


@st.composite
def broken_exports(draw: st.DrawFn) -> tuple[bytes, int | None]:
    """A damaged export, and the line whose cell was replaced (None for other damage)."""
    lines = list(LINES)
    how = draw(st.sampled_from(["cell", "cell", "cell", "bytes", "cut", "double", "drop"]))
    line: int | None = None
    if how == "cell":
        index = draw(st.integers(1, len(lines) - 1))
        cells = lines[index].split(";")
        column = draw(st.integers(0, len(cells) - 1))
        cells[column] = draw(
            GARBAGE.filter(
                lambda v: not re.search(r"[;\r\n\"\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", v)
            )
        )
        lines[index] = ";".join(cells)
        line = index + 1
        content = ("\ufeff" + "\n".join(lines) + "\n").encode()
    else:
        content = SAMPLE
        at = draw(st.integers(0, len(content)))
        if how == "bytes":
            content = content[:at] + draw(st.binary(min_size=1, max_size=20)) + content[at:]
        elif how == "cut":
            content = content[:at]
        elif how == "double":
            content = content + content
        else:
            content = content[:at] + content[at + draw(st.integers(1, 40)) :]
    return content, line


@pytest.fixture
def capucine_owes_300() -> None:
    person = consultant(user=UserFactory(email="capucine.bernardin@example.org"))
    invoiced(person=person, year=2025, amount="300")


@pytest.mark.usefixtures("capucine_owes_300")
def test_a_damaged_helloasso_export_imports_or_is_refused_with_its_line_and_nothing_written() -> (
    None
):
    actor = steward().user
    outcomes: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=QUIET)
    @given(export=broken_exports())
    def check(export: tuple[bytes, int | None]) -> None:
        content, line = export
        with transaction.atomic():
            before = database_snapshot()
            try:
                helloasso.helloasso_import_file(actor=actor, content=content)
            except ValidationError as refusal:
                outcomes.append("refused")
                assert changed(before, database_snapshot()) == {}
                messages = refusal.message_dict["file"]
                assert messages
                numbered = [m for m in messages if re.match(r"^\D*\d+\s*:", m)]
                if line is not None and numbered:
                    assert any(re.match(rf"^\D*{line}\s*:", m) for m in numbered), messages
            except ApplicationError:
                outcomes.append("refused")
                assert changed(before, database_snapshot()) == {}
            else:
                outcomes.append("imported")
            transaction.set_rollback(True)

    check()
    assert "refused" in outcomes


@pytest.mark.usefixtures("capucine_owes_300")
def test_the_good_export_imported_twice_creates_nothing_the_second_time() -> None:
    actor = steward().user
    first = helloasso.helloasso_import_file(actor=actor, content=SAMPLE)
    payments = Payment.objects.count()
    before = database_snapshot()
    second = helloasso.helloasso_import_file(actor=actor, content=SAMPLE)
    assert first.created > 0
    assert second.created == 0
    assert second.already == first.created
    assert Payment.objects.count() == payments
    # Only the journal's record of the (empty) second import is new.
    diff = changed(before, database_snapshot())
    assert set(diff) <= {"core.JournalEntry", "core.JournalHead", "journal_head"}, diff
