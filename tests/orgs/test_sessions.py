"""Sessions are read by their key in one statement: a live one logs its user in, an expired or unknown one
does not, and both Django backends the portal uses (database, cache in front of the database) read it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.callers import live_session
from orgs.sessions import cached_db as cached_db_sessions
from orgs.sessions import db as db_sessions


def test_the_portal_reads_sessions_by_key():
    assert settings.SESSION_ENGINE in ("orgs.sessions.db", "orgs.sessions.cached_db")


@pytest.mark.parametrize("backend", [db_sessions, cached_db_sessions], ids=["db", "cached_db"])
def test_a_saved_session_is_read_back_with_its_data_and_expiry(db, backend, django_assert_num_queries):
    store = backend.SessionStore()
    store["visits"] = 3
    store.create()
    row = Session.objects.get(pk=store.session_key)
    with django_assert_num_queries(1):
        found = live_session(store.session_key)
        assert (found.session_key, found.session_data, found.expire_date) == (
            row.session_key,
            row.session_data,
            row.expire_date,
        )
        assert found.expire_date.tzinfo is not None
    cache.clear()  # a new store of the same key, nothing cached (cached_db): read from the database
    again = backend.SessionStore(store.session_key)
    assert again["visits"] == 3 and again.session_key == store.session_key


@pytest.mark.parametrize("backend", [db_sessions, cached_db_sessions], ids=["db", "cached_db"])
def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key(db, backend):
    store = backend.SessionStore()
    store["visits"] = 3
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()
    assert live_session(store.session_key) is None
    expired = backend.SessionStore(store.session_key)
    assert expired.get("visits") is None and expired.session_key is None
    unknown = backend.SessionStore("x" * 32)
    assert unknown.get("visits") is None and unknown.session_key is None


def test_a_page_reads_its_session_in_one_statement(registrar_gusu, gusu_org):
    client = Client()
    client.force_login(registrar_gusu)
    cache.clear()  # with cached_db, a session not cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organizations/")
    assert response.status_code == 200 and gusu_org.name in response.content.decode()
    reads = [q["sql"] for q in queries if 'FROM "django_session"' in q["sql"]]
    assert len(reads) == 1 and "LIMIT 21" not in reads[0]  # not the ORM's get()


def test_an_expired_login_goes_back_to_the_login_page(registrar_gusu):
    client = Client()
    client.force_login(registrar_gusu)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()  # cached_db keeps a session until its expiry: as when that time has come
    response = client.get("/organizations/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_logging_out_ends_the_session(registrar_gusu):
    client = Client()
    client.force_login(registrar_gusu)
    assert client.get("/organizations/").status_code == 200
    client.post("/logout/")
    assert not Session.objects.exists()
    assert client.get("/organizations/").status_code == 302
