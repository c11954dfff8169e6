from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cercle.membership.viewer import viewer_for


def viewer(request: HttpRequest) -> dict[str, Any]:
    """`viewer` in every template: the person and their roles, computed only if used."""
    return {"viewer": SimpleLazyObject(lambda: viewer_for(getattr(request, "user", None)))}
