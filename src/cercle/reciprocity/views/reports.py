"""Pages: exports, commons funding, dashboards, the public yearly report."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
