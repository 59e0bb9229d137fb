from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..codes import normalize_code, validate_credit_code, validate_id_number
from ..search import name_initials, name_pairs
from .choices import ChoiceLabels


class SupervisingUnit(models.Model):
    class Kind(models.TextChoices):
        COMPETENT = "competent", _("Competent business unit (业务主管单位)")
        INDUSTRY = "industry", _("Industry management department (行业管理部门)")

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPETENT)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unique_unit_name_in_region")]
        verbose_name = _("supervising unit")
        verbose_name_plural = _("supervising units")

    def __str__(self):
        return self.name


class Organization(ChoiceLabels, models.Model):
    class OrgType(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group (社会团体)")
        SOCIAL_SERVICE_AGENCY = "social_service_agency", _("Social service agency (社会服务机构)")
        FOUNDATION = "foundation", _("Foundation (基金会)")

    class Category(models.TextChoices):
        INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
        CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Chamber of commerce")
        OUT_OF_TOWN_CHAMBER = "out_of_town_chamber", _("Out-of-town chamber of commerce")
        TOWNSHIP_CHAMBER = "township_chamber", _("Township chamber of commerce")
        ACADEMIC = "academic", _("Academic")
        FEDERATION = "federation", _("Federation")
        CHARITY = "charity", _("Charity")
        COMMUNITY = "community", _("Community organization")
        OTHER = "other", _("Other")

    class HubType(models.TextChoices):
        PARTY_BUILDING = "party_building", _("Party-building hub")
        PLATFORM = "platform", _("Platform hub")
        STREET = "street", _("Street/town hub")
        SPONTANEOUS = "spontaneous", _("Spontaneous hub")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active (正常)")
        ABNORMAL = "abnormal", _("Abnormal activity (活动异常)")
        DEREGISTERED = "deregistered", _("Deregistered (注销)")
        REVOKED = "revoked", _("Revoked (撤销)")

    # The only moves a status may make; nothing leaves deregistered or revoked.
    TRANSITIONS = {
        Status.ACTIVE: {Status.ABNORMAL, Status.DEREGISTERED, Status.REVOKED},
        Status.ABNORMAL: {Status.ACTIVE, Status.DEREGISTERED, Status.REVOKED},
        Status.DEREGISTERED: set(),
        Status.REVOKED: set(),
    }
    TYPE_DIGITS = {OrgType.SOCIAL_GROUP: "1", OrgType.SOCIAL_SERVICE_AGENCY: "2", OrgType.FOUNDATION: "3"}

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    filing_number = models.CharField(_("filing number"), max_length=30, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, blank=True, db_index=True, editable=False
    )
    # The name's and the initials' two-character pairs, for two-character searches (orgs.search.name_pairs).
    name_pairs = models.TextField(_("name pairs"), blank=True, default="", editable=False)
    org_type = models.CharField(_("organization type"), max_length=24, choices=OrgType.choices)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    hub_type = models.CharField(_("hub type"), max_length=16, choices=HubType.choices, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations"
    )
    supervising_unit = models.ForeignKey(
        SupervisingUnit,
        verbose_name=_("supervising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.ACTIVE)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    legal_representative_id_number = models.CharField(
        _("legal representative's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    registered_capital = models.DecimalField(
        _("registered capital (yuan)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    public_fundraising = models.BooleanField(_("raises funds from the public"), default=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    charter = models.TextField(_("charter"), blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)  # indexed with id: org_updated_id
    history = HistoricalRecords(excluded_fields=["name_initials", "name_pairs", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["region", "org_type", "status"], name="org_region_type_status"),
            models.Index(fields=["status", "org_type"], name="org_status_type"),
            models.Index(fields=["updated_at", "id"], name="org_updated_id"),
            models.Index(fields=["legal_representative_id_number"], name="org_legal_rep_id"),
        ]
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials", "name_pairs", "updated_at"}
        super().save(*args, **kwargs)

    SEARCH_COLUMNS = ("name_initials", "name_pairs")

    def fill_search_columns(self) -> bool:
        """Compute the search columns from the name (pinyin initials, then the pairs); whether they changed."""
        before = (self.name_initials, self.name_pairs)
        self.name_initials = name_initials(self.name)
        self.name_pairs = name_pairs(self.name, self.name_initials)
        return (self.name_initials, self.name_pairs) != before

    @property
    def is_filed_only(self) -> bool:
        """A community organization filed (备案) rather than registered: a filing number, no credit code."""
        return self.category == self.Category.COMMUNITY and bool(self.filing_number) and not self.credit_code

    def clean(self):
        self.credit_code = normalize_code(self.credit_code) or None
        self.filing_number = (self.filing_number or "").strip() or None
        self.legal_representative_id_number = normalize_code(self.legal_representative_id_number)
        self.name = (self.name or "").strip()
        errors = {}
        if self.credit_code:
            try:
                validate_credit_code(self.credit_code)
            except ValidationError as error:
                errors["credit_code"] = error.messages
            else:
                if self.org_type in self.TYPE_DIGITS and self.credit_code[1] not in (
                    self.TYPE_DIGITS[self.org_type],
                    "9",
                ):
                    errors["credit_code"] = [
                        _(
                            "The second character of the credit code (%(digit)s) does not match the type %(type)s."
                        )
                        % {"digit": self.credit_code[1], "type": self.get_org_type_display()}
                    ]
        elif self.category == self.Category.COMMUNITY:
            if not self.filing_number:
                errors["filing_number"] = [
                    _("A community organization needs a credit code or a filing number.")
                ]
        else:
            errors["credit_code"] = [_("A registered organization must have a unified social credit code.")]
        if self.filing_number and self.category != self.Category.COMMUNITY:
            errors["filing_number"] = [_("Only community organizations are filed with a filing number.")]
        if errors:
            raise ValidationError(errors)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())
