"""The caller's token, user and scope come in one statement, as select_related would bring them."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone

from orgs.callers import live_token, user_with_scope
from orgs.models import ApiToken, UserScope
from orgs.models.accounts import hash_token
from orgs.services import token_issue


def values(instance: Model) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_token_comes_with_its_user_and_scope_as_the_orm_brings_them(db, django_assert_num_queries):
    token, key = token_issue(name="gov-hub", scopes=["orgs:read", "stats:read"], region="3205")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    orm = ApiToken.objects.select_related("user", "user__scope").get(pk=token.pk)
    with django_assert_num_queries(1):
        found = live_token(hash_token(key))
        assert values(found) == values(orm)
        assert values(found.user) == values(orm.user)
        assert values(found.user.scope) == values(orm.user.scope)
        assert found.user.scope.scopes == ["orgs:read", "stats:read"] and found.user.scope.region_id == "3205"
        assert found.user.scope.user is found.user and found.last_used_at.tzinfo is not None


def test_a_revoked_or_unknown_key_finds_no_token(db):
    token, key = token_issue(name="gov-hub", scopes=["orgs:read"], region="3205")
    assert live_token(hash_token("not-a-key")) is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert live_token(hash_token(key)) is None


def test_a_user_comes_with_their_scope_or_none(registrar_gusu, django_user_model, django_assert_num_queries):
    orm = get_user_model().objects.select_related("scope").get(pk=registrar_gusu.pk)
    with django_assert_num_queries(1):
        found = user_with_scope(registrar_gusu.pk)
        assert values(found) == values(orm) and values(found.scope) == values(orm.scope)
        assert found.scope.roles == ["registrar"] and found.scope.region_id == "320508"
    nobody = django_user_model.objects.create_user("nobody", password="pw-123456789")
    with django_assert_num_queries(1):
        found = user_with_scope(nobody.pk)
        with pytest.raises(UserScope.DoesNotExist):  # a cached absence: no second query
            found.scope  # noqa: B018
    assert user_with_scope(nobody.pk + 1000) is None
