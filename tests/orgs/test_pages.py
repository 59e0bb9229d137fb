"""The registry's pages through the Django test client: what each persona sees, may do, and must not."""

import re

import pytest
from django.conf import settings
from django.test import Client

from orgs.codes import mask_id_number
from orgs.models import Organization
from tests.factories import as_user, credit_code_for, id_number_for, make_org, make_person

LIST = "/organizations/"


def browser(user=None, language=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def field_block(html: str, name: str) -> str:
    """The markup crispy renders for one field: its label, input and the errors beside it."""
    start = html.index(f'id="div_id_{name}"')
    following = html.find('id="div_id_', start + 1)
    return html[start : following if following != -1 else len(html)]


def valid_form(**overrides) -> dict:
    data = {
        "name": "姑苏区评弹艺术协会",
        "org_type": "social_group",
        "category": "academic",
        "hub_type": "",
        "credit_code": credit_code_for("social_group", "320508"),
        "filing_number": "",
        "region": "320508",
        "supervising_unit": "",
        "registered_on": "2020-06-01",
        "registered_capital": "30000.00",
        "legal_representative": "李四",
        "legal_representative_id_number": id_number_for("320508"),
        "address": "苏州市姑苏区平江路1号",
        "phone": "0512-65001234",
        "business_scope": "评弹艺术研究与交流",
        "charter": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def gusu_registrar_page(registrar_gusu):
    return browser(registrar_gusu)


# Login, logout, the start page


def test_anonymous_is_sent_to_the_login_page(db):
    response = browser().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_is_chinese_and_logs_in(registrar_gusu):
    client = browser()
    page = client.get("/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post("/login/", {"username": "registrar_gusu", "password": "test-pass-2026"})
    assert response.status_code == 302
    assert client.get(LIST).status_code == 200


def test_logout_is_a_post(registrar_gusu):
    client = browser(registrar_gusu)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get(LIST).status_code == 302  # logged out: back to the login page


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("registrar_city", "/organizations/"),
        ("unit_staff", "/organizations/"),
        ("org_user", "/my/"),
        ("applicant", "/registration/"),
    ],
)
def test_home_sends_each_persona_to_their_area(db, request, persona, target):
    response = browser(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_navigation_follows_access(org_user, unit_staff):
    org_page = browser(org_user).get(f"{LIST}{org_user.scope.organization_id}/").content.decode()
    assert 'href="/my/"' in org_page
    assert 'href="/organizations/"' not in org_page.split("</nav>")[0]
    unit_page = browser(unit_staff).get(LIST).content.decode()
    assert 'href="/organizations/"' in unit_page
    assert 'href="/fees/"' not in unit_page
    assert 'href="/my/"' not in unit_page


# The list: scope, filters, htmx, sorting, paging, queries


def test_district_registrar_lists_only_the_district(registrar_gusu, gusu_org, wuzhong_org):
    html = browser(registrar_gusu).get(LIST).content.decode()
    assert gusu_org.name in html
    assert wuzhong_org.name not in html


def test_city_registrar_lists_the_whole_city(registrar_city, gusu_org, wuzhong_org):
    html = browser(registrar_city).get(LIST).content.decode()
    assert gusu_org.name in html
    assert wuzhong_org.name in html


def test_unit_staff_list_only_their_units_organizations(unit_staff, gusu_org, wuzhong_org):
    html = browser(unit_staff).get(LIST).content.decode()
    assert gusu_org.name in html
    assert wuzhong_org.name not in html
    assert "登记社会组织" not in html  # no create button


def test_applicant_may_not_open_the_registry(applicant):
    assert browser(applicant).get(LIST).status_code == 403


def test_filters_narrow_the_list(registrar_city, gusu_org, wuzhong_org):
    abnormal = make_org("320508", name="姑苏区异常测试协会", status="abnormal")
    client = browser(registrar_city)
    html = client.get(LIST, {"status": "abnormal"}).content.decode()
    assert abnormal.name in html
    assert gusu_org.name not in html
    html = client.get(LIST, {"region": "320506"}).content.decode()
    assert wuzhong_org.name in html
    assert gusu_org.name not in html
    html = client.get(LIST, {"q": "丝绸"}).content.decode()
    assert gusu_org.name in html
    assert wuzhong_org.name not in html
    html = client.get(LIST, {"q": gusu_org.credit_code[:12]}).content.decode()
    assert gusu_org.name in html


def test_filters_never_widen_the_scope(registrar_gusu, wuzhong_org):
    html = browser(registrar_gusu).get(LIST, {"region": "320506"}).content.decode()
    assert wuzhong_org.name not in html


def test_a_bad_filter_value_names_the_field_and_shows_no_rows(registrar_city, gusu_org):
    response = browser(registrar_city).get(LIST, {"region": "32050"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请使用2位、4位、6位或9位行政区划代码。" in html
    assert gusu_org.name not in html


def test_htmx_gets_only_the_table(registrar_city, gusu_org, wuzhong_org):
    response = browser(registrar_city).get(
        LIST, {"region": "320508"}, headers={"HX-Request": "true", "HX-Target": "org-table"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="org-table"')
    assert gusu_org.name in html
    assert wuzhong_org.name not in html


def test_full_page_has_the_htmx_filter_form(registrar_city, gusu_org):
    html = browser(registrar_city).get(LIST).content.decode()
    assert 'hx-get="/organizations/"' in html
    assert 'hx-target="#org-table"' in html
    assert '<thead hx-boost="true"' in html  # sorting swaps the table only
    assert "<tbody >" in html or "<tbody>" in html  # row links open the detail page normally
    assert "vendor/htmx/htmx.min.js" in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # every script and stylesheet is served locally


def test_list_sorts_and_pages(registrar_gusu):
    for number in range(30):
        make_org("320508", name=f"姑苏区排序{number:02d}协会")
    client = browser(registrar_gusu)
    first = client.get(LIST).content.decode()
    assert "姑苏区排序00协会" in first
    assert "姑苏区排序29协会" not in first  # 25 a page
    assert "共 30 个社会组织" in first
    descending = client.get(LIST, {"sort": "-name"}).content.decode()
    assert "姑苏区排序29协会" in descending
    assert "姑苏区排序00协会" not in descending
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "姑苏区排序29协会" in second


@pytest.mark.parametrize("sorted_rows", [20_000, 0])  # a short list is sorted, a long one walks the index
def test_list_orders_by_name_and_credit_code_either_way(registrar_gusu, monkeypatch, sorted_rows):
    monkeypatch.setattr("orgs.selectors.SORTED_ROWS", sorted_rows)
    twins = [make_org("320508", name="姑苏区同名协会") for _ in range(2)]
    others = [make_org("320508", name=name) for name in ("姑苏区甲协会", "姑苏区乙协会")]
    make_org("320506", name="吴中区丙协会")  # another district: not listed
    client = browser(registrar_gusu)

    def listed(**params):
        html = client.get(LIST, params).content.decode()
        found = [(html.index(f'href="/organizations/{org.pk}/"'), org) for org in [*twins, *others]]
        assert "吴中区丙协会" not in html
        return [org.pk for _, org in sorted(found, key=lambda pair: pair[0])]

    by_name = sorted([*twins, *others], key=lambda org: (org.name, org.pk))
    assert listed() == [org.pk for org in by_name]  # the default: name, then id
    assert listed(sort="-name") == [org.pk for org in reversed(by_name)]
    by_code = sorted([*twins, *others], key=lambda org: org.credit_code)
    assert listed(sort="credit_code") == [org.pk for org in by_code]


@pytest.mark.parametrize("rows", [10, 100])
def test_list_queries_do_not_grow(registrar_gusu, unit, rows, django_assert_max_num_queries):
    for _ in range(rows):
        make_org("320508", supervising_unit=unit)
    client = browser(registrar_gusu)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"per_page": 100})
    assert response.status_code == 200
    assert response.content.decode().count('href="/organizations/') - 1 >= rows  # every row links


# Detail and history


def test_detail_shows_the_full_id_number_to_the_districts_registrar(registrar_gusu, gusu_org):
    html = browser(registrar_gusu).get(f"{LIST}{gusu_org.pk}/").content.decode()
    assert gusu_org.legal_representative_id_number in html
    assert f'href="/organizations/{gusu_org.pk}/edit/"' in html


def test_detail_masks_the_id_number_for_unit_staff_and_has_no_edit_button(unit_staff, gusu_org):
    response = browser(unit_staff).get(f"{LIST}{gusu_org.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert gusu_org.legal_representative_id_number not in html
    assert mask_id_number(gusu_org.legal_representative_id_number) in html
    assert "/edit/" not in html
    assert 'action="/organizations/' not in html  # no status-change form


def test_detail_outside_the_district_is_404(registrar_wuzhong, gusu_org):
    response = browser(registrar_wuzhong).get(f"{LIST}{gusu_org.pk}/")
    assert response.status_code == 404
    assert "该页面不存在，或不在您的管辖范围内。" in response.content.decode()
    assert browser(registrar_wuzhong).get(f"{LIST}{gusu_org.pk}/history/").status_code == 404


def test_org_user_sees_their_own_organization_only(org_user, gusu_org, wuzhong_org):
    client = browser(org_user)
    assert client.get(f"{LIST}{gusu_org.pk}/").status_code == 200
    assert client.get(f"{LIST}{wuzhong_org.pk}/").status_code == 404
    assert client.get(f"{LIST}{wuzhong_org.pk}/edit/").status_code == 404
    assert client.get(f"{LIST}{gusu_org.pk}/edit/").status_code == 403


def test_history_shows_who_changed_what_old_to_new(registrar_gusu, gusu_org):
    client = browser(registrar_gusu)
    form = valid_form(
        name=gusu_org.name,
        credit_code=gusu_org.credit_code,
        category=gusu_org.category,
        legal_representative=gusu_org.legal_representative,
        legal_representative_id_number=gusu_org.legal_representative_id_number,
        supervising_unit=gusu_org.supervising_unit_id,
        address="苏州市姑苏区干将西路1288号",
        reason="住所迁址",
    )
    assert client.post(f"{LIST}{gusu_org.pk}/edit/", form).status_code == 302
    html = client.get(f"{LIST}{gusu_org.pk}/history/").content.decode()
    assert "registrar_gusu" in html
    assert "住所迁址" in html
    assert re.search(
        r"住所</th>\s*<td><span class=\"change-old\">苏州市人民路1号</span> → "
        r"<span class=\"change-new\">苏州市姑苏区干将西路1288号",
        html,
    )
    assert re.search(r"业务主管单位</th>", html) is None  # unchanged fields are not listed
    detail = client.get(f"{LIST}{gusu_org.pk}/").content.decode()
    assert "苏州市姑苏区干将西路1288号" in detail and "住所迁址" in detail


def test_history_masks_id_numbers_for_unit_staff(registrar_gusu, unit_staff, gusu_org):
    old_id = gusu_org.legal_representative_id_number
    new_id = id_number_for("320508")
    gusu_org.legal_representative_id_number = new_id  # scaffolding: a recorded change of the ID number
    gusu_org._history_user = registrar_gusu
    gusu_org.save()
    html = browser(unit_staff).get(f"{LIST}{gusu_org.pk}/history/").content.decode()
    assert new_id not in html and old_id not in html
    assert mask_id_number(new_id) in html
    assert new_id in browser(registrar_gusu).get(f"{LIST}{gusu_org.pk}/history/").content.decode()


# Create and edit


def test_create_with_a_wrong_credit_code_shows_the_error_beside_the_field_and_saves_nothing(registrar_gusu):
    code = credit_code_for("social_group", "320508")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    before = Organization.objects.count()
    response = browser(registrar_gusu).post(f"{LIST}new/", valid_form(credit_code=wrong))
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "credit_code")
    assert "统一社会信用代码校验位错误" in block
    assert "is-invalid" in block
    assert "统一社会信用代码校验位错误" not in field_block(html, "name")
    assert "未保存任何内容" in html
    assert Organization.objects.count() == before


def test_create_outside_the_jurisdiction_is_refused_beside_the_region(registrar_gusu):
    data = valid_form(region="320506", credit_code=credit_code_for("social_group", "320506"))
    response = browser(registrar_gusu).post(f"{LIST}new/", data)
    # the region is not even offered to a 姑苏区 registrar
    assert response.status_code == 200
    assert "is-invalid" in field_block(response.content.decode(), "region")
    assert not Organization.objects.filter(name=data["name"]).exists()


def test_create_registers_and_records_who(registrar_gusu):
    response = browser(registrar_gusu).post(f"{LIST}new/", valid_form())
    organization = Organization.objects.get(name="姑苏区评弹艺术协会")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{organization.pk}/"
    assert organization.history.get().history_user == registrar_gusu


def test_create_is_forbidden_without_write_scope(unit_staff, supervisor_city):
    assert browser(unit_staff).get(f"{LIST}new/").status_code == 403
    assert browser(supervisor_city).post(f"{LIST}new/", valid_form()).status_code == 403
    assert not Organization.objects.filter(name="姑苏区评弹艺术协会").exists()


def test_edit_form_is_prefilled_and_saves_through_the_service(registrar_gusu, gusu_org):
    client = browser(registrar_gusu)
    page = client.get(f"{LIST}{gusu_org.pk}/edit/").content.decode()
    assert f'value="{gusu_org.name}"' in page
    form = valid_form(
        name="姑苏区丝绸行业商会",
        credit_code=gusu_org.credit_code,
        category=gusu_org.category,
        legal_representative=gusu_org.legal_representative,
        legal_representative_id_number=gusu_org.legal_representative_id_number,
        supervising_unit=gusu_org.supervising_unit_id,
    )
    assert client.post(f"{LIST}{gusu_org.pk}/edit/", form).status_code == 302
    gusu_org.refresh_from_db()
    assert gusu_org.name == "姑苏区丝绸行业商会"
    assert gusu_org.name_initials == "gsqschysh"


def test_edit_with_a_bad_credit_code_keeps_the_old_record(registrar_gusu, gusu_org):
    form = valid_form(
        name="改名不应保存",
        credit_code="51320508MJ000ABCDE",
        category=gusu_org.category,
        legal_representative=gusu_org.legal_representative,
        legal_representative_id_number=gusu_org.legal_representative_id_number,
    )
    response = browser(registrar_gusu).post(f"{LIST}{gusu_org.pk}/edit/", form)
    assert response.status_code == 200
    assert "统一社会信用代码" in field_block(response.content.decode(), "credit_code")
    gusu_org.refresh_from_db()
    assert gusu_org.name == "姑苏区丝绸行业协会"
    assert gusu_org.history.count() == 1


def test_unit_staff_may_not_edit(unit_staff, gusu_org):
    client = browser(unit_staff)
    assert client.get(f"{LIST}{gusu_org.pk}/edit/").status_code == 403
    response = client.post(f"{LIST}{gusu_org.pk}/edit/", valid_form(name="不应保存"))
    assert response.status_code == 403
    gusu_org.refresh_from_db()
    assert gusu_org.name == "姑苏区丝绸行业协会"


def test_district_registrar_may_not_edit_another_district(registrar_wuzhong, gusu_org):
    response = browser(registrar_wuzhong).post(f"{LIST}{gusu_org.pk}/edit/", valid_form(name="不应保存"))
    assert response.status_code == 404


# Status


def test_registrar_changes_the_status(registrar_gusu, gusu_org):
    client = browser(registrar_gusu)
    response = client.post(f"{LIST}{gusu_org.pk}/status/", {"status": "abnormal", "reason": "未按时年检"})
    assert response.status_code == 302
    gusu_org.refresh_from_db()
    assert gusu_org.status == "abnormal"
    assert gusu_org.status_reason == "未按时年检"
    html = client.get(response["Location"]).content.decode()
    assert "登记状态已变更。" in html
    assert re.search(
        r"<span class=\"change-old\">正常</span> → <span class=\"change-new\">活动异常</span>", html
    )


def test_status_change_needs_a_reason_and_an_allowed_move(registrar_gusu, gusu_org):
    client = browser(registrar_gusu)
    response = client.post(f"{LIST}{gusu_org.pk}/status/", {"status": "abnormal", "reason": ""})
    assert response.status_code == 400
    response = client.post(f"{LIST}{gusu_org.pk}/status/", {"status": "active", "reason": "x"})
    assert response.status_code == 400  # active → active is not offered
    gusu_org.refresh_from_db()
    assert gusu_org.status == "active"
    assert gusu_org.history.count() == 1


def test_deregistered_organization_offers_no_change(registrar_gusu):
    organization = make_org("320508", status="deregistered")
    html = browser(registrar_gusu).get(f"{LIST}{organization.pk}/").content.decode()
    assert "/edit/" not in html
    response = browser(registrar_gusu).post(
        f"{LIST}{organization.pk}/status/", {"status": "active", "reason": "x"}
    )
    assert response.status_code == 400
    organization.refresh_from_db()
    assert organization.status == "deregistered"


def test_status_change_is_forbidden_to_unit_staff_and_outside_the_district(
    unit_staff, registrar_wuzhong, gusu_org
):
    data = {"status": "abnormal", "reason": "x"}
    assert browser(unit_staff).post(f"{LIST}{gusu_org.pk}/status/", data).status_code == 403
    assert browser(registrar_wuzhong).post(f"{LIST}{gusu_org.pk}/status/", data).status_code == 404
    gusu_org.refresh_from_db()
    assert gusu_org.status == "active"


# Languages


def test_pages_are_chinese_by_default(registrar_gusu, gusu_org):
    html = browser(registrar_gusu).get(LIST).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "社会组织登记管理" in html
    assert "社会团体" in html
    assert "Social group" not in html


def test_pages_are_english_with_the_language_cookie(registrar_gusu, gusu_org):
    html = browser(registrar_gusu, language="en").get(f"{LIST}{gusu_org.pk}/").content.decode()
    assert '<html lang="en">' in html
    assert "Registration facts" in html
    assert "Social group (社会团体)" in html


def test_language_switch_sets_the_cookie(registrar_gusu):
    client = browser(registrar_gusu)
    response = client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    assert response.status_code == 302
    assert "Registry of social organizations" in client.get(LIST).content.decode()


def test_api_errors_follow_the_language(db):
    registrar = make_person("api_registrar", kind="staff", region_code="320508", roles=["registrar"])
    code = credit_code_for("social_group", "320508")
    payload = {
        "name": "API测试协会",
        "org_type": "social_group",
        "category": "industry_association",
        "region": "320508",
        "credit_code": code[:17] + ("0" if code[17] != "0" else "1"),
    }
    chinese = as_user(registrar).post("/api/v1/organizations/", payload, format="json")
    assert chinese.status_code == 400
    assert "统一社会信用代码校验位错误" in chinese.json()["credit_code"][0]
    english = as_user(registrar).post(
        "/api/v1/organizations/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 400
    assert english.json()["credit_code"][0].startswith("The check character of the credit code is wrong")
