from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors, services
from ..filters import OrganizationFilterSet, SupervisingUnitFilterSet
from .serializers import (
    HistoryEntrySerializer,
    OrganizationSerializer,
    RegionSerializer,
    StatusChangeSerializer,
    SupervisingUnitSerializer,
)

READ_WRITE = {
    "list": "orgs:read",
    "retrieve": "orgs:read",
    "create": "orgs:write",
    "partial_update": "orgs:write",
}


@extend_schema(
    parameters=[
        OpenApiParameter("parent", str, description="Parent region code: the regions one level down."),
        OpenApiParameter("q", str, description="Part of the name."),
    ]
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 2260 regions. Reference data: any authenticated caller may read them."""

    serializer_class = RegionSerializer
    permission_classes = [IsAuthenticated]  # applicants need them too (registration forms); anonymous: 401
    lookup_field = "code"
    lookup_value_regex = r"\d{2,9}"
    filter_backends = []
    ordering = ("code",)

    def get_queryset(self):
        return selectors.region_list(
            parent=self.request.query_params.get("parent"), q=self.request.query_params.get("q")
        )


class SupervisingUnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SupervisingUnitSerializer
    required_scopes = READ_WRITE
    filterset_class = SupervisingUnitFilterSet
    ordering_fields = ["name", "updated_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.supervising_units_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.supervising_unit_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.supervising_unit_update(
            actor=self.request.user, unit=serializer.instance, **serializer.validated_data
        )


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The registry. Scope first (selectors); filters only narrow it. Writes go through the services."""

    serializer_class = OrganizationSerializer
    required_scopes = {**READ_WRITE, "history": "orgs:read", "change_status": "orgs:write"}
    filterset_class = OrganizationFilterSet
    # Only columns that are never NULL: a cursor cannot resume after a NULL (filed organizations have no
    # credit code; registration dates may be missing), so `credit_code`/`registered_on` pages lost rows.
    ordering_fields = ["name", "updated_at", "id", "registered_capital"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # The API shows region and supervising unit by their keys: no joins.
        return selectors.organizations_visible_to(self.request.user).select_related(None)

    def perform_create(self, serializer):
        serializer.instance = services.organization_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organization_update(
            actor=self.request.user, organization=serializer.instance, **serializer.validated_data
        )

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        entries = selectors.organization_history(user=request.user, organization=self.get_object())
        return Response(HistoryEntrySerializer(entries, many=True).data)

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"], url_path="change-status", filter_backends=[])
    def change_status(self, request, pk=None):
        payload = StatusChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        organization = services.organization_change_status(
            actor=request.user, organization=self.get_object(), **payload.validated_data
        )
        return Response(self.get_serializer(organization).data)
