"""With Redis, a logged-in page reads its session from the cache; a logout ends it everywhere."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.integration


def test_a_page_reads_its_session_from_redis_and_logout_ends_it(registrar_gusu, gusu_org):
    client = Client()
    client.force_login(registrar_gusu)
    client.get("/organizations/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organizations/")
    assert response.status_code == 200 and gusu_org.name in response.content.decode()
    assert not [q["sql"] for q in queries if '"django_session"' in q["sql"]]

    other_process = Client()  # the same session cookie, as another browser tab or gunicorn process sees it
    other_process.cookies = client.cookies
    client.post("/logout/")
    assert other_process.get("/organizations/").status_code == 302
