"""Writes for registration applications. Each service is atomic, checks who may act and in which state
(InvalidState → 409, nothing changed), runs the rules (ValidationError naming the field) and records the
step in the application's timeline and history. An approval changes the registry through the organization
services, in the same transaction."""

import calendar as _calendar
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import calendar as workdays
from ..access import access_for
from ..exceptions import InvalidState
from ..files import validate_upload
from ..hooks import Event, registry_event
from ..models import (
    ApplicationEvent,
    ApplicationMaterial,
    Notification,
    Organization,
    Region,
    RegistrationApplication,
    SupervisingUnit,
    TimeLimitRule,
    UserScope,
)
from ..services import organization_change_status, organization_create, organization_update, require_scope
from . import rules
from .issuing import issue_credit_code, issue_filing_number

App = RegistrationApplication
Kind = App.Kind
Status = App.Status
EDITABLE = (Status.DRAFT, Status.CORRECTION_REQUESTED)
BEFORE_DECISION = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.UNIT_CONSENTED,
    Status.CORRECTION_REQUESTED,
    Status.ACCEPTED,
)
PREPARATION_MONTHS = 6
DEFAULT_PROMISED_WORKING_DAYS = 10
DEFAULT_LIMIT = (20, True)
CONFIRM_MAX_AGE = 3 * 24 * 3600
_signer = TimestampSigner(salt="orgs.registration.signup")


# ---------------------------------------------------------------- helpers


def _today() -> date:
    return timezone.localdate()


def _lock(application: App) -> App:
    return (
        App.objects.select_for_update(of=("self",))  # PostgreSQL: not the nullable side of the outer joins
        .select_related("organization", "preparation")
        .get(pk=application.pk)
    )


def _event(application, actor, action, comment="", **data) -> None:
    ApplicationEvent.objects.create(
        application=application, actor=actor, action=action, comment=comment, data=data
    )


def _save(application, actor, reason="") -> None:
    application._history_user = actor
    application._change_reason = reason
    application.proposed_name = (application.proposed or {}).get("name", "") or ""
    application.full_clean(exclude=["applicant", "region", "preparation"])
    application.save()


def _state(application, *allowed, message=None) -> None:
    if application.status not in allowed:
        raise InvalidState(
            message
            or _("The application is %(status)s; this action is not possible now.")
            % {"status": application.get_status_display()}
        )


def _require_owner(actor, application) -> None:
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant can do this."))


def _require_registrar(actor, application) -> None:
    require_scope(actor, "registration:review")
    access = access_for(actor)
    if not (access.has_role(UserScope.Role.REGISTRAR) and access.covers_region(application.region_id)):
        raise PermissionDenied(_("Only a registrar of the application's region can decide it."))


def _notify(application, message) -> None:
    Notification.objects.create(
        user_id=application.applicant_id,
        topic="registration",
        message=message,
        link=f"/registration/{application.pk}/",
    )


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def time_limit(kind: str, org_type: str) -> tuple[int, bool]:
    rules_ = {(r.org_type): r for r in TimeLimitRule.objects.filter(kind=kind, org_type__in=[org_type, ""])}
    rule = rules_.get(org_type) or rules_.get("")
    return (rule.days, rule.working_days) if rule else DEFAULT_LIMIT


def promised_days(kind: str) -> int:
    rule = TimeLimitRule.objects.filter(kind=kind, org_type="promised").first()
    return rule.days if rule else DEFAULT_PROMISED_WORKING_DAYS


def _deadline(start: date, days: int, working: bool) -> date:
    return workdays.add_working_days(start, days) if working else start + timedelta(days=days)


