from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..codes import mask_id_number
from ..models import Organization, Region, SupervisingUnit
from ..selectors import can_see_id_number
from .reading import DirectReadMixin


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "full_name", "level", "parent"]


class SupervisingUnitSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())

    class Meta:
        model = SupervisingUnit
        fields = ["id", "name", "region", "kind", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators = []


class OrganizationSerializer(DirectReadMixin, serializers.ModelSerializer):
    # Codes are normalised and checked by the service (the model's rules), so accept raw input here.
    credit_code = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)
    filing_number = serializers.CharField(max_length=30, required=False, allow_null=True, allow_blank=True)
    legal_representative_id_number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text=_(
            "Masked (3205**********123X) for everyone but the registrars of the organization's region."
        ),
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), help_text=_("Region code"))
    supervising_unit = serializers.PrimaryKeyRelatedField(
        queryset=SupervisingUnit.objects.all(), required=False, allow_null=True
    )
    registered_capital = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)

    class Meta:
        model = Organization
        fields = [
            "id",
            "credit_code",
            "filing_number",
            "name",
            "org_type",
            "category",
            "hub_type",
            "region",
            "supervising_unit",
            "status",
            "registered_on",
            "legal_representative",
            "legal_representative_id_number",
            "registered_capital",
            "address",
            "phone",
            "business_scope",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not can_see_id_number(request.user if request else None, instance):
            data["legal_representative_id_number"] = mask_id_number(instance.legal_representative_id_number)
        return data


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Organization.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_blank=True)
    changes = HistoryChangeSerializer(many=True)
