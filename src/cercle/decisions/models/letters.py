"""Support letters: a project asks for the association's backing."""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.decisions.enums import CriterionAssessment, LetterStatus
from cercle.decisions.models.proposals import Proposal
from cercle.network.models import Organization, Person


class ReadingCriterion(models.Model):
    """One of the association's reading criteria (an editable list)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("reading criterion")
        verbose_name_plural = _("reading criteria")

    def __str__(self) -> str:
        return self.title


def letter_dossier_path(instance: SupportLetterRequest, filename: str) -> str:
    return f"letters/{instance.uuid}/dossier/{filename}"


def letter_pdf_path(instance: SupportLetterRequest, filename: str) -> str:
    return f"letters/{instance.uuid}/{filename}"


class SupportLetterRequest(models.Model):
    """A project's request for a support letter. The project is supported, never an
    operator: `holder` is the organization carrying the project; `operators` are the
    providers involved. One letter per project (`project_key`)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    project_name = models.CharField(_("project"), max_length=200)
    # The normalised project name, unique per holder: one letter per project.
    project_key = models.SlugField(max_length=200, editable=False)
    project_summary = models.TextField(_("the project in a few lines"))
    holder = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="support_letters",
        verbose_name=_("project holder"),
    )
    operators = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("operators involved")
    )
    call_name = models.CharField(_("call for projects"), max_length=200)
    call_url = models.URLField(_("link to the call"), blank=True)
    call_deadline = models.DateTimeField(_("deadline of the call"))
    dossier = models.FileField(_("dossier"), upload_to=letter_dossier_path, max_length=300)
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    contact_email = models.EmailField(_("contact e-mail"))
    status = models.CharField(
        _("status"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.SUBMITTED
    )
    reviewer = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="letter_reviews"
    )
    reviewer_appointed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_summary = models.TextField(_("review"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="support_letter"
    )
    letter_pdf = models.FileField(upload_to=letter_pdf_path, max_length=300, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    holder_invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support letter request")
        verbose_name_plural = _("support letter requests")
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "project_key"],
                condition=~Q(status__in=["refused", "withdrawn"]),
                name="letter_one_per_project",
            ),
        ]

    def __str__(self) -> str:
        return self.project_name

    def get_absolute_url(self) -> str:
        return reverse("decisions:letter_detail", kwargs={"uuid": self.uuid})


class LetterAssessment(models.Model):
    """The reviewer's reading of the dossier against one criterion."""

    letter = models.ForeignKey(
        SupportLetterRequest, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(ReadingCriterion, on_delete=models.PROTECT, related_name="+")
    assessment = models.CharField(
        _("assessment"), max_length=8, choices=CriterionAssessment.choices
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "criterion"], name="assessment_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.assessment}"
