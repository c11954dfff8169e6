"""HelloAsso's API (optional): an OAuth2 client-credentials client for
`/v5/organizations/{slug}/payments`, page by page, feeding the same import as the CSV
(`declarations_helloasso.helloasso_import_rows`). Offered only when
`HELLOASSO_CLIENT_ID`, `HELLOASSO_CLIENT_SECRET` and `HELLOASSO_ORGANIZATION_SLUG` are set.
"""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.reciprocity.policies.declarations import check_can_manage_payments
from cercle.reciprocity.services.declarations_helloasso import (
    HelloAssoUnavailable,
    ImportReport,
    helloasso_import_rows,
)

# ---------------------------------------------------------------- the API client

API_BASE = "https://api.helloasso.com"
API_STATES = {
    "authorized": "Payé",
    "refunded": "Remboursé",
    "refunding": "Payé",
    "pending": "En attente",
    "refused": "Refusé",
    "registered": "Hors ligne",
    "unknown": "En attente",
    "contested": "En attente",
    "abandoned": "Abandonné",
}
API_FORM_TYPES = {
    "membership": "Adhésion",
    "donation": "Don",
    "crowdfunding": "Crowdfunding",
    "paymentform": "Paiement",
    "checkout": "Checkout",
    "event": "Billetterie",
    "shop": "Boutique",
}
# (method, url, headers, body) → (status, parsed JSON)
Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, Any]]


def urllib_transport(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, Any]:
    if not url.startswith("https://"):
        raise HelloAssoUnavailable(_("HelloAsso is reached over HTTPS only."))
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (https only)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise HelloAssoUnavailable(
            _("HelloAsso could not be reached: %(e)s") % {"e": error}
        ) from error


def helloasso_api_configured() -> bool:
    return all(
        getattr(settings, name, "")
        for name in (
            "HELLOASSO_CLIENT_ID",
            "HELLOASSO_CLIENT_SECRET",
            "HELLOASSO_ORGANIZATION_SLUG",
        )
    )


def _cents(value: Any) -> str:
    return str((Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))).replace(".", ",")


def api_record_values(record: dict[str, Any]) -> dict[str, str]:
    """A payment of the API (v5) as the canonical values the CSV gives."""
    payer = record.get("payer") or {}
    order = record.get("order") or {}
    refunded = sum(
        int(op.get("amount") or 0)
        for op in record.get("refundOperations") or []
        if str(op.get("status", "")).lower() in ("", "processed", "refunded")
    )
    state = str(record.get("state", ""))
    form_type = str(order.get("formType") or record.get("formType") or "")
    return {
        "external_id": str(record.get("id", "")),
        "date": str(record.get("date", ""))[:10],
        "amount": _cents(record.get("amount")),
        "status": API_STATES.get(state.lower(), state),
        "last_name": str(payer.get("lastName", "")),
        "first_name": str(payer.get("firstName", "")),
        "email": str(payer.get("email", "")),
        "campaign_type": API_FORM_TYPES.get(form_type.lower(), form_type),
        "refunded_amount": _cents(refunded) if refunded else "",
    }


class HelloAssoClient:
    """OAuth2 client credentials, then the organization's payments, page by page."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        organization_slug: str,
        transport: Transport = urllib_transport,
        base_url: str = API_BASE,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.slug = organization_slug
        self.transport = transport
        self.base_url = base_url.rstrip("/")

    @classmethod
    def from_settings(cls, transport: Transport = urllib_transport) -> HelloAssoClient:
        return cls(
            client_id=getattr(settings, "HELLOASSO_CLIENT_ID", ""),
            client_secret=getattr(settings, "HELLOASSO_CLIENT_SECRET", ""),
            organization_slug=getattr(settings, "HELLOASSO_ORGANIZATION_SLUG", ""),
            transport=transport,
        )

    def token(self) -> str:
        body = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            }
        ).encode()
        status, data = self.transport(
            "POST",
            f"{self.base_url}/oauth2/token",
            {"Content-Type": "application/x-www-form-urlencoded"},
            body,
        )
        if status != 200 or not isinstance(data, dict) or not data.get("access_token"):
            raise HelloAssoUnavailable(
                _("HelloAsso refused the credentials (status %(status)s).") % {"status": status}
            )
        return str(data["access_token"])

    def payments(
        self, *, since: datetime.date | None = None, page_size: int = 100
    ) -> Iterator[dict[str, Any]]:
        token = self.token()
        page = 1
        while True:
            query = {"pageIndex": page, "pageSize": page_size, "sortOrder": "Asc"}
            if since is not None:
                query["from"] = since.isoformat()
            url = (
                f"{self.base_url}/v5/organizations/{urllib.parse.quote(self.slug)}/payments?"
                + urllib.parse.urlencode(query)
            )
            status, data = self.transport(
                "GET", url, {"Authorization": f"Bearer {token}", "Accept": "application/json"}, None
            )
            if status != 200 or not isinstance(data, dict):
                raise HelloAssoUnavailable(
                    _("HelloAsso did not give the payments (status %(status)s).")
                    % {"status": status}
                )
            yield from data.get("data") or []
            pagination = data.get("pagination") or {}
            if page >= int(pagination.get("totalPages") or 1):
                return
            page += 1


def helloasso_import_api(
    *,
    actor: User,
    since: datetime.date | None = None,
    dry_run: bool = False,
    transport: Transport = urllib_transport,
) -> ImportReport:
    """Fetch payments from HelloAsso's API and import them like a CSV export."""
    check_can_manage_payments(actor)
    if not helloasso_api_configured():
        # Not the platform failing (502): this server was not given credentials.
        raise Conflict(_("The HelloAsso API is not configured."))
    client = HelloAssoClient.from_settings(transport=transport)
    records = (
        (n, api_record_values(record))
        for n, record in enumerate(client.payments(since=since), start=1)
    )
    return helloasso_import_rows(actor=actor, records=records, dry_run=dry_run, source="api")
