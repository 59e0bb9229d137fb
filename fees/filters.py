import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.filters import PortalFilterSet, RegionPrefixFilter
from orgs.search import name_search_q

from .models import CaseOutcome, FeeCase


class FeeCaseFilterSet(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number, fee item or organization"))
    region = RegionPrefixFilter(field_name="region")
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organization"))
    outcome = django_filters.ChoiceFilter(
        choices=CaseOutcome.Outcome.choices, method="by_outcome", label=_("Outcome")
    )
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("Past the deadline"))
    closed_year = django_filters.NumberFilter(field_name="closed_at__year", label=_("Closed in (year)"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )

    class Meta:
        model = FeeCase
        fields = [
            "q",
            "status",
            "source",
            "kind",
            "outcome",
            "region",
            "organization",
            "overdue",
            "closed_year",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        org_q = name_search_q(
            value,
            name="organization__name",
            initials="organization__name_initials",
            pairs="organization__name_pairs",
        )
        return queryset.filter(org_q | Q(number__startswith=value) | Q(fee_item__icontains=value))

    def by_outcome(self, queryset, name, value):
        return (
            queryset.filter(pk__in=CaseOutcome.objects.filter(outcome=value).values("case_id"))
            if value
            else queryset
        )

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"status": FeeCase.Status.RECTIFYING, "deadline__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