def _fill_from_particulars(application: App) -> None:
    """org_type, category, region and supervising unit follow the particulars (or the organization)."""
    p = application.proposed
    if application.organization_id:
        organization = application.organization
        application.org_type = organization.org_type
        application.category = organization.category
        application.region_id = organization.region_id
        application.supervising_unit_id = p.get("supervising_unit", organization.supervising_unit_id)
        return
    application.org_type = p.get("org_type", "")
    application.category = p.get("category", "") or (
        Organization.Category.COMMUNITY if application.kind == Kind.FILING else ""
    )
    application.region_id = p.get("region") or application.region_id
    application.supervising_unit_id = p.get("supervising_unit")


def _check_region_exists(application) -> None:
    if not application.region_id or not Region.objects.filter(code=application.region_id).exists():
        raise ValidationError({"region": [_("Give the region where the organization registers.")]})


# ---------------------------------------------------------------- applicant


@transaction.atomic
def application_create(
    *, actor, kind: str, proposed: dict | None = None, organization=None, preparation=None
) -> App:
    """A draft. preparation/establish/filing: by an applicant; change/deregister: by the organization's user."""
    require_scope(actor, "registration:write")
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of application.")]})
    access = access_for(actor)
    proposed = rules.normalize(kind, proposed or {})
    application = App(kind=kind, applicant=actor, proposed=proposed)
    if kind in (Kind.CHANGE, Kind.DEREGISTER):
        if organization is None:
            raise ValidationError({"organization": [_("Name the organization.")]})
        if not (access.kind == UserScope.Kind.ORG and access.organization_id == organization.pk):
            raise PermissionDenied(
                _("Only the organization's own users apply for its change or deregistration.")
            )
        application.organization = organization
        rules.check_organization_state(application)
    else:
        if organization is not None:
            raise ValidationError(
                {"organization": [_("Only a change or deregistration names an organization.")]}
            )
        if preparation is not None:
            if preparation.applicant_id != actor.pk:
                raise ValidationError({"preparation": [_("The preparation named is not yours.")]})
            application.preparation = preparation
            # An establishment after preparation starts from the approved particulars.
            application.proposed = {
                **{k: v for k, v in preparation.proposed.items() if k in rules.ORG_FIELDS},
                **proposed,
            }
    _fill_from_particulars(application)
    _check_region_exists(application)
    rules.check_particulars(application, partial=True, today=_today())
    _save(application, actor, "created")
    _event(application, actor, "created")
    return application


@transaction.atomic
def application_update(*, actor, application: App, proposed: dict | None = None, preparation=...) -> App:
    """Change the particulars of a draft or of an application sent back for correction (merged, key by key)."""
    application = _lock(application)
    _require_owner(actor, application)
    _state(application, *EDITABLE)
    if proposed:
        application.proposed = {**application.proposed, **rules.normalize(application.kind, proposed)}
        cleared = [k for k, v in proposed.items() if v in (None, "")]
        for key in cleared:
            application.proposed.pop(key, None)
    if preparation is not ...:
        application.preparation = preparation
    _fill_from_particulars(application)
    _check_region_exists(application)
    rules.check_particulars(application, partial=True, today=_today())
    _save(application, actor, "updated")
    return application


@transaction.atomic
def material_upload(*, actor, application: App, item: str, file) -> ApplicationMaterial:
    application = _lock(application)
    _require_owner(actor, application)
    _state(application, *EDITABLE)
    names = dict(rules.checklist_for(application.kind, application.org_type).values_list("item", "name"))
    if item not in names:
        raise ValidationError({"item": [_("This is not an item of the checklist for this application.")]})
    mime = validate_upload(file, field="file")
    material = ApplicationMaterial(
        application=application, item=item, file=file, content_type=mime, size=file.size, uploaded_by=actor
    )
    material.save()
    _event(application, actor, "material_uploaded", item=item, name=names[item])
    App.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    return material


