"""Pages of the circle: teams. (Skeleton: filled by the topic's owner.)"""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []


def teams_section(request: object, support_request: object, viewer: object) -> dict[str, object]:
    """Context for this topic's part of the request page (`missions/requests/_teams.html`)."""
    return {}
