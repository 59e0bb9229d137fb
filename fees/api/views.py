from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from orgs.access import access_for
from orgs.api.reading import prefetch_rows
from orgs.models import Organization, UserScope

from .. import selectors, services
from ..filters import FeeCaseFilterSet
from .serializers import (
    CampaignProgressSerializer,
    CampaignReturnSerializer,
    CaseNoteSerializer,
    CaseReturnSerializer,
    ComplaintStatusSerializer,
    DecideSerializer,
    DismissSerializer,
    EvidenceSerializer,
    FeeCampaignSerializer,
    FeeCaseSerializer,
    FeeNoticeSerializer,
    NoteSerializer,
    PublicComplaintSerializer,
    StaffFeeCaseSerializer,
    TrackingNumberSerializer,
)

WRITE = "fees:write"
# The organization's columns a case list does not show (it shows the name: `organization_name`).
ORGANIZATION_UNREAD = [
    f"organization__{field.name}"
    for field in Organization._meta.concrete_fields
    if field.name not in ("id", "name")
]


class FeeCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Fee-remediation cases. Associations see their own cases without the complainant."""

    required_scopes = {
        "list": "fees:read",
        "retrieve": "fees:read",
        "create": WRITE,
        "partial_update": WRITE,
        "accept": WRITE,
        "dismiss": WRITE,
        "start_investigation": WRITE,
        "decide": WRITE,
        "submit_evidence": WRITE,
        "verify": WRITE,
        "return_case": WRITE,
        "close": WRITE,
        "notes": WRITE,
    }
    filterset_class = FeeCaseFilterSet
    ordering_fields = ["created_at", "updated_at", "deadline", "amount_charged", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        # Only the organization's name is shown (organization_name): no other join.
        cases = (
            selectors.cases_visible_to(self.request.user).select_related(None).select_related("organization")
        )
        if self.action == "list":
            cases = cases.defer(*ORGANIZATION_UNREAD)  # a list shows the name only; the actions may read more
        return cases.prefetch_related(
            prefetch_rows("outcomes"), prefetch_rows("events", selectors.events_with_actor_names())
        )

    def get_serializer_class(self):
        if selectors.may_see_complainant(getattr(self.request, "user", None)):
            return StaffFeeCaseSerializer
        return FeeCaseSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        source = data.pop("source", None) or (
            "hotline" if access_for(self.request.user).kind == UserScope.Kind.SYSTEM else "inspection"
        )
        data = {k: v for k, v in data.items() if k in services.CASE_FIELDS or k in ("organization",)}
        serializer.instance = self._reread(
            services.case_create(actor=self.request.user, source=source, **data)
        )

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.CASE_FIELDS}
        case = services.case_update(actor=self.request.user, case=serializer.instance, **data)
        serializer.instance = self._reread(case)

    def _reread(self, case):
        """The case as a read shows it (its outcomes and events loaded as get_queryset loads them)."""
        return self.get_queryset().get(pk=case.pk)

    def _respond(self, case):
        return Response(self.get_serializer(self._reread(case)).data)

    def _payload(self, serializer_class):
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        return self._respond(
            services.case_accept(actor=request.user, case=self.get_object(), **self._payload(NoteSerializer))
        )

    @extend_schema(request=DismissSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def dismiss(self, request, pk=None):
        return self._respond(
            services.case_dismiss(
                actor=request.user, case=self.get_object(), **self._payload(DismissSerializer)
            )
        )

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], url_path="start-investigation", filter_backends=[])
    def start_investigation(self, request, pk=None):
        data = self._payload(NoteSerializer)
        return self._respond(
            services.case_start_investigation(actor=request.user, case=self.get_object(), **data)
        )

    @extend_schema(request=DecideSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        data = self._payload(DecideSerializer)
        data["outcomes"] = [dict(row) for row in data["outcomes"]]
        return self._respond(services.case_decide(actor=request.user, case=self.get_object(), **data))

    @extend_schema(request={"multipart/form-data": EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="submit-evidence", filter_backends=[])
    def submit_evidence(self, request, pk=None):
        case = self.get_object()
        services.case_submit_evidence(actor=request.user, case=case, **self._payload(EvidenceSerializer))
        return self._respond(case)

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        return self._respond(
            services.case_verify(actor=request.user, case=self.get_object(), **self._payload(NoteSerializer))
        )

    @extend_schema(request=CaseReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[])
    def return_case(self, request, pk=None):
        data = self._payload(CaseReturnSerializer)
        return self._respond(services.case_return(actor=request.user, case=self.get_object(), **data))

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        return self._respond(
            services.case_close(actor=request.user, case=self.get_object(), **self._payload(NoteSerializer))
        )

    @extend_schema(request={"multipart/form-data": CaseNoteSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def notes(self, request, pk=None):
        """An investigation note from the supervisor, or the association's answer."""
        case = self.get_object()
        services.case_add_note(actor=request.user, case=case, **self._payload(CaseNoteSerializer))
        return self._respond(case)


class FeeCampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = FeeCampaignSerializer
    required_scopes = {
        "list": "fees:read",
        "retrieve": "fees:read",
        "create": WRITE,
        "progress": "fees:read",
        "returns": "fees:read",
    }
    ordering_fields = ["starts_on", "updated_at", "id"]
    filter_backends = []

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.campaign_open(actor=self.request.user, **serializer.validated_data)

    @extend_schema(responses=CampaignProgressSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def progress(self, request, pk=None):
        return Response(selectors.campaign_progress(self.get_object()))

    @extend_schema(request=CampaignReturnSerializer, responses=CampaignReturnSerializer(many=True))
    @action(
        detail=True, methods=["get", "post"], pagination_class=None, serializer_class=CampaignReturnSerializer
    )
    def returns(self, request, pk=None):
        campaign = self.get_object()
        access = access_for(request.user)
        if request.method == "GET":
            returns = selectors.campaign_returns(campaign=campaign)
            if access.kind == UserScope.Kind.ORG:
                returns = returns.filter(organization_id=access.organization_id)
            return Response(CampaignReturnSerializer(returns, many=True, context={"request": request}).data)
        if not access.can(WRITE):
            self.permission_denied(request)
        payload = CampaignReturnSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organization = data.get("organization")
        if organization is None and access.kind == UserScope.Kind.ORG:
            organization = Organization.objects.get(pk=access.organization_id)
        if organization is None:
            raise ValidationError({"organization": [_("Name the organization that files.")]})
        result = services.campaign_return_file(
            actor=request.user,
            campaign=campaign,
            organization=organization,
            statement=data["statement"],
            items=[dict(item) for item in data["items"]],
        )
        return Response(
            CampaignReturnSerializer(result, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class PublicComplaintViewSet(viewsets.GenericViewSet):
    """An enterprise's complaint, without login; throttled per client address."""

    public_actions = ("create", "retrieve")
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_complaints"
    lookup_field = "tracking_number"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = PublicComplaintSerializer
    pagination_class = None
    filter_backends = []

    def get_throttles(self):
        self.throttle_scope = "public_complaints" if self.action == "create" else "public"
        return super().get_throttles()

    @extend_schema(request=PublicComplaintSerializer, responses={201: TrackingNumberSerializer})
    def create(self, request):
        payload = PublicComplaintSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services.complaint_file_public(**payload.validated_data)
        return Response({"tracking_number": case.tracking_number}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "tracking_number",
                str,
                OpenApiParameter.PATH,
                description="The tracking number of the complaint.",
            ),
            OpenApiParameter(
                "phone", str, required=True, description="The phone number given with the complaint."
            ),
        ],
        responses=ComplaintStatusSerializer,
    )
    def retrieve(self, request, tracking_number=None):
        case = selectors.complaint_status(
            tracking_number=tracking_number, phone=request.query_params.get("phone", "")
        )
        if case is None:
            raise Http404
        return Response(ComplaintStatusSerializer(case).data)


class PublicNoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published notices (通报) of closed cases."""

    public_actions = ("list",)
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    serializer_class = FeeNoticeSerializer
    filter_backends = []
    ordering = ("-published_at", "-id")

    def get_queryset(self):
        return selectors.public_notices()
