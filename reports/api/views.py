"""Statistics API (scope stats:read). A region outside the caller's scope is a 404; so is another user's export."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from orgs.api.pagination import CursorPagination
from orgs.api.permissions import HasScope
from orgs.exceptions import InvalidState
from orgs.models import Organization

from .. import exports, registry, selectors
from ..models import Export
from .serializers import (
    DrilldownQuerySerializer,
    DrilldownRowSerializer,
    ExportCreateSerializer,
    ExportSerializer,
    MetricSerializer,
    StatListSerializer,
    StatQuerySerializer,
)


class MetricListView(generics.GenericAPIView):
    """Every metric the statistics build computes, with its label (in the request's language) and unit."""

    permission_classes = [HasScope]
    required_scopes = {"*": "stats:read"}
    serializer_class = MetricSerializer
    pagination_class = None

    def get(self, request):
        return Response(self.get_serializer(registry.all(), many=True).data)


class StatListView(generics.GenericAPIView):
    """Figures of one metric: the single total (no group_by), or by region one level down, by org_type, by
    category, or over the built years (group_by=year). Values are decimal strings."""

    permission_classes = [HasScope]
    required_scopes = {"*": "stats:read"}
    serializer_class = StatListSerializer
    pagination_class = None

    @extend_schema(parameters=[StatQuerySerializer], responses=StatListSerializer)
    def get(self, request):
        query = StatQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.stat_rows(user=request.user, **query.validated_data)
        build = selectors.latest_build(query.validated_data.get("year"))
        payload = {"built_at": build.finished_at if build else None, "results": rows}
        return Response(self.get_serializer(payload).data)


class DrilldownPagination(CursorPagination):
    """The cursor page, plus `total`: the sum of every row's contribution (the figure), on every page."""

    def paginate_queryset(self, queryset, request, view=None):
        self.total = selectors.format_value(selectors.drilldown_total(queryset))
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["total"] = self.total
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["total"] = {
            "type": "string",
            "example": "1234",
            "description": "Sum of every row's contribution: the figure (for a ratio, its numerator).",
        }
        return schema


class DrilldownView(generics.ListAPIView):
    """The organizations or reports behind a figure and each one's contribution (cursor-paged by id);
    `total` is the sum of every contribution, equal to the built figure."""

    permission_classes = [HasScope]
    required_scopes = {"*": "stats:read"}
    serializer_class = DrilldownRowSerializer
    pagination_class = DrilldownPagination
    ordering = "pk"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: rows are organizations or reports
            return Organization.objects.none()
        query = DrilldownQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.drilldown(user=self.request.user, **query.validated_data)

    @extend_schema(parameters=[DrilldownQuerySerializer])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer([selectors.drilldown_row(obj) for obj in page], many=True).data
        return self.get_paginated_response(data)


class ExportViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """POST starts an export: written at once when small (201, status done), else a background job (202, status
    pending); GET polls it; `download_url` (…/download/) gives the file once done. Only its creator sees it."""

    permission_classes = [HasScope]
    required_scopes = {"create": "stats:read", "retrieve": "stats:read", "download": "stats:read"}
    serializer_class = ExportSerializer
    queryset = Export.objects.none()  # for the schema; get_queryset() scopes it

    def get_queryset(self):
        return exports.exports_visible_to(self.request.user)

    @extend_schema(
        request=ExportCreateSerializer,
        responses={201: ExportSerializer, 202: ExportSerializer},
    )
    def create(self, request, *args, **kwargs):
        payload = ExportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        export = exports.export_create(user=request.user, **payload.validated_data)
        return Response(self.get_serializer(export).data, status=201 if export.status == "done" else 202)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV (UTF-8 with BOM)"),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="XLSX"
            ),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        if export.status != Export.Status.DONE or not export.file:
            raise InvalidState(_("The export is not finished yet."))
        return exports.export_file_response(export)
