from django import forms
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import AnnualReport, CreditListEntry
from ..models.annual_reports import REPORT_SECTIONS
from .deadlines import OVERVIEW_YEARS_BACK

SECTION_TITLES = {
    "members": _("Members"),
    "people": _("Staff and party members"),
    "finances": _("Finances"),
    "outcomes": _("Outcomes"),
}


def section_form_class(section: str):
    return modelform_factory(AnnualReport, fields=REPORT_SECTIONS[section])


def section_form(section: str, report, data=None):
    form = section_form_class(section)(data, instance=report, prefix=section)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
        field.widget.attrs["inputmode"] = "decimal"
    return form


class AttachmentForm(forms.Form):
    audited_statement = forms.FileField(
        label=_("Audited financial statement (PDF, at most 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf", "class": "form-control"}),
    )


class ReviewForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


def year_choices():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year - 1, this_year - 1 - OVERVIEW_YEARS_BACK, -1)]


class OverviewForm(forms.Form):
    STATES = [
        ("", _("All due")),
        ("filed", _("Filed")),
        ("late", _("Late, not filed")),
        ("not_filed", _("Not filed")),
        ("in_review", _("In review")),
        ("accepted", _("Accepted")),
        ("returned", _("Returned")),
    ]
    year = forms.TypedChoiceField(label=_("Report year"), coerce=int, choices=year_choices)
    region = forms.ChoiceField(label=_("Region"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All"))] + list(regions)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_("Columns as in the export: credit_code, year, result and the figures."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (selects get form-select)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class RatingForm(StyledForm):
    credit_code = forms.CharField(label=_("Credit code of the organization"), max_length=18)
    grade = forms.TypedChoiceField(
        label=_("Grade"), coerce=int, choices=[(g, f"{g}A") for g in range(5, 0, -1)]
    )
    awarded_on = forms.DateField(label=_("Awarded on"), widget=forms.DateInput(attrs={"type": "date"}))


class CreditEntryForm(StyledForm):
    credit_code = forms.CharField(label=_("Credit code of the organization"), max_length=18)
    list = forms.ChoiceField(label=_("List"), choices=CreditListEntry.List.choices)
    reason_code = forms.ChoiceField(label=_("Reason code"), choices=CreditListEntry.ReasonCode.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    report_year = forms.IntegerField(label=_("Report year"), required=False)
    listed_on = forms.DateField(
        label=_("Listed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RemovalForm(forms.Form):
    removal_reason = forms.CharField(label=_("Reason for removal"), max_length=300)
