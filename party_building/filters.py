"""FilterSets shared by the API and the pages. Filters only narrow what the selectors let the caller see."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.filters import PortalFilterSet, RegionPrefixFilter
from orgs.models import Organization

from .models import (
    LeaderReview,
    OrganizationLeader,
    PartyInstructor,
    PartyOrganization,
    SecretaryReport,
    SyncEvent,
    SyncStep,
    Visit,
    WorkStation,
)


def _updated_since():
    return django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )


class PartyOrganizationFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    region = RegionPrefixFilter()
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent"))
    organization = django_filters.NumberFilter(method="covering", label=_("Covers organization"))
    live = django_filters.BooleanFilter(method="only_live", label=_("Not dissolved"))
    updated_since = _updated_since()

    class Meta:
        model = PartyOrganization
        fields = ["q", "region", "level", "parent", "organization", "updated_since"]

    def covering(self, queryset, name, value):
        return queryset.filter(coverages__organization_id=value, coverages__to_date__isnull=True)

    def only_live(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(dissolved_on__isnull=value)


class InstructorFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    region = RegionPrefixFilter()
    organization = django_filters.NumberFilter(field_name="assignments__organization_id", distinct=True)
    updated_since = _updated_since()

    class Meta:
        model = PartyInstructor
        fields = ["q", "region", "organization", "updated_since"]


class VisitFilterSet(PortalFilterSet):
    region = RegionPrefixFilter(field_name="organization__region")
    instructor = django_filters.NumberFilter(field_name="instructor_id")
    organization = django_filters.NumberFilter(field_name="organization_id")
    updated_since = _updated_since()

    class Meta:
        model = Visit
        fields = ["region", "instructor", "organization", "updated_since"]


class SecretaryReportFilterSet(PortalFilterSet):
    region = RegionPrefixFilter(field_name="party_organization__region")
    party_organization = django_filters.NumberFilter(field_name="party_organization_id")
    updated_since = _updated_since()

    class Meta:
        model = SecretaryReport
        fields = ["region", "party_organization", "year", "status", "grade", "updated_since"]


class WorkStationFilterSet(PortalFilterSet):
    region = RegionPrefixFilter()
    organization = django_filters.NumberFilter(field_name="organizations__id", distinct=True)
    updated_since = _updated_since()

    class Meta:
        model = WorkStation
        fields = ["region", "organization", "updated_since"]


class LeaderFilterSet(PortalFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id")
    updated_since = _updated_since()

    class Meta:
        model = OrganizationLeader
        fields = ["organization", "position", "updated_since"]


class LeaderReviewFilterSet(PortalFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id")
    updated_since = _updated_since()

    class Meta:
        model = LeaderReview
        fields = ["organization", "role", "result", "updated_since"]


class SyncStepFilterSet(PortalFilterSet):
    region = RegionPrefixFilter()
    organization = django_filters.NumberFilter(field_name="organization_id")
    event = django_filters.ChoiceFilter(choices=SyncEvent.choices)
    status = django_filters.ChoiceFilter(choices=SyncStep.Status.choices)
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("Overdue"))
    updated_since = _updated_since()

    class Meta:
        model = SyncStep
        fields = ["region", "organization", "event", "status", "updated_since"]

    def only_overdue(self, queryset, name, value):
        from django.utils import timezone

        if not value:
            return queryset
        return queryset.filter(Q(status=SyncStep.Status.OPEN) & Q(due_on__lt=timezone.localdate()))


class CoverageFilterSet(PortalFilterSet):
    """Parameters of the coverage page and endpoint (validated here, applied by the selector)."""

    region = django_filters.CharFilter(
        validators=RegionPrefixFilter().extra["validators"], label=_("Region code")
    )
    org_type = django_filters.ChoiceFilter(choices=Organization.OrgType.choices, label=_("Organization type"))
    category = django_filters.ChoiceFilter(choices=Organization.Category.choices, label=_("Category"))
    group_by = django_filters.ChoiceFilter(
        choices=[("region", _("Region")), ("org_type", _("Organization type")), ("category", _("Category"))],
        label=_("Group by"),
    )

    class Meta:
        model = Organization
        fields = []
