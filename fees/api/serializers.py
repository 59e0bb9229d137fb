from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orgs.api.reading import DirectReadMixin
from orgs.models import Organization
from orgs.selectors import organizations_visible_to

from ..models import CampaignReturn, CaseEvent, CaseOutcome, FeeCampaign, FeeCase, FeeItem, FeeNotice


class OutcomeSerializer(DirectReadMixin, serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, default="0.00")
    punishment = serializers.ChoiceField(
        choices=CaseOutcome.Punishment.choices, required=False, allow_blank=True
    )
    credit_list = serializers.ChoiceField(choices=["abnormal", "serious"], required=False, allow_blank=True)

    class Meta:
        model = CaseOutcome
        fields = [
            "outcome",
            "amount",
            "enterprises_benefiting",
            "detail",
            "new_standard",
            "punishment",
            "credit_list",
        ]
        extra_kwargs = {"enterprises_benefiting": {"required": False}, "detail": {"required": False}}


class EventSerializer(DirectReadMixin, serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["action", "note", "data", "actor", "created_at"]

    def get_actor(self, event) -> str | None:
        # The API reads events through selectors.events_with_actor_names: the name, without the user's row.
        if "actor_name" in event.__dict__:
            return event.actor_name
        return event.actor.get_username() if event.actor_id else None


class ScopedOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization the caller may see (others answer 400 naming the field, never revealing them)."""

    def get_queryset(self):
        request = self.context.get("request")
        return organizations_visible_to(request.user if request else None)


CASE_FIELDS = [
    "id",
    "number",
    "source",
    "organization",
    "organization_name",
    "fee_item",
    "description",
    "kind",
    "amount_charged",
    "enterprises_affected",
    "period_from",
    "period_to",
    "status",
    "violation",
    "deadline",
    "overdue",
    "dismissal_reason",
    "outcomes",
    "events",
    "accepted_at",
    "decided_at",
    "closed_at",
    "created_at",
    "updated_at",
]
COMPLAINANT_FIELDS = [
    "tracking_number",
    "complainant_name",
    "complainant_phone",
    "complainant_company",
    "anonymous",
]


class FeeCaseSerializer(DirectReadMixin, serializers.ModelSerializer):
    """The case as the association sees it: no trace of who complained."""

    organization = ScopedOrganizationField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    amount_charged = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    source = serializers.ChoiceField(
        choices=FeeCase.Source.choices,
        required=False,
        help_text=_("Default: hotline for a system token, inspection for a supervisor."),
    )

    class Meta:
        model = FeeCase
        fields = CASE_FIELDS
        read_only_fields = [
            "id",
            "number",
            "status",
            "violation",
            "deadline",
            "dismissal_reason",
            "accepted_at",
            "decided_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, case) -> bool:
        from django.utils import timezone

        return (
            case.status == FeeCase.Status.RECTIFYING
            and bool(case.deadline)
            and case.deadline < timezone.localdate()
        )


class StaffFeeCaseSerializer(FeeCaseSerializer):
    """The bureau's view, with the complainant."""

    class Meta(FeeCaseSerializer.Meta):
        fields = CASE_FIELDS + COMPLAINANT_FIELDS
        read_only_fields = FeeCaseSerializer.Meta.read_only_fields + ["tracking_number"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField()


class DecideSerializer(serializers.Serializer):
    violation = serializers.BooleanField()
    outcomes = OutcomeSerializer(many=True, required=False, default=list)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseReturnSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class EvidenceSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF or image, at most 20 MB."))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseNoteSerializer(serializers.Serializer):
    note = serializers.CharField()
    file = serializers.FileField(required=False, allow_null=True, default=None)


class FeeCampaignSerializer(serializers.ModelSerializer):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Organization.Category.choices), required=False, default=list
    )

    class Meta:
        model = FeeCampaign
        fields = [
            "id",
            "name",
            "region",
            "categories",
            "starts_on",
            "ends_on",
            "status",
            "expected",
            "progress",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "expected", "progress", "updated_at"]


class CampaignProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    progress = serializers.IntegerField()
    expected = serializers.IntegerField()
    filed = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=4)


class FeeItemSerializer(serializers.ModelSerializer):
    yearly_income = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        model = FeeItem
        fields = ["id", "name", "basis", "standard", "payers", "yearly_income", "case"]
        read_only_fields = ["id", "case"]


class CampaignReturnSerializer(serializers.ModelSerializer):
    organization = ScopedOrganizationField(required=False)
    items = FeeItemSerializer(many=True)

    class Meta:
        model = CampaignReturn
        fields = ["id", "campaign", "organization", "statement", "items", "filed_at", "updated_at"]
        read_only_fields = ["id", "campaign", "filed_at", "updated_at"]


class PublicComplaintSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.exclude(status__in=["deregistered", "revoked"]),
        help_text=_("The organization's id in the public register."),
    )
    fee_item = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=FeeCase.Kind.choices, default=FeeCase.Kind.OTHER)
    amount_charged = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    description = serializers.CharField()
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(default=False)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class TrackingNumberSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()


class ComplaintStatusSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = FeeCase
        fields = ["tracking_number", "status", "status_label", "created_at", "updated_at"]


class FeeNoticeSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="case.organization_id")
    organization_name = serializers.CharField(source="case.organization.name")
    case_number = serializers.CharField(source="case.number")

    class Meta:
        model = FeeNotice
        fields = ["id", "title", "body", "published_at", "organization", "organization_name", "case_number"]