@transaction.atomic
def application_submit(*, actor, application: App) -> App:
    application = _lock(application)
    _require_owner(actor, application)
    _state(application, *EDITABLE)
    today = _today()
    if application.kind in (Kind.CHANGE, Kind.DEREGISTER):
        rules.check_organization_state(application)
    rules.check_particulars(application, partial=False, today=today)
    rules.check_materials_complete(application)
    if application.status == Status.CORRECTION_REQUESTED and application.paused_since:
        _resume_clock(application, today)
    application.correction_items = []
    application.status = Status.SUBMITTED
    application.submitted_at = application.submitted_at or timezone.now()
    _save(application, actor, "submitted")
    _event(application, actor, "submitted")
    return application


def _resume_clock(application: App, today: date) -> None:
    """The clock did not run while the correction was awaited: move the limits on by the pause."""
    since = application.paused_since
    days, working = time_limit(application.kind, application.org_type)
    if application.due_on:
        if working:
            application.due_on = workdays.add_working_days(
                application.due_on, workdays.working_days_between(since, today)
            )
        else:
            application.due_on += today - since
    if application.promised_on:
        application.promised_on = workdays.add_working_days(
            application.promised_on, workdays.working_days_between(since, today)
        )
    application.paused_days += (today - since).days
    application.paused_since = None


@transaction.atomic
def application_withdraw(*, actor, application: App, comment: str = "") -> App:
    application = _lock(application)
    _require_owner(actor, application)
    _state(application, *BEFORE_DECISION)
    application.status = Status.WITHDRAWN
    application.paused_since = None
    _save(application, actor, "withdrawn")
    _event(application, actor, "withdrawn", comment)
    return application


# ---------------------------------------------------------------- supervising unit


@transaction.atomic
def application_consent(*, actor, application: App, decision: str, comment: str = "") -> App:
    """The supervising unit's consent (业务主管单位审查同意) or refusal with a reason."""
    application = _lock(application)
    require_scope(actor, "registration:review")
    access = access_for(actor)
    if access.kind != UserScope.Kind.UNIT or access.supervising_unit_id != application.supervising_unit_id:
        raise PermissionDenied(_("Only the organization's supervising unit can consent."))
    if decision not in ("consent", "refuse"):
        raise ValidationError({"decision": [_("Choose consent or refuse.")]})
    if not rules.needs_unit_consent(application):
        raise InvalidState(_("This application registers directly and needs no consent."))
    _state(application, Status.SUBMITTED)
    if decision == "refuse":
        if not comment.strip():
            raise ValidationError({"comment": [_("Give the reason for the refusal.")]})
        application.status = Status.UNIT_REFUSED
        application.decided_at = timezone.now()
        application.decision_reason = comment.strip()
        _notify(
            application, _("The supervising unit refused your application: %(reason)s") % {"reason": comment}
        )
    else:
        application.status = Status.UNIT_CONSENTED
    _save(application, actor, f"unit_{decision}")
    _event(application, actor, "unit_consented" if decision == "consent" else "unit_refused", comment)
    return application


# ---------------------------------------------------------------- registrar


def _consented_before(application) -> bool:
    return application.events.filter(action="unit_consented").exists()


@transaction.atomic
def application_accept(*, actor, application: App, comment: str = "") -> App:
    """受理: the materials are complete; the legal clock starts (once: a resubmission keeps it)."""
    application = _lock(application)
    _require_registrar(actor, application)
    if (
        application.status == Status.SUBMITTED
        and rules.needs_unit_consent(application)
        and not _consented_before(application)
    ):
        raise InvalidState(_("The supervising unit has not consented yet."))
    _state(application, Status.SUBMITTED, Status.UNIT_CONSENTED)
    if application.accepted_at is None:
        today = _today()
        application.accepted_at = timezone.now()
        application.due_on = _deadline(today, *time_limit(application.kind, application.org_type))
        application.promised_on = workdays.add_working_days(today, promised_days(application.kind))
    application.status = Status.ACCEPTED
    _save(application, actor, "accepted")
    _event(application, actor, "accepted", comment)
    _notify(application, _("Your application No. %(id)s was accepted.") % {"id": application.pk})
    return application


