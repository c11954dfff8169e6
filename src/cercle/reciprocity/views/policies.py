"""Pages: contribution policies, the guide, mission contributions, turnover, in kind, animation time."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
