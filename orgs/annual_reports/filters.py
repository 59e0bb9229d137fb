import django_filters
from django.utils.translation import gettext_lazy as _

from ..filters import PortalFilterSet, RegionPrefixFilter
from ..models import AnnualReport, CreditListEntry, Rating


class AnnualReportFilterSet(PortalFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=AnnualReport.Status.choices, label=_("Status"))
    result = django_filters.ChoiceFilter(choices=AnnualReport.Result.choices, label=_("Result"))
    region = RegionPrefixFilter(field_name="organization__region")
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organization"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )

    class Meta:
        model = AnnualReport
        fields = ["year", "status", "result", "region", "organization", "updated_since"]


class RatingFilterSet(PortalFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organization"))
    grade = django_filters.NumberFilter(label=_("Grade"))
    region = RegionPrefixFilter(field_name="organization__region")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )

    class Meta:
        model = Rating
        fields = ["organization", "grade", "region", "updated_since"]


class CreditListEntryFilterSet(PortalFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organization"))
    list = django_filters.ChoiceFilter(choices=CreditListEntry.List.choices, label=_("List"))
    current = django_filters.BooleanFilter(
        field_name="removed_on", lookup_expr="isnull", label=_("Currently listed")
    )
    report_year = django_filters.NumberFilter(label=_("Report year"))
    region = RegionPrefixFilter(field_name="organization__region")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )

    class Meta:
        model = CreditListEntry
        fields = ["organization", "list", "current", "report_year", "region", "updated_since"]
