"""Statistics API (scope stats:read). A region outside the caller's scope is a 404; so is another user's export."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from orgs.api.pagination import CursorPagination
from orgs.api.permissions import HasScope

from .. import exports, registry, selectors
from .serializers import (
    DrilldownQuerySerializer,
    DrilldownRowSerializer,
    ExportCreateSerializer,
    ExportSerializer,
    StatQuerySerializer,
)


class MetricListView(APIView):
    permission_classes = [HasScope]
    required_scopes = {"*": "stats:read"}

    def get(self, request):
        return Response(
            [
                {
                    "code": m.code,
                    "label": str(m.label),
                    "unit": m.unit,
                    "aggregate": m.aggregate,
                    "group": m.group,
                    "description": str(m.description or ""),
                }
                for m in registry.all()
            ]
        )


class StatListView(APIView):
    """Figures of one metric: the total (no group_by), or by region one level down, org_type, category or year."""

    permission_classes = [HasScope]
    required_scopes = {"*": "stats:read"}

    @extend_schema(parameters=[StatQuerySerializer])
    def get(self, request):
        query = StatQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.stat_rows(user=request.user, **query.validated_data)
        build = selectors.latest_build(query.validated_data.get("year"))
        return Response(
            {"built_at": build.finished_at if build else None, "results": rows}
        )


class DrilldownView(generics.ListAPIView):
    """The organizations or reports behind a figure and each one's contribution (cursor-paged by id);
    `total` is the sum of every contribution (the figure)."""

    permission_classes = [HasScope]
    required_scopes = {"*": "stats:read"}
    serializer_class = DrilldownRowSerializer
    pagination_class = CursorPagination
    ordering = "pk"

    def get_queryset(self):
        query = DrilldownQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.drilldown(user=self.request.user, **query.validated_data)

    @extend_schema(parameters=[DrilldownQuerySerializer])
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        data = self.get_serializer([selectors.drilldown_row(obj) for obj in page], many=True).data
        response = self.get_paginated_response(data)
        if not request.query_params.get("cursor"):
            response.data["total"] = selectors.format_value(selectors.drilldown_total(queryset))
        return response


class ExportViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """POST starts an export (written at once when small, else a background job); GET polls it."""

    permission_classes = [HasScope]
    required_scopes = {"create": "stats:read", "retrieve": "stats:read"}
    serializer_class = ExportSerializer

    def get_queryset(self):
        return exports.exports_visible_to(self.request.user)

    @extend_schema(request=ExportCreateSerializer, responses=ExportSerializer)
    def create(self, request, *args, **kwargs):
        payload = ExportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        export = exports.export_create(user=request.user, **payload.validated_data)
        return Response(self.get_serializer(export).data, status=201 if export.status == "done" else 202)



