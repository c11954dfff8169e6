"""Export: a person's personal data as a ZIP of JSON files and their PDFs.

Rows are found generically: every table with a link to the person or to their login
(profile, memberships, signatures, contracts, requests, team places, offers through their
teams, missions, declarations, payments, votes, comments, registrations, notifications…),
plus the rows hanging from those that are theirs too (scores they gave, receipts, vote
choices, declaration lines). One query a table, whatever the amount of data.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cercle.core.models import User
from cercle.core.privacy.erasure import can_erase

# Never exported: secrets (hashes of passwords and tokens, feed keys) and chain internals.
SECRET_COLUMNS = frozenset({"password", "key_hash", "token", "session_data", "digest_salt"})
# Rows that are the person's through a row of theirs: (model, link to that row's model).
SECOND_HOP = {
    "missions.score": "evaluator",
    "missions.tiedeclaration": "evaluator",
    "missions.offer": "team",
    "reciprocity.receipt": "payment",
    "reciprocity.declarationline": "declaration",
    "decisions.votechoice": "vote",
}
# Rows a row of theirs points to: (model, the row of theirs, its link).
REFERENCED = {"network.organization": ("network.organizationmembership", "organization")}
# Handled apart (journal: only what they may see) or not theirs to take (sessions).
_SKIPPED = {"core.journalentry", "sessions.session", "core.journalhead"}


def can_export(*, actor: User | None, user: User) -> None:
    """The same people who may erase: the person, staff, or the operator."""
    can_erase(actor=actor, user=user)


def _row(obj: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_COLUMNS:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.attname] = value
    return data


def _links(model: type[models.Model], targets: set[type[models.Model]]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in targets
    ]


def personal_rows(user: User) -> dict[str, list[dict[str, Any]]]:
    """Table label → the person's rows, as JSON-ready dictionaries."""
    from cercle.core import selectors
    from cercle.network.models import Person

    person = Person.objects.filter(user=user).first()
    owners: dict[type[models.Model], list[Any]] = {User: [user.pk]}
    if person is not None:
        owners[Person] = [person.pk]
    rows: dict[str, list[dict[str, Any]]] = {}
    first_hop: dict[str, set[Any]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _SKIPPED or model._meta.proxy or not model._meta.managed:
            continue
        match = Q()
        if model in owners:
            match |= Q(pk__in=owners[model])
        for name in _links(model, set(owners)):
            target = model._meta.get_field(name).related_model
            match |= Q(**{f"{name}__in": owners[target]})  # type: ignore[index]
        if not match:
            continue
        found = list(model._default_manager.filter(match).order_by("pk"))
        if found:
            rows[label] = [_row(obj) for obj in found]
            first_hop[label] = {obj.pk for obj in found}
    for label, link in SECOND_HOP.items():
        model = apps.get_model(label)
        target = model._meta.get_field(link).related_model._meta.label_lower  # type: ignore[union-attr]
        keys = first_hop.get(target)
        if keys:
            found = model._default_manager.filter(**{f"{link}__in": keys}).order_by("pk")
            extra = [_row(obj) for obj in found if obj.pk not in first_hop.get(label, set())]
            rows[label] = rows.get(label, []) + extra
    for label, (source, link) in REFERENCED.items():
        keys = {row[f"{link}_id"] for row in rows.get(source, [])}
        if keys:
            found = apps.get_model(label)._default_manager.filter(pk__in=keys).order_by("pk")
            rows[label] = [_row(obj) for obj in found]
    audience = selectors.journal_audience(user)
    entries = selectors.journal_entry_list(audience=audience).filter(
        Q(actor=user) | Q(subject=user)
    )
    rows["core.journalentry"] = [_row(entry) for entry in entries.order_by("seq")]
    return {label: found for label, found in rows.items() if found}


def _documents(user: User) -> Iterable[tuple[str, bytes]]:
    """Their PDFs: receipts of their payments and their signed charters."""
    from cercle.core.pdf import render_pdf
    from cercle.membership.models import CharterSignature
    from cercle.membership.selectors.charter import signature_pdf, signature_pdf_filename
    from cercle.reciprocity.models import Receipt

    receipts = Receipt.objects.filter(payment__payer_person__user=user).select_related("payment")
    for receipt in receipts.order_by("pk"):
        # The receipt's own template, with the context the receipt page gives it.
        pdf = render_pdf(
            "pdf/receipt.html",
            {
                "receipt": receipt,
                "payment": receipt.payment,
                "association_name": getattr(settings, "ASSOCIATION_NAME", ""),
                "association_address": getattr(settings, "ASSOCIATION_ADDRESS", ""),
                "association_siren": getattr(settings, "ASSOCIATION_SIREN", ""),
            },
        )
        yield f"documents/recu-{receipt.number}.pdf", pdf
    signatures = CharterSignature.objects.filter(person__user=user).select_related(
        "person", "version"
    )
    for signature in signatures.order_by("pk"):
        name = signature_pdf_filename(signature=signature)
        yield f"documents/{name}", signature_pdf(signature=signature)


def personal_data_export(*, actor: User | None, user: User, with_documents: bool = True) -> bytes:
    """The ZIP a person downloads: one JSON file a table, a README, their PDFs."""
    can_export(actor=actor, user=user)
    rows = personal_rows(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.json",
            json.dumps(
                {
                    "exported_at": timezone.now(),
                    "account": user.pk,
                    "tables": {label: len(found) for label, found in rows.items()},
                    "about": "docs/privacy.md",
                },
                cls=DjangoJSONEncoder,
                indent=2,
            ),
        )
        for label, found in rows.items():
            archive.writestr(
                f"{label}.json",
                json.dumps(found, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            )
        if with_documents:
            for name, data in _documents(user):
                archive.writestr(name, data)
    return buffer.getvalue()