def _correction_items(application, items) -> list[dict]:
    names = dict(rules.checklist_for(application.kind, application.org_type).values_list("item", "name"))
    clean = []
    for entry in items or []:
        if isinstance(entry, dict):
            code, note = str(entry.get("item", "")).strip(), str(entry.get("note", "")).strip()
        else:
            code, note = str(entry).strip(), ""
        if code:
            clean.append({"item": code, "name": names.get(code, code), "note": note})
    if not clean:
        raise ValidationError({"items": [_("List every item to correct (一次性告知).")]})
    return clean


@transaction.atomic
def application_request_correction(*, actor, application: App, items, comment: str = "") -> App:
    """One notice listing everything to correct at once; while it is awaited the clock does not run."""
    application = _lock(application)
    _require_registrar(actor, application)
    _state(application, Status.SUBMITTED, Status.UNIT_CONSENTED, Status.ACCEPTED)
    application.correction_items = _correction_items(application, items)
    application.correction_comment = comment.strip()
    if application.status == Status.ACCEPTED:
        application.paused_since = _today()
    application.status = Status.CORRECTION_REQUESTED
    _save(application, actor, "correction_requested")
    _event(application, actor, "correction_requested", comment, items=application.correction_items)
    _notify(
        application,
        _("Correct your application No. %(id)s: %(items)s")
        % {"id": application.pk, "items": "、".join(i["name"] for i in application.correction_items)},
    )
    return application


@transaction.atomic
def application_refuse(*, actor, application: App, reason: str) -> App:
    application = _lock(application)
    _require_registrar(actor, application)
    _state(application, Status.SUBMITTED, Status.UNIT_CONSENTED, Status.ACCEPTED)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    application.status = Status.REFUSED
    application.decided_at = timezone.now()
    application.decision_reason = reason.strip()
    _save(application, actor, "refused")
    _event(application, actor, "refused", reason)
    _notify(
        application,
        _("Your application No. %(id)s was refused: %(reason)s") % {"id": application.pk, "reason": reason},
    )
    return application


@transaction.atomic
def application_approve(*, actor, application: App, comment: str = "") -> App:
    """核准: the registry changes now, in this transaction, through the organization services."""
    application = _lock(application)
    _require_registrar(actor, application)
    _state(application, Status.ACCEPTED)
    today = _today()
    if application.kind in (Kind.CHANGE, Kind.DEREGISTER):
        rules.check_organization_state(application)
    rules.check_particulars(application, partial=False, today=today)
    rules.check_materials_complete(application)
    reason = _("Approved application No. %(id)s") % {"id": application.pk}
    match application.kind:
        case Kind.PREPARATION:
            application.expires_on = add_months(today, PREPARATION_MONTHS)
        case Kind.ESTABLISH | Kind.FILING:
            application.organization = _establish(actor, application, today, reason)
            _make_organization_user(application)
        case Kind.CHANGE:
            organization_update(
                actor=actor,
                organization=application.organization,
                reason=reason,
                check_scope=False,
                **_changes(application.proposed),
            )
        case Kind.DEREGISTER:
            organization_change_status(
                actor=actor,
                organization=application.organization,
                status=Organization.Status.DEREGISTERED,
                reason=application.proposed.get("reason", "")[:300],
                check_scope=False,
            )
    application.status = Status.APPROVED
    application.decided_at = timezone.now()
    application.decision_reason = comment.strip()
    _save(application, actor, "approved")
    _event(application, actor, "approved", comment)
    _notify(application, _("Your application No. %(id)s was approved.") % {"id": application.pk})
    return application


