from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """`{"next", "previous", "results"}`; `page_size` up to 200. Ordering: the view's `ordering` or `?ordering=`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-updated_at", "-id")

    def get_ordering(self, request, queryset, view):
        # DRF reads the view's `ordering` only through an ordering filter; a view without one
        # (regions: no `updated_at`) must still be ordered by its own `ordering`.
        has_ordering_filter = any(hasattr(b, "get_ordering") for b in getattr(view, "filter_backends", []))
        view_ordering = getattr(view, "ordering", None)
        if view_ordering and not has_ordering_filter:
            ordering = (view_ordering,) if isinstance(view_ordering, str) else tuple(view_ordering)
        else:
            ordering = tuple(super().get_ordering(request, queryset, view))
        # The cursor resumes after the last row's first ordering value and skips the ties it has already
        # sent, so ties must come back in the same order on every page: end with the primary key.
        pk = queryset.model._meta.pk.name
        if not {f"{pk}", f"-{pk}", "pk", "-pk"} & set(ordering):
            ordering += (f"-{pk}" if ordering[0].startswith("-") else pk,)
        return ordering
