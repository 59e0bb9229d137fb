import copy

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings


class DirectReadMixin:
    """A ModelSerializer that reads each plain column straight off the instance.

    DRF asks every field of every row to find its value (a walk of the source, callable and mapping
    checks, a PKOnlyObject for a relation); a list of 50–200 rows spends most of its serializing there.
    Here a field whose source is one concrete column is read with one getattr and given to the field's own
    `to_representation`, and a foreign key shown as its primary key is read from its `*_id` column. The
    output is DRF's (tests/orgs/test_api_reading.py compares them); every other field (nested, method,
    dotted source) takes DRF's own path. Which field takes which path is worked out once per class, so a
    serializer whose fields are all plain columns never copies its fields for a read.
    """

    def get_fields(self):
        """ModelSerializer builds its fields from the model on every request; build them once per class and
        hand each serializer its own copies (the same deep copy DRF makes of declared fields)."""
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return copy.deepcopy(cls._built_fields)

    @classmethod
    def _read_plan(cls) -> list[tuple]:
        """(name, column attribute, converter, prefetched) per readable field, once per class: a column has
        an attribute, a nested list over a reverse relation the two places its prefetched rows may be
        (`prefetch_rows`' attribute, Django's prefetch cache key), a field that takes DRF's path neither.
        The converters are the `to_representation` of a prototype's fields: a plain column's conversion
        depends on the field's own options only, never on a request."""
        if "_built_plan" not in cls.__dict__:
            opts = cls.Meta.model._meta
            prototype = cls()
            cls._built_plan = [
                (field.field_name, *_direct_source(opts, field), _prefetched(opts, field))
                for field in prototype._readable_fields
            ]
        return cls._built_plan

    def _zoned_plan(self) -> list[tuple]:
        """The class's plan with its moments converted in the current time zone, once per serializer (a
        list's rows share one)."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            zone = timezone.get_current_timezone()
            plan = self._plan = [
                (
                    name,
                    attname,
                    _zoned_iso(convert.fallback, zone) if isinstance(convert, _Moment) else convert,
                    key,
                )
                for name, attname, convert, key in self._read_plan()
            ]
        return plan

    def _read_field(self, name):
        """This serializer's own bound copy of a field that takes DRF's path. `self.fields` deep-copies and
        binds every field of the class; a read copies only those it reads that way."""
        fields = self.__dict__.get("fields")  # DRF's cached_property, where something has already built it
        if fields is not None:
            return fields[name]
        copies = self.__dict__.setdefault("_read_fields", {})
        if name not in copies:
            field = copy.deepcopy(type(self)._built_fields[name])
            field.bind(field_name=name, parent=self)
            copies[name] = field
        return copies[name]

    def to_representation(self, instance):
        ret = {}
        prefetched = getattr(instance, "_prefetched_objects_cache", None)
        for name, attname, convert, prefetch in self._zoned_plan():
            if attname is not None:
                value = getattr(instance, attname)
                ret[name] = None if value is None else (value if convert is None else convert(value))
                continue
            # A nested, method or dotted field: this serializer's own bound copy of it.
            field = self._read_field(name)
            rows = None
            if prefetch is not None:
                attribute, cache_key = prefetch
                rows = instance.__dict__.get(attribute)
                if rows is None and prefetched:
                    rows = prefetched.get(cache_key)
            if rows is not None:
                child = field.child.to_representation
                ret[name] = [child(row) for row in rows]
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


class _Moment:
    """A plan's marker for a DateTimeField written as DRF writes it (ISO 8601, the current time zone)."""

    __slots__ = ("fallback",)

    def __init__(self, fallback):
        self.fallback = fallback


def _zoned_iso(fallback, zone):
    def convert(value):
        if value.utcoffset() is None:
            return fallback(value)  # a naive moment: DRF's own handling
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _is_iso_moment(field) -> bool:
    """A DRF DateTimeField of the default ISO 8601 output in the current time zone, not overridden."""
    return (
        settings.USE_TZ
        and type(field).to_representation is serializers.DateTimeField.to_representation
        and type(field).enforce_timezone is serializers.DateTimeField.enforce_timezone
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    )


def rows_attr(relation: str) -> str:
    return f"_{relation}_rows"


def prefetch_rows(relation: str, queryset=None) -> Prefetch:
    """Prefetch a reverse relation into a plain list that DirectReadMixin's nested lists read. Django's own
    prefetch gives each row a manager and a queryset per relation (3 ms for 50 fee cases and their two
    lists); the rows themselves are the same, in the same order."""
    return Prefetch(relation, queryset=queryset, to_attr=rows_attr(relation))


def _prefetched(opts, field) -> tuple[str, str] | None:
    """Where a nested list over a reverse relation (`outcomes` of a case) finds its prefetched rows:
    (`prefetch_rows`' attribute, Django's prefetch cache key); None for any other field."""
    if not isinstance(field, serializers.ListSerializer) or len(field.source_attrs) != 1:
        return None
    try:
        model_field = opts.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not (model_field.one_to_many and model_field.auto_created and not model_field.concrete):
        return None  # a reverse foreign key only: its manager reads `_prefetched_objects_cache[cache_name]`
    if model_field.get_accessor_name() != field.source_attrs[0]:
        return None
    return rows_attr(field.source_attrs[0]), model_field.cache_name


def _direct_source(opts, field) -> tuple[str | None, object]:
    """(column attribute, converter or None for the value itself), or (None, None) for DRF's path."""
    if isinstance(field, serializers.BaseSerializer | serializers.SerializerMethodField):
        return None, None
    if isinstance(field, relations.ManyRelatedField) or len(field.source_attrs) != 1:
        return None, None
    try:
        model_field = opts.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None, None
    if not model_field.concrete or model_field.many_to_many:
        return None, None
    if not model_field.is_relation or field.source_attrs[0] == model_field.attname != model_field.name:
        if _is_iso_moment(field):
            return model_field.attname, _Moment(field.to_representation)
        return model_field.attname, field.to_representation  # a column, or a foreign key's own `*_id` column
    shows_pk = type(field).to_representation is relations.PrimaryKeyRelatedField.to_representation
    if shows_pk and field.pk_field is None and model_field.target_field.primary_key:
        return model_field.attname, None
    return None, None