def _establish(actor, application: App, today: date, reason: str) -> Organization:
    p = application.proposed
    fields = {
        "name": p["name"],
        "org_type": application.org_type,
        "category": application.category,
        "region": Region.objects.get(code=application.region_id),
        "supervising_unit": SupervisingUnit.objects.filter(pk=p.get("supervising_unit")).first(),
        "registered_on": today,
        "legal_representative": p.get("legal_representative", ""),
        "legal_representative_id_number": p.get("legal_representative_id_number", ""),
        "registered_capital": Decimal(p.get("registered_capital") or "0"),
        "public_fundraising": bool(p.get("public_fundraising", False)),
        "address": p.get("address", ""),
        "phone": p.get("phone", ""),
        "business_scope": p.get("business_scope", ""),
        "status": Organization.Status.ACTIVE,
    }
    if application.kind == Kind.FILING:
        fields["filing_number"] = issue_filing_number(region_code=application.region_id, year=today.year)
    else:
        fields["credit_code"] = issue_credit_code(
            org_type=application.org_type, region_code=application.region_id
        )
    organization = organization_create(actor=actor, reason=reason, check_scope=False, **fields)
    registry_event.send(
        Organization,
        event=Event.ESTABLISHED,
        organization=organization,
        actor=actor,
        data={"application": application.pk, "kind": application.kind},
    )
    return organization


def _changes(proposed: dict) -> dict:
    changes = {k: v for k, v in proposed.items() if k in rules.CHANGE_FIELDS}
    if "registered_capital" in changes:
        changes["registered_capital"] = Decimal(changes["registered_capital"])
    if "supervising_unit" in changes:
        changes["supervising_unit"] = SupervisingUnit.objects.get(pk=changes["supervising_unit"])
    return changes


def _make_organization_user(application: App) -> None:
    """On approval the applicant becomes a user of the new organization."""
    scope, _created = UserScope.objects.get_or_create(
        user_id=application.applicant_id, defaults={"kind": UserScope.Kind.ORG}
    )
    if scope.kind in (UserScope.Kind.APPLICANT, UserScope.Kind.ORG):
        scope.kind = UserScope.Kind.ORG
        scope.organization = application.organization
        scope.save(update_fields=["kind", "organization"])


# ---------------------------------------------------------------- beat


@transaction.atomic
def preparations_lapse(*, today: date | None = None) -> int:
    """Approved preparations past their 6 months, with no establishment approved or pending, lapse."""
    today = today or _today()
    alive = App.objects.filter(
        kind=Kind.ESTABLISH, status__in=[Status.APPROVED, *rules.PENDING], preparation_id__isnull=False
    ).values("preparation_id")
    lapsed = 0
    for application in (
        App.objects.select_for_update()
        .filter(kind=Kind.PREPARATION, status=Status.APPROVED, expires_on__lt=today)
        .exclude(pk__in=alive)
    ):
        application.status = Status.LAPSED
        _save(application, None, "lapsed")
        _event(application, None, "lapsed")
        lapsed += 1
    return lapsed


# ---------------------------------------------------------------- sign-up


@transaction.atomic
def applicant_sign_up(*, email: str, password: str, confirm_url) -> object:
    """An inactive login (username = e-mail) of kind applicant; the link in the mail activates it."""
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    email = (email or "").strip().lower()
    errors = {}
    if not email or "@" not in email:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif User.objects.filter(username=email).exists() or User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("This e-mail address is already signed up.")]
    try:
        validate_password(password or "")
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user = User(username=email, email=email, is_active=False)
    user.set_password(password)
    user.save()
    UserScope.objects.create(user=user, kind=UserScope.Kind.APPLICANT)
    token = _signer.sign(str(user.pk))
    link = confirm_url(token)
    transaction.on_commit(
        lambda: send_mail(
            _("Confirm your e-mail address"),
            _("Open this link to confirm your e-mail address and activate your account:\n\n%(link)s\n")
            % {"link": link},
            None,
            [email],
        )
    )
    return user


@transaction.atomic
def applicant_confirm(*, token: str):
    User = get_user_model()
    try:
        pk = _signer.unsign(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired:
        raise ValidationError({"token": [_("The link has expired; sign up again.")]}) from None
    except BadSignature:
        raise ValidationError({"token": [_("The link is not valid.")]}) from None
    user = User.objects.select_for_update().get(pk=pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user
