from tests.factories import as_token, as_user

URL = "/api/v1/organizations/"


def test_registrar_sees_district_org(registrar_gusu, gusu_org, wuzhong_org):
    response = as_user(registrar_gusu).get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [gusu_org.pk]


def test_token_without_write_scope_cannot_create(db):
    client = as_token(scopes=["orgs:read"], region="3205")
    assert client.post(URL, {"name": "x"}, format="json").status_code == 403
