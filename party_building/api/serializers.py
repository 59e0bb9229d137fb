from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orgs.models import Organization, Region

from ..models import (
    Assignment,
    LeaderReview,
    OrganizationLeader,
    PartyInstructor,
    PartyOrganization,
    SecretaryReport,
    SyncStep,
    Visit,
    WorkStation,
)
from ..selectors import can_see_phone, party_membership_visible_ids


def mask_phone(phone: str) -> str:
    digits = phone or ""
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7 if len(digits) > 7 else len(digits) - 4) + digits[-4:]


class OrganizationIdsField(serializers.ListField):
    """Organization ids, read from the prefetched live covers (no query per row), written as a list of ids."""

    child = serializers.IntegerField(min_value=1)

    def get_attribute(self, instance):
        covers = getattr(instance, "live_coverages", None)
        if covers is None:
            covers = instance.coverages.filter(to_date__isnull=True)
        return sorted(c.organization_id for c in covers)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        found = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(_("Unknown organization: %(id)s.") % {"id": missing[0]})
        return [found[pk] for pk in dict.fromkeys(ids)]


class PartyOrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=PartyOrganization.objects.all(), required=False, allow_null=True
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), help_text=_("Region code"))
    organizations = OrganizationIdsField(required=False, help_text=_("Ids of the organizations covered now."))
    formal_members = serializers.IntegerField(min_value=0, required=False)
    probationary_members = serializers.IntegerField(min_value=0, required=False)

    class Meta:
        model = PartyOrganization
        fields = [
            "id",
            "name",
            "level",
            "parent",
            "region",
            "organizations",
            "secretary",
            "formal_members",
            "probationary_members",
            "founded_on",
            "dissolved_on",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]


class MoveSerializer(serializers.Serializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=PartyOrganization.objects.all(), allow_null=True)


class AssignmentSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = Assignment
        fields = ["organization", "from_date", "to_date"]


class InstructorSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    assignments = AssignmentSerializer(many=True, required=False)

    class Meta:
        model = PartyInstructor
        fields = ["id", "name", "unit", "region", "phone", "assignments", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not can_see_phone(request.user if request else None, instance):
            data["phone"] = mask_phone(instance.phone)
        return data


class VisitSerializer(serializers.ModelSerializer):
    instructor = serializers.PrimaryKeyRelatedField(queryset=PartyInstructor.objects.all())
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = Visit
        fields = ["id", "instructor", "organization", "visited_on", "content", "problems", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class SecretaryReportSerializer(serializers.ModelSerializer):
    party_organization = serializers.PrimaryKeyRelatedField(queryset=PartyOrganization.objects.all())

    class Meta:
        model = SecretaryReport
        fields = ["id", "party_organization", "year", "content", "status", "grade", "comment", "updated_at"]
        read_only_fields = ["id", "status", "grade", "comment", "updated_at"]
        validators = []


class EvaluateSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=SecretaryReport.Grade.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField()


class FundingSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1949, max_value=2100)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class WorkStationSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    organizations = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False
    )
    funding = FundingSerializer(many=True, required=False)

    class Meta:
        model = WorkStation
        fields = ["id", "name", "region", "organizations", "funding", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class LeaderListSerializer(serializers.ListSerializer):
    """Decide once per page whose party membership the caller may see (one query, not one per row)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        self.context["party_visible_orgs"] = party_membership_visible_ids(
            request.user if request else None, {item.organization_id for item in items}
        )
        return super().to_representation(items)


PARTY_FIELDS = ("is_party_member", "party_role")


class LeaderSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = OrganizationLeader
        fields = ["id", "organization", "name", "position", "is_party_member", "party_role", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        list_serializer_class = LeaderListSerializer

    def to_representation(self, instance):
        data = super().to_representation(instance)
        visible = self.context.get("party_visible_orgs")
        if visible is None:
            request = self.context.get("request")
            visible = party_membership_visible_ids(
                request.user if request else None, {instance.organization_id}
            )
        if instance.organization_id not in visible:
            for name in PARTY_FIELDS:
                data.pop(name, None)
        return data


class LeaderReviewSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = LeaderReview
        fields = [
            "id",
            "organization",
            "candidate_name",
            "candidate_id_number",
            "role",
            "result",
            "comment",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
        read_only_fields = ["id", "reviewed_by", "reviewed_at", "updated_at"]


class SyncStepSerializer(serializers.ModelSerializer):
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = SyncStep
        fields = [
            "id",
            "organization",
            "region",
            "event",
            "step",
            "title",
            "status",
            "note",
            "due_on",
            "created_at",
            "completed_at",
            "on_time",
            "updated_at",
        ]
        read_only_fields = fields


class CompleteSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[SyncStep.Status.DONE, SyncStep.Status.NOT_APPLICABLE])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RatioSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    region = serializers.CharField()
    org_coverage = RatioSerializer()
    work_coverage = RatioSerializer()


class WorklistOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField(source="region_id")
    org_type = serializers.CharField()
    category = serializers.CharField()
    party_members = serializers.IntegerField(source="party_members_known", required=False, allow_null=True)


class IdleInstructorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    region = serializers.CharField(source="region_id")
    last_visit = serializers.DateField(allow_null=True)
