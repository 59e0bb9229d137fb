"""Forms of the registry pages. They parse input only; every rule of the registry is checked by the services,
whose ValidationError the view puts back beside the field it names."""

from django import forms
from django.db.models import Q
from django.db.models.functions import Length
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from .access import access_for
from .models import Organization, Region, SupervisingUnit
from .selectors import supervising_units_visible_to
from .widgets import SearchSelect, region_options_url, regions_in_order

FORM_FIELDS = [
    "name",
    "org_type",
    "category",
    "hub_type",
    "credit_code",
    "filing_number",
    "region",
    "supervising_unit",
    "registered_on",
    "registered_capital",
    "public_fundraising",
    "legal_representative",
    "legal_representative_id_number",
    "address",
    "phone",
    "business_scope",
    "charter",
]
# Fields that hold a code the service normalises (full-width, spaces, lower case): accept the raw input.
RAW_CODE_FIELDS = {"credit_code": 40, "legal_representative_id_number": 30}


def units_for(user, current_id: int | None = None):
    """Supervising units a staff member may choose: those of their region, above it (a district's
    organizations often answer to a city department) or below it; anyone else, the units they see."""
    access = access_for(user)
    if not access.is_staff_kind:
        return supervising_units_visible_to(user)
    code = access.region_code
    ancestors = [code[:n] for n in (2, 4, 6, 9) if n < len(code)]
    return SupervisingUnit.objects.filter(
        Q(region__code__startswith=code) | Q(region_id__in=ancestors) | Q(pk=current_id)
    ).order_by("region_id", "name")


class RegionChoiceField(forms.ModelChoiceField):
    """A region of a queryset, listed as a searchable select (the first regions, the rest by typing); the
    options are answered by `registry:region_options`, with the streets when `streets`."""

    def __init__(self, *args, streets: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget = SearchSelect(search_url=region_options_url(streets), attrs=self.widget.attrs)
        self.widget.choices = self.choices

    def label_from_instance(self, obj):
        return obj.choice_label


class OrganizationForm(forms.Form):
    """Create and edit an organization. A plain form: the model's labels and choices, none of its rules."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Kept in the history with your name."),
    )

    def __init__(self, *args, user, organization: Organization | None = None, show_id_number=True, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(Organization, fields=FORM_FIELDS)
        for name in FORM_FIELDS:
            if name == "legal_representative_id_number" and not show_id_number:
                continue
            field = model_fields[name]
            if name in RAW_CODE_FIELDS:
                field = forms.CharField(label=field.label, max_length=RAW_CODE_FIELDS[name], required=False)
            self.fields[name] = field
        self.fields["reason"] = self.fields.pop("reason")  # last
        access = access_for(user)
        current = organization.region_id if organization else None
        regions = Region.objects.annotate(code_length=Length("code")).filter(
            Q(code__startswith=access.region_code, code_length__lte=6) | Q(code=current)
        )
        self.fields["region"] = RegionChoiceField(
            label=self.fields["region"].label, queryset=regions_in_order(regions)
        )
        self.fields["supervising_unit"].queryset = units_for(
            user, organization.supervising_unit_id if organization else None
        )
        self.fields["registered_on"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["business_scope"].widget.attrs["rows"] = 3
        self.fields["charter"].widget.attrs["rows"] = 3
        self.fields["credit_code"].help_text = _(
            "18 characters (GB 32100); community organizations may leave it empty."
        )
        self.fields["filing_number"].help_text = _("Only for community organizations that are filed.")
        if organization is not None:
            if not self.is_bound:
                self.initial.update(
                    {name: getattr(organization, name) for name in self.fields if name != "reason"}
                )
        else:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        for name in ("credit_code", "filing_number"):
            if name in data and not (data[name] or "").strip():
                data[name] = None
        return data

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "reason"}


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Organization.TRANSITIONS.get(organization.status, set())
        choices = [(value, label) for value, label in Organization.Status.choices if value in allowed]
        self.fields["status"].choices = [("", _("Choose…")), *choices] if choices else []
