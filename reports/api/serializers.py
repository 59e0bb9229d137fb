from django.urls import reverse
from rest_framework import serializers

from ..exports import SOURCES
from ..models import Export


class MetricSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Used as `metric=` in the other endpoints.")
    label = serializers.CharField(help_text="In the request's language (Accept-Language: zh-hans or en).")
    unit = serializers.CharField(help_text="count, yuan, ratio …")
    aggregate = serializers.ChoiceField(
        choices=["sum", "ratio"],
        help_text="sum: value is the figure; ratio: value / denominator is the rate (sums, never averaged rates).",
    )
    group = serializers.CharField(help_text="Dashboard section (organizations, outcomes, fees …).")
    description = serializers.CharField(allow_blank=True)


class StatQuerySerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="A code from /api/v1/stats/metrics/.")
    year = serializers.IntegerField(
        required=False, min_value=1949, max_value=2200, help_text="Required unless group_by=year."
    )
    region = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="2, 4, 6 or 9-digit region code inside the caller's region (default: the caller's region).",
    )
    group_by = serializers.ChoiceField(
        choices=["region", "org_type", "category", "year"],
        required=False,
        allow_blank=True,
        default="",
        help_text="region: one level down; org_type / category: one row each; year: the trend. "
        "Empty: the single total.",
    )
    org_type = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Narrow to a type."
    )
    category = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Narrow to a category."
    )

    def validate(self, attrs):
        if attrs.get("group_by") != "year" and attrs.get("year") is None:
            raise serializers.ValidationError(
                {"year": [serializers.Field.default_error_messages["required"]]}
            )
        return attrs


class StatRowSerializer(serializers.Serializer):
    metric = serializers.CharField()
    year = serializers.IntegerField()
    region = serializers.CharField(allow_blank=True, help_text='Region code; "" is the national total.')
    org_type = serializers.CharField(allow_blank=True, help_text='"" = all types.')
    category = serializers.CharField(allow_blank=True, help_text='"" = all categories.')
    value = serializers.CharField(
        help_text='Decimal string, e.g. "1234" or "56789.50" (yuan); for a ratio the numerator.'
    )
    denominator = serializers.CharField(required=False, allow_null=True, help_text="Ratio metrics only.")
    rate = serializers.CharField(
        required=False, allow_null=True, help_text="Ratio metrics only: value / denominator."
    )
    region_name = serializers.CharField(required=False, help_text="With group_by=region or without group_by.")
    direct = serializers.BooleanField(
        required=False,
        help_text="group_by=region: the organizations registered at the region itself (not in a sub-region); "
        "with it the rows add up to the total.",
    )


class StatListSerializer(serializers.Serializer):
    built_at = serializers.DateTimeField(allow_null=True, help_text="When the year's figures were built.")
    results = StatRowSerializer(many=True)


class DrilldownQuerySerializer(serializers.Serializer):
    metric = serializers.CharField()
    year = serializers.IntegerField(min_value=1949, max_value=2200)
    region = serializers.CharField(required=False, allow_blank=True, default="")
    org_type = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, default="")


class DrilldownRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="organization, annualreport, feecase … (the model of the row)")
    organization_id = serializers.IntegerField(allow_null=True)
    organization_name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    region = serializers.CharField()
    org_type = serializers.CharField()
    category = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    contribution = serializers.DecimalField(
        max_digits=20, decimal_places=2, coerce_to_string=True, help_text="This row's share of the figure."
    )


class ExportCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=list(SOURCES))
    format = serializers.ChoiceField(choices=Export.Format.values, default="xlsx")
    filters = serializers.DictField(
        required=False,
        default=dict,
        help_text="organizations / annual_reports: the list's filters (q, region, org_type, status, year …); "
        "stats: metric, year, region, group_by, org_type, category; drilldown: metric, year, region, org_type, "
        "category.",
    )


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id", "source", "format", "filters", "status", "progress", "total_rows", "rows_written",
            "error", "created_at", "finished_at", "download_url",
        ]  # fmt: skip

    def get_download_url(self, export) -> str | None:
        if export.status != Export.Status.DONE or not export.file:
            return None
        url = reverse("export-download", args=[export.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
