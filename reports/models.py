"""Statistics tables. A Stat row is one figure: metric × year × region × org_type × category.

Region: the GB/T 2260 code at every level — 2 (province), 4 (city), 6 (county), 9 (street) digits — and
``""`` (the empty string) for the national total, so "the figures of region R" is ``region == R`` and the
empty string is the prefix of every code, like a national user's region scope. A figure at level n counts
the organizations whose region code starts with those n digits (an organization registered directly at a
city counts in the city's total but in none of its districts).

org_type / category: ``""`` means all types / all categories.
Ratio metrics store the numerator in ``value`` and the denominator in ``denominator``; the rate is
value / denominator, so a rate always rolls up from sums, never from averaged rates."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DECIMAL = {"max_digits": 20, "decimal_places": 2}


class StatBuild(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    scope = models.CharField(_("scope"), max_length=20, default="year")
    year = models.PositiveSmallIntegerField(_("year"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["year", "status", "finished_at"], name="statbuild_year_status")]
        verbose_name = _("statistics build")
        verbose_name_plural = _("statistics builds")

    def __str__(self):
        return f"{self.year} {self.status}"


class Stat(models.Model):
    metric = models.CharField(_("metric"), max_length=64)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.CharField(_("region code"), max_length=9, blank=True)  # "" = national total
    level = models.PositiveSmallIntegerField(_("region level (code length)"), default=0)  # 0, 2, 4, 6, 9
    org_type = models.CharField(_("organization type"), max_length=24, blank=True)  # "" = all
    category = models.CharField(_("category"), max_length=24, blank=True)  # "" = all
    value = models.DecimalField(_("value"), **DECIMAL)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **DECIMAL)
    # A build writes millions of rows in one statement: no per-row foreign-key trigger and no index of its own;
    # the build row is created first, in the same transaction.
    build = models.ForeignKey(
        StatBuild,
        verbose_name=_("build"),
        on_delete=models.PROTECT,
        related_name="stats",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["metric", "year", "region", "org_type", "category"]
        # One index serves every reader and the build's merge (each names the year, the metric and the level,
        # the region's code length); every other index would cost a first build seconds. The codes are compared
        # byte by byte (PostgreSQL's pattern operator classes), which also serves a region prefix (LIKE '32%').
        constraints = [
            models.UniqueConstraint(
                fields=["year", "metric", "level", "region", "org_type", "category"],
                name="one_stat_per_key",
                opclasses=["int2_ops", "varchar_pattern_ops", "int2_ops", *["varchar_pattern_ops"] * 3],
            )
        ]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")

    def __str__(self):
        return f"{self.metric} {self.year} {self.region or '-'} {self.value}"

    @property
    def rate(self):
        if self.denominator in (None, 0):
            return None
        return self.value / self.denominator


class StatPart(models.Model):
    """Staging rows of a running build: what each metric's compute() returned, before the roll-up.

    Written and emptied inside the build's transaction; never read by anything else."""

    build = models.ForeignKey(StatBuild, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=64)
    region = models.CharField(max_length=9, blank=True)
    org_type = models.CharField(max_length=24, blank=True)
    category = models.CharField(max_length=24, blank=True)
    value = models.DecimalField(**DECIMAL)
    denominator = models.DecimalField(null=True, blank=True, **DECIMAL)


def export_path(instance, filename):
    """A random folder per file: export files are only served through the views that check their owner, and
    their path must not be guessable where a proxy serves MEDIA_ROOT."""
    return f"exports/{instance.created_at:%Y/%m}/{secrets.token_urlsafe(12)}/{filename}"


class Export(models.Model):
    class Source(models.TextChoices):
        ORGANIZATIONS = "organizations", _("Organization registry")
        ANNUAL_REPORTS = "annual_reports", _("Annual reports")
        STATS = "stats", _("Statistics")
        DRILLDOWN = "drilldown", _("Records behind a figure")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.XLSX)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.get_source_display()} {self.format} #{self.pk}"
