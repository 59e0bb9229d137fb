"""Writes for party building. Each is atomic, checks the caller's scope and the rules, and records who did it."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.access import access_for
from orgs.codes import normalize_code
from orgs.exceptions import InvalidState
from orgs.models import Organization, Region, UserScope
from orgs.selectors import organizations_visible_to
from orgs.services import require_region, require_scope

from .models import (
    PATH_STEP,
    STEP_DAYS,
    Assignment,
    LeaderReview,
    OrganizationLeader,
    PartyCoverage,
    PartyInstructor,
    PartyMemberRecord,
    PartyOrganization,
    SecretaryReport,
    StationActivity,
    SyncStep,
    SyncStepRule,
    Visit,
    WorkStation,
    WorkStationFunding,
    path_step,
)
from .selectors import is_instructor_only

Level = PartyOrganization.Level
Role = UserScope.Role

PARTY_ORGANIZATION_FIELDS = {
    "name",
    "level",
    "parent",
    "region",
    "secretary",
    "formal_members",
    "probationary_members",
    "founded_on",
    "dissolved_on",
}


def _record(instance, actor, reason: str = "") -> None:
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance._change_reason = reason


def _region_code(region) -> str:
    return region.code if isinstance(region, Region) else (region or "")


def _require_officer(actor) -> None:
    """Party-work officers (and admins) keep the tree, the reviews and the steps; instructors do not."""
    require_scope(actor, "party:write")
    access = access_for(actor)
    if access.kind == UserScope.Kind.STAFF and not access.has_role(Role.PARTY_OFFICER):
        raise PermissionDenied(_("Only a party-work officer may do this."))


def _require_visible_orgs(actor, organizations, field: str = "organizations") -> list[Organization]:
    organizations = list(organizations)
    visible = set(
        organizations_visible_to(actor)
        .filter(pk__in=[o.pk for o in organizations])
        .values_list("pk", flat=True)
    )
    outside = [o for o in organizations if o.pk not in visible]
    if outside:
        raise ValidationError(
            {field: [_("%(name)s is outside your jurisdiction.") % {"name": outside[0].name}]}
        )
    return organizations


# The tree


def _check_node(node: PartyOrganization, organizations: list[Organization] | None) -> None:
    """The tree's rules, each naming its field. `organizations`: the node's covered organizations after the
    change (None: unchanged)."""
    errors: dict[str, list] = {}
    live = node.dissolved_on is None or node.dissolved_on > timezone.localdate()
    if organizations is None:
        organizations = (
            list(
                Organization.objects.filter(
                    party_coverages__party_organization=node, party_coverages__to_date=None
                )
            )
            if node.pk
            else []
        )
    if node.level in PartyOrganization.BRANCH_LEVELS and (node.formal_members or 0) < 3:
        errors["formal_members"] = [
            _("A branch or joint branch needs 3 or more formal party members (it has %(n)s).")
            % {"n": node.formal_members or 0}
        ]
    if organizations and node.level not in PartyOrganization.COVERING_LEVELS:
        errors["organizations"] = [
            _(
                "Only a party committee, general branch, branch or joint branch covers organizations directly; "
                "this is a %(level)s."
            )
            % {"level": node.get_level_display()}
        ]
    elif node.level == Level.JOINT_BRANCH and live and len(organizations) < 2:
        errors["organizations"] = [_("A joint branch covers at least two organizations.")]
    elif live and organizations:
        region = _region_code(node.region_id)
        outside = [o for o in organizations if not o.region_id.startswith(region)]
        if outside:
            errors["organizations"] = [
                _("%(name)s lies outside the party organization's region.") % {"name": outside[0].name}
            ]
        else:
            taken = (
                PartyCoverage.objects.filter(organization__in=organizations, to_date__isnull=True)
                .exclude(party_organization_id=node.pk)
                .select_related("organization", "party_organization")
                .first()
            )
            if taken is not None:
                errors["organizations"] = [
                    _(
                        "%(org)s is already covered by %(party)s; an organization has one party organization at a time."
                    )
                    % {"org": taken.organization.name, "party": taken.party_organization.name}
                ]
    parent = node.parent
    if parent is not None:
        if not node.region_id.startswith(parent.region_id):
            errors["region"] = [
                _("The region must lie within the parent's region (%(region)s).")
                % {"region": parent.region_id}
            ]
        if parent.dissolved_on is not None and live:
            errors["parent"] = [_("The parent has been dissolved.")]
    if node.pk and not live:
        live_children = (
            node.children.filter(dissolved_on__isnull=True).count()
            + node.children.filter(dissolved_on__gt=node.dissolved_on).count()
        )
        if live_children:
            errors["dissolved_on"] = [
                _("Dissolve or move its %(n)s live sub-organizations first.") % {"n": live_children}
            ]
    if node.founded_on and node.dissolved_on and node.dissolved_on < node.founded_on:
        errors["dissolved_on"] = [_("The dissolution cannot come before the founding.")]
    if errors:
        raise ValidationError(errors)


def _set_coverage(node: PartyOrganization, organizations: list[Organization], on) -> None:
    live = {c.organization_id: c for c in node.coverages.filter(to_date__isnull=True)}
    wanted = {o.pk for o in organizations}
    node.coverages.filter(to_date__isnull=True).exclude(organization_id__in=wanted).update(to_date=on)
    PartyCoverage.objects.bulk_create(
        [
            PartyCoverage(party_organization=node, organization_id=pk, from_date=on)
            for pk in wanted - set(live)
        ]
    )


@transaction.atomic
def party_organization_create(*, actor, organizations=(), **fields) -> PartyOrganization:
    _require_officer(actor)
    unknown = set(fields) - PARTY_ORGANIZATION_FIELDS
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    node = PartyOrganization(**fields)
    if node.region_id:
        require_region(actor, node.region_id)
    if node.parent_id:
        _require_visible_node(actor, node.parent, "parent")
    organizations = _require_visible_orgs(actor, organizations)
    node.full_clean(exclude=["path", "depth"])
    _check_node(node, organizations)
    _record(node, actor, _("Created"))
    node.save()
    node.path = (node.parent.path if node.parent else "") + path_step(node.pk)
    node.depth = len(node.path) // PATH_STEP
    PartyOrganization.objects.filter(pk=node.pk).update(path=node.path, depth=node.depth)
    if node.dissolved_on is None:
        _set_coverage(node, organizations, node.founded_on or timezone.localdate())
    return node


def _require_visible_node(actor, node: PartyOrganization, field: str) -> None:
    if not access_for(actor).covers_region(node.region_id):
        raise ValidationError({field: [_("This party organization is outside your jurisdiction.")]})


@transaction.atomic
def party_organization_update(
    *, actor, party_organization: PartyOrganization, organizations=None, **changes
) -> PartyOrganization:
    """Change a node (not its place in the tree: that is a move). Dissolving closes its covers."""
    _require_officer(actor)
    node = PartyOrganization.objects.select_for_update().get(pk=party_organization.pk)
    require_region(actor, node.region_id)
    unknown = set(changes) - (PARTY_ORGANIZATION_FIELDS - {"parent"})
    if "parent" in changes and changes["parent"] != node.parent:
        return party_organization_move(actor=actor, party_organization=node, parent=changes["parent"])
    changes.pop("parent", None)
    if unknown - {"parent"}:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    for name, value in changes.items():
        setattr(node, name, value)
    if "region" in changes:
        require_region(actor, node.region_id)
        if node.children.exclude(region__code__startswith=node.region_id).exists():
            raise ValidationError({"region": [_("A sub-organization's region lies outside the new region.")]})
    if organizations is not None:
        organizations = _require_visible_orgs(actor, organizations)
    node.full_clean(exclude=["path", "depth"])
    _check_node(node, organizations)
    _record(node, actor)
    node.save()
    today = timezone.localdate()
    if node.dissolved_on is not None:
        node.coverages.filter(to_date__isnull=True).update(to_date=node.dissolved_on)
    elif organizations is not None:
        _set_coverage(node, organizations, today)
    return node


@transaction.atomic
def party_organization_move(*, actor, party_organization: PartyOrganization, parent) -> PartyOrganization:
    """Move a node and its subtree under another parent (or to the top): one UPDATE of the paths."""
    _require_officer(actor)
    node = PartyOrganization.objects.select_for_update().get(pk=party_organization.pk)
    require_region(actor, node.region_id)
    if parent is not None:
        parent = PartyOrganization.objects.get(pk=parent.pk if hasattr(parent, "pk") else parent)
        _require_visible_node(actor, parent, "parent")
        if parent.path.startswith(node.path):
            raise ValidationError(
                {"parent": [_("A party organization cannot move under itself or its own sub-organizations.")]}
            )
        if not node.region_id.startswith(parent.region_id):
            raise ValidationError(
                {
                    "parent": [
                        _("The new parent's region (%(region)s) does not contain this node's region.")
                        % {"region": parent.region_id}
                    ]
                }
            )
        if parent.dissolved_on is not None:
            raise ValidationError({"parent": [_("The new parent has been dissolved.")]})
    old_path = node.path
    new_path = (parent.path if parent else "") + path_step(node.pk)
    if new_path != old_path:
        delta = (len(new_path) - len(old_path)) // PATH_STEP
        PartyOrganization.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
        )
    node.parent = parent
    node.path = new_path
    node.depth = len(new_path) // PATH_STEP
    _record(node, actor, _("Moved"))
    node.save()
    return node


# Instructors and visits


def _assignments_clean(actor, assignments) -> list[dict]:
    cleaned = []
    for index, item in enumerate(assignments or []):
        organization = item["organization"]
        _require_visible_orgs(actor, [organization], "assignments")
        if item.get("to_date") and item["to_date"] < item["from_date"]:
            raise ValidationError(
                {"assignments": [_("Line %(n)s: the end comes before the start.") % {"n": index + 1}]}
            )
        cleaned.append(item)
    return cleaned


@transaction.atomic
def instructor_create(*, actor, assignments=(), **fields) -> PartyInstructor:
    _require_officer(actor)
    instructor = PartyInstructor(**fields)
    require_region(actor, instructor.region_id)
    instructor.full_clean()
    assignments = _assignments_clean(actor, assignments)
    _record(instructor, actor, _("Created"))
    instructor.save()
    Assignment.objects.bulk_create([Assignment(instructor=instructor, **a) for a in assignments])
    return instructor


@transaction.atomic
def instructor_update(*, actor, instructor: PartyInstructor, assignments=None, **changes) -> PartyInstructor:
    """Change an instructor; `assignments`, when given, replaces the list (ended ones are kept by their dates)."""
    _require_officer(actor)
    instructor = PartyInstructor.objects.select_for_update().get(pk=instructor.pk)
    require_region(actor, instructor.region_id)
    for name, value in changes.items():
        setattr(instructor, name, value)
    require_region(actor, instructor.region_id)
    instructor.full_clean()
    _record(instructor, actor)
    instructor.save()
    if assignments is not None:
        assignments = _assignments_clean(actor, assignments)
        instructor.assignments.all().delete()
        Assignment.objects.bulk_create([Assignment(instructor=instructor, **a) for a in assignments])
    return instructor


@transaction.atomic
def assignment_add(
    *, actor, instructor: PartyInstructor, organization, from_date, to_date=None
) -> Assignment:
    _require_officer(actor)
    require_region(actor, instructor.region_id)
    (item,) = _assignments_clean(
        actor, [{"organization": organization, "from_date": from_date, "to_date": to_date}]
    )
    assignment = Assignment(instructor=instructor, **item)
    assignment.full_clean()
    assignment.save()
    PartyInstructor.objects.filter(pk=instructor.pk).update(updated_at=timezone.now())
    return assignment


@transaction.atomic
def visit_log(*, actor, instructor: PartyInstructor, organization: Organization, **fields) -> Visit:
    """An instructor logs their own visits; a party officer may log any instructor's visit in the region."""
    require_scope(actor, "party:write")
    access = access_for(actor)
    if is_instructor_only(access) and instructor.user_id != actor.pk:
        raise PermissionDenied(_("You may log only your own visits."))
    if not is_instructor_only(access):
        require_region(actor, instructor.region_id, "instructor")
    _require_visible_orgs(actor, [organization], "organization")
    visit = Visit(instructor=instructor, organization=organization, **fields)
    visit.full_clean()
    if visit.visited_on > timezone.localdate():
        raise ValidationError({"visited_on": [_("A visit cannot be logged in the future.")]})
    visit.save()
    return visit


