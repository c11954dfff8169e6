"""API: contribution policies, the guide, mission contributions, turnover, in kind, animation time."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reciprocity: policies"])
