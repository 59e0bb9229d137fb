import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from ...access import access_for
from ...models import AnnualReport, Organization, UserScope
from ...selectors import organizations_visible_to
from .. import selectors, services
from ..filters import AnnualReportFilterSet, CreditListEntryFilterSet, RatingFilterSet
from ..views import statement_response
from .serializers import (
    AnnualReportSerializer,
    AnnualReportUpdateSerializer,
    AttachmentSerializer,
    CreditListEntrySerializer,
    PublicOrganizationDetailSerializer,
    PublicOrganizationSerializer,
    RatingSerializer,
    RemovalSerializer,
    ReviewSerializer,
)


class PDFRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the file itself is streamed, errors stay JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


def _visible_organization(user, organization: Organization | None) -> Organization:
    """The organization named in a write, if the caller can see it (else an error on `organization`)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    access = access_for(user)
    if organization is None and access.kind == UserScope.Kind.ORG:
        return Organization.objects.get(pk=access.organization_id)
    if organization is None:
        raise ValidationError({"organization": [_("This field is required.")]})
    if not organizations_visible_to(user).filter(pk=organization.pk).exists():
        raise ValidationError({"organization": [_("No such organization in your scope.")]})
    return organization


@extend_schema_view(
    partial_update=extend_schema(
        request=AnnualReportUpdateSerializer,
        description="Change figures of a draft or returned report (409 otherwise).",
    ),
    create=extend_schema(
        description="Open a report (draft). A system token with reports:write files for "
        "organizations of its region."
    ),
)
class AnnualReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Annual work reports: draft → submitted → unit_reviewed → accepted (with result); returned from a review."""

    serializer_class = AnnualReportSerializer
    required_scopes = {
        "list": "reports:read",
        "retrieve": "reports:read",
        "create": "reports:write",
        "partial_update": "reports:write",
        "submit": "reports:write",
        "attachment": "reports:write",
        "statement": "reports:read",
        "review": "reports:review",
    }
    filterset_class = AnnualReportFilterSet
    ordering_fields = ["year", "updated_at", "id", "submitted_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "partial_update":
            return AnnualReportUpdateSerializer
        return AnnualReportSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = _visible_organization(self.request.user, data.pop("organization", None))
        serializer.instance = services.annual_report_create(
            actor=self.request.user, organization=organization, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.annual_report_update(
            actor=self.request.user, report=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses=AnnualReportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        report = services.annual_report_submit(actor=request.user, report=self.get_object())
        return Response(AnnualReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReviewSerializer, responses=AnnualReportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.annual_report_review(
            actor=request.user, report=self.get_object(), **payload.validated_data
        )
        return Response(AnnualReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request={"multipart/form-data": AttachmentSerializer}, responses=AnnualReportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[parsers.MultiPartParser])
    def attachment(self, request, pk=None):
        payload = AttachmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.annual_report_attach(
            actor=request.user, report=self.get_object(), upload=payload.validated_data["file"]
        )
        return Response(AnnualReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The audited financial statement (PDF); 404 when none is attached or outside your scope.",
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=[JSONRenderer, PDFRenderer])
    def statement(self, request, pk=None):
        try:
            report = selectors.report_statement(user=request.user, pk=pk)
        except (AnnualReport.DoesNotExist, ValueError):
            raise NotFound() from None
        return statement_response(report)


class RatingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Ratings 1A–5A, valid five years from the award (`expired` after `valid_until`)."""

    serializer_class = RatingSerializer
    required_scopes = {"list": "reports:read", "retrieve": "reports:read", "create": "reports:review"}
    filterset_class = RatingFilterSet
    ordering_fields = ["awarded_on", "updated_at", "id"]

    def get_queryset(self):
        return selectors.ratings_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = _visible_organization(self.request.user, data.pop("organization"))
        serializer.instance = services.rating_award(
            actor=self.request.user, organization=organization, **data
        )


class CreditListEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Abnormal-activity list and serious violation and dishonesty list entries."""

    serializer_class = CreditListEntrySerializer
    required_scopes = {
        "list": "reports:read",
        "retrieve": "reports:read",
        "create": "reports:review",
        "remove": "reports:review",
    }
    filterset_class = CreditListEntryFilterSet
    ordering_fields = ["listed_on", "updated_at", "id"]

    def get_queryset(self):
        return selectors.credit_entries_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = _visible_organization(self.request.user, data.pop("organization"))
        serializer.instance = services.credit_list_add(
            actor=self.request.user, organization=organization, **data
        )

    @extend_schema(request=RemovalSerializer, responses=CreditListEntrySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def remove(self, request, pk=None):
        payload = RemovalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.credit_list_remove(
            actor=request.user, entry=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_200_OK)


THROTTLED = OpenApiResponse(description="Too many requests from this address (rate setting THROTTLE_PUBLIC).")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="Name (simplified or traditional), pinyin initials or credit code."
            ),
            OpenApiParameter("region", str, description="Region code prefix."),
        ],
        responses={200: PublicOrganizationSerializer(many=True), 429: THROTTLED},
    ),
    retrieve=extend_schema(
        responses={
            200: PublicOrganizationDetailSerializer,
            404: OpenApiResponse(description="No such organization."),
            429: THROTTLED,
        }
    ),
)
class PublicOrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The public register: no login, public facts only, throttled (scope `public`)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    filter_backends = []
    ordering = ("name", "id")

    def get_serializer_class(self):
        return (
            PublicOrganizationDetailSerializer if self.action == "retrieve" else PublicOrganizationSerializer
        )

    def get_queryset(self):
        return selectors.public_organizations(
            q=self.request.query_params.get("q", ""), region=self.request.query_params.get("region", "")
        )

    def get_object(self):
        try:
            return selectors.public_organization(int(self.kwargs["pk"]))
        except (Organization.DoesNotExist, ValueError):
            raise NotFound() from None