# Secretaries' reports (述职)


def can_evaluate(actor, party_organization: PartyOrganization) -> bool:
    """The organization above evaluates: a party-work officer whose scope covers the parent's region; for a
    node at the top, an officer of a wider region than the node's (or an admin)."""
    access = access_for(actor)
    if not (access.can("party:write") and access.has_role(Role.PARTY_OFFICER)):
        return False
    parent = party_organization.parent
    if parent is not None:
        return access.covers_region(parent.region_id)
    if Role.ADMIN in access.roles:
        return access.covers_region(party_organization.region_id)
    return access.covers_region(party_organization.region_id) and len(access.region_code) < len(
        party_organization.region_id
    )


@transaction.atomic
def secretary_report_create(*, actor, party_organization: PartyOrganization, year: int, content: str = ""):
    require_scope(actor, "party:write")
    _require_visible_node(actor, party_organization, "party_organization")
    if SecretaryReport.objects.filter(party_organization=party_organization, year=year).exists():
        raise ValidationError(
            {"year": [_("This party organization already has a report for %(year)s.") % {"year": year}]}
        )
    report = SecretaryReport(party_organization=party_organization, year=year, content=content)
    report.full_clean()
    _record(report, actor, _("Created"))
    report.save()
    return report


@transaction.atomic
def secretary_report_update(*, actor, report: SecretaryReport, **changes) -> SecretaryReport:
    require_scope(actor, "party:write")
    report = SecretaryReport.objects.select_for_update().get(pk=report.pk)
    _require_visible_node(actor, report.party_organization, "party_organization")
    if report.status != SecretaryReport.Status.DRAFT:
        raise InvalidState(_("Only a draft can be changed."))
    for name in set(changes) - {"content", "year"}:
        raise ValidationError({name: [_("This field cannot be changed here.")]})
    for name, value in changes.items():
        setattr(report, name, value)
    report.full_clean()
    _record(report, actor)
    report.save()
    return report


