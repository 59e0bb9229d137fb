import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ChoiceLabels

MONEY = {
    "max_digits": 16,
    "decimal_places": 2,
    "default": Decimal("0.00"),
    "validators": [MinValueValidator(0)],
}
COUNT = {"default": 0}

# Section → fields, in the order the form shows them. The statistics read the outcome fields.
REPORT_SECTIONS = {
    "members": ["members_unit", "members_individual"],
    "people": ["staff", "party_members"],
    "finances": [
        "income_total",
        "income_dues",
        "income_donations",
        "income_government",
        "expense_total",
        "net_assets",
    ],
    "outcomes": [
        "jobs_posted",
        "graduate_jobs",
        "internship_posts",
        "graduates_hired",
        "standards_drafted",
        "standards_joined",
        "funds_raised",
        "rural_funds",
        "east_west_funds",
        "projects_run",
        "beneficiaries",
        "villages_paired",
        "events_held",
        "platforms_built",
        "disputes_mediated",
        "fees_reduced",
        "enterprises_benefiting",
    ],
}
FIGURE_FIELDS = [name for fields in REPORT_SECTIONS.values() for name in fields]


def report_attachment_path(instance, filename):
    # A random folder: the file is served only through the scoped statement views, never by a guessable URL.
    return f"annual_reports/{instance.year}/{instance.organization_id}/{uuid.uuid4().hex}/{filename}"


class AnnualReport(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNIT_REVIEWED = "unit_reviewed", _("Passed by the supervising unit")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    class Result(models.TextChoices):
        QUALIFIED = "qualified", _("Qualified (合格)")
        BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified (基本合格)")
        UNQUALIFIED = "unqualified", _("Unqualified (不合格)")

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    members_unit = models.PositiveIntegerField(_("unit members"), **COUNT)
    members_individual = models.PositiveIntegerField(_("individual members"), **COUNT)
    staff = models.PositiveIntegerField(_("staff"), **COUNT)
    party_members = models.PositiveIntegerField(_("party members"), **COUNT)
    income_total = models.DecimalField(_("total income (yuan)"), **MONEY)
    income_dues = models.DecimalField(_("membership dues (yuan)"), **MONEY)
    income_donations = models.DecimalField(_("donations (yuan)"), **MONEY)
    income_government = models.DecimalField(_("government funding (yuan)"), **MONEY)
    expense_total = models.DecimalField(_("total expenses (yuan)"), **MONEY)
    net_assets = models.DecimalField(
        _("net assets (yuan)"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )  # may be negative
    jobs_posted = models.PositiveIntegerField(_("jobs posted"), **COUNT)
    graduate_jobs = models.PositiveIntegerField(_("jobs for graduates"), **COUNT)
    internship_posts = models.PositiveIntegerField(_("internship posts"), **COUNT)
    graduates_hired = models.PositiveIntegerField(_("graduates hired"), **COUNT)
    standards_drafted = models.PositiveIntegerField(_("group standards drafted"), **COUNT)
    standards_joined = models.PositiveIntegerField(_("industry/local standards joined"), **COUNT)
    funds_raised = models.DecimalField(_("funds raised (yuan)"), **MONEY)
    rural_funds = models.DecimalField(_("funds for rural revitalization (yuan)"), **MONEY)
    east_west_funds = models.DecimalField(_("funds for east–west cooperation (yuan)"), **MONEY)
    projects_run = models.PositiveIntegerField(_("public-welfare projects run"), **COUNT)
    beneficiaries = models.PositiveIntegerField(_("people benefiting"), **COUNT)
    villages_paired = models.PositiveIntegerField(_("villages paired"), **COUNT)
    events_held = models.PositiveIntegerField(_("events held"), **COUNT)
    platforms_built = models.PositiveIntegerField(_("exchange platforms built"), **COUNT)
    disputes_mediated = models.PositiveIntegerField(_("disputes mediated"), **COUNT)
    fees_reduced = models.DecimalField(_("enterprise fees waived or reduced (yuan)"), **MONEY)
    enterprises_benefiting = models.PositiveIntegerField(_("enterprises benefiting"), **COUNT)
    audited_statement = models.FileField(
        _("audited financial statement (PDF)"), upload_to=report_attachment_path, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    unit_reviewed_at = models.DateTimeField(_("passed by the unit at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_report_per_org_year")
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="report_year_status"),
            models.Index(fields=["updated_at", "id"], name="report_updated_id"),
        ]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self):
        return f"{self.organization} {self.year}"

    @property
    def statement_filename(self) -> str:
        return self.audited_statement.name.rsplit("/", 1)[-1] if self.audited_statement else ""


class ReportReview(models.Model):
    """One step of the review path: who, when, which decision, with what comment."""

    class Step(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        UNIT = "unit", _("Supervising-unit review")
        BUREAU = "bureau", _("Bureau review")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField(_("step"), max_length=8, choices=Step.choices)
    decision = models.CharField(_("decision"), max_length=20)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    DECISION_LABELS = {
        "submit": _("Submitted"),
        "pass": _("Passed"),
        "return": _("Returned with comments"),
        **dict(AnnualReport.Result.choices),
    }

    @property
    def decision_label(self) -> str:
        return self.DECISION_LABELS.get(self.decision, self.decision)


class DeadlineReminder(models.Model):
    """A reminder sent once per organization, year and days-before (what makes the task idempotent)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "days_before"], name="one_reminder_per_step"
            )
        ]


class Rating(models.Model):
    VALID_YEARS = 5

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="ratings"
    )
    grade = models.PositiveSmallIntegerField(
        _("grade (1A–5A)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.organization} {self.grade}A"

    @property
    def expired(self) -> bool:
        return self.valid_until < date.today()


class CreditListEntry(models.Model):
    class List(models.TextChoices):
        ABNORMAL = "abnormal", _("Abnormal-activity list (活动异常名录)")
        SERIOUS = "serious", _("Serious violation and dishonesty list (严重违法失信名单)")

    class ReasonCode(models.TextChoices):
        NO_ANNUAL_REPORT = "no_annual_report", _("Annual work report not filed as required")
        ESCALATED = "escalated", _("On the abnormal-activity list for two full years")
        FEE_PUNISHMENT = "fee_punishment", _("Punished for unlawful fees")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    list = models.CharField(_("list"), max_length=10, choices=List.choices)
    reason = models.CharField(_("reason"), max_length=300)
    reason_code = models.CharField(
        _("reason code"), max_length=20, choices=ReasonCode.choices, default="other"
    )
    report_year = models.PositiveSmallIntegerField(_("report year"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-listed_on", "-id"]
        indexes = [models.Index(fields=["list", "removed_on"], name="credit_list_current")]
        constraints = [
            # One open entry per organization, list and report year: what keeps the deadline task idempotent.
            models.UniqueConstraint(
                fields=["organization", "list", "report_year"],
                condition=models.Q(removed_on__isnull=True),
                name="one_open_entry_per_list_year",
            )
        ]
        verbose_name = _("credit-list entry")
        verbose_name_plural = _("credit-list entries")

    def __str__(self):
        return f"{self.organization} {self.get_list_display()}"
