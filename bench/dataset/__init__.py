"""The national dataset of the benchmark (issue 6).

`generate(scale=…, seed=…)` writes, into the database of the current settings, a network
of the shape Cercle must hold at national scale (at scale 1: 3,500 places, 8,000
people, 2,000 consultants, 20,000 requests, 60,000 offers, 1,000,000 ledger lines,
300,000 votes) and returns the landmarks the harness visits. `check_invariants()` lists
what does not hold (nothing, after `generate`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.dataset.landmarks import Landmarks

if TYPE_CHECKING:
    from bench.dataset.context import Ctx

__all__ = ["Landmarks", "check_invariants", "generate", "last_timings"]

_LAST_SECONDS: dict[str, float] = {}


def generate(
    *, scale: float, seed: int = 1, progress: Callable[[str], None] | None = None
) -> Landmarks:
    """Generate the dataset at `scale` (1 = national) from `seed`; deterministic for a seed
    and a day (dates are relative to today, so that deadlines and votes are current)."""
    from django.db import transaction

    from bench.dataset.chain import chain_journal
    from bench.dataset.circle import generate_circle
    from bench.dataset.context import make_ctx
    from bench.dataset.decide import generate_decisions
    from bench.dataset.money import generate_money
    from bench.dataset.money_more import write_books
    from bench.dataset.network import generate_network

    if scale <= 0:
        raise ValueError("The scale is a positive factor (1 = a national network).")
    ctx = make_ctx(scale, seed, progress)
    started = time.perf_counter()
    with transaction.atomic():
        generate_network(ctx)
        generate_circle(ctx)
        _choose_landmarks(ctx)
        generate_money(ctx)
        generate_decisions(ctx)
        chain_journal(ctx)
        write_books(ctx)
    ctx.seconds["total"] = time.perf_counter() - started
    _LAST_SECONDS.clear()
    _LAST_SECONDS.update(ctx.seconds)
    return _landmarks(ctx)


def check_invariants() -> list[str]:
    """What does not hold in the database (ledger, states, journal); empty when all does."""
    from bench.dataset.invariants import check_invariants as check

    return check()


def _choose_landmarks(ctx: Ctx) -> None:
    """The year with data, and a consultant with missions in it (the statement's owner)."""
    member = ctx.data["consultants"][-1]
    years = Counter(m["awarded_at"].year for m in ctx.data["missions"])
    year = ctx.landmark_year
    if years and years[year] == 0:
        year = years.most_common(1)[0][0]
    per_person: Counter[int] = Counter()
    for mission in ctx.data["missions"]:
        if mission["awarded_at"].year == year:
            for person in ctx.data["members_of"][mission["team_id"]]:
                if person != member["id"] or len(ctx.data["consultants"]) == 1:
                    per_person[person] += 1
    by_id = {p["id"]: p for p in ctx.data["consultants"]}
    chosen = per_person.most_common(1)[0][0] if per_person else ctx.data["consultants"][0]["id"]
    ctx.data["year"] = year
    ctx.data["landmark_consultant"] = by_id[chosen]
    ctx.data["member"] = member


def _email(ctx: Ctx, person: dict[str, object]) -> str:
    users = ctx.data["users"]
    by_id = ctx.data.setdefault("_user_by_id", {u["id"]: u for u in users})
    return str(by_id[ctx.data["user_of"][person["id"]]]["email"])


def _landmarks(ctx: Ctx) -> Landmarks:
    from bench.dataset.context import PASSWORD

    counts = dict(ctx.counts)
    return Landmarks(
        scale=ctx.scale,
        seed=ctx.seed,
        password=PASSWORD,
        steward_email=_email(ctx, ctx.data["steward"]),
        consultant_email=_email(ctx, ctx.data["landmark_consultant"]),
        member_email=_email(ctx, ctx.data["member"]),
        evaluator_email=_email(ctx, ctx.data["neutral"][0]),
        busy_request_uuid=str(ctx.data["busy_request"]["uuid"]),
        evaluation_request_uuid=str(ctx.data["evaluation_request"]["uuid"]),
        proposal_uuid=str(ctx.data["landmark_proposal"]["uuid"]),
        year=ctx.data["year"],
        counts=counts,
    )


def last_timings() -> dict[str, float]:
    """Seconds spent writing each table in the last `generate` of this process."""
    return dict(_LAST_SECONDS)
