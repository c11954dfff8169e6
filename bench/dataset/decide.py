"""Decisions: the association's and the circle's groups, threads, proposals and votes."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from bench.dataset.context import Ctx, Pending
from bench.dataset.rows import Ids, put, uuid_from
from cercle.decisions.enums import (
    CONSENT_OPTIONS,
    GroupKind,
    GroupVisibility,
    MembershipRule,
    PollKind,
    ProposalStatus,
)
from cercle.decisions.models import Group, Outcome, PollOption, Proposal, Thread, Vote, VoteChoice

TOPICS = (
    "Adopter la grille de contribution",
    "Ouvrir un groupe de travail sur les communs",
    "Modifier la charte du cercle",
    "Choisir le lieu des rencontres nationales",
    "Valider le budget de l'année",
    "Accueillir un nouveau territoire",
    "Publier le rapport annuel",
)
CONSENT_WEIGHTS = {"agree": 70, "abstain": 12, "disagree": 13, "block": 5}


def generate_decisions(ctx: Ctx) -> None:
    rng = ctx.rng
    people, consultants = ctx.data["people"], ctx.data["consultants"]
    steward = ctx.data["steward"]
    group_ids = Ids(Group)
    association = group_ids.take()
    circle = group_ids.take()
    suffix = f"bench-{association}"
    groups = [
        {
            "id": association,
            "uuid": uuid_from(rng),
            "slug": f"association-{suffix}",
            "name": "L'association",
            "kind": GroupKind.ASSOCIATION,
            "description": "Toutes les personnes membres du réseau.",
            "membership_rule": MembershipRule.ALL_MEMBERS,
            "visibility": GroupVisibility.MEMBERS,
            "loomio_key": "",
            "created_at": ctx.at(date(ctx.first_year, 1, 2)),
        },
        {
            "id": circle,
            "uuid": uuid_from(rng),
            "slug": f"cercle-{suffix}",
            "name": "Le cercle des consultants",
            "kind": GroupKind.CIRCLE,
            "description": "Les membres du cercle.",
            "membership_rule": MembershipRule.CIRCLE,
            "visibility": GroupVisibility.MEMBERS,
            "loomio_key": "",
            "created_at": ctx.at(date(ctx.first_year, 1, 2)),
        },
    ]
    put(ctx, Group, groups)

    target = ctx.targets["votes"]
    landmark_votes = min(1000, len(people))
    n_proposals = max(round(2000 * ctx.scale), math.ceil(target / max(1, len(people)) * 1.3) + 1)
    threads, proposals, options, votes, choices, outcomes = [], [], [], [], [], []
    ids = {m: Ids(m) for m in (Thread, Proposal, PollOption, Vote, VoteChoice, Outcome)}

    # Votes per proposal: the landmark first, the rest spread, each within its electorate
    # (every fourth proposal is the circle's, where only consultants vote).
    def electorate_of(index: int) -> list[dict[str, Any]]:
        return consultants if index > 0 and index % 4 == 0 else people

    plan = [landmark_votes]
    rest = max(0, target - landmark_votes)
    index = 1
    while rest > 0 and index < 100_000:
        if index >= n_proposals:
            n_proposals = index + 1
        share = min(len(electorate_of(index)), max(1, rest // max(1, n_proposals - index)))
        plan.append(share)
        rest -= share
        index += 1
    while len(plan) < n_proposals:
        plan.append(0)
    start = date(ctx.first_year, 1, 15)
    span = (ctx.today - start).days
    optional = ctx.data["optional_journal"]
    for index, wanted in enumerate(plan):
        in_circle = index > 0 and index % 4 == 0
        electorate = electorate_of(index)
        if index == 0:
            opened = ctx.now - timedelta(days=5)
            closes = ctx.now + timedelta(days=9)
        else:
            opened = ctx.at(start + timedelta(days=rng.randrange(max(1, span))))
            closes = opened + timedelta(days=rng.choice((7, 14, 21)))
        status = ProposalStatus.OPEN if closes > ctx.now else ProposalStatus.CLOSED
        thread_id = ids[Thread].take()
        title = f"{TOPICS[index % len(TOPICS)]} ({index + 1})"
        author = steward if index == 0 else rng.choice(electorate)
        threads.append(
            {
                "id": thread_id,
                "uuid": uuid_from(rng),
                "group_id": circle if in_circle else association,
                "title": title,
                "body": "Discutons-en avant de décider.",
                "author_id": author["id"],
                "created_at": opened - timedelta(days=2),
                "last_activity_at": min(closes, ctx.now - timedelta(minutes=1)),
                "closed_at": None,
                "loomio_key": "",
            }
        )
        pid = ids[Proposal].take()
        proposal = {
            "id": pid,
            "uuid": uuid_from(rng),
            "group_id": circle if in_circle else association,
            "thread_id": thread_id,
            "kind": PollKind.PROPOSAL,
            "title": title,
            "details": "Proposition soumise au consentement.",
            "author_id": author["id"],
            "status": status,
            "opened_at": opened,
            "closes_at": closes,
            "closed_at": closes if status == ProposalStatus.CLOSED else None,
            "anonymous": False,
            "hide_results_until_closed": False,
            "reason_required": "dissent",
            "voters_limited": False,
            "min_choices": None,
            "max_choices": None,
            "max_score": None,
            "dots_per_voter": None,
            "reminder_sent_at": None,
            "loomio_key": "",
        }
        proposals.append(proposal)
        option_of = {}
        for position, key in enumerate(CONSENT_OPTIONS[PollKind.PROPOSAL]):
            oid = ids[PollOption].take()
            option_of[key] = oid
            options.append(
                {
                    "id": oid,
                    "proposal_id": pid,
                    "key": key,
                    "label": key,
                    "position": position,
                    "starts_at": None,
                    "loomio_key": "",
                }
            )
        last_vote = min(closes, ctx.now) - timedelta(minutes=1)
        keys, weights = list(CONSENT_WEIGHTS), list(CONSENT_WEIGHTS.values())
        for voter in rng.sample(electorate, wanted):
            key = rng.choices(keys, weights)[0]
            cast = opened + (last_vote - opened) * rng.random()
            vid = ids[Vote].take()
            votes.append(
                {
                    "id": vid,
                    "uuid": uuid_from(rng),
                    "proposal_id": pid,
                    "voter_id": voter["id"],
                    "reason": "" if key in ("agree", "abstain") else "Il manque un chiffrage.",
                    "alternative": "Reporter d'un mois." if key == "block" else "",
                    "cast_at": cast,
                    "is_latest": True,
                    "loomio_key": "",
                }
            )
            choices.append(
                {
                    "id": ids[VoteChoice].take(),
                    "vote_id": vid,
                    "option_id": option_of[key],
                    "value": 1,
                }
            )
        optional.append(
            Pending(
                at=opened,
                verb="proposal.opened",
                object_type="decisions.proposal",
                object_id=str(proposal["uuid"]),
                object_label=title,
                actor_id=ctx.data["user_of"][author["id"]],
            )
        )
        if status == ProposalStatus.CLOSED:
            outcomes.append(
                {
                    "id": ids[Outcome].take(),
                    "uuid": uuid_from(rng),
                    "proposal_id": pid,
                    "statement": "La proposition est adoptée.",
                    "author_id": author["id"],
                    "created_at": closes + timedelta(hours=1)
                    if closes + timedelta(hours=1) < ctx.now
                    else closes,
                    "loomio_key": "",
                }
            )
    put(ctx, Thread, threads)
    put(ctx, Proposal, proposals)
    put(ctx, PollOption, options)
    put(ctx, Vote, votes)
    put(ctx, VoteChoice, choices)
    put(ctx, Outcome, outcomes)
    ctx.data["landmark_proposal"] = proposals[0]
    ctx.progress(f"votes: {len(votes)} on {len(proposals)} proposals")
