"""Reciprocity, in the browser (issue 4), every page on the way checked with axe:

1. missions awarded under each policy: a steward sees each one's policy and switches one
   (with a reason); the lead sets a self-assessed amount; the steward proposes a
   negotiated amount that the lead confirms; the lead declares a flat-rate mission's
   turnover and corrects it (the history keeps both, the amount follows the rule);
2. a yearly declaration: declared globally by the consultant, invoiced by a steward, paid
   in part by hand; the consultant sees what is still due and downloads the receipt;
3. a HelloAsso import: a dry run, the import, the same file again (nothing new), a broken
   file (the line at fault is named, nothing is imported);
4. the FEC of a year, downloaded from the exports page: 18 tab-separated columns,
   every entry balanced;
5. the public yearly report and its PDF, for an anonymous visitor.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect
from pypdf import PdfReader

from cercle.core.models import JournalEntry
from cercle.missions.models import Mission
from cercle.network.models import Person
from cercle.reciprocity.enums import (
    ContributionStatus,
    DeclarationStatus,
    JournalCode,
    PaymentKind,
    PaymentMethod,
    PolicyKind,
)
from cercle.reciprocity.models import (
    LedgerLine,
    MissionContribution,
    Payment,
    TurnoverDeclaration,
    YearlyDeclaration,
)
from cercle.reciprocity.selectors.policies import contribution_of, rule_in_words
from cercle.reciprocity.selectors.reports_fec import FEC_COLUMNS, fec_filename
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import CommonFactory, consultant
from tests.factories.reciprocity_declarations import invoiced
from tests.factories.reciprocity_policies import TurnoverDeclarationFactory, awarded_mission

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

D = Decimal


# ---------------------------------------------------------------- helpers


def fr(msgid: str) -> str:
    """What a French reader sees for an English message id (whatever the catalog holds)."""
    with translation.override("fr"):
        return gettext(msgid)


def fr_plural(singular: str, plural: str, n: int) -> str:
    with translation.override("fr"):
        return ngettext(singular, plural, n) % {"n": n}


def in_french(text: Any) -> str:
    with translation.override("fr"):
        return str(text)


def squash(text: str) -> str:
    """Spaces of any kind (narrow no-break ones in French numbers) as one plain space."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def money(value: Decimal) -> str:
    """An amount as the templates show it with `floatformat:"2g"` (e.g. 11 500,50), its
    spaces squashed."""
    with translation.override("fr"):
        return squash(str(floatformat(value, "2g")))


def localized(value: Decimal) -> str:
    """A Decimal as a template prints it as it is (e.g. 350,00), its spaces squashed."""
    with translation.override("fr"):
        return squash(str(formats.localize(value)))


def can_log_in(person: Person) -> Person:
    EmailAddress.objects.create(
        user=person.user, email=person.user.email, verified=True, primary=True
    )
    return person


def switch_to(page: Any, log_in: Callable[..., None], person: Person) -> None:
    """Leave the current session and log in as someone else, in the same browser."""
    page.context.clear_cookies()
    log_in(page, person.user.email)


def submit(page: Any, form: str) -> int:
    """Submit `form` (a CSS selector); the status of the answer to the POST (302 when
    the page sends the browser on after doing it)."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()
    return int(answer.value.status)


def contribution_page(mission: Mission) -> str:
    return f"/contributions/missions/{mission.uuid}/"


def facts(page: Any) -> str:
    """The contribution section's facts, as read (policy, agreement, turnover, expected)."""
    return squash(page.locator("#contribution-heading + dl.facts").inner_text())


def expected_shown(page: Any) -> str:
    return squash(page.locator("#contribution-heading + dl.facts dd strong").inner_text())


