from django import forms
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from orgs.access import access_for
from orgs.forms import RegionChoiceField
from orgs.models import Organization, Region
from orgs.selectors import regions_in_scope
from orgs.widgets import SearchSelect, SearchSelectMultiple, regions_in_order

from .models import (
    LeaderReview,
    OrganizationLeader,
    PartyInstructor,
    PartyOrganization,
    SecretaryReport,
    SyncStep,
)
from .selectors import free_organization_choices, instructors_visible_to, node_choices, organization_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _regions(user):
    return regions_in_order(regions_in_scope(access_for(user), streets=True))


class ScopedForm(forms.Form):
    """A form whose choices are what the user may see."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, RegionChoiceField):
                field.queryset = _regions(user)
            elif isinstance(field, forms.ModelChoiceField) and field.queryset.model is Organization:
                field.queryset = organization_choices(user)
                _searchable(field, "party_building:organization_options")

    def choose_nodes(self, name: str, queryset) -> None:
        """A field over party organizations: `queryset`, listed as a searchable select."""
        self.fields[name].queryset = queryset
        _searchable(self.fields[name], "party_building:node_options")


def _searchable(field, url_name: str) -> None:
    """List the field as a SearchSelect(Multiple), keeping the widget's attributes (a multiple's size)."""
    multiple = isinstance(field.widget, forms.SelectMultiple)
    widget = (SearchSelectMultiple if multiple else SearchSelect)(
        search_url=reverse_lazy(url_name), attrs=field.widget.attrs
    )
    widget.choices = field.widget.choices
    field.widget = widget


class PartyOrganizationForm(ScopedForm):
    name = forms.CharField(label=_("name"), max_length=200)
    level = forms.ChoiceField(label=_("level"), choices=PartyOrganization.Level.choices)
    parent = forms.ModelChoiceField(
        label=_("parent party organization"), queryset=PartyOrganization.objects.none(), required=False
    )
    region = RegionChoiceField(label=_("region"), queryset=Region.objects.none(), streets=True)
    organizations = forms.ModelMultipleChoiceField(
        label=_("organizations covered"),
        queryset=Organization.objects.all(),
        required=False,
        help_text=_(
            "One for a party organization of its own; two or more for a joint branch (hold Ctrl to choose "
            "several). Organizations another party organization already covers are not listed."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    secretary = forms.CharField(label=_("secretary"), max_length=50, required=False)
    formal_members = forms.IntegerField(label=_("formal members"), min_value=0, initial=0)
    probationary_members = forms.IntegerField(label=_("probationary members"), min_value=0, initial=0)
    founded_on = forms.DateField(label=_("founded on"), required=False, widget=DateInput())
    dissolved_on = forms.DateField(label=_("dissolved on"), required=False, widget=DateInput())

    def __init__(self, *args, user, node=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if node is None:
            self.choose_nodes("parent", node_choices(user))
            self.fields.pop("dissolved_on")
        else:
            del self.fields["parent"]  # a move is its own action
        # an organization has one party organization at a time: offer those free, and the node's own
        organizations = self.fields["organizations"]
        organizations.queryset = free_organization_choices(user, node=node)
        organizations.widget.search_url = (
            f"{reverse('party_building:organization_options')}?free={node.pk if node else ''}"
        )


class MoveForm(ScopedForm):
    parent = forms.ModelChoiceField(
        label=_("new parent"),
        queryset=PartyOrganization.objects.none(),
        required=False,
        empty_label=_("(top level)"),
    )

    def __init__(self, *args, user, node, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # every live node the user sees; a move under its own subtree is refused by the service, with a message
        self.choose_nodes("parent", node_choices(user).exclude(pk=node.pk))


class InstructorForm(ScopedForm):
    name = forms.CharField(label=_("name"), max_length=50)
    unit = forms.CharField(label=_("unit"), max_length=200, required=False)
    region = RegionChoiceField(label=_("region"), queryset=Region.objects.none(), streets=True)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)


class AssignmentForm(ScopedForm):
    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.all())
    from_date = forms.DateField(label=_("from"), widget=DateInput())
    to_date = forms.DateField(label=_("to"), required=False, widget=DateInput())


class VisitForm(ScopedForm):
    instructor = forms.ModelChoiceField(label=_("instructor"), queryset=PartyInstructor.objects.none())
    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.all())
    visited_on = forms.DateField(label=_("visited on"), widget=DateInput())
    content = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(
        label=_("problems found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["instructor"].queryset = instructors_visible_to(user).prefetch_related(None)


class SecretaryReportForm(ScopedForm):
    party_organization = forms.ModelChoiceField(
        label=_("party organization"), queryset=PartyOrganization.objects.none()
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    content = forms.CharField(label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.choose_nodes("party_organization", node_choices(user))


class EvaluateForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=SecretaryReport.Grade.choices)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("what is missing"), widget=forms.Textarea(attrs={"rows": 2}))


class WorkStationForm(ScopedForm):
    name = forms.CharField(label=_("name"), max_length=200)
    region = RegionChoiceField(label=_("region"), queryset=Region.objects.none(), streets=True)
    organizations = forms.ModelMultipleChoiceField(
        label=_("organizations linked"),
        queryset=Organization.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class FundingForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("amount (yuan)"), min_value=0, max_digits=14, decimal_places=2)


class ActivityForm(ScopedForm):
    date = forms.DateField(label=_("date"), widget=DateInput())
    title = forms.CharField(label=_("title"), max_length=200)
    participants = forms.IntegerField(label=_("participants"), min_value=0, initial=0)
    organizations = forms.ModelMultipleChoiceField(
        label=_("organizations that took part"),
        queryset=Organization.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )


class LeaderForm(ScopedForm):
    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.all())
    name = forms.CharField(label=_("name"), max_length=50)
    position = forms.ChoiceField(label=_("position"), choices=OrganizationLeader.Position.choices)
    is_party_member = forms.BooleanField(label=_("party member"), required=False)
    party_role = forms.CharField(label=_("party role"), max_length=50, required=False)


class LeaderReviewForm(ScopedForm):
    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.all())
    candidate_name = forms.CharField(label=_("candidate's name"), max_length=50)
    candidate_id_number = forms.CharField(label=_("candidate's ID number"), max_length=18, required=False)
    role = forms.ChoiceField(label=_("role"), choices=LeaderReview.Role.choices)
    result = forms.ChoiceField(label=_("result"), choices=LeaderReview.Result.choices)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteStepForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[(SyncStep.Status.DONE, _("Done")), (SyncStep.Status.NOT_APPLICABLE, _("Not applicable"))],
    )
    note = forms.CharField(label=_("note"), required=False)


class MemberRecordForm(ScopedForm):
    organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.all())
    formal_members = forms.IntegerField(label=_("formal party members"), min_value=0)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
