"""The public register: no login, public facts only, accepted results only, throttled."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from orgs.annual_reports import services
from tests.factories import make_org

from .conftest import YEAR, make_report

API = "/api/v1/public/organizations/"
PRIVATE = (
    "legal_representative_id_number",
    "phone",
    "registered_capital",
    "charter",
    "income_total",
    "members_unit",
)


@pytest.fixture
def published(org_user, gusu_org, registrar_gusu):
    make_report(gusu_org, org_user, year=YEAR - 1, status="accepted")
    make_report(gusu_org, org_user, year=YEAR, status="submitted", income_total="777777.00")
    services.rating_award(actor=registrar_gusu, organization=gusu_org, grade=4, awarded_on=date(2019, 1, 10))
    services.credit_list_add(
        actor=registrar_gusu, organization=gusu_org, list="abnormal", reason="失联", report_year=2020
    )
    return gusu_org


def test_public_api_search_by_name_traditional_and_initials(published, wuzhong_org):
    client = Client()
    for q in ("丝绸", "絲綢", "gsqsc", published.credit_code[:10]):
        names = [o["name"] for o in client.get(API, {"q": q}).json()["results"]]
        assert names == [published.name], q
    assert [o["name"] for o in client.get(API, {"region": "320506"}).json()["results"]] == [wuzhong_org.name]


def test_public_api_detail_shows_no_private_field_nor_unreviewed_figures(published):
    response = Client().get(f"{API}{published.pk}/")
    assert response.status_code == 200
    data = response.json()
    body = response.content.decode()
    for field in PRIVATE:
        assert field not in data
    assert published.legal_representative_id_number not in body
    assert published.phone not in body
    assert "777777" not in body
    assert [r["year"] for r in data["annual_reports"]] == [YEAR - 1]
    assert set(data["annual_reports"][0]) == {"year", "result", "accepted_at"}
    assert data["rating"]["grade"] == 4 and data["rating"]["expired"] is True
    assert data["credit_entries"][0]["list"] == "abnormal" and data["abnormal"] is True


def test_public_api_404(db):
    assert Client().get(f"{API}999999/").status_code == 404


def test_public_api_is_throttled(published, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "3/minute"}}  # fmt: skip
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    cache.clear()
    try:
        client = Client()
        codes = [client.get(API, {"q": "丝绸"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_public_pages(published):
    client = Client()
    page = client.get("/public/", {"q": "絲綢"})
    assert page.status_code == 200 and published.name in page.content.decode()
    page = client.get(f"/public/organizations/{published.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert published.legal_representative_id_number not in body and published.phone not in body
    assert "777777" not in body and "500000" not in body
    assert f'data-testid="result-{YEAR - 1}"' in body and f'data-testid="result-{YEAR}"' not in body
    assert 'data-testid="rating-expired"' in body
    lists = client.get("/public/credit-lists/")
    assert lists.status_code == 200 and published.name in lists.content.decode()


def test_public_lists_show_current_entries_only(db, registrar_city):
    organization = make_org("320508")
    entry = services.credit_list_add(
        actor=registrar_city, organization=organization, list="abnormal", reason="失联"
    )
    services.credit_list_remove(actor=registrar_city, entry=entry, removal_reason="恢复")
    assert organization.name not in Client().get("/public/credit-lists/").content.decode()


def test_public_search_page_by_initials_credit_code_and_region(published, wuzhong_org):
    client = Client()
    for params in ({"q": "gsqsc"}, {"q": published.credit_code}, {"q": "丝绸", "region": "320508"}):
        page = client.get("/public/", params)
        names = [o.name for o in page.context["page"].object_list]
        assert names == [published.name], params
    names = [o.name for o in client.get("/public/", {"region": "320506"}).context["page"].object_list]
    assert names == [wuzhong_org.name]
    assert not list(client.get("/public/", {"q": "丝绸", "region": "320506"}).context["page"].object_list)
