"""The session's user comes with their scope in one query; an inactive login is logged out."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_a_page_reads_the_user_and_the_scope_in_one_query(registrar_gusu, gusu_org):
    client = Client()
    client.force_login(registrar_gusu)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organizations/")
    assert response.status_code == 200 and gusu_org.name in response.content.decode()
    scope_reads = [q["sql"] for q in queries if 'FROM "orgs_userscope"' in q["sql"]]
    assert scope_reads == []
    assert any('"orgs_userscope"' in q["sql"] and 'FROM "auth_user"' in q["sql"] for q in queries)


def test_an_inactive_login_is_logged_out(registrar_gusu):
    client = Client()
    client.force_login(registrar_gusu)
    registrar_gusu.is_active = False
    registrar_gusu.save(update_fields=["is_active"])
    response = client.get("/organizations/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_login_without_a_scope_is_refused_the_registry(django_user_model, gusu_org):
    django_user_model.objects.create_user("nobody", password="pw-123456789")
    client = Client()
    assert client.login(username="nobody", password="pw-123456789")
    response = client.get("/organizations/")
    assert response.status_code == 403
    assert gusu_org.name not in response.content.decode()
