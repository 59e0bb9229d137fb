"""Writes for fee remediation. Each is atomic, validated, and leaves a timeline event (who, when, what)."""

import secrets
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.access import access_for
from orgs.exceptions import InvalidState
from orgs.files import validate_upload
from orgs.models import CodeSequence, Notification, Organization, UserScope

from .models import (
    CampaignReturn,
    CampaignTarget,
    CaseEvent,
    CaseFile,
    CaseOutcome,
    CaseReminder,
    FeeCampaign,
    FeeCase,
    FeeItem,
    FeeNotice,
)

Status = FeeCase.Status
CASE_FIELDS = {
    "fee_item",
    "description",
    "kind",
    "amount_charged",
    "enterprises_affected",
    "period_from",
    "period_to",
}
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# Who may act


def _require_caseworker(actor, case: FeeCase | None = None, organization: Organization | None = None) -> None:
    """Supervisors (and admins) of the region, or a system token with fees:write for it."""
    access = access_for(actor)
    if not access.can("fees:write") or access.kind not in (UserScope.Kind.STAFF, UserScope.Kind.SYSTEM):
        raise PermissionDenied(_("Only supervisors work fee cases."))
    if access.kind == UserScope.Kind.STAFF and not access.has_role(UserScope.Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors work fee cases."))
    region = (case.organization if case else organization).region_id
    if not access.covers_region(region):
        raise PermissionDenied(_("This organization is outside your jurisdiction."))


def _require_association_or_system(actor, case: FeeCase) -> None:
    """The association's own user, or a system token with fees:write acting for it."""
    access = access_for(actor)
    if access.kind == UserScope.Kind.ORG and access.organization_id == case.organization_id:
        return
    if (
        access.kind == UserScope.Kind.SYSTEM
        and access.can("fees:write")
        and access.covers_region(case.organization.region_id)
    ):
        return
    raise PermissionDenied(_("Only the association (or a system acting for it) submits evidence."))


# Helpers


def _locked(case: FeeCase) -> FeeCase:
    return FeeCase.objects.select_for_update().select_related("organization").get(pk=case.pk)


def _move(case: FeeCase, allowed: tuple, to: str, action: str) -> None:
    if case.status not in allowed:
        raise InvalidState(
            _("A case that is %(status)s cannot be %(action)s.")
            % {"status": case.get_status_display(), "action": action}
        )
    case.status = to


def _event(case: FeeCase, actor, action: str, note: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor if getattr(actor, "pk", None) else None, action=action, note=note, data=data
    )


def _save(case: FeeCase, actor, reason: str) -> None:
    case._history_user = actor if getattr(actor, "pk", None) else None
    case._change_reason = reason
    case.full_clean()
    case.save()


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except ArithmeticError:
        raise ValidationError({field: [_("Enter an amount in yuan.")]}) from None
    if amount < 0:
        raise ValidationError({field: [_("An amount may not be negative.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("An amount has at most two decimal places.")]})
    return amount.quantize(Decimal("0.01"))


def _next_number(region_code: str, year: int) -> str:
    key = f"fee:{region_code}:{year}"
    CodeSequence.objects.get_or_create(key=key)
    sequence = CodeSequence.objects.select_for_update().get(key=key)
    sequence.value += 1
    sequence.save(update_fields=["value"])
    return f"{region_code}-{year}-{sequence.value:05d}"


def _tracking_number() -> str:
    while True:
        candidate = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
        if not FeeCase.objects.filter(tracking_number=candidate).exists():
            return candidate


def _attach(case: FeeCase, upload, *, purpose: str, note: str, actor, field: str = "file") -> CaseFile:
    validate_upload(upload, field=field)
    return CaseFile.objects.create(
        case=case,
        purpose=purpose,
        file=upload,
        note=note,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )


def _notify_association(case: FeeCase, message: str) -> None:
    Notification.objects.create(
        organization=case.organization, topic="fee_case", message=message, link=f"/fees/my/cases/{case.pk}/"
    )


# Intake


def cases_follow_organization(sender, instance, created=False, raw=False, **kwargs) -> int:
    """post_save of an organization: its cases take its region (one UPDATE, nothing when unchanged)."""
    if created or raw:
        return 0
    return (
        FeeCase.objects.filter(organization_id=instance.pk)
        .exclude(region_id=instance.region_id)
        .update(region_id=instance.region_id)
    )


def _new_case(*, source: str, organization: Organization, actor=None, file=None, **fields) -> FeeCase:
    unknown = (
        set(fields)
        - CASE_FIELDS
        - {
            "complainant_name",
            "complainant_phone",
            "complainant_company",
            "anonymous",
            "tracking_number",
        }
    )
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    if "amount_charged" in fields:
        fields["amount_charged"] = _money(fields["amount_charged"], "amount_charged")
    if organization.status in (Organization.Status.DEREGISTERED, Organization.Status.REVOKED):
        raise ValidationError({"organization": [_("This organization is no longer registered.")]})
    case = FeeCase(
        source=source,
        organization=organization,
        region_id=organization.region_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for name, value in fields.items():
        setattr(case, name, value)
    case.number = _next_number(organization.region_id, timezone.localdate().year)
    _save(case, actor, "created")
    if file is not None:
        _attach(case, file, purpose=CaseFile.Purpose.COMPLAINT, note="", actor=actor)
    _event(case, actor, "created", source=source)
    return case


@transaction.atomic
def complaint_file_public(
    *,
    organization: Organization,
    fee_item: str,
    kind: str,
    amount_charged,
    description: str,
    contact_name: str = "",
    phone: str = "",
    company: str = "",
    anonymous: bool = False,
    file=None,
) -> FeeCase:
    """An enterprise's complaint without a login. It gets a tracking number; its identity is kept from the association."""
    if not anonymous and not (contact_name.strip() and phone.strip()):
        errors = {}
        if not contact_name.strip():
            errors["contact_name"] = [_("Give a contact name, or complain anonymously.")]
        if not phone.strip():
            errors["phone"] = [_("Give a phone number, or complain anonymously.")]
        raise ValidationError(errors)
    if anonymous and not phone.strip():
        raise ValidationError(
            {"phone": [_("A phone number is needed to follow the complaint, even anonymously.")]}
        )
    return _new_case(
        source=FeeCase.Source.COMPLAINT,
        organization=organization,
        file=file,
        fee_item=fee_item,
        kind=kind,
        amount_charged=amount_charged,
        description=description,
        complainant_name="" if anonymous else contact_name.strip(),
        complainant_phone=phone.strip(),
        complainant_company="" if anonymous else company.strip(),
        anonymous=anonymous,
        tracking_number=_tracking_number(),
    )


@transaction.atomic
def case_create(*, actor, source: str, organization: Organization, file=None, **fields) -> FeeCase:
    """A case from a supervisor (inspection, referral, media) or a system such as the 12345 hotline."""
    _require_caseworker(actor, organization=organization)
    if source not in FeeCase.Source.values:
        raise ValidationError({"source": [_("Unknown source.")]})
    if source == FeeCase.Source.COMPLAINT or source == FeeCase.Source.HOTLINE:
        fields.setdefault("tracking_number", _tracking_number())
    return _new_case(source=source, organization=organization, actor=actor, file=file, **fields)


@transaction.atomic
def case_update(*, actor, case: FeeCase, **changes) -> FeeCase:
    case = _locked(case)
    _require_caseworker(actor, case)
    if case.status not in FeeCase.EDITABLE:
        raise InvalidState(_("A case can only be edited before a decision."))
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    if "amount_charged" in changes:
        changes["amount_charged"] = _money(changes["amount_charged"], "amount_charged")
    old = {name: getattr(case, name) for name in changes}
    for name, value in changes.items():
        setattr(case, name, value)
    _save(case, actor, "edited")
    _event(
        case, actor, "edited", changes={k: [str(old[k]), str(v)] for k, v in changes.items() if old[k] != v}
    )
    return case


# The case's path


@transaction.atomic
def case_accept(*, actor, case: FeeCase, note: str = "") -> FeeCase:
    case = _locked(case)
    _require_caseworker(actor, case)
    _move(case, (Status.INTAKE,), Status.ACCEPTED, _("accepted"))
    case.accepted_at = timezone.now()
    _save(case, actor, "accepted")
    _event(case, actor, "accept", note)
    return case


@transaction.atomic
def case_dismiss(*, actor, case: FeeCase, reason: str) -> FeeCase:
    case = _locked(case)
    _require_caseworker(actor, case)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for dismissing the case.")]})
    _move(case, (Status.INTAKE,), Status.DISMISSED, _("dismissed"))
    case.dismissal_reason = reason.strip()
    case.closed_at = timezone.now()
    _save(case, actor, "dismissed")
    _event(case, actor, "dismiss", reason)
    return case


@transaction.atomic
def case_start_investigation(*, actor, case: FeeCase, note: str = "") -> FeeCase:
    case = _locked(case)
    _require_caseworker(actor, case)
    _move(case, (Status.ACCEPTED,), Status.INVESTIGATING, _("investigated"))
    _save(case, actor, "investigating")
    _event(case, actor, "start_investigation", note)
    return case


@transaction.atomic
def case_add_note(*, actor, case: FeeCase, note: str, file=None) -> CaseEvent:
    """An investigation note (and file) — the association's answer is recorded the same way."""
    case = _locked(case)
    access = access_for(actor)
    if access.kind == UserScope.Kind.ORG:
        _require_association_or_system(actor, case)
        action = "answer"
    else:
        _require_caseworker(actor, case)
        action = "note"
    if case.status in (Status.CLOSED, Status.DISMISSED):
        raise InvalidState(_("The case is closed."))
    if not (note or "").strip():
        raise ValidationError({"note": [_("Write the note.")]})
    if file is not None:
        _attach(case, file, purpose=CaseFile.Purpose.INVESTIGATION, note=note, actor=actor)
    return _event(case, actor, action, note.strip())


def _clean_outcomes(case: FeeCase, outcomes: list[dict]) -> list[CaseOutcome]:
    if not outcomes:
        raise ValidationError({"outcomes": [_("Choose at least one outcome when there was a violation.")]})
    cleaned, errors, seen = [], {}, set()
    for index, raw in enumerate(outcomes):
        problems = {}
        kind = raw.get("outcome")
        if kind not in CaseOutcome.Outcome.values:
            problems["outcome"] = [_("Unknown outcome.")]
        elif kind in seen:
            problems["outcome"] = [_("Each outcome appears once.")]
        seen.add(kind)
        try:
            amount = _money(raw.get("amount"), "amount")
        except ValidationError as error:
            problems.update(error.message_dict)
            amount = Decimal("0")
        try:
            benefiting = int(raw.get("enterprises_benefiting") or 0)
            if benefiting < 0:
                raise ValueError
        except (TypeError, ValueError):
            problems["enterprises_benefiting"] = [_("Give a whole number, zero or more.")]
            benefiting = 0
        if kind == CaseOutcome.Outcome.WAIVE and amount > case.amount_charged:
            problems["amount"] = [
                _(
                    "The amount waived or refunded (%(amount)s) may not exceed the amount charged (%(charged)s)."
                )
                % {"amount": amount, "charged": case.amount_charged}
            ]
        if kind not in CaseOutcome.WHOLE_TRADE and benefiting > case.enterprises_affected:
            problems["enterprises_benefiting"] = [
                _("Enterprises benefiting (%(n)d) may not exceed the enterprises affected (%(m)d).")
                % {"n": benefiting, "m": case.enterprises_affected}
            ]
        punishment = raw.get("punishment") or ""
        if kind == CaseOutcome.Outcome.PUNISH and punishment not in CaseOutcome.Punishment.values:
            problems["punishment"] = [_("Choose warning, fine or confiscation.")]
        credit_list = raw.get("credit_list") or ""
        if credit_list and (kind != CaseOutcome.Outcome.PUNISH or credit_list not in ("abnormal", "serious")):
            problems["credit_list"] = [
                _("Only a punishment may put the organization on the abnormal or serious list.")
            ]
        if problems:
            errors[index] = problems
            continue
        cleaned.append(
            CaseOutcome(
                case=case,
                outcome=kind,
                amount=amount,
                enterprises_benefiting=benefiting,
                detail=(raw.get("detail") or "").strip(),
                new_standard=(raw.get("new_standard") or "").strip(),
                punishment=punishment if kind == CaseOutcome.Outcome.PUNISH else "",
                credit_list=credit_list,
            )
        )
    if errors:
        raise ValidationError(
            {
                "outcomes": [
                    f"#{index + 1} {field}: {' '.join(messages)}"
                    for index, problems in errors.items()
                    for field, messages in problems.items()
                ]
            }
        )
    return cleaned


def _check_deadline(deadline, field: str = "deadline") -> None:
    if deadline is None:
        raise ValidationError({field: [_("Set a rectification deadline.")]})
    if deadline <= timezone.localdate():
        raise ValidationError({field: [_("The deadline must be a future date.")]})


@transaction.atomic
def case_decide(
    *,
    actor,
    case: FeeCase,
    violation: bool,
    outcomes: list[dict] | None = None,
    deadline=None,
    note: str = "",
):
    """No violation: the case closes. A violation: the outcomes apply and the association rectifies by the deadline."""
    case = _locked(case)
    _require_caseworker(actor, case)
    if case.status != Status.INVESTIGATING:
        raise InvalidState(_("A decision is taken on a case under investigation."))
    case.violation = bool(violation)
    case.decided_at = timezone.now()
    if not violation:
        case.status = Status.CLOSED
        case.closed_at = timezone.now()
        _save(case, actor, "decided: no violation")
        _event(case, actor, "decide", note, violation=False)
        return case
    rows = _clean_outcomes(case, outcomes or [])
    _check_deadline(deadline)
    case.deadline = deadline
    case.status = Status.RECTIFYING
    _save(case, actor, "decided: violation")
    CaseOutcome.objects.bulk_create(rows)
    _event(
        case,
        actor,
        "decide",
        note,
        violation=True,
        deadline=deadline.isoformat(),
        outcomes=[
            {"outcome": r.outcome, "amount": str(r.amount), "enterprises": r.enterprises_benefiting}
            for r in rows
        ],
    )
    for row in rows:
        if row.credit_list:
            _put_on_credit_list(actor, case, row)
    _notify_association(
        case,
        _("Fee case %(number)s: rectify by %(deadline)s.") % {"number": case.number, "deadline": deadline},
    )
    return case


def _put_on_credit_list(actor, case: FeeCase, outcome: CaseOutcome) -> None:
    from orgs.annual_reports.services import (
        credit_list_add,
    )  # the credit-list service of the annual-report area

    credit_list_add(
        actor=actor,
        organization=case.organization,
        list=outcome.credit_list,
        reason=_("Punished for unlawful fees (case %(number)s)") % {"number": case.number},
        reason_code="fee_punishment",
        listed_on=timezone.localdate(),
    )


@transaction.atomic
def case_submit_evidence(*, actor, case: FeeCase, file, note: str = "") -> CaseFile:
    case = _locked(case)
    _require_association_or_system(actor, case)
    if case.status != Status.RECTIFYING:
        raise InvalidState(_("Evidence is submitted while the case is being rectified."))
    evidence = _attach(case, file, purpose=CaseFile.Purpose.EVIDENCE, note=(note or "").strip(), actor=actor)
    _event(case, actor, "submit_evidence", note, file=evidence.file.name)
    return evidence


@transaction.atomic
def case_verify(*, actor, case: FeeCase, note: str = "") -> FeeCase:
    case = _locked(case)
    _require_caseworker(actor, case)
    if case.status != Status.RECTIFYING:
        raise InvalidState(_("Only a case being rectified can be verified."))
    if not case.files.filter(purpose=CaseFile.Purpose.EVIDENCE).exists():
        raise InvalidState(_("The association has not submitted evidence yet."))
    case.status = Status.VERIFIED
    _save(case, actor, "verified")
    _event(case, actor, "verify", note)
    return case


@transaction.atomic
def case_return(*, actor, case: FeeCase, note: str = "", deadline=None) -> FeeCase:
    """Evidence not sufficient: back to rectifying, optionally with a new deadline."""
    case = _locked(case)
    _require_caseworker(actor, case)
    if case.status not in (Status.RECTIFYING, Status.VERIFIED):
        raise InvalidState(_("Only a case being rectified or verified can be returned."))
    if deadline is not None:
        _check_deadline(deadline)
        case.deadline = deadline
    case.status = Status.RECTIFYING
    _save(case, actor, "returned")
    _event(case, actor, "return", note, deadline=deadline.isoformat() if deadline else None)
    _notify_association(
        case, _("Fee case %(number)s was returned: %(note)s") % {"number": case.number, "note": note}
    )
    return case


@transaction.atomic
def case_close(*, actor, case: FeeCase, note: str = "") -> FeeCase:
    """Close a verified case; a `notify` outcome is published as a public notice now."""
    case = _locked(case)
    _require_caseworker(actor, case)
    if case.status != Status.VERIFIED:
        raise InvalidState(_("Only a verified case can be closed."))
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    _save(case, actor, "closed")
    _event(case, actor, "close", note)
    notify = case.outcomes.filter(outcome=CaseOutcome.Outcome.NOTIFY).first()
    if notify is not None:
        _publish_notice(case, notify)
    return case


def _publish_notice(case: FeeCase, notify: CaseOutcome) -> FeeNotice:
    lines = [
        _("%(org)s charged enterprises %(item)s unlawfully.")
        % {"org": case.organization.name, "item": case.fee_item},
    ]
    for outcome in case.outcomes.all():
        if outcome.outcome == CaseOutcome.Outcome.NOTIFY:
            continue
        lines.append(
            f"{outcome.get_outcome_display()}: {outcome.amount} {_('yuan')}, "
            f"{_('enterprises benefiting')} {outcome.enterprises_benefiting}. {outcome.detail}".strip()
        )
    if notify.detail:
        lines.append(notify.detail)
    return FeeNotice.objects.create(
        case=case,
        title=_("Notice on unlawful fees charged by %(org)s") % {"org": case.organization.name},
        body="\n".join(lines),
        published_at=timezone.now(),
    )


# Reminders


def deadline_reminders_send(*, today=None) -> int:
    """Remind associations 7 and 1 days before a rectification deadline; once per case, deadline and step."""
    today = today or timezone.localdate()
    sent = 0
    for days in (7, 1):
        due = today + timedelta(days=days)
        cases = FeeCase.objects.filter(status=Status.RECTIFYING, deadline=due).select_related("organization")
        for case in cases.exclude(
            pk__in=CaseReminder.objects.filter(deadline=due, days_before=days).values("case")
        ):
            with transaction.atomic():
                _, created = CaseReminder.objects.get_or_create(case=case, deadline=due, days_before=days)
                if not created:
                    continue
                message = _(
                    "Fee case %(number)s: the rectification deadline is %(deadline)s (%(days)d days left)."
                ) % {
                    "number": case.number,
                    "deadline": due,
                    "days": days,
                }
                _notify_association(case, message)
                emails = list(
                    UserScope.objects.filter(organization=case.organization, user__email__gt="").values_list(
                        "user__email", flat=True
                    )
                )
                if emails:
                    transaction.on_commit(
                        partial(send_mail, message, message, None, emails, fail_silently=True)
                    )
                sent += 1
    return sent


# Campaigns


@transaction.atomic
def campaign_open(*, actor, name: str, region=None, categories: list[str], starts_on, ends_on) -> FeeCampaign:
    access = access_for(actor)
    if not access.can("fees:write") or access.kind not in (UserScope.Kind.STAFF, UserScope.Kind.SYSTEM):
        raise PermissionDenied(_("Only the bureau opens campaigns."))
    if region is None:
        if access.region_code:
            raise ValidationError(
                {"region": [_("Choose a region: only a national scope opens a nationwide campaign.")]}
            )
    elif not access.covers_region(getattr(region, "code", region)):
        raise ValidationError({"region": [_("This region is outside your jurisdiction.")]})
    bad = set(categories or []) - set(Organization.Category.values)
    if bad:
        raise ValidationError(
            {"categories": [_("Unknown categories: %(c)s.") % {"c": ", ".join(sorted(bad))}]}
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The campaign cannot end before it starts.")]})
    campaign = FeeCampaign(
        name=name,
        region=region,
        categories=sorted(set(categories or [])),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    campaign.created_by = actor if getattr(actor, "pk", None) else None
    campaign.full_clean()
    campaign.save()
    from .tasks import campaign_populate

    transaction.on_commit(partial(campaign_populate.delay, campaign.pk))
    return campaign


def campaign_scope(campaign: FeeCampaign):
    """The organizations that must file: active or abnormal, in the region, of the categories (empty = all)."""
    qs = Organization.objects.filter(status__in=[Organization.Status.ACTIVE, Organization.Status.ABNORMAL])
    if campaign.region_id:
        qs = qs.filter(region__code__startswith=campaign.region_id)
    if campaign.categories:
        qs = qs.filter(category__in=campaign.categories)
    return qs


def campaign_populate(*, campaign_id: int, chunk: int = 5000) -> int:
    """Write the campaign's targets in chunks (memory flat at any size), updating the progress. Safe to rerun."""
    campaign = FeeCampaign.objects.get(pk=campaign_id)
    scope = campaign_scope(campaign)
    expected = scope.count()
    FeeCampaign.objects.filter(pk=campaign_id).update(
        expected=expected, progress=0, status=FeeCampaign.Status.OPENING
    )
    done, last_id = 0, 0
    try:
        while True:
            ids = list(scope.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:chunk])
            if not ids:
                break
            with transaction.atomic():
                CampaignTarget.objects.bulk_create(
                    [CampaignTarget(campaign_id=campaign_id, organization_id=pk) for pk in ids],
                    ignore_conflicts=True,
                )
                done += len(ids)
                last_id = ids[-1]
                FeeCampaign.objects.filter(pk=campaign_id).update(
                    progress=min(99, done * 100 // max(expected, 1))
                )
    except Exception as error:
        FeeCampaign.objects.filter(pk=campaign_id).update(
            status=FeeCampaign.Status.FAILED, error=str(error)[:2000]
        )
        raise
    FeeCampaign.objects.filter(pk=campaign_id).update(
        status=FeeCampaign.Status.OPEN, progress=100, expected=done
    )
    return done


@transaction.atomic
def campaign_return_file(
    *, actor, campaign: FeeCampaign, organization: Organization, statement: str, items: list[dict]
):
    """An organization files (or refiles) its fee list and self-inspection statement."""
    access = access_for(actor)
    own = access.kind == UserScope.Kind.ORG and access.organization_id == organization.pk
    system = (
        access.kind == UserScope.Kind.SYSTEM
        and access.can("fees:write")
        and access.covers_region(organization.region_id)
    )
    if not (own or system):
        raise PermissionDenied(_("Only the organization itself files its fee list."))
    if campaign.status != FeeCampaign.Status.OPEN:
        raise InvalidState(_("The campaign is not open."))
    if not CampaignTarget.objects.filter(campaign=campaign, organization=organization).exists():
        raise ValidationError({"organization": [_("This organization is not in the campaign's scope.")]})
    if not (statement or "").strip():
        raise ValidationError({"statement": [_("Write the self-inspection statement.")]})
    item_rows, errors = [], []
    for index, raw in enumerate(items or []):
        item = FeeItem(
            name=(raw.get("name") or "").strip(),
            basis=raw.get("basis") or "",
            standard=(raw.get("standard") or "").strip(),
            payers=(raw.get("payers") or "").strip(),
        )
        try:
            item.yearly_income = _money(raw.get("yearly_income"), "yearly_income")
            item.full_clean(exclude=["campaign_return"])
        except ValidationError as error:
            errors += [f"#{index + 1} {field}: {' '.join(m)}" for field, m in error.message_dict.items()]
        item_rows.append(item)
    if errors:
        raise ValidationError({"items": errors})
    campaign_return, _created = CampaignReturn.objects.update_or_create(
        campaign=campaign,
        organization=organization,
        defaults={"statement": statement.strip(), "filed_by": actor if getattr(actor, "pk", None) else None},
    )
    campaign_return.items.all().delete()
    for item in item_rows:
        item.campaign_return = campaign_return
    FeeItem.objects.bulk_create(item_rows)
    return campaign_return


@transaction.atomic
def fee_item_to_case(*, actor, item: FeeItem, note: str = "") -> FeeCase:
    """A questionable item of a self-inspection becomes a case with source `self_inspection`."""
    item = FeeItem.objects.select_for_update().select_related("campaign_return__organization").get(pk=item.pk)
    if item.case_id:
        raise InvalidState(_("This item is already a case."))
    case = case_create(
        actor=actor,
        source=FeeCase.Source.SELF_INSPECTION,
        organization=item.campaign_return.organization,
        fee_item=item.name,
        description=note or f"{item.get_basis_display()}; {item.standard}; {item.payers}",
        amount_charged=item.yearly_income,
    )
    item.case = case
    item.save(update_fields=["case"])
    return case


def _runs_campaign(access, campaign: FeeCampaign) -> bool:
    """Staff of the campaign's region (or above it); a nationwide campaign: national staff."""
    if campaign.region_id is None:
        return access.is_staff_kind and not access.region_code
    return access.covers_region(campaign.region_id)


@transaction.atomic
def campaign_remind(*, actor, campaign: FeeCampaign) -> int:
    """Remind every organization in scope that has not filed yet."""
    access = access_for(actor)
    if not access.can("fees:write") or not _runs_campaign(access, campaign):
        raise PermissionDenied(_("Only the bureau reminds organizations."))
    pending = CampaignTarget.objects.filter(campaign=campaign).exclude(
        organization_id__in=CampaignReturn.objects.filter(campaign=campaign).values("organization_id")
    )
    organization_ids = list(pending.values_list("organization_id", flat=True))
    Notification.objects.bulk_create(
        [
            Notification(
                organization_id=pk,
                topic="fee_campaign",
                message=_("Please file your fee list for %(name)s by %(date)s.")
                % {"name": campaign.name, "date": campaign.ends_on},
                link=f"/fees/my/campaigns/{campaign.pk}/",
            )
            for pk in organization_ids
        ],
        batch_size=2000,
    )
    pending.update(reminded_at=timezone.now())
    return len(organization_ids)
