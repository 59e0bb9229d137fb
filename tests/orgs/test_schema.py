"""The OpenAPI schema, Swagger UI served from local static files, and `check --deploy` in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema

from tests.factories import as_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def schema(db):
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document


def test_schema_documents_the_registry(schema):
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/regions/": {"get"},
        "/api/v1/regions/{code}/": {"get"},
        "/api/v1/supervising-units/": {"get", "post"},
        "/api/v1/supervising-units/{id}/": {"get", "patch"},
        "/api/v1/organizations/": {"get", "post"},
        "/api/v1/organizations/{id}/": {"get", "patch"},
        "/api/v1/organizations/{id}/history/": {"get"},
    }.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    parameters = {p["name"] for p in paths["/api/v1/organizations/"]["get"]["parameters"]}
    expected = {"q", "credit_code", "org_type", "category", "region", "status", "supervising_unit"}
    assert expected | {"updated_since", "ordering", "cursor", "page_size"} <= parameters
    assert "TokenAuth" in str(schema["components"]["securitySchemes"]) or any(
        scheme.get("scheme") == "Token" or "Token" in str(scheme)
        for scheme in schema["components"]["securitySchemes"].values()
    )


def test_spectacular_validates_without_warnings():
    env = {**os.environ, "DJANGO_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", os.devnull],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr, result.stderr[-3000:]


def test_swagger_ui_uses_local_static_files(registrar_city, client):
    client.force_login(registrar_city)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls
    assert not [url for url in urls if url.startswith(("http:", "https:", "//"))], urls
    # (the page carries random tokens, which may spell "cdn": look for the hosts)
    assert not re.search(r"jsdelivr|unpkg|cdnjs|cdn\.", html, re.IGNORECASE)
    scripts = [url for url in urls if url.endswith(".js")]
    assert any("swagger-ui-bundle" in url for url in scripts), scripts
    for url in scripts:
        assert client.get(url).status_code == 200, url


def test_check_deploy_is_clean_with_production_variables():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "portal.mzj.suzhou.gov.cn",
        "DJANGO_DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_ALLOWED_HOSTS": "portal.mzj.suzhou.gov.cn",
        "DJANGO_DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_makemigrations_runs_without_a_secret_key():
    """A command that only reads the models needs no key; one that serves or writes still does (above)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_the_schema_and_docs_need_no_secret_about_the_data(db):
    """The schema describes the API; it never contains organization data."""
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert as_user(None).get("/api/v1/organizations/").status_code == 401
