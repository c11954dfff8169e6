"""`unread_notifications` in every template: the signed-in person's unread count,
computed only when a template uses it (one query)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        from cercle.core.selectors_notifications import unread_count

        return unread_count(user)  # type: ignore[arg-type]

    return {"unread_notifications": SimpleLazyObject(count)}