def pdf_text(content: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def steward(verified_person: Callable[..., Any]) -> Person:
    person: Person = verified_person(
        first_name="Hélène",
        last_name="Garnier",
        engagement_level="soucieux",
        member_since=timezone.now(),
    )
    return person


@pytest.fixture
def lead(e2e_db: None) -> Person:
    """A consultant of the circle, able to log in."""
    return can_log_in(consultant(first_name="Maëlle", last_name="Quentric"))


# ---------------------------------------------------------------- 1. policies


def test_missions_under_each_policy_are_set_negotiated_and_declared_in_the_browser(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    steward: Person,
    lead: Person,
) -> None:
    missions = {
        policy: awarded_mission(policy=policy, lead=lead, price_ht=D("12000.00"))
        for policy in PolicyKind.values
    }
    for policy, mission in missions.items():
        assert contribution_of(mission).policy == policy  # type: ignore[union-attr]

    # --- The steward opens each mission's contribution page and sees its policy.
    log_in(page, steward.user.email)
    for policy, mission in missions.items():
        page.goto(contribution_page(mission))
        expect(page.locator("h1")).to_contain_text(mission.request.title)
        assert squash(in_french(PolicyKind(policy).label)) in facts(page)
        assert_accessible(page)

    # --- A policy refused without a reason changes nothing; with one, it is switched.
    switched = missions[PolicyKind.STRUCTURE_FEE]
    page.goto(contribution_page(switched))
    page.locator("#id_policy-policy").select_option(PolicyKind.FLAT_RATE)
    page.locator("#id_policy-rate_percent").fill("4")
    assert submit(page, "form[action$='/politique/']") == 400
    expect(page.locator("#id_policy-reason")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert contribution_of(switched).policy == PolicyKind.STRUCTURE_FEE  # type: ignore[union-attr]
    page.locator("#id_policy-policy").select_option(PolicyKind.FLAT_RATE)
    page.locator("#id_policy-rate_percent").fill("4")
    page.locator("#id_policy-reason").fill("Une mission locale portée par un seul consultant.")
    assert submit(page, "form[action$='/politique/']") == 302
    page.wait_for_url(f"**{contribution_page(switched)}")
    contribution = contribution_of(switched)
    assert contribution is not None
    assert (contribution.policy, contribution.rate_percent) == (PolicyKind.FLAT_RATE, D("4"))
    assert f"{squash(in_french(PolicyKind.FLAT_RATE.label))} — 4 %" in facts(page)
    entry = JournalEntry.objects.get(verb="mission_contribution.policy_changed")
    assert entry.payload["before"][0] == PolicyKind.STRUCTURE_FEE
    assert entry.payload["after"][0] == PolicyKind.FLAT_RATE
    assert entry.payload["reason"].startswith("Une mission locale")
    assert_accessible(page)

    # --- The steward proposes a negotiated amount: agreed on their side only.
    negotiated = missions[PolicyKind.NEGOTIATED]
    page.goto(contribution_page(negotiated))
    page.locator("#id_negotiation-amount_ht").fill("750")
    assert submit(page, "form[action$='/negociation/']") == 302
    contribution = contribution_of(negotiated)
    assert contribution is not None
    assert contribution.negotiated_amount_ht == D("750")
    assert contribution.steward_agreed_at is not None
    assert contribution.consultant_agreed_at is None
    assert fr("lead: not yet") in facts(page)
    assert page.locator("#contribution-heading + dl.facts dd strong").count() == 0
    assert_accessible(page)

    # --- The lead sets the self-assessed amount.
    switch_to(page, log_in, lead)
    self_assessed = missions[PolicyKind.SELF_ASSESSED]
    page.goto(contribution_page(self_assessed))
    assert_accessible(page)
    page.locator("#id_self-amount_ht").fill("420")
    assert submit(page, "form[action$='/auto-evaluation/']") == 302
    contribution = contribution_of(self_assessed)
    assert contribution is not None
    assert contribution.self_assessed_amount_ht == D("420")
    assert expected_shown(page) == f"{money(D('420'))} € HT"
    assert_accessible(page)

    # --- The lead confirms the steward's amount: agreed by both sides.
    page.goto(contribution_page(negotiated))
    assert_accessible(page)
    page.locator("form[action$='/negociation/accord/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("form[action$='/negociation/accord/']")).to_have_count(0)
    contribution = contribution_of(negotiated)
    assert contribution is not None
    assert contribution.status == ContributionStatus.AGREED
    assert contribution.consultant_agreed_at is not None
    assert expected_shown(page) == f"{money(D('750'))} € HT"
    assert fr("lead: agreed") in facts(page)
    assert_accessible(page)

    # --- The lead declares a flat-rate mission's turnover, then corrects it.
    flat = missions[PolicyKind.FLAT_RATE]
    page.goto(contribution_page(flat))
    assert fr("Not declared yet") in facts(page)
    page.locator("#id_turnover-amount_ht").fill("12000")
    assert submit(page, "form[action$='/chiffre-d-affaires/']") == 302
    assert expected_shown(page) == f"{money(D('600'))} € HT"
    page.locator("#id_turnover-amount_ht").fill("11500.50")
    page.locator("#id_turnover-note").fill("Un avoir de 499,50 € sur la dernière facture.")
    assert submit(page, "form[action$='/chiffre-d-affaires/']") == 302
    assert_accessible(page)

    declarations = list(TurnoverDeclaration.objects.filter(mission=flat).order_by("declared_at"))
    assert [d.amount_ht for d in declarations] == [D("12000"), D("11500.50")]
    assert declarations[1].replaces_id == declarations[0].pk
    history = page.locator("table:has(caption) tbody tr")
    expect(history).to_have_count(2)
    newest, oldest = (squash(history.nth(i).inner_text()) for i in (0, 1))
    assert money(D("11500.50")) in newest
    assert fr("Current") in newest
    assert "avoir" in newest
    assert money(D("12000")) in oldest
    assert fr("Replaced") in oldest
    # 5 % of 11 500,50 = 575,025: rounded once, to the cent, halves upwards.
    contribution = contribution_of(flat)
    assert contribution is not None
    assert contribution.rate_percent == D("5")
    with translation.override("fr"):
        expected, rule = rule_in_words(contribution, D("11500.50"))
    assert expected == D("575.03")
    assert expected_shown(page) == f"{money(D('575.03'))} € HT"
    assert squash(rule) in facts(page)

    # --- The lead does not change the policy: that is for stewards.
    expect(page.locator("form[action$='/politique/']")).to_have_count(0)


# ---------------------------------------------------------------- 2. a yearly declaration


def test_a_yearly_declaration_is_invoiced_paid_in_part_and_its_receipt_downloaded(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    steward: Person,
    lead: Person,
) -> None:
    year = timezone.localdate().year
    mission = awarded_mission(policy=PolicyKind.FLAT_RATE, lead=lead)
    TurnoverDeclarationFactory(mission=mission, amount_ht=D("12000.00"))

    # --- The consultant declares for the year, globally.
    log_in(page, lead.user.email)
    page.goto("/contributions/")
    assert_accessible(page)
    page.locator("main a[href*='/contributions/declarations/nouvelle/']").click()
    page.wait_for_load_state()
    expect(page.locator("#id_year")).to_have_value(str(year))
    assert localized(D("600.00")) in squash(page.locator("main p.notice").inner_text())
    assert_accessible(page)
    page.locator("#id_amount_ht").fill("600")
    page.locator("#id_note").fill("Une seule mission cette année.")
    assert submit(page, "main form") == 302
    declaration = YearlyDeclaration.objects.get(person=lead, year=year)
    assert declaration.amount_ht == D("600")
    assert not declaration.lines.exists()
    assert declaration.status == DeclarationStatus.DECLARED
    page.wait_for_url(f"**/contributions/declarations/{declaration.uuid}/")
    assert_accessible(page)

    # --- A steward invoices it, then records a partial payment by hand.
    switch_to(page, log_in, steward)
    page.goto("/contributions/declarations/")
    assert_accessible(page)
    page.goto(f"/contributions/declarations/{declaration.uuid}/")
    assert_accessible(page)
    assert submit(page, "form[action$='/facturer/']") == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.INVOICED
    assert declaration.due_on is not None
    assert_accessible(page)
    page.locator("main a[href*='/contributions/paiements/nouveau/']").click()
    page.wait_for_load_state()
    expect(page.locator("#id_declaration")).to_have_value(str(declaration.uuid))
    assert_accessible(page)
    page.locator("#id_kind").select_option(PaymentKind.CONTRIBUTION)
    page.locator("#id_method").select_option(PaymentMethod.TRANSFER)
    page.locator("#id_gross").fill("250")
    assert submit(page, "main form") == 302
    payment = Payment.objects.get(declaration=declaration)
    assert payment.gross == D("250")
    receipt = payment.receipt
    assert receipt.number.startswith(f"{year}-")
    page.wait_for_url(f"**/contributions/paiements/{payment.uuid}/")
    expect(page.locator(f"main a[href='/contributions/recus/{receipt.uuid}.pdf']")).to_contain_text(
        receipt.number
    )
    assert_accessible(page)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PARTIALLY_PAID

    # --- The consultant sees what is still due, and downloads the receipt.
    switch_to(page, log_in, lead)
    page.goto("/contributions/")
    assert_accessible(page)
    summary = squash(page.locator("main dl.summary").inner_text())
    assert f"{fr('Still due')} {localized(D('350.00'))} € HT" in summary
    declarations = page.locator(
        "main table", has=page.get_by_text(fr("My declarations for the year"), exact=True)
    )
    row = squash(declarations.locator("tbody tr").first.inner_text())
    assert in_french(DeclarationStatus.PARTIALLY_PAID.label) in row
    assert localized(D("350.00")) in row
    link = page.locator(f"main a[href='/contributions/recus/{receipt.uuid}.pdf']")
    expect(link).to_contain_text(receipt.number)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    content = response.body()
    assert content.startswith(b"%PDF")
    assert receipt.number in pdf_text(content)


# ---------------------------------------------------------------- 3. HelloAsso


HEADER = (
    "Référence commande;Référence paiement;Montant total;Date du paiement;Statut du paiement;"
    "Nom payeur;Prénom payeur;Email payeur;Campagne;Type de campagne;Moyen de paiement"
)


def helloasso_csv(rows: list[str]) -> bytes:
    """HelloAsso's "paiements" export: UTF-8 with a BOM, semicolons, CR LF."""
    return ("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


def upload(page: Any, content: bytes, *, dry_run: bool, name: str = "paiements.csv") -> int:
    page.locator("#id_file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.locator("#id_dry_run").set_checked(dry_run)
    return submit(page, "form[enctype='multipart/form-data']")


def report_text(page: Any) -> str:
    return squash(page.locator("main section[aria-labelledby=report-title]").inner_text())


def test_a_helloasso_export_is_checked_imported_once_and_refused_when_broken(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    steward: Person,
    lead: Person,
) -> None:
    year = timezone.localdate().year
    declaration = invoiced(person=lead, year=year, amount="600.00", by=steward)
    day = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    good = helloasso_csv(
        [
            f"93001;63001;300,00;{day} 10:12:45;Payé;Quentric;Maëlle;{lead.user.email};"
            "Contributions;Paiement;Carte bancaire",
            f"93002;63002;40,00;{day};Payé;Lefort;Armand;armand.lefort@example.net;"
            "Adhésion;Adhésion;Carte bancaire",
            f"93003;63003;25,50;{day};Payé;Vasseur;Églantine;eglantine.vasseur@example.net;"
            "Soutenir le réseau;Don;Carte bancaire",
            f"93004;63004;12,00;{day};Payé;Perrot;Basile;basile.perrot@example.net;"
            "Rencontre annuelle;Billetterie;Carte bancaire",
        ]
    )

    log_in(page, steward.user.email)
    page.goto("/contributions/paiements/")
    assert_accessible(page)
    page.goto("/contributions/helloasso/")
    assert_accessible(page)

    # --- A dry run says what would be done and writes nothing.
    assert upload(page, good, dry_run=True) == 200
    expect(page.locator("#report-title")).to_have_text(fr("Check: what the import would do"))
    text = report_text(page)
    assert fr_plural("%(n)s payment created", "%(n)s payments created", 3) in text
    assert (
        fr_plural(
            "%(n)s contribution matched to a declaration",
            "%(n)s contributions matched to a declaration",
            1,
        )
        in text
    )
    assert fr("Line %(n)s") % {"n": 5} in text  # the ticketing line, skipped
    assert_accessible(page)
    assert not Payment.objects.exists()

    # --- For real: three payments, the contribution settles part of the declaration.
    assert upload(page, good, dry_run=False) == 200
    expect(page.locator("#report-title")).to_have_text(fr("What was imported"))
    assert fr_plural("%(n)s payment created", "%(n)s payments created", 3) in report_text(page)
    assert_accessible(page)
    payments = {p.external_id: p for p in Payment.objects.all()}
    assert set(payments) == {"63001", "63002", "63003"}
    assert {p.method for p in payments.values()} == {PaymentMethod.HELLOASSO}
    assert payments["63001"].kind == PaymentKind.CONTRIBUTION
    assert payments["63001"].declaration_id == declaration.pk
    assert payments["63002"].kind == PaymentKind.MEMBERSHIP_FEE
    assert payments["63003"].kind == PaymentKind.DONATION
    assert payments["63003"].gross == D("25.50")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PARTIALLY_PAID
    lines_before = LedgerLine.objects.count()

    # --- The same file again imports nothing.
    assert upload(page, good, dry_run=False) == 200
    text = report_text(page)
    assert fr_plural("%(n)s payment created", "%(n)s payments created", 0) in text
    assert fr_plural("%(n)s already imported", "%(n)s already imported", 3) in text
    assert Payment.objects.count() == 3
    assert LedgerLine.objects.count() == lines_before

    # --- A broken file names the line at fault and imports nothing, not even good lines.
    broken = helloasso_csv(
        [
            f"94001;64001;15,00;{day};Payé;Lefort;Armand;armand.lefort@example.net;"
            "Soutenir le réseau;Don;Carte bancaire",
            f"94002;64002;douze;{day};Payé;Perrot;Basile;basile.perrot@example.net;"
            "Soutenir le réseau;Don;Carte bancaire",
        ]
    )
    assert upload(page, broken, dry_run=False, name="paiements-faux.csv") == 400
    with translation.override("fr"):
        problem = gettext("bad %(what)s “%(value)s”") % {
            "what": gettext("amount"),
            "value": "douze",
        }
        message = gettext("Line %(n)s: %(problems)s.") % {"n": 3, "problems": problem}
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    assert squash(message) in squash(page.locator("main").inner_text())
    assert page.locator("#report-title").count() == 0
    assert_accessible(page)
    assert Payment.objects.count() == 3
    assert not Payment.objects.filter(external_id="64001").exists()


# ---------------------------------------------------------------- 4. the FEC


def test_the_fec_of_a_year_is_downloaded_from_the_exports_page(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    steward: Person,
    lead: Person,
) -> None:
    year = timezone.localdate().year - 1
    common = CommonFactory(name="Logiciel de caisse partagé")
    mission = rr.mission(
        lead=lead, awarded_on=datetime.date(year, 2, 1), commons=[(common, "250.00")]
    )
    first = rr.declaration(
        lead, year, "400.00", lines=[(mission, "400.00")], invoice_on=datetime.date(year, 3, 1)
    )
    rr.pay(first, "150.00", fee="3.15", paid_on=datetime.date(year, 3, 20))
    rr.pay_common(common, mission, "250.00", paid_on=datetime.date(year, 4, 2))
    other = can_log_in(consultant(first_name="Théo", last_name="Lambrechts"))
    rr.declaration(other, year, "90.00", invoice_on=datetime.date(year, 3, 2))
    lines_of_the_year = LedgerLine.objects.filter(
        transaction__fiscal_year=year, transaction__is_posted=True
    ).count()
    assert lines_of_the_year > 0

    log_in(page, steward.user.email)
    page.goto("/contributions/exports/")
    assert_accessible(page)
    page.locator("#id_annee").select_option(str(year))
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_url(f"**/contributions/exports/?annee={year}")
    assert_accessible(page)
    link = page.locator(f"main a[href='/contributions/exports/fec/{year}/']")
    expect(link).to_contain_text(fec_filename(year))
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == fec_filename(year)
    with open(download.path(), "rb") as handle:
        raw = handle.read()
    text = raw.decode("iso-8859-15")
    records = text.split("\r\n")
    assert records[-1] == ""
    rows = [record.split("\t") for record in records[:-1]]
    assert tuple(rows[0]) == FEC_COLUMNS
    assert len(FEC_COLUMNS) == 18
    assert all(len(row) == 18 for row in rows)
    body = [dict(zip(FEC_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert len(body) == lines_of_the_year
    assert {row["JournalCode"] for row in body} == {
        JournalCode.SALES,
        JournalCode.BANK,
        JournalCode.MISC,
    }
    numbers = [row["EcritureNum"] for row in body]
    assert numbers == sorted(numbers, key=lambda n: (len(n), n))

    def amount(value: str) -> Decimal:
        assert "." not in value
        return D(value.replace(",", "."))

    balance: dict[str, list[Decimal]] = defaultdict(lambda: [D(0), D(0)])
    for row in body:
        assert row["EcritureDate"].startswith(str(year))
        assert len(row["EcritureDate"]) == 8
        balance[row["EcritureNum"]][0] += amount(row["Debit"])
        balance[row["EcritureNum"]][1] += amount(row["Credit"])
    assert len(balance) >= 5
    for number, (debit, credit) in balance.items():
        assert debit == credit, f"entry {number}: debit {debit} ≠ credit {credit}"
    # The fee of the payment went to the fees account, with the bank getting the net.
    assert any(amount(row["Debit"]) == D("3.15") for row in body)
    assert any(amount(row["Debit"]) == D("146.85") for row in body)


# ---------------------------------------------------------------- 5. the yearly report


def test_the_yearly_report_and_its_pdf_are_public(
    page: Any, assert_accessible: Callable[[Any], None], lead: Person
) -> None:
    year = timezone.localdate().year - 1
    other = consultant(first_name="Yanis", last_name="Oudjedi")
    common = CommonFactory(name="Forum des lieux")
    flat = rr.mission(
        lead=lead,
        amount="10000.00",
        awarded_on=datetime.date(year, 2, 10),
        territory="59",
        policy=PolicyKind.FLAT_RATE,
        rate="5",
        turnover="9000.00",
        commons=[(common, "400.00")],
    )
    rr.mission(
        lead=other,
        amount="20000.00",
        awarded_on=datetime.date(year, 3, 10),
        territory="35",
        policy=PolicyKind.STRUCTURE_FEE,
        rate="20",
        turnover="20000.00",
    )
    rr.mission(
        lead=other,
        amount="3000.00",
        awarded_on=datetime.date(year, 4, 10),
        territory="59350",
        policy=PolicyKind.SELF_ASSESSED,
        self_assessed="150.00",
    )
    rr.pay(
        rr.declaration(
            lead, year, "450.00", lines=[(flat, "450.00")], invoice_on=datetime.date(year, 6, 1)
        ),
        "450.00",
        paid_on=datetime.date(year, 7, 1),
    )
    rr.pay(
        rr.declaration(other, year, "1000.00", invoice_on=datetime.date(year, 6, 10)),
        "600.00",
        paid_on=datetime.date(year, 7, 10),
    )
    rr.pay_common(common, flat, "400.00", paid_on=datetime.date(year, 8, 10))
    assert MissionContribution.objects.count() == 3

    # --- /rapport/ leads to the last complete year.
    page.goto("/rapport/")
    page.wait_for_url(f"**/rapport/{year}/")
    with translation.override("fr"):
        title = gettext("Yearly report %(year)s") % {"year": year}
    expect(page.locator("h1")).to_have_text(title)
    assert_accessible(page)

    # Every chart has its figures in a table with the same caption, right after it.
    charts = page.locator("main figure.chart")
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        caption = chart.locator("figcaption").inner_text()
        expect(chart.locator("svg[role=img] title")).to_have_text(caption)
        table = page.locator("main figure.chart + div.table-scroll table").nth(index)
        expect(table.locator("caption")).to_have_text(caption)
        assert table.locator("tbody tr").count() >= 1

    # The policies' table: a row per policy of the year, the expected amounts computed.
    policies = page.locator(
        "main table", has=page.get_by_text(fr("Contributions by policy"), exact=True)
    ).first
    body = squash(policies.inner_text())
    for policy, expected in (
        (PolicyKind.FLAT_RATE, D("450")),
        (PolicyKind.STRUCTURE_FEE, D("4000")),
        (PolicyKind.SELF_ASSESSED, D("150")),
    ):
        assert squash(in_french(PolicyKind(policy).label)) in body
        assert money(expected) in body
    # Only totals are published: no consultant's name.
    main = page.locator("main").inner_text()
    assert lead.last_name not in main
    assert other.last_name not in main

    # --- The PDF of the same report.
    link = page.locator(f"main a[href='/rapport/{year}.pdf']")
    expect(link).to_have_count(1)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    content = response.body()
    assert content.startswith(b"%PDF")
    assert str(year) in pdf_text(content)

    # A year to come has no report.
    assert page.request.get(f"/rapport/{year + 2}/").status == 404
