"""The official list of départements and communes, from the npm package
@etalab/decoupage-administratif (INSEE's Code officiel géographique, Licence Ouverte)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.network.enums import TerritoryKind
from cercle.network.models import Territory

DEFAULT_SOURCE = (
    settings.PROJECT_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
)


def territories_load(*, source: Path = DEFAULT_SOURCE) -> int:
    """Create or refresh every département and current commune. Idempotent.

    Returns how many territories exist afterwards.
    """
    try:
        departments = json.loads((source / "departements.json").read_text(encoding="utf-8"))
        communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{error.filename} is missing: run `npm ci` (make does it) to install the "
            "territory data."
        ) from error
    rows = [
        Territory(
            code=d["code"], name=d["nom"], kind=TerritoryKind.DEPARTEMENT, department_code=d["code"]
        )
        for d in departments
    ]
    rows += [
        Territory(
            code=c["code"],
            name=c["nom"],
            kind=TerritoryKind.COMMUNE,
            department_code=c.get("departement", ""),
        )
        for c in communes
        if c.get("type") == "commune-actuelle"
    ]
    with transaction.atomic():
        Territory.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "kind", "department_code"],
        )
        total = Territory.objects.count()
        journal.record(
            actor=None,
            verb="territories.loaded",
            object_type="network.territory",
            object_id="all",
            payload={"count": total},
            visibility=Visibility.PUBLIC,
        )
    return total
