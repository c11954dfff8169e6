"""The HelloAsso import: the CSV export, idempotence, refunds, bad files, the API client
(with a fake transport: no network) and the management command."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext as _

from cercle.core.errors import Conflict, NotAllowed
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment
from cercle.reciprocity.services import declarations_helloasso as helloasso
from cercle.reciprocity.services import declarations_helloasso_api as helloasso_api
from tests.factories.core import UserFactory
from tests.factories.missions import consultant
from tests.factories.reciprocity_declarations import invoiced, steward

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "helloasso"
SAMPLE = (FIXTURES / "paiements.csv").read_bytes()


@pytest.fixture
def capucine_owes_300():
    person = consultant(user=UserFactory(email="capucine.bernardin@example.org"))
    return invoiced(person=person, year=2025, amount="300")


def run(content: bytes, *, dry_run: bool = False):
    return helloasso.helloasso_import_file(actor=steward().user, content=content, dry_run=dry_run)


def test_the_export_is_imported_matched_and_refunds_recorded(capucine_owes_300):
    report = run(SAMPLE)
    assert report.created == 3  # contribution, membership fee, refunded donation
    assert report.matched == 1
    assert report.refunds == 1
    assert [n for n, _reason in report.skipped] == [5, 6]  # ticketing, refused
    contribution = Payment.objects.get(external_id="61001")
    assert contribution.method == PaymentMethod.HELLOASSO
    assert contribution.declaration == capucine_owes_300
    assert contribution.fee == 0
    capucine_owes_300.refresh_from_db()
    assert capucine_owes_300.status == DeclarationStatus.PAID
    fee = Payment.objects.get(external_id="61002")
    assert fee.kind == PaymentKind.MEMBERSHIP_FEE
    assert fee.payer_person is None
    assert fee.payer_name == "Armand Lefort"
    gift = Payment.objects.get(external_id="61003")
    assert gift.gross == Decimal("25.50")
    assert gift.refunds.get().gross == Decimal("25.50")
    assert ledger.trial_balance_is_zero()


def test_a_repeated_import_creates_nothing(capucine_owes_300):
    run(SAMPLE)
    count = Payment.objects.count()
    report = run(SAMPLE)
    assert report.created == 0
    assert report.already == 3
    assert report.refunds == 0
    assert Payment.objects.count() == count


def test_a_dry_run_writes_nothing(capucine_owes_300):
    report = run(SAMPLE, dry_run=True)
    assert report.created == 3
    assert not Payment.objects.exists()


def test_a_contribution_without_an_invoiced_declaration_waits_to_be_matched():
    consultant(user=UserFactory(email="capucine.bernardin@example.org"))
    report = run(SAMPLE)
    assert len(report.unmatched) == 1
    payment = Payment.objects.get(external_id="61001")
    assert payment.declaration is None
    assert ledger.balance(ledger.receivable(person=payment.payer_person)) == Decimal("-300.00")


def test_a_contribution_from_an_unknown_email_refuses_the_whole_file():
    with pytest.raises(ValidationError) as error:
        run(SAMPLE)
    messages = error.value.message_dict["file"]
    assert len(messages) == 1
    assert "capucine.bernardin@example.org" in messages[0]
    assert not Payment.objects.exists()


def test_bad_lines_are_all_reported_and_nothing_imported():
    with pytest.raises(ValidationError) as error:
        run((FIXTURES / "lignes_fausses.csv").read_bytes())
    messages = error.value.message_dict["file"]
    with translation.override("fr"):
        expected = [_("Line %(n)s: %(problems)s.") % {"n": n, "problems": ""} for n in (2, 3, 4)]
    assert [m.split(":")[0] for m in messages] == [e.split(":")[0] for e in expected]
    assert "douze" in messages[0]
    assert "31/02/2026" in messages[1]
    assert "Peut-être" in messages[2]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ((FIXTURES / "colonnes_manquantes.csv").read_bytes(), "Type de campagne"),
        ((FIXTURES / "virgules.csv").read_bytes(), "(;)"),
        ("Référence paiement;Montant".encode("latin-1"), "UTF-8"),
        (b"", "The file is empty."),
    ],
)
def test_wrong_files_say_why(content, expected):
    with pytest.raises(ValidationError) as error:
        run(content)
    with translation.override("fr"):
        expected = _(expected) if expected.endswith(".") else expected
    assert expected in " ".join(error.value.message_dict["file"])


def test_only_stewards_import():
    with pytest.raises(NotAllowed):
        helloasso.helloasso_import_file(actor=consultant().user, content=SAMPLE)


def test_the_command_imports_and_refuses_a_bad_file(capucine_owes_300):
    out = StringIO()
    call_command("import_helloasso", str(FIXTURES / "paiements.csv"), "--dry-run", stdout=out)
    assert "[dry run] 3 created" in out.getvalue()
    assert not Payment.objects.exists()
    call_command("import_helloasso", str(FIXTURES / "paiements.csv"), stdout=StringIO())
    out = StringIO()
    call_command("import_helloasso", str(FIXTURES / "paiements.csv"), stdout=out)
    assert "3 already imported" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_helloasso", str(FIXTURES / "lignes_fausses.csv"), stderr=StringIO())


class FakeHelloAsso:
    """Answers the token request and two pages of payments, recording the calls."""

    def __init__(self, pages: list[list[dict]], token_status: int = 200):
        self.pages = pages
        self.token_status = token_status
        self.calls: list[tuple[str, str, dict]] = []

    def __call__(self, method, url, headers, body):
        self.calls.append((method, url, headers))
        if url.endswith("/oauth2/token"):
            assert b"grant_type=client_credentials" in body
            if self.token_status != 200:
                return self.token_status, None
            return 200, {"access_token": "jeton", "expires_in": 1800}
        assert headers["Authorization"] == "Bearer jeton"
        page = int(url.split("pageIndex=")[1].split("&")[0])
        return 200, {
            "data": self.pages[page - 1],
            "pagination": {"pageIndex": page, "totalPages": len(self.pages)},
        }


def api_payment(
    pid: int, *, email: str, amount: int, form: str, state: str = "Authorized", refunds=()
):
    return {
        "id": pid,
        "date": "2026-03-02T10:00:00+01:00",
        "amount": amount,
        "state": state,
        "payer": {"email": email, "firstName": "Capucine", "lastName": "Bernardin"},
        "order": {"id": pid + 1000, "formType": form},
        "refundOperations": [{"amount": r, "status": "Processed"} for r in refunds],
    }


def test_the_api_client_goes_through_the_same_import(settings, capucine_owes_300):
    settings.HELLOASSO_CLIENT_ID = "id"
    settings.HELLOASSO_CLIENT_SECRET = "secret"
    settings.HELLOASSO_ORGANIZATION_SLUG = "cercle-des-tiers-lieux"
    fake = FakeHelloAsso(
        [
            [
                api_payment(
                    7001, email="capucine.bernardin@example.org", amount=30000, form="PaymentForm"
                )
            ],
            [
                api_payment(
                    7002,
                    email="x@example.net",
                    amount=1000,
                    form="Donation",
                    state="Refunded",
                    refunds=[1000],
                ),
                api_payment(7003, email="x@example.net", amount=500, form="Event"),
            ],
        ]
    )
    report = helloasso_api.helloasso_import_api(actor=steward().user, transport=fake)
    assert report.created == 2
    assert report.matched == 1
    assert report.refunds == 1
    assert len(report.skipped) == 1
    assert "/v5/organizations/cercle-des-tiers-lieux/payments" in fake.calls[1][1]
    again = helloasso_api.helloasso_import_api(actor=steward().user, transport=fake)
    assert again.already == 2
    assert again.created == 0


def test_the_api_is_offered_only_when_configured(settings):
    settings.HELLOASSO_CLIENT_ID = ""
    assert not helloasso_api.helloasso_api_configured()
    with pytest.raises(Conflict):
        helloasso_api.helloasso_import_api(actor=steward().user, transport=FakeHelloAsso([]))


def test_refused_credentials_are_a_clear_error(settings):
    settings.HELLOASSO_CLIENT_ID = "id"
    settings.HELLOASSO_CLIENT_SECRET = "faux"
    settings.HELLOASSO_ORGANIZATION_SLUG = "cercle"
    with pytest.raises(helloasso.HelloAssoUnavailable) as error:
        helloasso_api.helloasso_import_api(
            actor=steward().user, transport=FakeHelloAsso([], token_status=401)
        )
    assert "401" in error.value.message
    assert not Payment.objects.exists()
    assert json.dumps(
        helloasso_api.api_record_values(
            api_payment(1, email="a@b.fr", amount=1234, form="Membership")
        )
    )
