"""The metric registry: what the statistics build computes, and how a figure is drilled down.

Other apps declare metrics in ``<app>/metrics.py`` (autodiscovered by ``ReportsConfig.ready``)::

    from reports.registry import Metric, register

    register(Metric(
        code="party_orgs",                       # unique, [a-z0-9_], used in URLs and Stat.metric
        label=_("Party organizations"),          # gettext_lazy, English msgid
        unit="count",                            # "count" | "yuan" | "ratio" | "person" …
        aggregate="sum",                         # "sum" | "ratio"
        compute=party_orgs_compute,              # (year) -> iterable of rows (see below)
        drilldown=party_orgs_drilldown,          # (year, region_prefix, org_type=None, category=None)
    ))

``compute(year)`` returns an iterable of dicts, one per (region, org_type, category) group, computed IN THE
DATABASE (``values("region", "org_type", "category").annotate(value=Sum(...))``, never a Python loop over
organization rows)::

    {"region": "320508001", "org_type": "social_group", "category": "academic",
     "value": Decimal | int, "denominator": Decimal | int | None}

``region`` is the code of the region the organization is registered in, at whatever level (2/4/6/9
digits); the build rolls it up to every prefix level (2, 4, 6, 9) and to the national total.
``org_type``/``category`` are the organization's; the build adds the "all" ("") totals itself.
Several rows with the same key are summed. For ``aggregate="ratio"`` the row carries the numerator in
``value`` and the denominator in ``denominator``; a rolled-up rate is sum(value) / sum(denominator), never an
average of rates.

``drilldown(year, region_prefix, org_type=None, category=None)`` returns ``(queryset, contribution)``:
the rows (organizations, reports, party organizations …) behind the figure for regions whose code starts
with ``region_prefix`` ("" = everywhere), and either a field name or a query expression giving each row's
contribution. ``queryset.annotate(contribution=...)`` summed over the queryset equals the figure (for a
ratio metric: the numerator; rows that only count in the denominator contribute 0). The queryset should be
``Organization`` rows or rows with an ``organization`` FK (the list shows name/region from it).

Many metrics aggregate the same rows (every outcome figure sums a field of the year's accepted reports).
Such a metric names a shared ``Source`` and gives its aggregate instead of a ``compute``; the build then
computes all the metrics of a source in ONE grouped query (one pass over the rows, not one per metric)::

    ACCEPTED = Source("accepted_reports", lambda year: AnnualReport.objects.filter(year=year, status="accepted"),
                      region="organization__region_id", org_type="organization__org_type",
                      category="organization__category")
    register(Metric(code="jobs_posted", …, source=ACCEPTED, value=lambda year: Sum("jobs_posted"),
                    drilldown=…))

``value(year)`` (and ``denominator(year)`` for a ratio) return an aggregate expression over the source's rows;
``compute(year)`` is then made from them, so that it gives the same rows as the shared query.

The registry is process-global and filled at import time; ``get(code)`` raises ``KeyError`` for an
unknown code. Codes are unique across apps: prefix yours when it could clash (``fee_…``, ``party_…``);
the outcome figures of the annual report use the report's field names (``jobs_posted`` …).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

logger = logging.getLogger(__name__)

AGGREGATES = ("sum", "ratio")

ComputeRow = dict[str, Any]
ComputeFn = Callable[[int], Iterable[ComputeRow]]
DrilldownFn = Callable[..., tuple[Any, Any]]


@dataclass(frozen=True, eq=False)
class Source:
    """Rows that several metrics aggregate in one grouped query: `rows(year)` is a queryset; `region`,
    `org_type` and `category` are the paths, in it, of the organization's keys."""

    code: str
    rows: Callable[[int], Any]
    region: str = "region_id"
    org_type: str = "org_type"
    category: str = "category"

    def grouped(self, year: int, aggregates: dict) -> Any:
        """`rows(year)` grouped by (stat_region, stat_org_type, stat_category), with the given aggregates."""
        return (
            self.rows(year)
            .order_by()
            .annotate(
                stat_region=F(self.region), stat_org_type=F(self.org_type), stat_category=F(self.category)
            )
            .values("stat_region", "stat_org_type", "stat_category")
            .annotate(**aggregates)
        )