@transaction.atomic
def secretary_report_submit(*, actor, report: SecretaryReport) -> SecretaryReport:
    require_scope(actor, "party:write")
    report = SecretaryReport.objects.select_for_update().get(pk=report.pk)
    _require_visible_node(actor, report.party_organization, "party_organization")
    if report.status != SecretaryReport.Status.DRAFT:
        raise InvalidState(_("Only a draft can be submitted."))
    if not report.content.strip():
        raise ValidationError({"content": [_("Write the report before submitting it.")]})
    report.status = SecretaryReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    _record(report, actor, _("Submitted"))
    report.save()
    return report


@transaction.atomic
def secretary_report_evaluate(
    *, actor, report: SecretaryReport, grade: str, comment: str = ""
) -> SecretaryReport:
    report = (
        SecretaryReport.objects.select_for_update(of=("self",))
        .select_related("party_organization__parent")
        .get(pk=report.pk)
    )
    if not can_evaluate(actor, report.party_organization):
        raise PermissionDenied(_("Only the party organization above evaluates this report."))
    if report.status != SecretaryReport.Status.SUBMITTED:
        raise InvalidState(_("Only a submitted report can be evaluated."))
    if grade not in SecretaryReport.Grade.values:
        raise ValidationError({"grade": [_("Choose good, fairly good, average or poor.")]})
    report.status = SecretaryReport.Status.EVALUATED
    report.grade = grade
    report.comment = comment
    report.evaluated_by = actor
    report.evaluated_at = timezone.now()
    _record(report, actor, _("Evaluated"))
    report.save()
    return report


