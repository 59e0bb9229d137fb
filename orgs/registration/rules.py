"""The rules an application's particulars must satisfy. Each error names its field; the services raise them
all at once, before anything is saved."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..codes import id_number_birth_date, normalize_code, validate_id_number
from ..models import (
    AnnualReport,
    ApplicationMaterial,
    ChecklistItem,
    DirectRegistrationCategory,
    Organization,
    Region,
    RegistrationApplication,
    SupervisingUnit,
)

App = RegistrationApplication
Kind = App.Kind
Status = App.Status
PENDING = (Status.SUBMITTED, Status.UNIT_CONSENTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED)
LIVE_ORG = (Organization.Status.ACTIVE, Organization.Status.ABNORMAL)

TEXT_FIELDS = {"name", "legal_representative", "legal_representative_id_number", "address", "phone"}
LONG_TEXT_FIELDS = {"business_scope", "charter", "reason"}
ORG_FIELDS = {
    "name",
    "org_type",
    "category",
    "region",
    "supervising_unit",
    "legal_representative",
    "legal_representative_id_number",
    "registered_capital",
    "address",
    "phone",
    "business_scope",
    "members_individual",
    "members_unit",
    "public_fundraising",
}
CHANGE_FIELDS = {
    "name",
    "address",
    "phone",
    "legal_representative",
    "legal_representative_id_number",
    "business_scope",
    "registered_capital",
    "supervising_unit",
    "charter",
}
ALLOWED = {
    Kind.PREPARATION: ORG_FIELDS,
    Kind.ESTABLISH: ORG_FIELDS,
    Kind.FILING: ORG_FIELDS,
    Kind.CHANGE: CHANGE_FIELDS,
    Kind.DEREGISTER: {"reason"},
}
REQUIRED = {
    Kind.PREPARATION: [
        "name", "org_type", "category", "region", "legal_representative", "legal_representative_id_number",
        "registered_capital", "address", "business_scope",
    ],
    Kind.ESTABLISH: [
        "name", "org_type", "category", "region", "legal_representative", "legal_representative_id_number",
        "registered_capital", "address", "business_scope",
    ],
    Kind.FILING: [
        "name", "org_type", "region", "legal_representative", "legal_representative_id_number", "address",
        "business_scope",
    ],
    Kind.CHANGE: [],
    Kind.DEREGISTER: ["reason"],
}  # fmt: skip
FORBIDDEN_PREFIXES = ("中国", "全国", "中华")
MIN_MEMBERS_INDIVIDUAL = 50
MIN_MEMBERS_UNIT = 30
MIN_MEMBERS_MIXED = 50
MIN_SOCIAL_GROUP_FUNDS = Decimal("30000")
MIN_FOUNDATION_FUNDS = Decimal("2000000")
MIN_PUBLIC_FOUNDATION_FUNDS = Decimal("4000000")
MIN_AGE, MAX_AGE = 18, 70


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def normalize(kind: str, proposed) -> dict:
    """Types and known keys only (no business rules): what the API and the forms store in `proposed`."""
    if not isinstance(proposed, dict):
        raise ValidationError({"proposed": [_("Give the particulars as an object.")]})
    allowed = ALLOWED.get(kind, set())
    errors = {}
    clean = {}
    for key, value in proposed.items():
        if key not in allowed:
            errors[key] = [_("This field is not part of this kind of application.")]
            continue
        if value is None or value == "":
            continue
        try:
            clean[key] = _coerce(key, value)
        except (ValueError, TypeError, InvalidOperation):
            errors[key] = [_("Enter a valid value.")]
    raise_if(errors)
    return clean


def _coerce(key, value):
    if key in ("members_individual", "members_unit"):
        number = int(value)
        if number < 0:
            raise ValueError
        return number
    if key == "registered_capital":
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
        if amount < 0 or not amount.is_finite():
            raise ValueError
        return str(amount)
    if key == "public_fundraising":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "on", "yes"):
            return True
        if str(value).lower() in ("false", "0", "off", "no"):
            return False
        raise ValueError
    if key == "supervising_unit":
        return int(value.pk if hasattr(value, "pk") else value)
    if key == "region":
        return str(value.code if hasattr(value, "code") else value).strip()
    if key == "legal_representative_id_number":
        return normalize_code(value)
    if not isinstance(value, str):
        raise TypeError
    return value.strip()


def is_direct(category: str) -> bool:
    return DirectRegistrationCategory.objects.filter(category=category).exists()


def needs_unit_consent(application: App) -> bool:
    return application.kind != Kind.FILING and not is_direct(application.category)


def checklist_for(kind: str, org_type: str):
    """The material checklist for exactly this kind and type: its own items, then those for every type."""
    return ChecklistItem.objects.filter(kind=kind, org_type__in=[org_type or "", ""]).order_by(
        "position", "id"
    )


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _name_holder(name: str, region_code: str, *, organization_id=None, application=None) -> str | None:
    organization = (
        Organization.objects.filter(region_id=region_code, name=name, status__in=LIVE_ORG)
        .exclude(pk=organization_id)
        .first()
    )
    if organization is not None:
        return _("the organization %(name)s (%(code)s)") % {
            "name": organization.name,
            "code": organization.credit_code or organization.filing_number or organization.pk,
        }
    others = App.objects.filter(region_id=region_code, proposed_name=name).filter(
        status__in=PENDING
    ) | App.objects.filter(
        region_id=region_code, proposed_name=name, kind=Kind.PREPARATION, status=Status.APPROVED
    )
    if application is not None:
        others = others.exclude(pk=application.pk)
        if application.preparation_id:
            others = others.exclude(pk=application.preparation_id)
    other = others.order_by("pk").first()
    if other is not None:
        return _("application No. %(id)s (%(kind)s, %(status)s)") % {
            "id": other.pk,
            "kind": other.get_kind_display(),
            "status": other.get_status_display(),
        }
    return None


def check_particulars(application: App, *, partial: bool, today: date) -> None:
    """Every rule of the issue for the application's particulars; all errors at once, each naming its field."""
    kind = application.kind
    p = application.proposed or {}
    organization = application.organization
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not partial:
        for field in REQUIRED.get(kind, []):
            if p.get(field) in (None, ""):
                add(field, _("This field is required."))
        if kind == Kind.CHANGE and not p:
            add("proposed", _("Name at least one particular to change."))
    org_type = application.org_type
    category = application.category
    region_code = application.region_id

    if kind in (Kind.PREPARATION, Kind.ESTABLISH, Kind.FILING):
        if org_type and org_type not in Organization.OrgType.values:
            add("org_type", _("Unknown organization type."))
        if category and category not in Organization.Category.values:
            add("category", _("Unknown category."))
        if p.get("region") and not Region.objects.filter(code=p["region"]).exists():
            add("region", _("Unknown region code."))
        elif p.get("region"):
            length = len(p["region"])
            if kind == Kind.FILING and length != 9:
                add(
                    "region",
                    _("A community organization is filed with its street or town (a 9-digit region)."),
                )
            if kind != Kind.FILING and length not in (4, 6):
                add("region", _("Give the city or county (a 4 or 6-digit region) where it registers."))
        if kind == Kind.PREPARATION and org_type and org_type != Organization.OrgType.SOCIAL_GROUP:
            add("org_type", _("Only a social group applies for preparation."))
        if kind == Kind.FILING and category and category != Organization.Category.COMMUNITY:
            add("category", _("Only community organizations are filed."))
        if kind == Kind.ESTABLISH and org_type == Organization.OrgType.SOCIAL_GROUP and not partial:
            _check_preparation(application, add, today)

    # Supervising unit: needed unless the category registers directly; of the organization's region.
    unit_id = p.get("supervising_unit") if "supervising_unit" in p else None
    if unit_id is not None:
        unit = SupervisingUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            add("supervising_unit", _("Unknown supervising unit."))
        elif region_code and not region_code.startswith(unit.region_id):
            add("supervising_unit", _("The supervising unit must be of the organization's region."))
    elif (
        not partial
        and kind in (Kind.PREPARATION, Kind.ESTABLISH)
        and category
        and not application.supervising_unit_id
        and not is_direct(category)
    ):
        add(
            "supervising_unit",
            _("This category needs the consent of a supervising unit: choose the unit."),
        )

    name = p.get("name")
    if name:
        _check_name(application, name, org_type, region_code, add)

    if p.get("legal_representative_id_number"):
        _check_legal_representative(p["legal_representative_id_number"], organization, add, today)

    funds = Decimal(p["registered_capital"]) if p.get("registered_capital") else None
    if kind == Kind.PREPARATION and org_type == Organization.OrgType.SOCIAL_GROUP:
        individual, units = p.get("members_individual") or 0, p.get("members_unit") or 0
        if (not partial or "members_individual" in p or "members_unit" in p) and not (
            individual >= MIN_MEMBERS_INDIVIDUAL
            or units >= MIN_MEMBERS_UNIT
            or individual + units >= MIN_MEMBERS_MIXED
        ):
            add(
                "members_individual",
                _(
                    "A social group needs at least 50 individual members, or 30 unit members, or 50 "
                    "members in all (now %(individual)d individual and %(units)d unit members)."
                )
                % {"individual": individual, "units": units},
            )
        if funds is not None and funds < MIN_SOCIAL_GROUP_FUNDS:
            add("registered_capital", _("A social group needs activity funds of at least 30,000 yuan."))
    if org_type == Organization.OrgType.FOUNDATION and kind in (Kind.ESTABLISH, Kind.CHANGE):
        public = p.get("public_fundraising")
        if public is None and organization is not None:
            public = organization.public_fundraising
        if funds is not None:
            minimum = MIN_PUBLIC_FOUNDATION_FUNDS if public else MIN_FOUNDATION_FUNDS
            if funds < minimum:
                add(
                    "registered_capital",
                    _("A foundation's original fund must be at least %(min)s yuan.")
                    % {"min": f"{minimum:,.0f}"}
                    if not public
                    else _(
                        "A local foundation that raises funds from the public needs an original fund of at "
                        "least %(min)s yuan."
                    )
                    % {"min": f"{minimum:,.0f}"},
                )
    raise_if(errors)


