"""States of the circle's objects and the transitions allowed between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestSource(models.TextChoices):
    DIRECT = "direct", _("Direct request")
    TENDER_WATCH = "tender_watch", _("Tender watch")
    PARTNER = "partner", _("Partner")


class RequestStatus(models.TextChoices):
    # Filed through the public form, waiting for the client to confirm their e-mail.
    UNCONFIRMED = "unconfirmed", _("Awaiting e-mail confirmation")
    # Confirmed: visible to the circle, waiting for a steward's qualification.
    NEW = "new", _("New")
    # Qualified: scope, selection mode, criteria and deadline are set; offers are taken
    # until the deadline (a time, not a state), then the selection runs.
    QUALIFIED = "qualified", _("Qualified")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


REQUEST_TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.UNCONFIRMED: {RequestStatus.NEW, RequestStatus.CANCELLED},
    RequestStatus.NEW: {RequestStatus.QUALIFIED, RequestStatus.CANCELLED},
    RequestStatus.QUALIFIED: {
        RequestStatus.QUALIFIED,
        RequestStatus.AWARDED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.AWARDED: set(),
    RequestStatus.CANCELLED: set(),
}


class RequestScope(models.TextChoices):
    # Option 2: the network only connects the parties; an introduction fee.
    LOCAL = "local", _("Local (the network connects — introduction fee)")
    # Option 1: the association coordinates and hosts the contract; a structure fee.
    STRUCTURING = "structuring", _("Structuring (the association coordinates — structure fee)")


class SelectionMode(models.TextChoices):
    CLIENT = "client", _("Chosen by the client")
    DELEGATED = "delegated", _("Delegated to neutral evaluators")


class PriceRule(models.TextChoices):
    # score = lowest valid price / price (the lowest price gets the full points)
    PROPORTIONAL = "proportional", _("Proportional: lowest price ÷ price")
    # score = 1 − (price − lowest) / lowest, never below 0
    LINEAR = "linear", _("Linear: minus the gap to the lowest price, in percent")


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_CONTRACTOR = "co_contractor", _("Co-contractor")
    SUB_CONTRACTOR = "sub_contractor", _("Sub-contractor")
    # Unisson roles: keeps the method and picks the commons …
    GUARANTOR = "guarantor", _("Commons guarantor (garant-connecteur)")
    # … and shares knowledge of a common, paid for it.
    HELPING_COMMONER = "helping_commoner", _("Helping commoner (commoner aidant)")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


MEMBER_TRANSITIONS: dict[str, set[str]] = {
    MemberStatus.INVITED: {MemberStatus.ACCEPTED, MemberStatus.DECLINED},
    MemberStatus.ACCEPTED: {MemberStatus.LEFT},
    MemberStatus.DECLINED: set(),
    MemberStatus.LEFT: set(),
}


class OfferStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OFFER_TRANSITIONS: dict[str, set[str]] = {
    OfferStatus.SUBMITTED: {OfferStatus.WITHDRAWN},
    OfferStatus.WITHDRAWN: set(),
}


class TieKind(models.TextChoices):
    NONE = "none", _("No tie")
    SAME_ORGANIZATION = "same_organization", _("Same organization")
    COLLABORATOR = "collaborator", _("Recent collaborator")
    PERSONAL = "personal", _("Personal tie")
    FINANCIAL = "financial", _("Financial tie")
    OTHER = "other", _("Other tie")


class MissionStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    STARTED = "started", pgettext_lazy("mission status", "Started")
    DELIVERED = "delivered", _("Delivered")
    DOCUMENTED = "documented", _("Documented")
    CLOSED = "closed", _("Closed")


MISSION_TRANSITIONS: dict[str, set[str]] = {
    MissionStatus.AWARDED: {MissionStatus.STARTED},
    MissionStatus.STARTED: {MissionStatus.DELIVERED},
    MissionStatus.DELIVERED: {MissionStatus.DOCUMENTED},
    MissionStatus.DOCUMENTED: {MissionStatus.CLOSED},
    MissionStatus.CLOSED: set(),
}


class UpdateKind(models.TextChoices):
    START = "start", _("Start")
    PROGRESS = "progress", _("Progress")
    DELIVERY = "delivery", _("Delivery")


class ReviewFinding(models.TextChoices):
    CONFORMS = "conforms", _("Conforms to the specification")
    CONCERN = "concern", _("Outside the specification")


class TenderInterestKind(models.TextChoices):
    LOOKING = "looking", _("I am looking at it")
    TOGETHER = "together", _("I want to answer together")
