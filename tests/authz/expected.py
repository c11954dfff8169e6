"""The matrix's expected answers, kept as data in `expected.tsv`: one line per operation
and state, `<operation>\t<state>\trole=status role=status …`.

Adding a route: run `AUTHZ_RECORD=/tmp/rows.json pytest tests/authz -k '<route>'`, check
each recorded status against who may do what (anonymous → 302 to the login page or 401,
a role without the right → 403 or 404, a read it may do → 200, an empty POST it may send
→ 400/422/409), and add the reviewed line here.
"""

from __future__ import annotations

from pathlib import Path


def _load() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in (Path(__file__).parent / "expected.tsv").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        operation, state, cells = line.split("\t")
        rows.setdefault(operation, {})[state] = cells
    return rows


EXPECTED = _load()
