"""Signed links for people without an account: scoped to one purpose and one object,
and expiring. The token carries no secret data; it only proves who we sent it to."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed

DAY = 24 * 3600


def make_token(purpose: str, subject: str, **extra: Any) -> str:
    """A URL-safe token for `purpose` on `subject` (an object's UUID as text)."""
    signer = signing.TimestampSigner(salt=f"cercle.link.{purpose}")
    return signer.sign_object({"s": str(subject), **extra}, compress=True)


def read_token(token: str, purpose: str, subject: str, *, max_age_days: int) -> dict[str, Any]:
    """The payload of a valid, unexpired token for this purpose and subject.

    Raises `NotAllowed` otherwise (a link for another request, an edited token, an old link).
    """
    signer = signing.TimestampSigner(salt=f"cercle.link.{purpose}")
    try:
        payload = signer.unsign_object(str(token), max_age=max_age_days * DAY)
    except signing.SignatureExpired as error:
        raise NotAllowed(_("This link has expired. Ask the network for a new one.")) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise NotAllowed(_("This link is not valid.")) from error
    if not isinstance(payload, dict) or payload.get("s") != str(subject):
        raise NotAllowed(_("This link is not valid."))
    return payload
