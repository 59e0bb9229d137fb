from rest_framework import serializers

from ..models import Export


class StatQuerySerializer(serializers.Serializer):
    metric = serializers.CharField()
    year = serializers.IntegerField(required=False, min_value=1949, max_value=2200)
    region = serializers.CharField(required=False, allow_blank=True, default="")
    group_by = serializers.ChoiceField(
        choices=["region", "org_type", "category", "year"], required=False, allow_blank=True, default=""
    )
    org_type = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("group_by") != "year" and attrs.get("year") is None:
            raise serializers.ValidationError({"year": ["This field is required."]})
        return attrs


class DrilldownQuerySerializer(serializers.Serializer):
    metric = serializers.CharField()
    year = serializers.IntegerField(min_value=1949, max_value=2200)
    region = serializers.CharField(required=False, allow_blank=True, default="")
    org_type = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, default="")


class DrilldownRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="organization, annualreport, … (the model of the row)")
    organization_id = serializers.IntegerField(allow_null=True)
    organization_name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    region = serializers.CharField()
    org_type = serializers.CharField()
    category = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    contribution = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)


class ExportCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["organizations", "annual_reports", "stats", "drilldown"])
    format = serializers.ChoiceField(choices=Export.Format.values, default="xlsx")
    filters = serializers.DictField(required=False, default=dict)


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
        request = self.context.get("request")
        url = export.file.url
        return request.build_absolute_uri(url) if request else url
