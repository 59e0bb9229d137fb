"""The caller of a request, loaded with its scope by a statement written once per process and kept in the cache
between requests (CALLER_CACHE_SECONDS).

Every API call looks up its token (with the token's user and the user's scope) and every page its session and
the session's user (with the scope). Built by the ORM, each lookup spent as long compiling its query as
PostgreSQL spent running it, 0.3–0.4 ms each (bench/README.md). Here the statement is written once from the models' tables and
columns; a row becomes the instances `select_related` makes: `Model.from_db` on the values after each
field's database converters, the related instances cached on one another."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import ApiToken, UserScope


class _JoinedLookup:
    """One row of `base` and of each joined model, whole, found by `where`; the instances in that order
    (None for a left join that found nothing), or None where no row matches.

    `joins`: (model, alias, "INNER" or "LEFT OUTER", its field, the alias and the field that one equals);
    `where`: (alias, field, condition) conditions, AND-ed."""

    def __init__(self, base: tuple, joins: list[tuple], where: list[tuple]):
        self.models = [base, *((model, alias) for model, alias, *_ in joins)]
        self.joins, self.where = joins, where
        self._statements = {}  # connection alias → (sql, parts)

    def _sql(self, connection) -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"{alias}.{quote(field.column)}"
            for model, alias in self.models
            for field in model._meta.concrete_fields
        )
        base, base_alias = self.models[0]
        joins = " ".join(
            f"{how} JOIN {quote(model._meta.db_table)} {alias} "
            f"ON {alias}.{quote(own_field.column)} = {other}.{quote(other_field.column)}"
            for model, alias, how, own_field, other, other_field in self.joins
        )
        where = " AND ".join(
            f"{alias}.{quote(model_field.column)} {condition}" for alias, model_field, condition in self.where
        )
        return (
            f"SELECT {columns} FROM {quote(base._meta.db_table)} {base_alias} {joins} WHERE {where} LIMIT 1"
        )

    def _statement(self, connection) -> tuple[str, list]:
        """(sql, [(model, field names, pk position, [(position, converters, column)])]) for a connection."""
        if connection.alias not in self._statements:
            parts = []
            for model, alias in self.models:
                fields = model._meta.concrete_fields
                converters = []
                for position, field in enumerate(fields):
                    column = field.get_col(alias)
                    found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                    if found:
                        converters.append((position, found, column))
                names = [field.attname for field in fields]
                parts.append((model, names, names.index(model._meta.pk.attname), converters))
            self._statements[connection.alias] = (self._sql(connection), parts)
        return self._statements[connection.alias]

    def fetch(self, params: list) -> list | None:
        connection = connections[router.db_for_read(self.models[0][0])]
        sql, parts = self._statement(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        instances, start = [], 0
        for model, names, pk_position, converters in parts:
            values = list(row[start : start + len(names)])
            start += len(names)
            if values[pk_position] is None:
                instances.append(None)
                continue
            for position, found, column in converters:
                for converter in found:
                    values[position] = converter(values[position], column, connection)
            instances.append(model.from_db(connection.alias, names, values))
        return instances


User = get_user_model()
_SCOPE_USER = UserScope._meta.get_field("user")
_TOKEN_USER = ApiToken._meta.get_field("user")
_TOKEN = _JoinedLookup(
    (ApiToken, "t"),
    joins=[
        (User, "u", "INNER", User._meta.pk, "t", _TOKEN_USER),
        (UserScope, "s", "LEFT OUTER", _SCOPE_USER, "u", User._meta.pk),
    ],
    where=[
        ("t", ApiToken._meta.get_field("key_hash"), "= %s"),
        ("t", ApiToken._meta.get_field("revoked_at"), "IS NULL"),
    ],
)
_USER = _JoinedLookup(
    (User, "u"),
    joins=[(UserScope, "s", "LEFT OUTER", _SCOPE_USER, "u", User._meta.pk)],
    where=[("u", User._meta.pk, "= %s")],
)


_SESSION_EXPIRES = Session._meta.get_field("expire_date")
_SESSION = _JoinedLookup(
    (Session, "d"),
    joins=[],
    where=[("d", Session._meta.pk, "= %s"), ("d", _SESSION_EXPIRES, "> %s")],
)


def _attach_scope(user, scope) -> None:
    """user.scope as select_related("scope") leaves it: the scope, or a cached None (DoesNotExist on access)."""
    _SCOPE_USER.remote_field.set_cached_value(user, scope)
    if scope is not None:
        _SCOPE_USER.set_cached_value(scope, user)


def live_token(key_hash: str) -> ApiToken | None:
    """The token of that key hash, not revoked, with its user and the user's scope."""
    found = _TOKEN.fetch([key_hash])
    if found is None:
        return None
    token, user, scope = found
    _TOKEN_USER.set_cached_value(token, user)
    _attach_scope(user, scope)
    return token