@transaction.atomic
def secretary_report_return(*, actor, report: SecretaryReport, comment: str) -> SecretaryReport:
    report = (
        SecretaryReport.objects.select_for_update(of=("self",))
        .select_related("party_organization__parent")
        .get(pk=report.pk)
    )
    if not can_evaluate(actor, report.party_organization):
        raise PermissionDenied(_("Only the party organization above returns this report."))
    if report.status != SecretaryReport.Status.SUBMITTED:
        raise InvalidState(_("Only a submitted report can be returned."))
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Say what is missing.")]})
    report.status = SecretaryReport.Status.DRAFT
    report.comment = comment
    _record(report, actor, _("Returned"))
    report.save()
    return report


# Work stations


def _within_region(organizations, region_code: str, field: str = "organizations") -> list[Organization]:
    outside = [o for o in organizations if not o.region_id.startswith(region_code)]
    if outside:
        raise ValidationError(
            {
                field: [
                    _("%(name)s lies outside the region %(region)s.")
                    % {"name": outside[0].name, "region": region_code}
                ]
            }
        )
    return list(organizations)


def _funding_clean(funding) -> list[dict]:
    years = [f["year"] for f in funding or []]
    if len(years) != len(set(years)):
        raise ValidationError({"funding": [_("One amount per year.")]})
    for item in funding or []:
        if item["amount"] < 0:
            raise ValidationError({"funding": [_("An amount cannot be negative.")]})
    return list(funding or [])


