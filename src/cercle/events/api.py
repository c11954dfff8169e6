"""API: events, registrations, attendance."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["events"])
