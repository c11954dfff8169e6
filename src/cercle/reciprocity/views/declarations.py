"""Pages: yearly declarations, payments, the HelloAsso import, receipts, my statement."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
