from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ...access import access_for
from ...api.reading import DirectReadMixin
from ...codes import mask_id_number
from ...models import ApplicationMaterial, ChecklistItem, Organization, RegistrationApplication, UserScope
from .. import selectors

App = RegistrationApplication


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationMaterial
        fields = ["id", "item", "content_type", "size", "uploaded_at"]


class ApplicationSerializer(DirectReadMixin, serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=App.Kind.choices)
    region = serializers.CharField(source="region_id", read_only=True)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The organization (change, deregister); null until an establishment is approved."),
    )
    preparation = serializers.PrimaryKeyRelatedField(
        queryset=App.objects.filter(kind=App.Kind.PREPARATION), required=False, allow_null=True
    )
    proposed = serializers.JSONField(
        required=False,
        help_text=_(
            "The organization's particulars with the registry API's names, plus legal_representative_id_number, "
            "members_individual, members_unit, public_fundraising; a change: only the changing fields; "
            "a deregistration: reason."
        ),
    )
    days_left = serializers.SerializerMethodField(
        help_text=_("Calendar days to due_on; negative when overdue.")
    )
    correction_items = serializers.JSONField(read_only=True)
    correction_comment = serializers.CharField(read_only=True)

    class Meta:
        model = App
        fields = [
            "id",
            "kind",
            "org_type",
            "category",
            "region",
            "organization",
            "preparation",
            "proposed",
            "status",
            "submitted_at",
            "accepted_at",
            "due_on",
            "promised_on",
            "days_left",
            "decided_at",
            "decision_reason",
            "correction_items",
            "correction_comment",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "org_type",
            "category",
            "status",
            "submitted_at",
            "accepted_at",
            "due_on",
            "promised_on",
            "decided_at",
            "decision_reason",
            "updated_at",
        ]

    def get_days_left(self, application) -> int | None:
        if "_today" not in self.__dict__:
            self._today = timezone.localdate()  # once per serializer: a list's rows share it
        return selectors.days_left(application, today=self._today)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = request.user if request else None
        access = access_for(user)
        sees_id = instance.applicant_id == getattr(user, "pk", None) or (
            access.has_role(UserScope.Role.REGISTRAR) and access.covers_region(instance.region_id)
        )
        proposed = dict(data.get("proposed") or {})
        if not sees_id and proposed.get("legal_representative_id_number"):
            proposed["legal_representative_id_number"] = mask_id_number(
                proposed["legal_representative_id_number"]
            )
        data["proposed"] = proposed
        return data


class ApplicationUpdateSerializer(serializers.Serializer):
    proposed = serializers.JSONField(required=False)
    preparation = serializers.PrimaryKeyRelatedField(
        queryset=App.objects.filter(kind=App.Kind.PREPARATION), required=False, allow_null=True
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ConsentSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["consent", "refuse"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectionSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.JSONField(), allow_empty=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField()


class MaterialUploadSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    file = serializers.FileField()


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["item", "name", "required"]


class AnnouncementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    name = serializers.CharField(source="organization.name")
    credit_code = serializers.CharField(source="organization.credit_code", allow_null=True)
    filing_number = serializers.CharField(source="organization.filing_number", allow_null=True)
    region = serializers.CharField(source="region_id")
    legal_representative = serializers.CharField(source="organization.legal_representative")
    decided_at = serializers.DateTimeField()
