from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Organization, Region, RegistrationApplication, SupervisingUnit

App = RegistrationApplication
NEW_KINDS = [(App.Kind.PREPARATION, App.Kind.PREPARATION.label), (App.Kind.ESTABLISH, App.Kind.ESTABLISH.label), (App.Kind.FILING, App.Kind.FILING.label)]  # fmt: skip
ORG_KINDS = [(App.Kind.CHANGE, App.Kind.CHANGE.label), (App.Kind.DEREGISTER, App.Kind.DEREGISTER.label)]


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


def region_choices(levels=("city", "county")):
    regions = Region.objects.filter(code__startswith="32", level__in=levels).order_by("code")
    return [("", "—")] + [(r.code, f"{r.full_name or r.name} ({r.code})") for r in regions]


class StartForm(forms.Form):
    """Step 0: what to apply for (the checklist beside it follows the choice)."""

    kind = forms.ChoiceField(label=_("Kind of application"), choices=NEW_KINDS)
    org_type = forms.ChoiceField(label=_("Organization type"), choices=Organization.OrgType.choices)
    region = forms.ChoiceField(
        label=_("Where it registers"),
        help_text=_("The city or county of the registration authority; a filing: the street or town."),
    )
    preparation = forms.ModelChoiceField(
        label=_("Approved preparation"),
        queryset=App.objects.none(),
        required=False,
        help_text=_("A social group's establishment names its approved preparation."),
    )

    def __init__(self, *args, user=None, org_kinds=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(("city", "county", "street"))
        if org_kinds:
            self.fields["kind"].choices = ORG_KINDS
            del self.fields["org_type"]
            del self.fields["region"]
            del self.fields["preparation"]
        elif user is not None:
            self.fields["preparation"].queryset = App.objects.filter(
                applicant=user, kind=App.Kind.PREPARATION, status=App.Status.APPROVED
            )


class ParticularsForm(forms.Form):
    """The particulars (proposed). Fields depend on the kind; only those the step shows are bound."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *Organization.Category.choices], required=False
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    supervising_unit = forms.ModelChoiceField(
        label=_("Supervising unit"),
        queryset=SupervisingUnit.objects.filter(region__code__startswith="32"),
        required=False,
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50, required=False)
    legal_representative_id_number = forms.CharField(
        label=_("Legal representative's ID number"), max_length=18, required=False
    )
    members_individual = forms.IntegerField(label=_("Individual members"), min_value=0, required=False)
    members_unit = forms.IntegerField(label=_("Unit members"), min_value=0, required=False)
    registered_capital = forms.DecimalField(
        label=_("Funds (yuan)"),
        help_text=_(
            "Activity funds of a social group, founding funds of a social service agency, original fund of a foundation."
        ),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    public_fundraising = forms.TypedChoiceField(
        label=_("Raises funds from the public"),
        choices=[("", "—"), ("false", _("No")), ("true", _("Yes"))],
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    business_scope = forms.CharField(
        label=_("Business scope"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    charter = forms.CharField(label=_("Charter"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(
        label=_("Reason for deregistration"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    STEPS = {
        "basics": ["name", "category", "region", "supervising_unit"],
        "people": [
            "legal_representative",
            "legal_representative_id_number",
            "members_individual",
            "members_unit",
            "registered_capital",
            "public_fundraising",
            "address",
            "phone",
            "business_scope",
        ],
        "change": [
            "name",
            "address",
            "phone",
            "legal_representative",
            "legal_representative_id_number",
            "business_scope",
            "registered_capital",
            "supervising_unit",
            "charter",
        ],
        "deregister": ["reason"],
    }

    def __init__(self, *args, step: str, application: App, **kwargs):
        super().__init__(*args, **kwargs)
        levels = ("street",) if application.kind == App.Kind.FILING else ("city", "county")
        self.fields["region"].choices = region_choices(levels)
        keep = set(self.STEPS[step])
        if (
            application.org_type != Organization.OrgType.SOCIAL_GROUP
            or application.kind != App.Kind.PREPARATION
        ):
            keep -= {"members_individual", "members_unit"}
        if application.org_type != Organization.OrgType.FOUNDATION:
            keep.discard("public_fundraising")
        if application.kind == App.Kind.FILING:
            keep.discard("supervising_unit")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def proposed(self) -> dict:
        """What to store: the fields of this step (an empty value clears the field)."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "supervising_unit":
                value = value.pk if value else None
            elif name == "registered_capital":
                value = str(value) if value is not None else None
            data[name] = value if value not in ("",) else None
        return data


class MaterialForm(forms.Form):
    item = forms.CharField(max_length=40, widget=forms.HiddenInput)
    file = forms.FileField(label=_("File (PDF or image, up to 20 MB)"))


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
