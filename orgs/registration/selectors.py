"""Reads for registration. Who sees which application is decided here, for the pages and the API alike."""

from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .. import calendar as workdays
from ..access import access_for
from ..models import (
    ApplicationMaterial,
    Organization,
    Region,
    RegistrationApplication,
    UserScope,
)
from ..selectors import filtered
from . import rules
from .filters import OPEN, ApplicationFilterSet

App = RegistrationApplication
Kind = UserScope.Kind
ANNOUNCED = (App.Kind.ESTABLISH, App.Kind.CHANGE, App.Kind.DEREGISTER, App.Kind.FILING)


def applications_visible_to(user) -> QuerySet[App]:
    """Staff and systems: their region (drafts excluded); a unit: those under it (drafts excluded);
    an organization's user: its organization's and their own; an applicant: their own only."""
    qs = App.objects.select_related("region", "organization", "supervising_unit", "applicant")
    access = access_for(user)
    match access.kind:
        case Kind.STAFF | Kind.SYSTEM:
            return qs.filter(access.region_q()).exclude(status=App.Status.DRAFT)
        case Kind.UNIT:
            return qs.filter(supervising_unit_id=access.supervising_unit_id).exclude(status=App.Status.DRAFT)
        case Kind.ORG:
            return qs.filter(Q(applicant_id=access.user_id) | Q(organization_id=access.organization_id))
        case Kind.APPLICANT:
            return qs.filter(applicant_id=access.user_id)
    return qs.none()


def application_list(*, user, filters) -> QuerySet[App]:
    return filtered(ApplicationFilterSet, filters, applications_visible_to(user))


def application_get(*, user, pk) -> App:
    return applications_visible_to(user).get(pk=pk)


def queue_for(*, user, filters) -> QuerySet[App]:
    """The work waiting for the caller: a unit's consents, a registrar's open applications (oldest due first)."""
    access = access_for(user)
    qs = application_list(user=user, filters=filters)
    if access.kind == Kind.UNIT:
        return qs.filter(status=App.Status.SUBMITTED).order_by("submitted_at", "id")
    if not filters.get("status"):
        qs = qs.filter(status__in=OPEN)
    return qs.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")


TABLE_FIELDS = (
    "kind",
    "proposed_name",
    "status",
    "submitted_at",
    "due_on",
    "promised_on",
    "region__name",
    "applicant__username",
    "organization__name",
)


def for_table(applications: QuerySet[App]) -> QuerySet[App]:
    """The columns the application table shows (tables.ApplicationTable), with the names of the region, the
    applicant and the organization (a change or deregistration has no proposed name): a 25-row queue page
    read 80 columns a row, with the unit's and the organization's whole rows."""
    return (
        applications.select_related(None)
        .select_related("region", "applicant", "organization")
        .only(*TABLE_FIELDS)
    )


def days_left(application, today: date | None = None) -> int | None:
    if application.due_on is None:
        return None
    return (application.due_on - (today or timezone.localdate())).days


def checklist_with_materials(application) -> list[dict]:
    materials = defaultdict(list)
    for material in ApplicationMaterial.objects.filter(application=application).order_by("-uploaded_at"):
        materials[material.item].append(material)
    corrections = {c["item"]: c for c in application.correction_items or []}
    return [
        {
            "item": entry.item,
            "name": entry.name,
            "required": entry.required,
            "materials": materials.get(entry.item, []),
            "correction": corrections.get(entry.item),
        }
        for entry in rules.checklist_for(application.kind, application.org_type)
    ]


def material_get(*, user, application_pk, pk) -> ApplicationMaterial:
    application = application_get(user=user, pk=application_pk)
    return ApplicationMaterial.objects.get(application=application, pk=pk)


def similar_organizations(application, *, limit: int = 5) -> list[Organization]:
    """Organizations of the region (city level) with a similar name or business scope: a warning for the
    registrar. PostgreSQL: trigram similarity (pg_trgm); elsewhere: a name-substring fallback."""
    p = application.proposed or {}
    name = p.get("name") or ""
    if not name:
        return []
    scope = p.get("business_scope") or ""
    region = (application.region_id or "")[:4]
    qs = Organization.objects.filter(region__code__startswith=region).exclude(
        status__in=[Organization.Status.DEREGISTERED, Organization.Status.REVOKED]
    )
    if application.organization_id:
        qs = qs.exclude(pk=application.organization_id)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        qs = qs.annotate(
            name_similarity=TrigramSimilarity("name", name),
            scope_similarity=TrigramSimilarity("business_scope", scope)
            if scope
            else TrigramSimilarity("name", ""),
        ).filter(Q(name_similarity__gt=0.3) | Q(scope_similarity__gt=0.6))
        return list(qs.order_by("-name_similarity", "id")[:limit])
    core = _name_core(name)
    if len(core) < 2:
        return []
    return list(qs.filter(name__icontains=core).order_by("name", "id")[:limit])


PLACE_ENDINGS = set("省市区县州盟旗")
SUFFIXES = ("行业协会", "协会", "商会", "学会", "研究会", "联合会", "基金会", "促进会", "中心", "服务社")


def _name_core(name: str) -> str:
    core = name
    for _round in range(4):  # 江苏省苏州市姑苏区… → …: the names of real regions in front say nothing
        candidates = [core[:n] for n in range(2, min(len(core), 9)) if core[n - 1] in PLACE_ENDINGS]
        known = (
            set(Region.objects.filter(name__in=candidates).values_list("name", flat=True))
            if candidates
            else set()
        )
        prefix = next((c for c in reversed(candidates) if c in known), None)
        if not prefix:
            break
        core = core[len(prefix) :]
    for suffix in SUFFIXES:
        if core.endswith(suffix):
            return core[: -len(suffix)]
    return core


def announcements() -> QuerySet[App]:
    """Approved establishments, changes, deregistrations and filings: the public announcements."""
    return (
        App.objects.filter(status=App.Status.APPROVED, kind__in=ANNOUNCED, organization__isnull=False)
        .select_related("organization", "region")
        .order_by("-decided_at", "-id")
    )


def monthly_overview(*, user, year: int) -> list[dict]:
    """Per month: received, accepted, approved, refused, average working days from acceptance to decision."""
    qs = applications_visible_to(user)
    months = {
        m: {"month": m, "received": 0, "accepted": 0, "approved": 0, "refused": 0, "_days": []}
        for m in range(1, 13)
    }
    tz = timezone.get_current_timezone()
    for submitted_at in qs.filter(submitted_at__year=year).values_list("submitted_at", flat=True):
        months[submitted_at.astimezone(tz).month]["received"] += 1
    for accepted_at in qs.filter(accepted_at__year=year).values_list("accepted_at", flat=True):
        months[accepted_at.astimezone(tz).month]["accepted"] += 1
    decided = qs.filter(
        decided_at__year=year, status__in=[App.Status.APPROVED, App.Status.REFUSED]
    ).values_list("status", "accepted_at", "decided_at")
    for status, accepted_at, decided_at in decided:
        row = months[decided_at.astimezone(tz).month]
        row["approved" if status == App.Status.APPROVED else "refused"] += 1
        if accepted_at:
            row["_days"].append(
                workdays.working_days_between(
                    accepted_at.astimezone(tz).date(), decided_at.astimezone(tz).date()
                )
            )
    rows = []
    for row in months.values():
        days = row.pop("_days")
        row["average_working_days"] = round(sum(days) / len(days), 1) if days else None
        rows.append(row)
    return rows
