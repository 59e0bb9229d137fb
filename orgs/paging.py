"""A page of a broad match read keys first (a "deferred join").

A name search may match thousands of organizations that must be sorted before a page of 50 is cut. Sorting
the whole rows (417 bytes each in the registry) costs more than sorting their keys and the ordering columns;
`keys_first` makes a sliced query read the page's keys in a subquery and then only those rows, in one
statement: `WHERE id IN (SELECT id … ORDER BY … LIMIT 51) ORDER BY …`. Same rows, same order.
"""

from django.db.models import QuerySet
from django.db.models.query import ModelIterable


class KeysFirstIterable(ModelIterable):
    """Model rows of a sliced query: its keys first (the query itself, narrowed to the key), then the rows by
    key, ordered again. A query that is not sliced, whose rows carry more than the model's columns (annotations,
    extra selects), that is DISTINCT ON some fields or that combines queries, is read as usual."""

    def __iter__(self):
        queryset = self.queryset
        query = queryset.query
        plain = query.annotations or query.extra or query.combinator or query.distinct_fields
        if not query.is_sliced or plain or query.select_for_update:
            yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)
            return
        keys = queryset.values("pk")
        rows = queryset.model._base_manager.db_manager(queryset.db).filter(pk__in=keys)
        rows.query.select_related = query.select_related
        rows.query.deferred_loading = query.deferred_loading
        rows.query.order_by = query.order_by
        rows.query.default_ordering = query.default_ordering
        yield from ModelIterable(rows, self.chunked_fetch, self.chunk_size)


def keys_first(queryset: QuerySet) -> QuerySet:
    """The queryset, whose slices (a page) are read keys first; model rows only, anything else unchanged."""
    if queryset._iterable_class is not ModelIterable:
        return queryset
    queryset = queryset.all()
    queryset._iterable_class = KeysFirstIterable
    return queryset