@transaction.atomic
def work_station_create(*, actor, organizations=(), funding=(), **fields) -> WorkStation:
    _require_officer(actor)
    station = WorkStation(**fields)
    require_region(actor, station.region_id)
    station.full_clean()
    organizations = _within_region(_require_visible_orgs(actor, organizations), station.region_id)
    funding = _funding_clean(funding)
    _record(station, actor, _("Created"))
    station.save()
    station.organizations.set(organizations)
    WorkStationFunding.objects.bulk_create([WorkStationFunding(station=station, **f) for f in funding])
    return station


@transaction.atomic
def work_station_update(*, actor, station: WorkStation, organizations=None, funding=None, **changes):
    _require_officer(actor)
    station = WorkStation.objects.select_for_update().get(pk=station.pk)
    require_region(actor, station.region_id)
    for name, value in changes.items():
        setattr(station, name, value)
    require_region(actor, station.region_id)
    station.full_clean()
    _record(station, actor)
    station.save()
    if organizations is not None:
        station.organizations.set(
            _within_region(_require_visible_orgs(actor, organizations), station.region_id)
        )
    if funding is not None:
        funding = _funding_clean(funding)
        for item in funding:
            WorkStationFunding.objects.update_or_create(
                station=station, year=item["year"], defaults={"amount": item["amount"]}
            )
    return station


@transaction.atomic
def station_activity_create(*, actor, station: WorkStation, organizations=(), **fields) -> StationActivity:
    require_scope(actor, "party:write")
    require_region(actor, station.region_id, "station")
    activity = StationActivity(station=station, **fields)
    activity.full_clean()
    activity.save()
    activity.organizations.set(_require_visible_orgs(actor, organizations))
    WorkStation.objects.filter(pk=station.pk).update(updated_at=timezone.now())
    return activity


# Leaders and leader-candidate reviews


def _passed_review(organization, *, role: str, name: str, id_number: str = "") -> LeaderReview | None:
    """The latest review of this candidate for this role; None if there is none."""
    reviews = LeaderReview.objects.filter(organization=organization, role=role, candidate_name=name.strip())
    if id_number:
        reviews = reviews.filter(candidate_id_number__in=[normalize_code(id_number), ""])
    return reviews.order_by("-reviewed_at", "-id").first()


def require_passed_review(organization, *, role: str, name: str, id_number: str = "", field: str) -> None:
    review = _passed_review(organization, role=role, name=name, id_number=id_number)
    if review is None:
        raise ValidationError(
            {
                field: [
                    _(
                        "%(name)s cannot take office until the party-work officer has reviewed the candidate "
                        "(负责人人选审核) and recorded the result as passed."
                    )
                    % {"name": name}
                ]
            }
        )
    if review.result != LeaderReview.Result.PASSED:
        raise ValidationError(
            {
                field: [
                    _(
                        "The party-work officer's review of %(name)s did not pass: the change cannot take effect."
                    )
                    % {"name": name}
                ]
            }
        )


def leader_change_check(*, actor, organization, changes) -> None:
    """ORGANIZATION_CHANGE_CHECKS: a new legal representative takes effect only after a passed review."""
    if "legal_representative" not in changes and "legal_representative_id_number" not in changes:
        return
    name = changes.get("legal_representative", organization.legal_representative) or ""
    if not name.strip():
        return
    id_number = changes.get("legal_representative_id_number", "") or ""
    require_passed_review(
        organization,
        role=LeaderReview.Role.LEGAL_REPRESENTATIVE,
        name=name,
        id_number=id_number,
        field="legal_representative",
    )


def _leader_check(organization, leader: OrganizationLeader, old: OrganizationLeader | None) -> None:
    """A new president (or a new name in the president's seat) waits for a passed review too."""
    if leader.position != OrganizationLeader.Position.PRESIDENT:
        return
    if old is not None and old.position == leader.position and old.name == leader.name:
        return
    require_passed_review(organization, role=LeaderReview.Role.PRESIDENT, name=leader.name, field="name")