def _check_preparation(application, add, today):
    prep = application.preparation
    if prep is None:
        add("preparation", _("A social group's establishment names its approved preparation."))
    elif prep.kind != Kind.PREPARATION or prep.status != Status.APPROVED:
        add("preparation", _("The preparation named is not an approved preparation."))
    elif prep.expires_on and prep.expires_on < today:
        add("preparation", _("The preparation expired on %(date)s.") % {"date": prep.expires_on})
    elif prep.applicant_id != application.applicant_id:
        add("preparation", _("The preparation named is not yours."))


def _check_name(application, name, org_type, region_code, add):
    is_foundation = org_type == Organization.OrgType.FOUNDATION
    if name.startswith(FORBIDDEN_PREFIXES):
        add("name", _("A local organization's name may not begin with 中国, 全国 or 中华."))
    if is_foundation and not name.endswith("基金会"):
        add("name", _("A foundation's name ends with 基金会."))
    if not is_foundation and name.endswith("基金会"):
        add("name", _("Only a foundation's name ends with 基金会."))
    if region_code:
        holder = _name_holder(
            name, region_code, organization_id=application.organization_id, application=application
        )
        if holder:
            add("name", _("The name is already held by %(holder)s.") % {"holder": holder})


def _check_legal_representative(id_number, organization, add, today):
    field = "legal_representative_id_number"
    try:
        validate_id_number(id_number)
    except ValidationError as error:
        add(field, error.messages[0])
        return
    age = age_on(id_number_birth_date(id_number), today)
    if not MIN_AGE <= age <= MAX_AGE:
        add(
            field,
            _("The legal representative must be between 18 and 70 years old (is %(age)d).") % {"age": age},
        )
    other = (
        Organization.objects.filter(legal_representative_id_number=id_number, status__in=LIVE_ORG)
        .exclude(pk=getattr(organization, "pk", None))
        .first()
    )
    if other is not None:
        add(
            field,
            _("This person is already the legal representative of %(name)s.") % {"name": other.name},
        )


