from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .choices import ChoiceLabels


class RegistrationApplication(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Preparation (筹备)")
        ESTABLISH = "establish", _("Establishment (成立)")
        CHANGE = "change", _("Change (变更)")
        DEREGISTER = "deregister", _("Deregistration (注销)")
        FILING = "filing", _("Filing (备案)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNIT_CONSENTED = "unit_consented", _("Consented by the supervising unit")
        UNIT_REFUSED = "unit_refused", _("Refused by the supervising unit")
        CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
        ACCEPTED = "accepted", _("Accepted (受理)")
        APPROVED = "approved", pgettext_lazy("registration", "Approved")  # 核准, not 批准
        REFUSED = "refused", pgettext_lazy("registration", "Refused")  # 不予登记
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LAPSED = "lapsed", _("Lapsed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    org_type = models.CharField(_("organization type"), max_length=24)
    category = models.CharField(_("category"), max_length=24, blank=True)  # a draft may not have it yet
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    supervising_unit = models.ForeignKey(
        "orgs.SupervisingUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    preparation = models.ForeignKey(
        "self",
        verbose_name=_("approved preparation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed = models.JSONField(_("proposed particulars"), default=dict, blank=True)
    proposed_name = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=22, choices=Status.choices, default=Status.DRAFT)
    correction_items = models.JSONField(_("items to correct"), default=list, blank=True)
    correction_comment = models.TextField(_("correction notice"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("days paused for corrections"), default=0)
    paused_since = models.DateField(null=True, blank=True)
    due_on = models.DateField(_("legal time limit"), null=True, blank=True)
    promised_on = models.DateField(_("promised by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    expires_on = models.DateField(_("preparation expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Read by code prefix (region LIKE '3205%': a city's queue), which only the pattern operator class
            # serves under the database's collation; equality too.
            models.Index(
                fields=["region", "status"],
                name="app_region_status",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
            models.Index(fields=["status", "due_on"], name="app_status_due"),
            models.Index(fields=["updated_at", "id"], name="app_updated_id"),
        ]
        verbose_name = _("registration application")
        verbose_name_plural = _("registration applications")

    def __str__(self):
        return f"{self.get_kind_display()} {self.proposed_name or self.organization or self.pk}"


def material_path(instance, filename):
    return f"applications/{instance.application_id}/{instance.item}/{filename}"


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(
        RegistrationApplication, on_delete=models.CASCADE, related_name="materials"
    )
    item = models.CharField(_("checklist item"), max_length=40)
    file = models.FileField(_("file"), upload_to=material_path)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "-uploaded_at"]


class ApplicationEvent(models.Model):
    """The application's timeline: every step with who, when and the comment."""

    application = models.ForeignKey(RegistrationApplication, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ChecklistItem(models.Model):
    """The materials each kind of application needs (清单化), editable as data. Empty org_type: every type."""

    kind = models.CharField(_("kind"), max_length=12, choices=RegistrationApplication.Kind.choices)
    org_type = models.CharField(_("organization type"), max_length=24, blank=True)
    item = models.CharField(_("item code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "org_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "org_type", "item"], name="unique_checklist_item")
        ]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.name


class DirectRegistrationCategory(models.Model):
    """Categories that register directly, without the supervising unit's consent (直接登记)."""

    category = models.CharField(_("category"), max_length=24, unique=True)

    class Meta:
        verbose_name = _("direct-registration category")
        verbose_name_plural = _("direct-registration categories")

    def __str__(self):
        return self.category


class TimeLimitRule(models.Model):
    """Legal time limit per kind (and type): calendar days or working days. Empty org_type: every type."""

    kind = models.CharField(_("kind"), max_length=12, choices=RegistrationApplication.Kind.choices)
    org_type = models.CharField(_("organization type"), max_length=24, blank=True)
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("working days"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "org_type"], name="unique_time_limit")]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")


class CodeSequence(models.Model):
    """Counters behind issued codes (credit codes per county, filing numbers per region and year).

    Taken with SELECT … FOR UPDATE, so concurrent approvals never issue the same number."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveIntegerField(default=0)


class CalendarDay(models.Model):
    """An admin's entry for a year the holiday package does not know yet: a holiday or an adjusted working day."""

    date = models.DateField(_("date"), primary_key=True)
    is_working_day = models.BooleanField(_("is a working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
