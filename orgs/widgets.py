"""Selects over querysets too large to list: a city's thousands of organizations, a province's party tree."""

from django import forms
from django.forms.models import ModelChoiceIterator


class SearchSelectMixin:
    """A select that lists the chosen options and the first `limit` of its field's queryset, under a search box
    whose typing replaces the options with those matching it (htmx GET of `search_url`, `?q=` plus the chosen
    values, answered with `<option>`s, as by `party_building.views.organization_options`). What is submitted is validated by the field's own queryset, as
    usual; only what is listed is limited."""

    template_name = "orgs/widgets/search_select.html"
    limit = 50

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        field = getattr(self.choices, "field", None)
        context["widget"]["empty_label"] = getattr(field, "empty_label", None)
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
