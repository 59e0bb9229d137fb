"""Helpers shared by the orgs API tests: payloads and "nothing changed" snapshots."""

import re

from orgs.models import Organization, SupervisingUnit
from tests.factories import credit_code_for, id_number_for, next_number

ORGS = "/api/v1/organizations/"
UNITS = "/api/v1/supervising-units/"
REGIONS = "/api/v1/regions/"
CJK = re.compile(r"[\u4e00-\u9fff]")


def org_payload(region_code: str = "320508", **fields) -> dict:
    """A valid organization as another system would POST it."""
    payload = {
        "credit_code": credit_code_for("social_group", region_code),
        "name": f"接口新建{next_number()}行业协会",
        "org_type": "social_group",
        "category": "industry_association",
        "region": region_code,
        "registered_on": "2020-06-01",
        "legal_representative": "李四",
        "legal_representative_id_number": id_number_for(region_code[:6].ljust(6, "0")),
        "registered_capital": "30000.00",
        "address": "苏州市干将路2号",
        "phone": "0512-65551234",
        "business_scope": "行业自律",
    }
    payload.update(fields)
    return payload


def registry_snapshot() -> tuple:
    """Every organization and unit row and every history row: equal before and after means nothing changed."""
    return (
        list(Organization.objects.order_by("pk").values()),
        Organization.history.count(),
        list(SupervisingUnit.objects.order_by("pk").values()),
        SupervisingUnit.history.count(),
    )


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}