@transaction.atomic
def leader_create(*, actor, organization: Organization, **fields) -> OrganizationLeader:
    require_scope(actor, "party:write")
    _require_visible_orgs(actor, [organization], "organization")
    leader = OrganizationLeader(organization=organization, **fields)
    leader.full_clean()
    _leader_check(organization, leader, None)
    _record(leader, actor, _("Created"))
    leader.save()
    return leader


@transaction.atomic
def leader_update(*, actor, leader: OrganizationLeader, **changes) -> OrganizationLeader:
    require_scope(actor, "party:write")
    leader = OrganizationLeader.objects.select_for_update().get(pk=leader.pk)
    _require_visible_orgs(actor, [leader.organization], "organization")
    old = OrganizationLeader(name=leader.name, position=leader.position)
    changes.pop("organization", None)
    for name, value in changes.items():
        setattr(leader, name, value)
    leader.full_clean()
    _leader_check(leader.organization, leader, old)
    _record(leader, actor)
    leader.save()
    return leader


@transaction.atomic
def leader_delete(*, actor, leader: OrganizationLeader) -> None:
    require_scope(actor, "party:write")
    _require_visible_orgs(actor, [leader.organization], "organization")
    _record(leader, actor, _("Deleted"))
    leader.delete()


@transaction.atomic
def leader_review_record(*, actor, organization: Organization, **fields) -> LeaderReview:
    _require_officer(actor)
    _require_visible_orgs(actor, [organization], "organization")
    fields["candidate_id_number"] = normalize_code(fields.get("candidate_id_number", ""))
    fields["candidate_name"] = (fields.get("candidate_name") or "").strip()
    review = LeaderReview(organization=organization, reviewed_by=actor, **fields)
    review.full_clean()
    if review.candidate_id_number:
        from orgs.codes import validate_id_number

        try:
            validate_id_number(review.candidate_id_number)
        except ValidationError as error:
            raise ValidationError({"candidate_id_number": error.messages}) from error
    _record(review, actor, _("Reviewed"))
    review.save()
    return review


@transaction.atomic
def party_member_record(
    *, actor, organization: Organization, formal_members: int, note: str = "", recorded_on=None
):
    _require_officer(actor)
    _require_visible_orgs(actor, [organization], "organization")
    record = PartyMemberRecord(
        organization=organization,
        formal_members=formal_members,
        note=note,
        recorded_by=actor,
        recorded_on=recorded_on or timezone.localdate(),
    )
    record.full_clean()
    record.save()
    return record


# Six synchronous steps (六个同步)


def sync_steps_create(*, event: str, organization: Organization, data: dict | None = None) -> list[SyncStep]:
    """Each registry event creates the party steps its rules name, owed by the region's party-work officer."""
    now = timezone.now()
    rules = SyncStepRule.objects.filter(event=event, active=True)
    steps = [
        SyncStep(
            organization=organization,
            region_id=organization.region_id,
            event=event,
            step=rule.step,
            title=rule.title,
            created_at=now,
            due_on=timezone.localtime(now).date() + timedelta(days=STEP_DAYS),
        )
        for rule in rules
    ]
    for step in steps:
        step.save()
    return steps


def on_registry_event(sender, *, event, organization, actor=None, data=None, **kwargs) -> None:
    """registry_event receiver (connected in apps.py)."""
    sync_steps_create(event=event, organization=organization, data=data)


@transaction.atomic
def sync_step_complete(*, actor, step: SyncStep, status: str, note: str = "") -> SyncStep:
    _require_officer(actor)
    step = SyncStep.objects.select_for_update().get(pk=step.pk)
    require_region(actor, step.region_id)
    if step.status != SyncStep.Status.OPEN:
        raise InvalidState(_("This step has already been closed."))
    if status not in (SyncStep.Status.DONE, SyncStep.Status.NOT_APPLICABLE):
        raise ValidationError({"status": [_("Choose done or not applicable.")]})
    if status == SyncStep.Status.NOT_APPLICABLE and not (note or "").strip():
        raise ValidationError({"note": [_("Say why the step does not apply.")]})
    step.status = status
    step.note = note
    step.completed_at = timezone.now()
    step.completed_by = actor
    _record(step, actor)
    step.save()
    return step
