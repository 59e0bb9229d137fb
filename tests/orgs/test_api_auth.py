"""Authentication: `Authorization: Token <key>` for systems, the session for the browser."""

from datetime import UTC, datetime

import pytest
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from orgs.models import ApiToken, Organization
from orgs.services import token_issue
from tests.factories import PASSWORD

from .api_helpers import ORGS, org_payload, registry_snapshot


def token_client(key: str, keyword: str = "Token") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


@pytest.fixture
def issued(db):
    token, key = token_issue(name="gov-hub", scopes=["orgs:read", "orgs:write"], region="3205")
    return token, key


def test_a_token_reads_the_registry(issued, gusu_org):
    _token, key = issued
    response = token_client(key).get(ORGS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [gusu_org.pk]


def test_the_token_key_is_not_stored(issued):
    token, key = issued
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert key not in str(list(ApiToken.objects.values()))
    assert ApiToken.objects.get(pk=token.pk).prefix == key[:8]


@pytest.mark.parametrize(
    "authorization",
    [None, "Token", "Token nonsense", "Bearer {key}", "Token {key}x", "Basic dXNlcjpwYXNz"],
)
def test_no_or_bad_credentials_are_401(issued, gusu_org, authorization):
    _token, key = issued
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization.format(key=key))
    before = registry_snapshot()
    assert client.get(ORGS).status_code == 401
    assert client.get(f"{ORGS}{gusu_org.pk}/").status_code == 401
    assert client.post(ORGS, org_payload("320508"), format="json").status_code == 401
    assert client.patch(f"{ORGS}{gusu_org.pk}/", {"phone": "1"}, format="json").status_code == 401
    assert registry_snapshot() == before


def test_401_says_how_to_authenticate(db):
    response = APIClient().get(ORGS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_401(issued):
    token, key = issued
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=datetime.now(UTC))
    assert token_client(key).get(ORGS).status_code == 401


def test_a_token_of_a_deactivated_client_is_401(issued):
    token, key = issued
    token.user.is_active = False
    token.user.save()
    assert token_client(key).get(ORGS).status_code == 401


def test_a_read_token_cannot_write(gusu_org):
    _token, key = token_issue(name="reader", scopes=["orgs:read"], region="3205")
    client = token_client(key)
    before = registry_snapshot()
    assert client.post(ORGS, org_payload("320508"), format="json").status_code == 403
    assert client.patch(f"{ORGS}{gusu_org.pk}/", {"phone": "1"}, format="json").status_code == 403
    response = client.post(f"{ORGS}{gusu_org.pk}/change-status/", {"status": "revoked"}, format="json")
    assert response.status_code == 403
    assert registry_snapshot() == before


def test_a_token_records_when_it_was_last_used(issued):
    token, key = issued
    assert token.last_used_at is None
    token_client(key).get(ORGS)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_browser_uses_the_session(registrar_gusu, gusu_org):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="registrar_gusu", password=PASSWORD)
    response = client.get(ORGS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [gusu_org.pk]


def test_a_session_write_needs_the_csrf_token(registrar_gusu, gusu_org):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="registrar_gusu", password=PASSWORD)
    before = registry_snapshot()
    response = client.patch(f"{ORGS}{gusu_org.pk}/", {"phone": "1"}, format="json")
    assert response.status_code == 403
    assert registry_snapshot() == before
    csrf = get_random_string(
        32
    )  # the page's csrftoken cookie, echoed in the header as the page's script does
    client.cookies["csrftoken"] = csrf
    response = client.patch(f"{ORGS}{gusu_org.pk}/", {"phone": "1"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    assert Organization.objects.get(pk=gusu_org.pk).phone == "1"
