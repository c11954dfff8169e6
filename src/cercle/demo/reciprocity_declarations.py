"""Demo yearly declarations and payments, made through the services: declarations at
each stage (declared, invoiced, partly paid, paid), a HelloAsso import with a
contribution to match, a donation from someone outside the network, a membership fee
and a refund. Invented people only (the demo's keys)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cercle.demo.loader import Demo
from cercle.reciprocity.enums import PaymentKind, PaymentMethod
from cercle.reciprocity.services import declarations as declarations_services
from cercle.reciprocity.services import declarations_helloasso as helloasso
from cercle.reciprocity.services import declarations_payments as payments
from cercle.reciprocity.services import declarations_refunds as refund_services


def load_reciprocity_declarations(demo: Demo) -> None:
    steward = demo.user("solene")
    today = timezone.localdate()
    year = today.year - 1

    # Maëlle splits her declaration over her missions when she has some.
    maelle = demo.people["maelle"]
    missions = list(declarations_services.eligible_missions(person=maelle, year=year)[:2])
    lines = [{"mission": str(m.uuid), "amount_ht": "150.00"} for m in missions]
    amount = Decimal("150.00") * len(lines) if lines else Decimal("300.00")
    first = declarations_services.declaration_create(
        actor=demo.user("maelle"),
        year=year,
        amount_ht=amount,
        note="Deux accompagnements de lieux ruraux cette année.",
        lines=lines,
    )
    first = declarations_services.declaration_invoice(actor=steward, declaration=first)
    payments.payment_record(
        actor=steward,
        kind=PaymentKind.CONTRIBUTION,
        method=PaymentMethod.TRANSFER,
        paid_on=today - datetime.timedelta(days=3),
        gross=amount / 2,
        declaration=first,
        note="Premier virement",
    )

    # Théo declares and pays everything by transfer, then is refunded a little.
    theo = declarations_services.declaration_create(
        actor=demo.user("theo"), year=year, amount_ht="240.00"
    )
    theo = declarations_services.declaration_invoice(actor=steward, declaration=theo)
    paid = payments.payment_record(
        actor=steward,
        kind=PaymentKind.CONTRIBUTION,
        method=PaymentMethod.TRANSFER,
        paid_on=today - datetime.timedelta(days=2),
        gross="240.00",
        declaration=theo,
    )
    refund_services.payment_refund(
        actor=steward, payment=paid, amount="40.00", reason="Montant corrigé avec Théo"
    )

    # Inès has declared; a steward has not invoiced yet.
    declarations_services.declaration_create(
        actor=demo.user("ines"), year=year, amount_ht="180.00", note="Selon le guide."
    )

    # Gaspard is invoiced and pays through HelloAsso (import); Louise pays on HelloAsso
    # without an invoiced declaration: her contribution waits to be matched.
    gaspard = declarations_services.declaration_create(
        actor=demo.user("gaspard"), year=year, amount_ht="120.00"
    )
    declarations_services.declaration_invoice(actor=steward, declaration=gaspard)
    day = (today - datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    rows = [
        ("HA-DEMO-1", "120,00", "Payé", demo.people["gaspard"], "Paiement"),
        ("HA-DEMO-2", "90,00", "Payé", demo.people["louise"], "Paiement"),
        ("HA-DEMO-3", "35,00", "Payé", demo.people["agathe"], "Adhésion"),
    ]
    lines_csv = [
        "Référence commande;Référence paiement;Montant total;Date du paiement;"
        "Statut du paiement;Nom payeur;Prénom payeur;Email payeur;Campagne;Type de campagne"
    ]
    for ref, value, status, person, kind in rows:
        lines_csv.append(
            f"C-{ref};{ref};{value};{day};{status};{person.last_name};{person.first_name};"
            f"{person.user.email};Réciprocités;{kind}"
        )
    lines_csv.append(
        f"C-HA-DEMO-4;HA-DEMO-4;20,00;{day};Payé;Garnier;Josiane;"
        "josiane.garnier@example.net;Soutenir le réseau;Don"
    )
    helloasso.helloasso_import_file(
        actor=steward, content=("\ufeff" + "\n".join(lines_csv) + "\n").encode()
    )

    # A donation by cheque from a friend of the network.
    payments.payment_record(
        actor=steward,
        kind=PaymentKind.DONATION,
        method=PaymentMethod.CHEQUE,
        paid_on=today - datetime.timedelta(days=10),
        gross="50.00",
        payer_name="Raymonde Lacroix",
        payer_email="raymonde.lacroix@example.net",
    )
