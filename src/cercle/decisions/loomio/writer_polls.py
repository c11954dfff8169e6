"""The second pass's tables of polls: proposals, options, votes, choices, outcomes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from cercle.decisions.enums import CONSENT_OPTIONS, ConsentChoice, PollKind, ProposalStatus
from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.reader import Line, LineError
from cercle.decisions.loomio.writer import NEW, ImportRefused, Writer
from cercle.decisions.models import Outcome, PollOption, Proposal, Vote, VoteChoice


class PollWriter(Writer):
    """The writer of every table Cercle imports."""

    def _write_polls(self) -> None:
        result = self.results["polls"]
        for batch in self.batches("polls"):
            existing = self.existing(Proposal, batch, "polls")
            rows: list[tuple[int, Proposal]] = []
            closing: dict[int, datetime] = {}
            for line in batch:
                record, key = line.record, mapping.loomio_key("polls", line.record)
                kind: str = mapping.poll_kind(record)
                points = mapping.ranked_points(record)
                if key in existing:
                    self.maps.polls[record["id"]] = (existing[key], kind, points)
                    result.existing += 1
                    closed_since = mapping.when(record, "closed_at")
                    if closed_since is not None:
                        closing[existing[key]] = closed_since
                    continue
                thread, group = None, None
                if record.get("discussion_id") is not None:
                    thread, group = self.maps.discussions[record["discussion_id"]]
                if group is None or (thread is None and record.get("group_id") is not None):
                    group = self.maps.groups[record["group_id"]]
                opened, closes, closed = mapping.proposal_dates(record)
                if record.get("discarded_at") is not None:
                    status = ProposalStatus.CANCELLED
                elif closed is not None:
                    status = ProposalStatus.CLOSED
                else:
                    status = ProposalStatus.OPEN
                proposal = Proposal(
                    group_id=group,
                    thread_id=thread,
                    kind=kind,
                    title=mapping.clip(record.get("title"), mapping.TITLE_MAX),
                    details=mapping.text_of(record.get("details")),
                    author_id=self.person(record.get("author_id")),
                    status=status,
                    opened_at=opened,
                    closes_at=closes,
                    closed_at=closed,
                    anonymous=record.get("anonymous") is True,
                    hide_results_until_closed=mapping.hide_results_until_closed(record),
                    reason_required=mapping.reason_required(record),
                    voters_limited=record.get("specified_voters_only") is True,
                    min_choices=mapping.small_int(
                        mapping.setting(record, "minimum_stance_choices")
                    ),
                    max_choices=mapping.small_int(
                        mapping.setting(record, "maximum_stance_choices")
                    ),
                    max_score=mapping.small_int(mapping.setting(record, "max_score")),
                    dots_per_voter=mapping.small_int(mapping.setting(record, "dots_per_person")),
                    loomio_key=key,
                )
                rows.append((record["id"], proposal))
                self.maps.polls[record["id"]] = (NEW, kind, points)
                result.created += 1
            self.save(Proposal, [proposal for _id, proposal in rows])
            self._close_since(closing)
            if not self.dry_run:
                for loomio_id, proposal in rows:
                    _pk, kind, points = self.maps.polls[loomio_id]
                    self.maps.polls[loomio_id] = (proposal.pk, kind, points)
                    if proposal.status == ProposalStatus.OPEN:
                        self.open_proposals.append((str(proposal.uuid), proposal.closes_at))

    def _close_since(self, closing: dict[int, datetime]) -> None:
        """Proposals open at the last import that Loomio closed since."""
        if not closing or self.dry_run:
            return
        still_open = Proposal.objects.filter(pk__in=closing, status=ProposalStatus.OPEN)
        for pk in still_open.values_list("pk", flat=True):
            Proposal.objects.filter(pk=pk).update(
                status=ProposalStatus.CLOSED, closed_at=closing[pk]
            )

    def _write_poll_options(self) -> None:
        result = self.results["poll_options"]
        for batch in self.batches("poll_options"):
            existing = self.existing(PollOption, batch, "poll_options")
            rows: list[tuple[int, PollOption]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("poll_options", line.record)
                proposal, kind, points = self.maps.polls[record["poll_id"]]
                if key in existing:
                    self.maps.options[record["id"]] = (existing[key], kind, points)
                    result.existing += 1
                    continue
                option_key = mapping.consent_key(kind, record)
                if option_key and (record["poll_id"], option_key) not in self.consent_keys:
                    self.consent_keys.add((record["poll_id"], option_key))
                    with translation.override(settings.LANGUAGE_CODE):
                        label = str(ConsentChoice(option_key).label)
                else:
                    option_key = f"lm{record['id']}"
                    label = mapping.option_label(record)
                priority = record.get("priority")
                position = min(priority, 32767) if mapping.is_id(priority) else 0
                option = PollOption(
                    proposal_id=proposal,
                    key=option_key,
                    label=label,
                    position=position,
                    starts_at=mapping.option_starts_at(kind, record),
                    loomio_key=key,
                )
                if kind in CONSENT_OPTIONS and option_key in CONSENT_OPTIONS[PollKind(kind)]:
                    option.position = CONSENT_OPTIONS[PollKind(kind)].index(option_key) + 1
                rows.append((record["id"], option))
                self.maps.options[record["id"]] = (NEW, kind, points)
                result.created += 1
            self.save(PollOption, [option for _id, option in rows])
            if not self.dry_run:
                for loomio_id, option in rows:
                    _pk, kind, points = self.maps.options[loomio_id]
                    self.maps.options[loomio_id] = (option.pk, kind, points)

    def _write_stances(self) -> None:
        result = self.results["stances"]
        if not self.dry_run:
            # Votes imported before as latest that a newer export shows as history.
            for batch in self.batches("stances"):
                keys = [
                    mapping.loomio_key("stances", line.record)
                    for line in batch
                    if line.record.get("latest") is False
                ]
                if keys:
                    Vote.objects.filter(loomio_key__in=keys, is_latest=True).update(is_latest=False)
        for batch in self.batches("stances"):
            existing = self.existing(Vote, batch, "stances")
            rows: list[tuple[int, Vote]] = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("stances", line.record)
                if record["id"] in self.survey.not_votes:
                    self.maps.stances[record["id"]] = None
                    result.skipped += 1
                    continue
                if key in existing:
                    self.maps.stances[record["id"]] = existing[key]
                    result.existing += 1
                    continue
                proposal, _kind, _points = self.maps.polls[record["poll_id"]]
                voter = self.maps.users[record["participant_id"]]
                if voter is None:
                    raise ImportRefused([LineError(line.number, _("the voter is not known"))])
                vote = Vote(
                    proposal_id=proposal,
                    voter_id=voter,
                    reason=mapping.text_of(record.get("reason")),
                    cast_at=mapping.when(record, "cast_at") or mapping.must(record, "created_at"),
                    is_latest=record.get("latest") is not False,
                    loomio_key=key,
                )
                rows.append((record["id"], vote))
                self.maps.stances[record["id"]] = NEW
                result.created += 1
            self.save(Vote, [vote for _id, vote in rows])
            if not self.dry_run:
                for loomio_id, vote in rows:
                    self.maps.stances[loomio_id] = vote.pk

    def _write_stance_choices(self) -> None:
        result = self.results["stance_choices"]
        for batch in self.batches("stance_choices"):
            wanted: dict[tuple[int, int], Line] = {}
            for line in batch:
                record = line.record
                vote = self.maps.stances[record["stance_id"]]
                option, _kind, _points = self.maps.options[record["poll_option_id"]]
                if vote is None:
                    result.skipped += 1
                elif NEW in (vote, option):  # a dry run: the vote or option is new
                    result.created += 1
                elif (vote, option) in wanted:
                    result.existing += 1
                else:
                    wanted[(vote, option)] = line
            there = set(
                VoteChoice.objects.filter(
                    vote_id__in={v for v, _o in wanted}, option_id__in={o for _v, o in wanted}
                ).values_list("vote_id", "option_id")
            )
            rows = []
            for (vote, option), line in wanted.items():
                if (vote, option) in there:
                    result.existing += 1
                    continue
                _option, kind, points = self.maps.options[line.record["poll_option_id"]]
                value = mapping.choice_value(kind, line.record.get("score", 1), points)
                rows.append(VoteChoice(vote_id=vote, option_id=option, value=value))
                result.created += 1
            self.save(VoteChoice, rows)

    def _write_outcomes(self) -> None:
        result = self.results["outcomes"]
        for batch in self.batches("outcomes"):
            existing = self.existing(Outcome, batch, "outcomes")
            rows = []
            for line in batch:
                record, key = line.record, mapping.loomio_key("outcomes", line.record)
                if key in existing:
                    result.existing += 1
                    continue
                proposal, _kind, _points = self.maps.polls[record["poll_id"]]
                rows.append(
                    Outcome(
                        proposal_id=proposal,
                        statement=mapping.text_of(record.get("statement")),
                        author_id=self.person(record.get("author_id")),
                        created_at=mapping.must(record, "created_at"),
                        loomio_key=key,
                    )
                )
                result.created += 1
            self.save(Outcome, rows)
