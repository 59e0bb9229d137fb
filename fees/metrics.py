"""Fee-remediation figures for the statistics engine. Amounts count in the year their case closed."""

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from reports.registry import Metric, register

from .models import CampaignReturn, CampaignTarget, CaseOutcome, FeeCase

ORG_KEYS = {
    "region": F("organization__region_id"),
    "org_type": F("organization__org_type"),
    "category": F("organization__category"),
}
# A case keeps its organization's region itself (FeeCase.region): grouped by that column, not a join.
CASE_KEYS = {key: value for key, value in ORG_KEYS.items() if key != "region"}
OUTCOME_ORG_KEYS = {
    "region": F("case__organization__region_id"),
    "org_type": F("case__organization__org_type"),
    "category": F("case__organization__category"),
}


def _in_scope(queryset, prefix: str, org_type, category, path: str = "organization"):
    filters = {f"{path}__region__code__startswith": prefix or ""}
    if org_type:
        filters[f"{path}__org_type"] = org_type
    if category:
        filters[f"{path}__category"] = category
    return queryset.filter(**filters)


# Cases received in the year, in all and by source and kind


def _received(year: int, **where):
    return FeeCase.objects.filter(created_at__year=year, **where)


def _count_metric(code, label, order, **where):
    def compute(year):
        return _received(year, **where).values("region", **CASE_KEYS).annotate(value=Count("id"))

    def drilldown(year, region_prefix, org_type=None, category=None):
        queryset = _in_scope(_received(year, **where), region_prefix, org_type, category)
        return queryset.select_related("organization"), Value(1, output_field=IntegerField())

    register(Metric(code, label, "count", "sum", compute, drilldown, group="fees", order=order, app="fees"))


_count_metric("fee_cases", _("Fee cases received"), 10)
for index, (source, source_label) in enumerate(FeeCase.Source.choices):
    _count_metric(
        f"fee_cases_source_{source}",
        format_lazy("{}：{}", _("Fee cases from"), source_label),
        20 + index,
        source=source,
    )
for index, (kind, kind_label) in enumerate(FeeCase.Kind.choices):
    _count_metric(
        f"fee_cases_kind_{kind}",
        format_lazy("{}：{}", _("Fee cases of kind"), kind_label),
        40 + index,
        kind=kind,
    )


# Cases closed in the year with each outcome; amounts and enterprises of the outcomes


def _closed_outcomes(year: int, outcomes):
    return CaseOutcome.objects.filter(
        case__status=FeeCase.Status.CLOSED, case__closed_at__year=year, outcome__in=outcomes
    )


def _closed_cases(year: int, outcomes):
    return FeeCase.objects.filter(status=FeeCase.Status.CLOSED, closed_at__year=year).filter(
        Exists(CaseOutcome.objects.filter(case=OuterRef("pk"), outcome__in=outcomes))
    )


def _outcome_case_metric(outcome, label, order):
    def compute(year):
        return _closed_outcomes(year, [outcome]).values(**OUTCOME_ORG_KEYS).annotate(value=Count("case_id"))

    def drilldown(year, region_prefix, org_type=None, category=None):
        queryset = _in_scope(_closed_cases(year, [outcome]), region_prefix, org_type, category)
        return queryset.select_related("organization"), Value(1, output_field=IntegerField())

    register(
        Metric(
            f"fee_cases_outcome_{outcome}",
            label,
            "count",
            "sum",
            compute,
            drilldown,
            group="fees",
            order=order,
            app="fees",
        )
    )


for index, (outcome, outcome_label) in enumerate(CaseOutcome.Outcome.choices):
    _outcome_case_metric(
        outcome, format_lazy("{}：{}", _("Fee cases closed with"), outcome_label), 60 + index
    )


def _amount_metric(code, label, unit, field, outcomes, order):
    def compute(year):
        return _closed_outcomes(year, outcomes).values(**OUTCOME_ORG_KEYS).annotate(value=Sum(field))

    def drilldown(year, region_prefix, org_type=None, category=None):
        per_case = (
            CaseOutcome.objects.filter(case=OuterRef("pk"), outcome__in=outcomes)
            .values("case")
            .annotate(total=Sum(field))
            .values("total")
        )
        queryset = _in_scope(_closed_cases(year, outcomes), region_prefix, org_type, category)
        output = CaseOutcome._meta.get_field(field)
        return queryset.select_related("organization"), Coalesce(
            Subquery(per_case, output_field=output), Value(0), output_field=output
        )

    register(Metric(code, label, unit, "sum", compute, drilldown, group="fees", order=order, app="fees"))


_amount_metric("fees_waived", _("Fees waived or refunded (yuan)"), "yuan", "amount", ["waive"], 80)
_amount_metric(
    "fees_reduced_yearly",
    _("Yearly saving of reduced fee standards (yuan)"),
    "yuan",
    "amount",
    ["reduce"],
    81,
)
_amount_metric(
    "enterprises_benefiting",
    _("Enterprises benefiting from closed fee cases"),
    "count",
    "enterprises_benefiting",
    CaseOutcome.Outcome.values,
    82,
)


# Campaigns: organizations that filed, over those that had to (campaigns ending in the year)


def _campaign_targets(year: int):
    filed = CampaignReturn.objects.filter(
        campaign=OuterRef("campaign"), organization=OuterRef("organization")
    )
    return CampaignTarget.objects.filter(campaign__ends_on__year=year).annotate(filed=Exists(filed))


def _filing_rate_compute(year):
    return (
        _campaign_targets(year)
        .values(**ORG_KEYS)
        .annotate(value=Count("id", filter=Q(filed=True)), denominator=Count("id"))
    )


def _filing_rate_drilldown(year, region_prefix, org_type=None, category=None):
    queryset = _in_scope(_campaign_targets(year), region_prefix, org_type, category)
    return queryset.select_related("organization", "campaign"), Case(
        When(filed=True, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


register(
    Metric(
        "campaign_filing_rate",
        _("Campaign filing rate"),
        "ratio",
        "ratio",
        _filing_rate_compute,
        _filing_rate_drilldown,
        group="fees",
        order=90,
        app="fees",
    )
)