def check_organization_state(application: App) -> None:
    """change: the organization is active; deregister: active or abnormal, no annual report under review."""
    organization = application.organization
    if organization is None:
        raise ValidationError({"organization": [_("Name the organization.")]})
    if application.kind == Kind.CHANGE and organization.status != Organization.Status.ACTIVE:
        raise ValidationError({"organization": [_("Only an active organization can apply for a change.")]})
    if application.kind == Kind.DEREGISTER:
        if organization.status not in LIVE_ORG:
            raise ValidationError(
                {"organization": [_("Only an active or abnormal organization can be deregistered.")]}
            )
        under_review = AnnualReport.objects.filter(
            organization=organization,
            status__in=[AnnualReport.Status.SUBMITTED, AnnualReport.Status.UNIT_REVIEWED],
        ).first()
        if under_review is not None:
            raise ValidationError(
                {
                    "organization": [
                        _("The annual report for %(year)s is under review; deregister after its review.")
                        % {"year": under_review.year}
                    ]
                }
            )


def check_materials_complete(application: App) -> None:
    have = set(ApplicationMaterial.objects.filter(application=application).values_list("item", flat=True))
    missing = [
        i.name
        for i in checklist_for(application.kind, application.org_type)
        if i.required and i.item not in have
    ]
    if missing:
        raise ValidationError(
            {
                "materials": [
                    _("Upload every required material first; missing: %(items)s.")
                    % {"items": "、".join(missing)}
                ]
            }
        )
    if application.kind == Kind.DEREGISTER and "liquidation_report" not in have:
        raise ValidationError({"materials": [_("A deregistration needs the liquidation report.")]})
