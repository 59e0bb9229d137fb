"""GET /healthz/: the state of the database, the cache and the broker, for the load balancer."""

from django.core.cache import cache
from django.test import Client


def test_healthz_reports_each_service(db):
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] in ("ok", "eager")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_login_and_leaves_no_session(db):
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_healthz_says_when_the_cache_is_broken(db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken)
    response = Client().get("/healthz/")
    assert response.status_code == 200  # the site still answers from the database
    assert response.json()["cache"] == "error: ConnectionError"
