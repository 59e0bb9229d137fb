"""A caller (a token with its client, a logged-in user) and its scope are kept in the cache between requests,
and dropped when any of them is saved or deleted: a revocation, a deactivation or a narrower scope is felt by
the very next request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.models import ApiToken
from orgs.services import token_issue

from .api_helpers import ORGS
from .test_api_auth import token_client


@pytest.fixture
def issued(db):
    return token_issue(name="gov-hub", scopes=["orgs:read", "orgs:write"], region="3205")


def token_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ORGS).status_code == 200
    return [q["sql"] for q in captured if "orgs_apitoken" in q["sql"]]


def listed(client) -> list[int]:
    response = client.get(ORGS)
    assert response.status_code == 200
    return sorted(row["id"] for row in response.json()["results"])


def test_the_second_call_does_not_look_the_token_up(issued, gusu_org):
    client = token_client(issued[1])
    first = token_queries(client)
    assert len(first) == 2  # the lookup, then the first use written
    assert token_queries(client) == []


def test_without_the_cache_every_call_looks_it_up(issued, gusu_org, settings):
    settings.CALLER_CACHE_SECONDS = 0
    client = token_client(issued[1])
    token_queries(client)
    assert len(token_queries(client)) == 1


def test_a_token_revoked_through_its_model_is_refused_at_once(issued, gusu_org):
    token, key = issued
    client = token_client(key)
    assert listed(client) == [gusu_org.pk]
    token.revoked_at = timezone.now()
    token.save()  # as the admin does
    assert client.get(ORGS).status_code == 401


def test_a_deleted_token_is_refused_at_once(issued, gusu_org):
    token, key = issued
    client = token_client(key)
    assert listed(client) == [gusu_org.pk]
    ApiToken.objects.get(pk=token.pk).delete()
    assert client.get(ORGS).status_code == 401


def test_a_deactivated_client_is_refused_at_once(issued, gusu_org):
    token, key = issued
    client = token_client(key)
    assert listed(client) == [gusu_org.pk]
    user = token.user
    user.is_active = False
    user.save()
    assert client.get(ORGS).status_code == 401


def test_a_narrower_scope_applies_to_the_next_call(issued, gusu_org, wuzhong_org):
    token, key = issued
    client = token_client(key)
    assert listed(client) == sorted([gusu_org.pk, wuzhong_org.pk])
    scope = token.user.scope
    scope.region_id = "320506"
    scope.save()
    assert listed(client) == [wuzhong_org.pk]
    assert client.get(f"{ORGS}{gusu_org.pk}/").status_code == 404


def test_a_withdrawn_write_scope_applies_to_the_next_call(issued, gusu_org):
    token, key = issued
    client = token_client(key)
    assert client.patch(f"{ORGS}{gusu_org.pk}/", {"phone": "0512-1"}, format="json").status_code == 200
    scope = token.user.scope
    scope.scopes = ["orgs:read"]
    scope.save()
    assert client.patch(f"{ORGS}{gusu_org.pk}/", {"phone": "0512-2"}, format="json").status_code == 403


def test_the_last_use_is_written_once_a_minute_and_kept(issued, gusu_org):
    token, key = issued
    client = token_client(key)
    token_queries(client)
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    assert token_queries(client) == []  # within the minute: neither read nor written
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=5))
    token.refresh_from_db()
    token.save()  # any save drops the cached token: the next call reads the old last use
    assert len(token_queries(client)) == 2  # read, then written
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first_use
    assert token_queries(client) == []  # the written time went back into the cache with it


def user_queries(client, path="/organizations/") -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured if 'FROM "auth_user"' in q["sql"]]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_logged_in_user_is_read_once(registrar_gusu, gusu_org):
    client = logged_in(registrar_gusu)
    assert len(user_queries(client)) == 1
    assert user_queries(client) == []


def test_a_role_taken_away_applies_to_the_next_page(registrar_gusu, gusu_org):
    client = logged_in(registrar_gusu)
    assert client.get(f"/organizations/{gusu_org.pk}/edit/").status_code == 200
    scope = registrar_gusu.scope
    scope.roles = ["statistician"]
    scope.save()
    assert client.get(f"/organizations/{gusu_org.pk}/edit/").status_code == 403


def test_a_deactivated_user_is_logged_out_at_once(registrar_gusu, gusu_org):
    client = logged_in(registrar_gusu)
    assert client.get("/organizations/").status_code == 200
    registrar_gusu.is_active = False
    registrar_gusu.save()
    response = client.get("/organizations/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_new_password_ends_the_other_sessions_at_once(registrar_gusu, gusu_org):
    client = logged_in(registrar_gusu)
    assert client.get("/organizations/").status_code == 200
    registrar_gusu.set_password("another-pw-123456789")
    registrar_gusu.save()
    response = client.get("/organizations/")
    assert response.status_code == 302 and "/login/" in response["Location"]
