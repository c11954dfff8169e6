"""A common's funding section, payouts from its fund, and who plays the commons game:
pages, API, refusals that change nothing, bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.core.models import JournalEntry
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind
from cercle.reciprocity.models import CommonPayout, LedgerTransaction
from cercle.reciprocity.selectors.reports_commons import common_funding, commons_game
from cercle.reciprocity.selectors.reports_fec import fec_parse, fec_stream
from cercle.reciprocity.services.reports_commons import common_payout_record
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import CommonFactory, consultant
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture
def funded(db: None) -> dict[str, Any]:
    gaspard = consultant(first_name="Gaspard", last_name="Morvan")
    louise = consultant(first_name="Louise", last_name="Tessier")
    common = CommonFactory(name="Wiki des recettes", slug="wiki-des-recettes")
    m1 = rr.mission(lead=gaspard, amount="10000.00", commons=[(common, "500.00")])
    m2 = rr.mission(lead=louise, amount="8000.00", turnover="6000.00", commons=[(common, "300.00")])
    rr.pay_common(common, m1, "500.00")
    rr.pay_common(common, m2, "100.00")
    from cercle.reciprocity.enums import InKindStatus
    from cercle.reciprocity.models import InKindContribution

    InKindContribution.objects.create(
        person=louise,
        kind="in_kind_event",
        common=common,
        hours=D("6.5"),
        description="Atelier de contribution au wiki",
        done_on=timezone.localdate(),
        status=InKindStatus.VALIDATED,
    )
    return {"gaspard": gaspard, "louise": louise, "common": common, "m1": m1, "m2": m2}


def test_funding_totals(funded: dict[str, Any]) -> None:
    funding = common_funding(actor=None, common=funded["common"])
    assert funding.budgeted == D("800.00")
    assert funding.budgeted_missions == 2
    assert funding.received == D("600.00")
    assert funding.still_owed == D("200.00")
    assert funding.held == D("600.00")
    assert funding.in_kind_hours == D("6.5")
    assert funding.paid_out == D("0.00")
    # Anonymous visitors see totals, never who gave what.
    assert not funding.details_visible
    assert funding.received_rows == []
    assert funding.budget_rows == []


def test_members_see_who_gave_what(funded: dict[str, Any]) -> None:
    funding = common_funding(actor=funded["gaspard"].user, common=funded["common"])
    assert funding.details_visible
    assert {(r.lead, r.amount) for r in funding.budget_rows} == {
        ("Gaspard Morvan", D("500.00")),
        ("Louise Tessier", D("300.00")),
    }
    assert {(r.payer, r.amount) for r in funding.received_rows} == {
        ("Gaspard Morvan", D("500.00")),
        ("Louise Tessier", D("100.00")),
    }
    assert [(r.person, r.hours) for r in funding.in_kind_rows] == [("Louise Tessier", D("6.5"))]


def test_common_page_shows_funding(funded: dict[str, Any]) -> None:
    anonymous = Client().get("/communs/wiki-des-recettes/")
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert fr("Funding") in html
    assert "Gaspard Morvan" not in html
    member = logged_in(funded["louise"]).get("/communs/wiki-des-recettes/").content.decode()
    assert "Gaspard Morvan" in member
    assert "/contributions/communs/wiki-des-recettes/versements/" not in member
    steward = logged_in(StewardFactory()).get("/communs/wiki-des-recettes/").content.decode()
    assert "/contributions/communs/wiki-des-recettes/versements/" in steward


def test_common_page_queries_do_not_grow_with_missions(funded: dict[str, Any]) -> None:
    client = logged_in(funded["louise"])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/communs/wiki-des-recettes/").status_code == 200
    for _ in range(5):
        m = rr.mission(commons=[(funded["common"], "50.00")])
        rr.pay_common(funded["common"], m, "50.00")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/communs/wiki-des-recettes/").status_code == 200
    assert len(many) == len(few)


def test_payout_service_posts_fund_debit_bank_credit(funded: dict[str, Any]) -> None:
    steward = StewardFactory()
    common = funded["common"]
    payout = common_payout_record(
        actor=steward.user,
        common=common,
        amount="250,00",
        beneficiary="Association Recettes Libres",
        paid_on=timezone.localdate(),
        note="Hébergement du wiki",
    )
    assert payout.amount == D("250.00")
    txn = payout.transaction
    assert txn.journal_code == "BQ"
    lines = {(line.account.kind, line.amount) for line in txn.lines.select_related("account")}
    assert lines == {(AccountKind.COMMON_FUND, D("250.00")), (AccountKind.BANK, D("-250.00"))}
    assert txn.journal_entry.verb == "common.payout_recorded"
    funding = common_funding(actor=None, common=common)
    assert funding.paid_out == D("250.00")
    assert funding.held == D("350.00")
    assert funding.received == D("600.00")
    assert ledger.trial_balance_is_zero()


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("600.01", "amount"),
        ("-5", "amount"),
        ("abc", "amount"),
        ("1.001", "amount"),
        ("0", "amount"),
    ],
)
def test_payout_refusals_change_nothing(funded: dict[str, Any], amount: str, field: str) -> None:
    from django.core.exceptions import ValidationError

    before = (LedgerTransaction.objects.count(), JournalEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        common_payout_record(
            actor=StewardFactory().user,
            common=funded["common"],
            amount=amount,
            beneficiary="Quelqu'un",
            paid_on=timezone.localdate(),
        )
    assert field in error.value.message_dict
    assert (LedgerTransaction.objects.count(), JournalEntry.objects.count()) == before
    assert not CommonPayout.objects.exists()


def test_payout_page(funded: dict[str, Any]) -> None:
    client = logged_in(StewardFactory())
    url = "/contributions/communs/wiki-des-recettes/versements/"
    assert client.get(url).status_code == 200
    empty = client.post(url, {})
    assert empty.status_code == 400
    too_much = client.post(
        url,
        {"amount": "700", "beneficiary": "Collectif", "paid_on": timezone.localdate().isoformat()},
    )
    assert too_much.status_code == 400
    assert not CommonPayout.objects.exists()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert (
        client.post(url, {"amount": "10", "beneficiary": "C", "paid_on": future}).status_code == 400
    )
    done = client.post(
        url,
        {
            "amount": "120,50",
            "beneficiary": "Collectif",
            "paid_on": timezone.localdate().isoformat(),
        },
    )
    assert done.status_code == 302
    assert CommonPayout.objects.get().amount == D("120.50")
    assert logged_in(funded["louise"]).get(url).status_code == 403
    assert client.get("/contributions/communs/inconnu/versements/").status_code == 404


def test_payout_api(funded: dict[str, Any]) -> None:
    client = Client()
    steward = token_secret(StewardFactory())
    member = token_secret(funded["louise"])
    url = f"{API}/commons/wiki-des-recettes/payouts"
    payload = {"amount": "99.99", "beneficiary": "Collectif", "paid_on": str(timezone.localdate())}
    assert (
        client.post(url, payload, content_type="application/json", **bearer(member)).status_code
        == 403
    )
    bad = client.post(
        url, {**payload, "amount": "1000"}, content_type="application/json", **bearer(steward)
    )
    assert bad.status_code in (400, 422)
    assert "amount" in bad.json()["errors"]
    created = client.post(url, payload, content_type="application/json", **bearer(steward))
    assert created.status_code == 201
    assert created.json()["amount"] == "99.99"
    listed = client.get(url, **bearer(member))
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert client.get(url).status_code == 401
    funding = client.get(f"{API}/commons/wiki-des-recettes/funding").json()
    assert funding["paid_out"] == "99.99"
    assert funding["received_rows"] == []
    detailed = client.get(f"{API}/commons/wiki-des-recettes/funding", **bearer(member)).json()
    assert len(detailed["received_rows"]) == 2


def test_payout_appears_in_the_fec(funded: dict[str, Any]) -> None:
    common_payout_record(
        actor=StewardFactory().user,
        common=funded["common"],
        amount="10.00",
        beneficiary="Collectif",
        paid_on=timezone.localdate(),
    )
    rows = fec_parse(b"".join(fec_stream(timezone.localdate().year)))
    payout_rows = [r for r in rows if r["JournalCode"] == "BQ" and "Collectif" in r["EcritureLib"]]
    assert {(r["CompteNum"], r["Debit"], r["Credit"]) for r in payout_rows} == {
        ("467200", "10,00", "0,00"),
        ("512000", "0,00", "10,00"),
    }


# --- Who plays the commons game -----------------------------------------------------------


def test_commons_game_shares(funded: dict[str, Any]) -> None:
    noe = consultant(first_name="Noé", last_name="Vasseur")
    game = commons_game(actor=funded["louise"].user)
    rows = {r.name: r for r in game.rows}
    gaspard, louise = rows["Gaspard Morvan"], rows["Louise Tessier"]
    assert gaspard.revenue == D("10000.00")
    assert gaspard.budgeted_share == D("5.00")
    assert gaspard.paid_share == D("5.00")
    # Louise declared 6,000 € of turnover: the share is of that.
    assert louise.revenue == D("6000.00")
    assert louise.budgeted_share == D("5.00")
    assert louise.paid_in == D("100.00")
    assert rows["Noé Vasseur"].budgeted_share is None
    assert game.rows[-1].slug == noe.slug
    assert len(game.rows) == 3
    assert [r.name for r in game.rows[:2]] == ["Gaspard Morvan", "Louise Tessier"]


def test_commons_game_page_and_api(funded: dict[str, Any]) -> None:
    page = logged_in(funded["gaspard"]).get("/contributions/communs/")
    assert page.status_code == 200
    assert "Louise Tessier" in page.content.decode()
    assert logged_in(PersonFactory()).get("/contributions/communs/").status_code == 403
    assert logged_in(funded["gaspard"]).get("/contributions/communs/?annee=1800").status_code == 400
    client = Client()
    listed = client.get(f"{API}/commons-players", **bearer(token_secret(funded["gaspard"])))
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    assert listed.json()["items"][0]["budgeted_share"] == "5.00"
    assert client.get(f"{API}/commons-players").status_code == 401


def test_commons_game_queries_are_bounded(funded: dict[str, Any]) -> None:
    client = logged_in(funded["gaspard"])
    with CaptureQueriesContext(connection) as few:
        client.get("/contributions/communs/")
    for _ in range(6):
        m = rr.mission(lead=consultant(), commons=[(funded["common"], "40.00")])
        rr.pay_common(funded["common"], m, "40.00")
    with CaptureQueriesContext(connection) as many:
        client.get("/contributions/communs/")
    assert len(many) == len(few)


def test_commons_query_ceilings(funded: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    client = logged_in(funded["louise"])
    with django_assert_max_num_queries(25):
        assert client.get("/communs/wiki-des-recettes/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/contributions/communs/").status_code == 200
    secret = token_secret(funded["louise"])
    with django_assert_max_num_queries(15):
        assert Client().get(f"{API}/commons-players", **bearer(secret)).status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            Client().get(f"{API}/commons/wiki-des-recettes/funding", **bearer(secret)).status_code
            == 200
        )
