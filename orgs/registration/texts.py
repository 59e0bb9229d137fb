"""Words shown to the public: announcement titles and bodies (translated; Chinese first)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..models import RegistrationApplication

Kind = RegistrationApplication.Kind

# The particulars of an application, as the pages and the announcements name them.
LABELS = {
    "name": _lazy("Name"),
    "org_type": _lazy("Organization type"),
    "category": _lazy("Category"),
    "region": _lazy("Region"),
    "supervising_unit": _lazy("Supervising unit"),
    "legal_representative": _lazy("Legal representative"),
    "legal_representative_id_number": _lazy("Legal representative's ID number"),
    "registered_capital": _lazy("Funds (yuan)"),
    "members_individual": _lazy("Individual members"),
    "members_unit": _lazy("Unit members"),
    "public_fundraising": _lazy("Raises funds from the public"),
    "address": _lazy("Address"),
    "phone": _lazy("Phone"),
    "business_scope": _lazy("Business scope"),
    "charter": _lazy("Charter"),
    "reason": _lazy("Reason for deregistration"),
}


def announcement_title(application) -> str:
    name = application.organization.name if application.organization_id else application.proposed_name
    match application.kind:
        case Kind.ESTABLISH:
            return _("Establishment announcement: %(name)s") % {"name": name}
        case Kind.CHANGE:
            return _("Change announcement: %(name)s") % {"name": name}
        case Kind.DEREGISTER:
            return _("Deregistration announcement: %(name)s") % {"name": name}
        case Kind.FILING:
            return _("Filing announcement: %(name)s") % {"name": name}
    return name


def announcement_body(application) -> str:
    organization = application.organization
    code = organization.credit_code or organization.filing_number or ""
    decided = application.decided_at.date().isoformat() if application.decided_at else ""
    match application.kind:
        case Kind.ESTABLISH | Kind.FILING:
            return _(
                "%(name)s (%(code)s), legal representative %(rep)s, address %(address)s, business scope: "
                "%(scope)s, was registered on %(date)s."
            ) % {
                "name": organization.name,
                "code": code,
                "rep": organization.legal_representative,
                "address": organization.address,
                "scope": (organization.business_scope or "").rstrip("。.；; "),
                "date": decided,
            }
        case Kind.CHANGE:
            fields = "、".join(str(LABELS.get(key, key)) for key in application.proposed)
            return _("%(name)s (%(code)s) changed its registered particulars (%(fields)s) on %(date)s.") % {
                "name": organization.name,
                "code": code,
                "fields": fields,
                "date": decided,
            }
        case Kind.DEREGISTER:
            return _("%(name)s (%(code)s) was deregistered on %(date)s.") % {
                "name": organization.name,
                "code": code,
                "date": decided,
            }
    return ""
