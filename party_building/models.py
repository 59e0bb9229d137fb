"""Party building: the party-organization tree, instructors, secretaries' reports, work stations, leaders,
leader-candidate reviews and the six synchronous steps (六个同步).

The tree is a materialized path (`path`: each ancestor's id, zero-padded to 10 digits and ended with a dot),
so a subtree is one `path LIKE 'prefix%'` query whatever its size, and a move is one UPDATE."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models.choices import ChoiceLabels

PATH_STEP = 11  # 10 digits and a dot
STEP_DAYS = 30  # a synchronous step is done on time within 30 days


def path_step(pk: int) -> str:
    return f"{pk:010d}."


class PartyOrganization(ChoiceLabels, models.Model):
    class Level(models.TextChoices):
        WORK_COMMITTEE = "work_committee", _("Work committee (两新工委)")
        INDUSTRY_COMMITTEE = "industry_committee", _("Industry committee (行业(综合)党委)")
        COMMITTEE = "committee", _("Party committee (党委)")
        GENERAL_BRANCH = "general_branch", _("General branch (党总支)")
        BRANCH = "branch", _("Branch (党支部)")
        JOINT_BRANCH = "joint_branch", _("Joint branch (联合党支部)")

    # Only these cover organizations directly; branches need three formal members.
    COVERING_LEVELS = {Level.COMMITTEE, Level.GENERAL_BRANCH, Level.BRANCH, Level.JOINT_BRANCH}
    BRANCH_LEVELS = {Level.BRANCH, Level.JOINT_BRANCH}

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    organizations = models.ManyToManyField(
        "orgs.Organization",
        through="PartyCoverage",
        related_name="party_organizations",
        verbose_name=_("organizations covered"),
        blank=True,
    )
    secretary = models.CharField(_("secretary"), max_length=50, blank=True)
    formal_members = models.PositiveIntegerField(
        _("formal members"), default=0, validators=[MinValueValidator(0)]
    )
    probationary_members = models.PositiveIntegerField(
        _("probationary members"), default=0, validators=[MinValueValidator(0)]
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "path", "depth"])

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["updated_at", "id"], name="party_org_updated_id")]
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")

    def __str__(self):
        return self.name

    @property
    def is_live(self) -> bool:
        return self.dissolved_on is None or self.dissolved_on > timezone.localdate()


class PartyCoverage(models.Model):
    """A party organization covers an organization from one date to another; at most one live cover per org."""

    party_organization = models.ForeignKey(
        PartyOrganization, on_delete=models.CASCADE, related_name="coverages"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="party_coverages"
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(to_date__isnull=True), name="one_live_party_coverage"
            )
        ]
        indexes = [models.Index(fields=["organization", "to_date"], name="party_cover_org_to")]
        verbose_name = _("party coverage")
        verbose_name_plural = _("party coverages")


class PartyInstructor(models.Model):
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_instructor",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("party-building instructor")
        verbose_name_plural = _("party-building instructors")

    def __str__(self):
        return self.name


class Assignment(models.Model):
    instructor = models.ForeignKey(PartyInstructor, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="party_assignments",
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["from_date", "id"]
        indexes = [models.Index(fields=["organization", "to_date"], name="party_assign_org_to")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")


class Visit(models.Model):
    instructor = models.ForeignKey(
        PartyInstructor, verbose_name=_("instructor"), on_delete=models.CASCADE, related_name="visits"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="party_visits",
    )
    visited_on = models.DateField(_("visited on"))
    content = models.TextField(_("what was done"))
    problems = models.TextField(_("problems found"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")


class SecretaryReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        EVALUATED = "evaluated", _("Evaluated")

    class Grade(models.TextChoices):
        GOOD = "good", _("Good (好)")
        FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
        AVERAGE = "average", _("Average (一般)")
        POOR = "poor", _("Poor (差)")

    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("party organization"),
        on_delete=models.PROTECT,
        related_name="secretary_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.TextField(_("content"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "party_organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["party_organization", "year"], name="one_secretary_report_a_year")
        ]
        verbose_name = _("secretary's report")
        verbose_name_plural = _("secretaries' reports")


class WorkStation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    organizations = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("organizations linked"), related_name="work_stations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("party-building work station")
        verbose_name_plural = _("party-building work stations")

    def __str__(self):
        return self.name


class WorkStationFunding(models.Model):
    station = models.ForeignKey(WorkStation, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["station", "year"], name="one_funding_a_year")]


class StationActivity(models.Model):
    station = models.ForeignKey(
        WorkStation, verbose_name=_("work station"), on_delete=models.CASCADE, related_name="activities"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    organizations = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("organizations that took part"), related_name="+", blank=True
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("station activity")
        verbose_name_plural = _("station activities")


class OrganizationLeader(models.Model):
    """A leader of an organization. Whether they are a party member is sensitive (see selectors)."""

    class Position(models.TextChoices):
        PRESIDENT = "president", _("President (会长/理事长)")
        VICE_PRESIDENT = "vice_president", _("Vice president")
        SECRETARY_GENERAL = "secretary_general", _("Secretary general")
        DIRECTOR = "director", _("Director (理事)")
        SUPERVISOR = "supervisor", _("Supervisor (监事)")

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="leaders",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    is_party_member = models.BooleanField(_("party member"), default=False)
    party_role = models.CharField(_("party role"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organization_id", "position", "id"]
        verbose_name = _("organization leader")
        verbose_name_plural = _("organization leaders")

    def __str__(self):
        return f"{self.name} ({self.get_position_display()})"


class LeaderReview(models.Model):
    """The party officer's review of a leader candidate (负责人人选审核); a change waits for `passed`."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
        PRESIDENT = "president", _("President")
        SECRETARY_GENERAL = "secretary_general", _("Secretary general")

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="leader_reviews",
    )
    candidate_name = models.CharField(_("candidate's name"), max_length=50)
    candidate_id_number = models.CharField(_("candidate's ID number"), max_length=18, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("leader-candidate review")
        verbose_name_plural = _("leader-candidate reviews")


class SyncEvent(models.TextChoices):
    ESTABLISHED = "established", _("Establishment approved")
    CHARTER_CHANGED = "charter_changed", _("Charter approved or changed")
    LEADER_CHANGED = "leader_changed", _("Change of leader")
    REPORT_ACCEPTED = "report_accepted", _("Annual report accepted")
    RATING_AWARDED = "rating_awarded", _("Rating awarded")
    DEREGISTERED = "deregistered", _("Deregistration")


class SyncStepRule(models.Model):
    """Which party step belongs to which registry event: data (seeded by a migration, kept in the admin)."""

    event = models.CharField(_("event"), max_length=20, choices=SyncEvent.choices)
    step = models.SlugField(_("step code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["event", "step"]
        constraints = [models.UniqueConstraint(fields=["event", "step"], name="one_rule_per_event_step")]
        verbose_name = _("synchronous-step rule")
        verbose_name_plural = _("synchronous-step rules")

    def __str__(self):
        return self.title


class SyncStep(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="sync_steps",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(_("event"), max_length=20, choices=SyncEvent.choices)
    step = models.SlugField(_("step code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["region", "status"], name="sync_step_region_status")]
        verbose_name = _("synchronous step")
        verbose_name_plural = _("synchronous steps")

    def save(self, *args, **kwargs):
        if not self.due_on:
            self.due_on = timezone.localtime(self.created_at).date() + timedelta(days=STEP_DAYS)
        super().save(*args, **kwargs)

    @property
    def on_time(self) -> bool | None:
        if self.completed_at is None:
            return None
        return timezone.localtime(self.completed_at).date() <= self.due_on


class PartyMemberRecord(models.Model):
    """The officer's own count of an organization's formal party members (for 应建未建, beside annual reports)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="party_member_records",
    )
    formal_members = models.PositiveIntegerField(_("formal party members"), default=0)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("party-member record")
        verbose_name_plural = _("party-member records")
