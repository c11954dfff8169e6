"""API: support letters."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["decisions: support letters"])