@dataclass(frozen=True)
class Metric:
    code: str
    label: Any  # gettext_lazy string
    unit: str
    aggregate: str
    compute: ComputeFn | None = None  # made from source/value/denominator when those are given
    drilldown: DrilldownFn | None = None
    group: str = ""  # dashboard section, e.g. "organizations", "outcomes", "party_building"
    description: Any = ""
    order: int = 100  # position in the metric list (lower first)
    app: str = field(default="", compare=False)
    # Who may see the rows behind the figure (the figure itself stays visible), where the rows would reveal
    # something sensitive, such as who is a party member: a function of the user; None lets everyone.
    drilldown_allowed: Callable[[Any], bool] | None = field(default=None, compare=False)
    # A figure of a shared source: (year) -> aggregate expression over the source's rows
    source: Source | None = field(default=None, compare=False)
    value: Callable[[int], Any] | None = field(default=None, compare=False)
    denominator: Callable[[int], Any] | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.drilldown is None:
            raise ValueError(f"Metric {self.code}: drilldown is required")
        if (self.source is None) != (self.value is None):
            raise ValueError(f"Metric {self.code}: a source needs a value, and a value a source")
        if self.source is None and self.compute is None:
            raise ValueError(f"Metric {self.code}: give compute, or source and value")
        if self.source is not None:
            object.__setattr__(self, "compute", self._compute_from_source)
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"Metric {self.code}: aggregate must be one of {AGGREGATES}")
        if not self.code or not self.code.replace("_", "").isalnum() or self.code != self.code.lower():
            raise ValueError(f"Metric code {self.code!r} must be lower-case letters, digits and _")

    @property
    def is_ratio(self) -> bool:
        return self.aggregate == "ratio"

    def aggregates(self, year: int, suffix: str = "") -> dict:
        """This metric's aggregate expressions over its source: value (and denominator)."""
        aggregates = {f"value{suffix}": self.value(year)}
        if self.denominator is not None:
            aggregates[f"denominator{suffix}"] = self.denominator(year)
        return aggregates

    def _compute_from_source(self, year: int):
        for row in self.source.grouped(year, self.aggregates(year)):
            yield {
                "region": row["stat_region"],
                "org_type": row["stat_org_type"],
                "category": row["stat_category"],
                "value": row["value"],
                "denominator": row.get("denominator"),
            }


_registry: dict[str, Metric] = {}


_conflicts: list[tuple[Metric, Metric]] = []


def register(metric: Metric, *, replace: bool = False) -> Metric:
    """Add a metric and return it.

    A code is registered once: a second metric with a taken code is NOT registered (the first one, in
    INSTALLED_APPS order, stays), logged, and reported by the system check ``reports.W001`` so that one
    app's clash never stops the site from starting. ``replace=True`` swaps it (tests)."""
    existing = _registry.get(metric.code)
    if existing is not None and not replace and existing is not metric:
        _conflicts.append((existing, metric))
        logger.warning(
            "Metric %r of app %r is already registered by app %r; ignored",
            metric.code,
            metric.app,
            existing.app,
        )
        return existing
    _registry[metric.code] = metric
    return metric


def conflicts() -> list[tuple[Metric, Metric]]:
    return list(_conflicts)


def unregister(code: str) -> None:
    _registry.pop(code, None)


def get(code: str) -> Metric:
    return _registry[code]


def all() -> list[Metric]:  # noqa: A001 - the contract's name
    return sorted(_registry.values(), key=lambda m: (m.group, m.order, m.code))


def codes() -> list[str]:
    return [m.code for m in all()]


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("metrics")
