import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .codes import normalize_code
from .models import Organization, SupervisingUnit
from .search import name_search_q

REGION_CODE_VALIDATOR = RegexValidator(
    r"^(\d{2}|\d{4}|\d{6}|\d{9})$", _("Use a 2, 4, 6 or 9-digit region code.")
)


class RegionPrefixFilter(django_filters.CharFilter):
    """`region=3205` means 3205 and everything under it (a code-prefix match)."""

    def __init__(self, *args, field_name="region", **kwargs):
        kwargs.setdefault("label", _("Region code (includes sub-regions)"))
        kwargs.setdefault("validators", [REGION_CODE_VALIDATOR])
        super().__init__(*args, field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__code__startswith": value.strip()})


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, credit code or pinyin initials"))
    credit_code = django_filters.CharFilter(method="by_credit_code", label=_("Credit code"))
    region = RegionPrefixFilter()
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )
    supervising_unit = django_filters.NumberFilter(
        field_name="supervising_unit_id", label=_("Supervising unit")
    )

    class Meta:
        model = Organization
        fields = [
            "q",
            "credit_code",
            "org_type",
            "category",
            "hub_type",
            "region",
            "status",
            "supervising_unit",
        ]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(name_search_q(value, code="credit_code"))

    def by_credit_code(self, queryset, name, value):
        return queryset.filter(credit_code=normalize_code(value)) if value.strip() else queryset


class SupervisingUnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    region = RegionPrefixFilter()
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = SupervisingUnit
        fields = ["q", "region", "kind"]
