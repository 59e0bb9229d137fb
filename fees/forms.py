import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from orgs.models import Organization, Region

from .models import CaseOutcome, FeeCase, FeeItem

CHALLENGE_SALT = "fees.complaint.challenge"
CHALLENGE_MAX_AGE = 30 * 60


class Bootstrap:
    """Bootstrap classes on every widget, for forms rendered field by field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ChallengeMixin(forms.Form):
    """A self-hosted challenge against automated submission: a sum to solve, a signed token and a honeypot."""

    challenge_token = forms.CharField(widget=forms.HiddenInput)
    challenge_answer = forms.IntegerField(label=_("Answer"))
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
            self.initial["challenge_token"] = signing.dumps({"a": a, "b": b}, salt=CHALLENGE_SALT)
            self.question = f"{a} + {b} = ?"
        else:
            try:
                values = signing.loads(
                    self.data.get("challenge_token", ""), salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE
                )
                self.question = f"{values['a']} + {values['b']} = ?"
            except signing.BadSignature:
                self.question = ""
        self.fields["challenge_answer"].help_text = self.question

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The form could not be accepted."))
        try:
            values = signing.loads(
                cleaned.get("challenge_token", ""), salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE
            )
        except signing.SignatureExpired:
            self.add_error("challenge_answer", _("The question has expired; answer the new one."))
            return cleaned
        except signing.BadSignature:
            self.add_error("challenge_answer", _("Answer the question below."))
            return cleaned
        if cleaned.get("challenge_answer") != values["a"] + values["b"]:
            self.add_error("challenge_answer", _("That is not the right answer."))
        return cleaned


class PublicComplaintForm(ChallengeMixin):
    organization = forms.ModelChoiceField(
        label=_("Association"),
        queryset=Organization.objects.exclude(status__in=["deregistered", "revoked"]).only("id", "name"),
        widget=forms.NumberInput,
        help_text=_("The organization's number in the public register."),
    )
    fee_item = forms.CharField(label=_("Fee item"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FeeCase.Kind.choices, initial=FeeCase.Kind.OTHER)
    amount_charged = forms.DecimalField(
        label=_("Amount charged (yuan)"), min_value=0, decimal_places=2, max_digits=16
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    company = forms.CharField(label=_("Enterprise"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    anonymous = forms.BooleanField(label=_("Complain anonymously"), required=False)
    file = forms.FileField(label=_("File (PDF or image, optional)"), required=False)

    field_order = [
        "organization", "fee_item", "kind", "amount_charged", "description", "company", "contact_name", "phone",
        "anonymous", "file", "challenge_answer", "challenge_token", "website",
    ]  # fmt: skip


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=24)
    phone = forms.CharField(label=_("Phone"), max_length=30)


class CaseForm(Bootstrap, forms.ModelForm):
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in FeeCase.Source.choices if c[0] != "complaint"]
    )

    class Meta:
        model = FeeCase
        fields = ["source", "organization", "fee_item", "kind", "amount_charged", "enterprises_affected", "period_from",
                  "period_to", "description"]  # fmt: skip
        widgets = {
            "organization": forms.NumberInput,
            "period_from": forms.DateInput(attrs={"type": "date"}),
            "period_to": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class NoteForm(Bootstrap, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DismissForm(Bootstrap, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseNoteForm(Bootstrap, forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("File"), required=False)


class EvidenceForm(Bootstrap, forms.Form):
    file = forms.FileField(label=_("Evidence (PDF or image)"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(Bootstrap, forms.Form):
    note = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label=_("New deadline (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecideForm(Bootstrap, forms.Form):
    """The decision: violation or not; for a violation, any of the five outcomes with amounts, and a deadline."""

    violation = forms.TypedChoiceField(
        label=_("Was there a violation?"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    deadline = forms.DateField(
        label=_("Rectification deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CaseOutcome.Outcome.choices:
            self.fields[f"{code}_selected"] = forms.BooleanField(label=label, required=False)
            self.fields[f"{code}_amount"] = forms.DecimalField(
                label=_("Amount (yuan)"), required=False, min_value=0, decimal_places=2
            )
            self.fields[f"{code}_enterprises"] = forms.IntegerField(
                label=_("Enterprises benefiting"), required=False, min_value=0
            )
            self.fields[f"{code}_detail"] = forms.CharField(label=_("Detail"), required=False)
        self.fields["punish_punishment"] = forms.ChoiceField(
            label=_("Punishment"), required=False, choices=[("", "—"), *CaseOutcome.Punishment.choices]
        )
        self.fields["punish_credit_list"] = forms.ChoiceField(
            label=_("Credit list"),
            required=False,
            choices=[
                ("", _("None")),
                ("abnormal", _("Abnormal-activity list")),
                ("serious", _("Serious list")),
            ],
        )
        self.fields["reduce_new_standard"] = forms.CharField(label=_("New standard"), required=False)
        self.style_widgets()

    def outcome_rows(self):
        return [
            {
                "code": code,
                "label": label,
                "selected": self[f"{code}_selected"],
                "amount": self[f"{code}_amount"],
                "enterprises": self[f"{code}_enterprises"],
                "detail": self[f"{code}_detail"],
            }
            for code, label in CaseOutcome.Outcome.choices
        ]

    def outcomes(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for code in CaseOutcome.Outcome.values:
            if not data.get(f"{code}_selected"):
                continue
            rows.append(
                {
                    "outcome": code,
                    "amount": data.get(f"{code}_amount") or 0,
                    "enterprises_benefiting": data.get(f"{code}_enterprises") or 0,
                    "detail": data.get(f"{code}_detail") or "",
                    "punishment": data.get("punish_punishment") if code == "punish" else "",
                    "credit_list": data.get("punish_credit_list") if code == "punish" else "",
                    "new_standard": data.get("reduce_new_standard") if code == "reduce" else "",
                }
            )
        return rows


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        widget=forms.TextInput,
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories (none: all)"),
        choices=Organization.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, nationwide_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if nationwide_allowed:  # a national scope may leave the region empty: the whole country
            self.fields["region"].required = False
            self.fields["region"].help_text = _("Empty: the whole country (national scope only).")


class CampaignReturnForm(forms.Form):
    statement = forms.CharField(
        label=_("Self-inspection statement"), widget=forms.Textarea(attrs={"rows": 4})
    )


FeeItemFormSet = forms.formset_factory(
    forms.modelform_factory(
        FeeItem,
        form=type("FeeItemForm", (Bootstrap, forms.ModelForm), {}),
        fields=["name", "basis", "standard", "payers", "yearly_income"],
    ),
    extra=3,
    can_delete=False,
)
