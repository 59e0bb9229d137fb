"""Builders for tests: people with scopes, organizations with valid generated codes, API clients."""

import itertools
from datetime import date
from decimal import Decimal

from rest_framework.test import APIClient

from orgs.codes import id_number_check_char, make_credit_code, org_body_from_number
from orgs.models import Organization, Region, SupervisingUnit
from orgs.services import token_issue, user_create

PASSWORD = "test-pass-2026"
_sequence = itertools.count(500_000)


def next_number() -> int:
    return next(_sequence)


def credit_code_for(org_type: str = "social_group", region_code: str = "320508") -> str:
    return make_credit_code(
        Organization.TYPE_DIGITS[org_type], region_code[:6].ljust(6, "0"), org_body_from_number(next_number())
    )


def id_number_for(region6: str = "320508", born: date = date(1980, 5, 17), seq: int | None = None) -> str:
    first17 = f"{region6}{born:%Y%m%d}{(seq if seq is not None else next_number()) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def make_unit(region_code: str = "3205", name: str | None = None, kind: str = "competent") -> SupervisingUnit:
    return SupervisingUnit.objects.create(
        region=Region.objects.get(code=region_code), name=name or f"测试主管单位{next_number()}", kind=kind
    )


def make_org(region_code: str = "320508", **fields) -> Organization:
    """An organization saved directly (no service, no history actor): test scaffolding only."""
    org_type = fields.pop("org_type", "social_group")
    number = next_number()
    defaults = {
        "name": f"测试{number}协会" if org_type != "foundation" else f"测试{number}基金会",
        "org_type": org_type,
        "category": "industry_association" if org_type == "social_group" else "other",
        "credit_code": credit_code_for(org_type, region_code),
        "status": "active",
        "registered_on": date(2015, 3, 1),
        "legal_representative": "张三",
        "legal_representative_id_number": id_number_for(region_code[:6].ljust(6, "0")),
        "registered_capital": Decimal("50000.00"),
        "address": "苏州市人民路1号",
        "phone": "0512-65550000",
        "business_scope": "行业服务",
    }
    defaults.update(fields)
    organization = Organization(region=Region.objects.get(code=region_code), **defaults)
    organization.full_clean(validate_unique=False)
    organization.save()
    return organization


def make_person(username: str, *, kind: str, region_code: str | None = None, roles=(), unit=None, org=None):
    return user_create(
        username=username,
        password=PASSWORD,
        kind=kind,
        region=region_code,
        roles=list(roles),
        unit_id=unit.pk if unit else None,
        org_id=org.pk if org else None,
    )


def as_user(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def as_token(*, scopes: list[str], region: str, name: str | None = None) -> APIClient:
    _token, key = token_issue(name=name or f"system{next_number()}", scopes=scopes, region=region)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
