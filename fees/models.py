import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models.choices import ChoiceLabels

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class FeeCase(ChoiceLabels, models.Model):
    """A case of an unlawful fee charged to enterprises, from intake to closure."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        HOTLINE = "hotline", _("12345 hotline")
        SELF_INSPECTION = "self_inspection", _("Self-inspection")
        INSPECTION = "inspection", _("Inspection")
        REFERRAL = "referral", _("Referral")
        MEDIA = "media", _("Media report")

    class Kind(models.TextChoices):
        DUES_ABOVE_STANDARD = "dues_above_standard", _("Dues above the standard")
        COMPULSORY_MEMBERSHIP = "compulsory_membership", _("Compulsory membership")
        COMPULSORY_TRAINING = "compulsory_training", _("Compulsory training")
        COMPULSORY_EVALUATION = "compulsory_evaluation", _("Compulsory evaluation and awards")
        EVENTS = "events", _("Festivals, exhibitions and forums")
        PUBLICATIONS = "publications", _("Compulsory publications")
        CERTIFICATION = "certification", _("Certification")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")
        INVESTIGATING = "investigating", _("Investigating")
        RECTIFYING = "rectifying", _("Rectifying")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    EDITABLE = (Status.INTAKE, Status.ACCEPTED, Status.INVESTIGATING)

    number = models.CharField(_("case number"), max_length=40, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="fee_cases",
    )
    # The organization's region, kept in step with it (fees.apps): a region's cases are read by their own
    # index, not by probing each case's organization for its region (bench/README.md).
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    fee_item = models.CharField(_("fee item"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    amount_charged = models.DecimalField(_("amount charged (yuan)"), default=Decimal("0.00"), **MONEY)
    enterprises_affected = models.PositiveIntegerField(_("enterprises affected"), default=0)
    period_from = models.DateField(_("charged from"), null=True, blank=True)
    period_to = models.DateField(_("charged until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.INTAKE)
    violation = models.BooleanField(_("violation found"), null=True, blank=True)
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    dismissal_reason = models.TextField(_("reason for dismissal"), blank=True)
    # The complainant: never shown to the association.
    tracking_number = models.CharField(
        _("tracking number"), max_length=24, unique=True, null=True, blank=True
    )
    complainant_name = models.CharField(_("contact name"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    complainant_company = models.CharField(_("enterprise"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "region"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="feecase_status_deadline"),
            models.Index(fields=["updated_at", "id"], name="feecase_updated_id"),
            models.Index(fields=["created_at", "id"], name="feecase_created_id"),  # the list's order
            models.Index(fields=["closed_at"], name="feecase_closed"),
        ]
        verbose_name = _("fee case")
        verbose_name_plural = _("fee cases")

    def __str__(self):
        return self.number


class CaseOutcome(models.Model):
    """One of the five outcomes (五个一批) decided for a case; several may apply."""

    class Outcome(models.TextChoices):
        WAIVE = "waive", _("Waive or refund (减免)")
        REDUCE = "reduce", _("Reduce (降低)")
        REGULATE = "regulate", _("Regulate (规范)")
        PUNISH = "punish", _("Punish (查处)")
        NOTIFY = "notify", _("Publicly notify (通报)")

    class Punishment(models.TextChoices):
        WARNING = "warning", _("Warning")
        FINE = "fine", _("Fine")
        CONFISCATION = "confiscation", _("Confiscation of unlawful income")

    WHOLE_TRADE = (Outcome.REDUCE, Outcome.REGULATE)

    case = models.ForeignKey(FeeCase, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(_("amount (yuan)"), default=Decimal("0.00"), **MONEY)
    enterprises_benefiting = models.PositiveIntegerField(_("enterprises benefiting"), default=0)
    detail = models.TextField(_("detail"), blank=True)
    new_standard = models.CharField(_("new standard"), max_length=200, blank=True)
    punishment = models.CharField(_("punishment"), max_length=14, choices=Punishment.choices, blank=True)
    credit_list = models.CharField(_("credit list"), max_length=10, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "outcome"], name="one_outcome_kind_per_case")]


class CaseEvent(models.Model):
    """The case's timeline: every step with who, when and what."""

    LABELS = {
        "created": _("Received"),
        "edited": _("Edited"),
        "accept": _("Accepted"),
        "dismiss": _("Dismissed"),
        "start_investigation": _("Investigation started"),
        "note": _("Investigation note"),
        "answer": _("The association's answer"),
        "decide": _("Decision"),
        "submit_evidence": _("Evidence submitted"),
        "verify": _("Rectification verified"),
        "return": _("Returned for more rectification"),
        "close": _("Closed"),
    }

    case = models.ForeignKey(FeeCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def label(self):
        return self.LABELS.get(self.action, self.action)


def case_file_path(instance, filename):
    # A folder nobody can guess: the files are served only through fees.views.case_file.
    return f"fee_cases/{instance.case_id}/{instance.purpose}/{secrets.token_hex(8)}/{filename}"


class CaseFile(models.Model):
    class Purpose(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint attachment")
        INVESTIGATION = "investigation", _("Investigation")
        EVIDENCE = "evidence", _("Rectification evidence")

    case = models.ForeignKey(FeeCase, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(_("purpose"), max_length=14, choices=Purpose.choices)
    file = models.FileField(_("file"), upload_to=case_file_path)
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class CaseReminder(models.Model):
    """A deadline reminder sent once per case, deadline and days-before."""

    case = models.ForeignKey(FeeCase, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline", "days_before"], name="one_case_reminder_per_step"
            )
        ]


class FeeNotice(models.Model):
    """A public notice (通报), published when a case with a `notify` outcome closes."""

    case = models.OneToOneField(FeeCase, on_delete=models.PROTECT, related_name="notice")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self):
        return self.title


class FeeCampaign(models.Model):
    """A self-inspection campaign (专项行动 / 自查自纠) over a region (none: the whole country), categories and a
    period."""

    class Status(models.TextChoices):
        OPENING = "opening", _("Opening")
        OPEN = "open", _("Open")
        FAILED = "failed", _("Failed to open")

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: the whole country (opened by a national scope only)."),
    )
    categories = models.JSONField(
        _("categories"), default=list, blank=True, help_text=_("Empty: every category.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPENING)
    expected = models.PositiveIntegerField(_("organizations in scope"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name


class CampaignTarget(models.Model):
    """An organization that must file in a campaign (written in bulk when the campaign opens)."""

    campaign = models.ForeignKey(FeeCampaign, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="one_target_per_campaign")
        ]


class CampaignReturn(models.Model):
    """An organization's fee list and self-inspection statement for a campaign."""

    campaign = models.ForeignKey(FeeCampaign, on_delete=models.CASCADE, related_name="returns")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="fee_returns"
    )
    statement = models.TextField(_("self-inspection statement"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="one_return_per_campaign")
        ]


class FeeItem(models.Model):
    class Basis(models.TextChoices):
        CHARTER = "charter", _("Charter")
        APPROVAL = "approval", _("Government approval")
        NONE = "none", _("No basis")

    campaign_return = models.ForeignKey(CampaignReturn, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("fee item"), max_length=200)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    standard = models.CharField(_("standard"), max_length=200)
    payers = models.CharField(_("payers"), max_length=200, blank=True)
    yearly_income = models.DecimalField(_("yearly income (yuan)"), default=Decimal("0.00"), **MONEY)
    case = models.ForeignKey(FeeCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