def user_with_scope(user_id) -> object | None:
    """The user of that primary key with their scope, or None."""
    found = _USER.fetch([user_id])
    if found is None:
        return None
    user, scope = found
    _attach_scope(user, scope)
    return user


def live_session(session_key: str) -> Session | None:
    """The session of that key, unless it has expired."""
    connection = connections[router.db_for_read(Session)]
    now = _SESSION_EXPIRES.get_db_prep_value(timezone.now(), connection)
    found = _SESSION.fetch([session_key, now])
    return None if found is None else found[0]


def token_cache_key(key_hash: str) -> str:
    return f"caller-token:{key_hash}"


def user_cache_key(user_id) -> str:
    return f"caller-user:{user_id}"


def _cached(key: str, load):
    """What `load()` finds, kept in the cache (Redis when REDIS_URL is set) for CALLER_CACHE_SECONDS: a call
    then makes no round trip to the database for its caller. A save or delete of a token, a user or a scope
    removes the entries it touches at once (`forget_caller`); a change written around the models (a queryset
    `update()`) reaches the callers when the entry expires. Nothing found is never kept."""
    seconds = settings.CALLER_CACHE_SECONDS
    if not seconds:
        return load()
    found = cache.get(key)
    if found is None:
        found = load()
        if found is not None:
            found.cached_until = time.time() + seconds
            cache.set(key, found, seconds)
    return found


def cached_live_token(key_hash: str) -> ApiToken | None:
    """live_token through the cache (see _cached)."""
    return _cached(token_cache_key(key_hash), lambda: live_token(key_hash))


def cached_user_with_scope(user_id) -> object | None:
    """user_with_scope through the cache (see _cached): the logged-in user of a page or a session API call."""
    return _cached(user_cache_key(user_id), lambda: user_with_scope(user_id))


def keep_token(token: ApiToken) -> None:
    """Put a cached token whose last use has been written back in the cache, until the time its entry was
    to expire: an entry never outlives CALLER_CACHE_SECONDS from the read that made it."""
    left = getattr(token, "cached_until", 0) - time.time()
    if left > 0:
        cache.set(token_cache_key(token.key_hash), token, left)


def forget_caller(*, user_id=None, key_hashes=()) -> None:
    """Drop a cached user and their tokens (or these key hashes), now and again when the transaction commits:
    a request between the two would otherwise keep what the database held before the commit."""
    if not settings.CALLER_CACHE_SECONDS:
        return
    keys = [token_cache_key(key_hash) for key_hash in key_hashes]
    if user_id is not None:
        keys.append(user_cache_key(user_id))
        tokens = ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True)
        keys += [token_cache_key(key_hash) for key_hash in tokens]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _token_changed(sender, instance, **kwargs):
    forget_caller(key_hashes=[instance.key_hash])


def _caller_changed(sender, instance, **kwargs):
    forget_caller(user_id=instance.user_id if sender is UserScope else instance.pk)


def connect_caller_cache() -> None:
    """Called once, from OrgsConfig.ready()."""
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_token_changed, sender=ApiToken, dispatch_uid=f"caller-cache-token-{name}")
        signal.connect(_caller_changed, sender=User, dispatch_uid=f"caller-cache-user-{name}")
        signal.connect(_caller_changed, sender=UserScope, dispatch_uid=f"caller-cache-scope-{name}")
