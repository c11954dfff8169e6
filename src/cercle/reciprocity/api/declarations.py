"""API: yearly declarations, payments, the HelloAsso import, receipts, my statement."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reciprocity: declarations and payments"])
