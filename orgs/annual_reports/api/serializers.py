from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import AnnualReport, CreditListEntry, Organization, Rating
from ...models.annual_reports import FIGURE_FIELDS
from ..services import DECISIONS

READ_ONLY_REPORT = ["id", "status", "result", "submitted_at", "unit_reviewed_at", "accepted_at", "updated_at"]


class AnnualReportSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text=_(
            "Organization id. Organization users may leave it out (their own); a system client gives it."
        ),
    )
    audited_statement = serializers.SerializerMethodField(
        help_text=_(
            "URL of the audited financial statement (GET …/{id}/statement/, null when none); upload it with "
            "POST …/{id}/attachment/ (multipart, field `file`)."
        ),
    )

    class Meta:
        model = AnnualReport
        fields = ["id", "organization", "year", "status", "result", "submitted_at", "unit_reviewed_at",
                  "accepted_at", "updated_at", *FIGURE_FIELDS, "audited_statement"]  # fmt: skip
        read_only_fields = READ_ONLY_REPORT
        validators = []  # one per organization and year: the service answers with an error on `year`

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_audited_statement(self, obj):
        if not obj.audited_statement:
            return None
        url = reverse("annual-report-statement", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AnnualReportUpdateSerializer(AnnualReportSerializer):
    class Meta(AnnualReportSerializer.Meta):
        read_only_fields = [*READ_ONLY_REPORT, "organization", "year"]


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=DECISIONS,
        help_text=_("Unit: pass | return. Bureau: qualified | basically_qualified | unqualified | return."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, help_text=_("Required to return."))


class AttachmentSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The audited financial statement: a PDF of at most 20 MB."))


class RatingSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "organization", "grade", "awarded_on", "valid_until", "expired", "updated_at"]
        read_only_fields = ["id", "valid_until", "expired", "updated_at"]


class CreditListEntrySerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = CreditListEntry
        fields = ["id", "organization", "list", "reason", "reason_code", "report_year", "listed_on",
                  "removed_on", "removal_reason", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "removed_on", "removal_reason", "updated_at"]
        extra_kwargs = {"listed_on": {"required": False}}
        validators = []


class RemovalSerializer(serializers.Serializer):
    removal_reason = serializers.CharField(max_length=300)
    on = serializers.DateField(required=False, help_text=_("Removal date (default today)."))


# Public register: public facts only


class PublicRatingSerializer(serializers.ModelSerializer):
    expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Rating
        fields = ["grade", "awarded_on", "valid_until", "expired"]


class PublicReportResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualReport
        fields = ["year", "result", "accepted_at"]


class PublicCreditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditListEntry
        fields = ["list", "reason", "report_year", "listed_on", "removed_on", "removal_reason"]


class PublicOrganizationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    supervising_unit = serializers.SerializerMethodField()
    abnormal = serializers.BooleanField(source="open_abnormal", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "credit_code", "filing_number", "org_type", "category", "region", "region_name",
                  "status", "abnormal", "registered_on", "supervising_unit"]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_supervising_unit(self, obj):
        return obj.supervising_unit.name if obj.supervising_unit_id else None


class PublicOrganizationDetailSerializer(PublicOrganizationSerializer):
    legal_representative = serializers.CharField()
    address = serializers.CharField()
    business_scope = serializers.CharField()
    rating = serializers.SerializerMethodField()
    ratings = PublicRatingSerializer(many=True)
    annual_reports = PublicReportResultSerializer(many=True, source="accepted_reports")
    credit_entries = PublicCreditEntrySerializer(many=True)

    class Meta(PublicOrganizationSerializer.Meta):
        fields = [*PublicOrganizationSerializer.Meta.fields, "legal_representative", "address", "business_scope",
                  "deregistered_on", "rating", "ratings", "annual_reports", "credit_entries"]  # fmt: skip

    @extend_schema_field(PublicRatingSerializer(allow_null=True))
    def get_rating(self, obj):
        ratings = list(obj.ratings.all())
        return PublicRatingSerializer(ratings[0]).data if ratings else None
