import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..filters import PortalFilterSet, RegionPrefixFilter
from ..models import RegistrationApplication

App = RegistrationApplication
OPEN = [App.Status.SUBMITTED, App.Status.UNIT_CONSENTED, App.Status.CORRECTION_REQUESTED, App.Status.ACCEPTED]


class ApplicationFilterSet(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=App.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=App.Status.choices, label=_("Status"))
    region = RegionPrefixFilter()
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organization"))
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("Overdue"))
    q = django_filters.CharFilter(method="search", label=_("Name"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601)")
    )

    class Meta:
        model = App
        fields = ["kind", "status", "region", "organization", "overdue", "q", "updated_since"]

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status=App.Status.ACCEPTED, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(Q(pk=int(value)) | Q(proposed_name__icontains=value))
        return queryset.filter(Q(proposed_name__icontains=value) | Q(organization__name__icontains=value))
