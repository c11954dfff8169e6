"""What an archive promises about its database, read with plain SQL.

The same queries run on the database being saved (inside the dump's snapshot on
PostgreSQL, on the copied file on SQLite) and on the restored one, so the two sets of
facts can be compared: record counts per model, the journal head, the ledger's totals
and the latest migration of each app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps

Run = Callable[[str], Sequence[Sequence[Any]]]
"""Runs one SQL statement without parameters and returns its rows."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def model_tables() -> dict[str, str]:
    """Every table Django manages, by model label (many-to-many tables included)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


@dataclass
class Facts:
    counts: dict[str, int] = field(default_factory=dict)
    journal_seq: int = 0
    journal_hash: str = ""
    ledger_total: str = "0.00"
    unbalanced_transactions: int = 0
    migrations: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        return cls(
            counts={str(k): int(v) for k, v in dict(data.get("counts", {})).items()},
            journal_seq=int(data.get("journal_seq", 0)),
            journal_hash=str(data.get("journal_hash", "")),
            ledger_total=str(data.get("ledger_total", "0.00")),
            unbalanced_transactions=int(data.get("unbalanced_transactions", 0)),
            migrations={str(k): str(v) for k, v in dict(data.get("migrations", {})).items()},
        )


def _cents(value: Any) -> str:
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def read_facts(run: Run, existing_tables: set[str]) -> Facts:
    """Read the facts of one database; tables that do not exist there are left out."""
    from cercle.core.models import JournalHead
    from cercle.reciprocity.models import LedgerLine, LedgerTransaction

    facts = Facts()
    for label, table in model_tables().items():
        if table in existing_tables:
            facts.counts[label] = int(run(f"SELECT COUNT(*) FROM {quote(table)}")[0][0])  # noqa: S608
    head = JournalHead._meta.db_table
    if head in existing_tables:
        rows = run(f"SELECT seq, hash FROM {quote(head)} WHERE id = 1")  # noqa: S608
        if rows:
            facts.journal_seq, facts.journal_hash = int(rows[0][0]), str(rows[0][1])
    lines, txns = LedgerLine._meta.db_table, LedgerTransaction._meta.db_table
    if lines in existing_tables and txns in existing_tables:
        link = quote(LedgerLine._meta.get_field("transaction").column)
        joined = f"FROM {quote(lines)} l JOIN {quote(txns)} t ON l.{link} = t.id WHERE t.is_posted"
        facts.ledger_total = _cents(run(f"SELECT SUM(l.amount) {joined}")[0][0])
        facts.unbalanced_transactions = int(
            run(
                f"SELECT COUNT(*) FROM (SELECT t.id {joined} GROUP BY t.id"  # noqa: S608
                " HAVING ROUND(SUM(l.amount), 2) <> 0) AS unbalanced"
            )[0][0]
        )
    if "django_migrations" in existing_tables:
        for app, name in run("SELECT app, name FROM django_migrations"):
            if name > facts.migrations.get(app, ""):
                facts.migrations[app] = name
        facts.migrations = dict(sorted(facts.migrations.items()))
    return facts


def compare_counts(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    """The models whose count differs, as 'label: expected → actual'."""
    differences = []
    for label in sorted(set(expected) | set(actual)):
        if label not in expected:
            continue  # a model this archive predates: nothing was promised
        if expected[label] != actual.get(label):
            differences.append(f"{label}: {expected[label]} → {actual.get(label, '—')}")
    return differences
