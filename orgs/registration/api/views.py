from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ... import selectors as org_selectors
from ...api.pagination import CursorPagination
from ...models import Organization
from .. import certificate, rules, selectors, services
from ..filters import ApplicationFilterSet
from ..texts import announcement_title
from .serializers import (
    AnnouncementSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    ChecklistItemSerializer,
    CommentSerializer,
    ConsentSerializer,
    CorrectionSerializer,
    MaterialSerializer,
    MaterialUploadSerializer,
    RefuseSerializer,
)


class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Registration applications (登记申请). Scope first (selectors): outside it, 404. Each step is an action."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
    ordering_fields = ["updated_at", "due_on", "submitted_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_scopes = {
        "list": "registration:read",
        "retrieve": "registration:read",
        "create": "registration:write",
        "partial_update": "registration:write",
        "submit": "registration:write",
        "withdraw": "registration:write",
        "materials": "registration:write",
        "consent": "registration:review",
        "accept": "registration:review",
        "request_correction": "registration:review",
        "approve": "registration:review",
        "refuse": "registration:review",
    }

    def get_queryset(self):
        # The API shows related rows by their keys: no joins.
        return selectors.applications_visible_to(self.request.user).select_related(None)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.application_create(
            actor=self.request.user,
            kind=data["kind"],
            proposed=data.get("proposed") or {},
            organization=data.get("organization"),
            preparation=data.get("preparation"),
        )

    @extend_schema(request=ApplicationUpdateSerializer, responses=ApplicationSerializer)
    def partial_update(self, request, pk=None):
        application = self.get_object()
        payload = ApplicationUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        extra = (
            {"preparation": payload.validated_data["preparation"]}
            if "preparation" in payload.validated_data
            else {}
        )
        application = services.application_update(
            actor=request.user,
            application=application,
            proposed=payload.validated_data.get("proposed"),
            **extra,
        )
        return Response(self.get_serializer(application).data)

    def _step(self, request, service, payload_class=None, **fixed):
        application = self.get_object()  # outside the scope: 404 before any payload error (400)
        fields = {}
        if payload_class is not None:
            payload = payload_class(data=request.data)
            payload.is_valid(raise_exception=True)
            fields = payload.validated_data
        application = service(actor=request.user, application=application, **fields, **fixed)
        return Response(self.get_serializer(application).data)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._step(request, services.application_submit)

    @extend_schema(request=CommentSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._step(request, services.application_withdraw, CommentSerializer)

    @extend_schema(request=ConsentSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def consent(self, request, pk=None):
        return self._step(request, services.application_consent, ConsentSerializer)

    @extend_schema(request=CommentSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        return self._step(request, services.application_accept, CommentSerializer)

    @extend_schema(request=CorrectionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-correction", filter_backends=[])
    def request_correction(self, request, pk=None):
        return self._step(request, services.application_request_correction, CorrectionSerializer)

    @extend_schema(request=CommentSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._step(request, services.application_approve, CommentSerializer)

    @extend_schema(request=RefuseSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def refuse(self, request, pk=None):
        return self._step(request, services.application_refuse, RefuseSerializer)

    @extend_schema(request={"multipart/form-data": MaterialUploadSerializer}, responses=MaterialSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        application = self.get_object()
        material = services.material_upload(
            actor=request.user,
            application=application,
            item=request.data.get("item", ""),
            file=request.FILES.get("file"),
        )
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


class ChecklistView(APIView):
    """The material checklist for exactly this kind and organization type (清单化). Public reference data."""

    public_actions = ("get",)
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, required=True, enum=rules.Kind.values),
            OpenApiParameter("org_type", str, required=False),
        ],
        responses=ChecklistItemSerializer(many=True),
    )
    def get(self, request):
        kind = request.query_params.get("kind", "")
        if kind not in rules.Kind.values:
            return Response({"kind": ["Choose one of: " + ", ".join(rules.Kind.values)]}, status=400)
        items = rules.checklist_for(kind, request.query_params.get("org_type", ""))
        return Response(ChecklistItemSerializer(items, many=True).data)


class AnnouncementPagination(CursorPagination):
    ordering = ("-decided_at", "-id")


class AnnouncementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """成立 / 变更 / 注销公告: approved applications. No login; throttled (scope `public`)."""

    serializer_class = AnnouncementSerializer
    public_actions = ("list",)
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    filter_backends = []
    pagination_class = AnnouncementPagination
    authentication_classes = []

    def get_queryset(self):
        return selectors.announcements()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        for application in page:
            application.title = announcement_title(application)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CertificateView(APIView):
    """The registration certificate (登记证书) as a PDF: the organization's own user, staff of its region."""

    required_scopes = {"get": "orgs:read"}

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        try:
            organization = org_selectors.organization_get(user=request.user, pk=pk)
        except Organization.DoesNotExist:
            raise Http404 from None
        return certificate_response(organization)


def certificate_response(organization) -> HttpResponse:
    response = HttpResponse(certificate.render(organization), content_type="application/pdf")
    code = organization.credit_code or organization.filing_number or organization.pk
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    return response
