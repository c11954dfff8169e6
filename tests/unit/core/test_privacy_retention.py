"""Retention: purge_expired removes what outlived its period, and only that; the commands."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from cercle.core import journal
from cercle.core.models import ApiToken, JournalEntry, Notification, User
from cercle.core.privacy.retention import purge_expired
from cercle.core.services import api_token_create, api_token_revoke
from cercle.membership.enums import ContractStatus
from cercle.membership.models import AdhesionContract
from tests.factories.core import UserFactory
from tests.factories.membership_contracts import submitted_contract
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=400)


@pytest.fixture
def expired_and_fresh() -> dict[str, object]:
    someone = PersonFactory()
    old = Notification.objects.create(user=someone.user, title="Ancienne")
    Notification.objects.filter(pk=old.pk).update(created_at=LONG_AGO)
    fresh = Notification.objects.create(user=someone.user, title="Récente")
    token, _ = api_token_create(actor=someone.user, name="vieux")
    api_token_revoke(actor=someone.user, token=token)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=LONG_AGO)
    live_token, _ = api_token_create(actor=someone.user, name="actif")
    stale = SessionStore()
    stale.set_expiry(-10)
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    ghost = UserFactory(email="fantome@exemple.test", last_login=None)
    User.objects.filter(pk=ghost.pk).update(date_joined=LONG_AGO)
    confirmed = UserFactory(email="confirmee@exemple.test", last_login=None)
    User.objects.filter(pk=confirmed.pk).update(date_joined=LONG_AGO)
    EmailAddress.objects.create(user=confirmed, email=confirmed.email, verified=True)
    contract = submitted_contract()
    AdhesionContract.objects.filter(pk=contract.pk).update(
        status=ContractStatus.REFUSED,
        motivation="Je traverse une période difficile.",
        refusal_reason="Dossier incomplet.",
        decided_at=LONG_AGO,
    )
    return {
        "old": old,
        "fresh": fresh,
        "token": token,
        "live_token": live_token,
        "ghost": ghost,
        "confirmed": confirmed,
        "contract": contract,
        "stale": stale.session_key,
    }


def test_a_dry_run_counts_and_changes_nothing(expired_and_fresh: dict[str, object]) -> None:
    before = JournalEntry.objects.count()
    report = purge_expired(dry_run=True)
    assert report.counts == {
        "notifications": 1,
        "expired_sessions": 1,
        "revoked_tokens": 1,
        "outgoing_emails": 0,
        "refused_adhesion_texts": 1,
        "unactivated_accounts": 1,
    }
    assert Notification.objects.filter(pk=expired_and_fresh["old"].pk).exists()  # type: ignore[attr-defined]
    assert User.objects.get(pk=expired_and_fresh["ghost"].pk).email == "fantome@exemple.test"  # type: ignore[attr-defined]
    assert JournalEntry.objects.count() == before


def test_the_purge_removes_what_expired_and_keeps_the_rest(
    expired_and_fresh: dict[str, object],
) -> None:
    e = expired_and_fresh
    purge_expired()
    assert not Notification.objects.filter(pk=e["old"].pk).exists()  # type: ignore[attr-defined]
    assert Notification.objects.filter(pk=e["fresh"].pk).exists()  # type: ignore[attr-defined]
    assert not ApiToken.objects.filter(pk=e["token"].pk).exists()  # type: ignore[attr-defined]
    assert ApiToken.objects.filter(pk=e["live_token"].pk).exists()  # type: ignore[attr-defined]
    assert not Session.objects.filter(session_key=e["stale"]).exists()
    ghost = User.objects.get(pk=e["ghost"].pk)  # type: ignore[attr-defined]
    assert ghost.email.endswith("@erased.invalid")
    assert not ghost.is_active
    confirmed = User.objects.get(pk=e["confirmed"].pk)  # type: ignore[attr-defined]
    assert confirmed.email == "confirmee@exemple.test"
    contract = AdhesionContract.objects.get(pk=e["contract"].pk)  # type: ignore[attr-defined]
    assert contract.status == ContractStatus.REFUSED
    assert contract.motivation == ""
    assert "Dossier incomplet" not in contract.refusal_reason
    entry = JournalEntry.objects.filter(verb="retention.purged").get()
    assert entry.payload["counts"]["notifications"] == 1
    assert journal.verify().ok


def test_a_second_purge_finds_nothing_left(expired_and_fresh: dict[str, object]) -> None:
    purge_expired()
    assert set(purge_expired(dry_run=True).counts.values()) == {0}


def test_purge_expired_command_dry_run(
    expired_and_fresh: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "Would purge 1 notifications" in out
    assert Notification.objects.filter(pk=expired_and_fresh["old"].pk).exists()  # type: ignore[attr-defined]
    call_command("purge_expired")
    assert "Purged 1 notifications" in capsys.readouterr().out


def test_export_personal_data_command_writes_the_zip(tmp_path: Path) -> None:
    person = PersonFactory(user__email="ecrit@exemple.test")
    target = tmp_path / "export.zip"
    call_command("export_personal_data", "ECRIT@exemple.test", "-o", str(target))
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        assert "network.person.json" in archive.namelist()
    assert person.pk


def test_erase_person_command(capsys: pytest.CaptureFixture[str]) -> None:
    person = PersonFactory(user__email="efface@exemple.test", last_name="Brunehautier")
    call_command("erase_person", "efface@exemple.test", "--yes")
    assert "Erased: now" in capsys.readouterr().out
    person.refresh_from_db()
    assert person.last_name != "Brunehautier"
    with pytest.raises(SystemExit) as exit_info:
        call_command("erase_person", "personne@exemple.test", "--yes")
    assert exit_info.value.code == 2
