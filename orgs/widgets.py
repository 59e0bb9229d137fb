"""Selects over querysets too large to list: a city's thousands of organizations, a province's party tree."""

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.forms.models import ModelChoiceIterator
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.html import format_html_join
from django.utils.text import format_lazy


class SearchSelectMixin:
    """A select that lists the chosen options and the first `limit` of its field's queryset, under a search box
    whose typing replaces the options with those matching it (htmx GET of `search_url`, `?q=` plus the chosen
    values, answered with `<option>`s, as by `party_building.views.organization_options`). What is submitted is validated by the field's own queryset, as
    usual; only what is listed is limited."""

    template_name = "orgs/widgets/search_select.html"
    limit = 50

    def __init__(self, *args, search_url: str = "", empty_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url
        self.empty_label = empty_label  # of listed choices; a model field's own otherwise

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        field = getattr(self.choices, "field", None)
        context["widget"]["empty_label"] = getattr(field, "empty_label", self.empty_label)
        return context

    def optgroups(self, name, value, attrs=None):
        listed = self.choices
        if isinstance(listed, ModelChoiceIterator):
            self.choices = limited_choices(listed, value, self.limit)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = listed


class SearchSelect(SearchSelectMixin, forms.Select):
    pass


class SearchSelectMultiple(SearchSelectMixin, forms.SelectMultiple):
    pass


def limited_choices(choices: ModelChoiceIterator, value, limit: int) -> list:
    """The field's empty choice, its chosen objects, then the first `limit` others of its queryset."""
    field = choices.field
    listed = [("", field.empty_label)] if field.empty_label is not None else []
    return listed + [choices.choice(obj) for obj in chosen_and_first(choices.queryset, value or [], limit)]


def chosen_and_first(choices, chosen, limit: int, matching=None) -> list:
    """The objects of `choices` whose keys are `chosen`, then the first `limit` others of `matching` (by
    default the choices themselves). A key that is not a number chooses nothing."""
    chosen = [key for key in chosen if str(key).isdigit()]
    rest = choices if matching is None else matching
    if not chosen:
        return list(rest[:limit])
    return list(choices.filter(pk__in=chosen)) + list(rest.exclude(pk__in=chosen)[:limit])


def options_response(request, choices: QuerySet, matching: QuerySet, label=str) -> HttpResponse:
    """htmx: the options of a searchable select: its empty choice (`empty`), the chosen options (the select's
    own values, sent along as `field`), then the first of `matching`."""
    chosen = request.GET.getlist(request.GET.get("field", ""))
    listed = chosen_and_first(choices, chosen, SearchSelectMixin.limit, matching)
    empty = request.GET.get("empty")
    rows = [("", "", empty)] if empty is not None else []
    rows += [(item.pk, " selected" if str(item.pk) in chosen else "", label(item)) for item in listed]
    return HttpResponse(format_html_join("", '<option value="{}"{}>{}</option>', rows))


def region_options_url(streets: bool = False):
    """Where a searchable region select asks for its options (lazy: forms are built before the URLs)."""
    url = reverse_lazy("registry:region_options")
    return format_lazy("{}?streets=1", url) if streets else url


def regions_in_order(regions: QuerySet) -> QuerySet:
    """Provinces, then cities, counties and streets, each by code: what a searchable select lists first."""
    return regions.order_by(Length("code"), "code")


def listed_select(choices: QuerySet, value: str, *, search_url, empty_label: str, label=str) -> SearchSelect:
    """A searchable select over `choices` for a field that takes their keys, not a model's choice field: the
    chosen one, then the first others, listed; the rest by typing."""
    attrs = {"class": "form-select form-select-sm"}
    widget = SearchSelect(search_url=search_url, empty_label=empty_label, attrs=attrs)
    listed = chosen_and_first(choices, [value] if value else [], SearchSelectMixin.limit)
    widget.choices = [("", empty_label)] + [(str(item.pk), label(item)) for item in listed]
    return widget


def region_select(regions: QuerySet, value: str, *, empty_label: str, streets: bool = False) -> SearchSelect:
    """A searchable select of region codes over `regions`, provinces first."""
    return listed_select(
        regions_in_order(regions),
        value,
        search_url=region_options_url(streets),
        empty_label=empty_label,
        label=lambda region: region.choice_label,
    )
