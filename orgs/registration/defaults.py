"""Default data an admin can edit afterwards: checklists, direct-registration categories, time limits.

`ensure_defaults()` is idempotent and never brings back what an admin removed: a checklist is created only
for a (kind, type) that has no item at all, the direct categories only when that table is empty, and a time
limit only where none exists. `manage.py registration_defaults`, `seed_demo` and the tests call it.
"""

from django.db import transaction

from ..models import ChecklistItem, DirectRegistrationCategory, TimeLimitRule

DIRECT_CATEGORIES = [
    "industry_association",
    "chamber_of_commerce",
    "out_of_town_chamber",
    "township_chamber",
    "academic",
    "charity",
    "community",
]

# (kind, org_type or "" for every type): [(item, name, required)]
CHECKLISTS = {
    ("preparation", "social_group"): [
        ("application", "筹备申请书", True),
        ("charter_draft", "章程草案", True),
        ("funds_proof", "活动资金来源证明", True),
        ("premises", "住所使用权证明", True),
        ("initiators", "发起人和拟任负责人的基本情况及身份证明", True),
    ],
    ("establish", "social_group"): [
        ("application", "成立登记申请书", True),
        ("charter", "章程（会员大会通过）", True),
        ("meeting_minutes", "会员大会或成立大会纪要", True),
        ("funds_proof", "验资报告", True),
        ("premises", "住所使用权证明", True),
        ("leaders", "负责人基本情况及身份证明", True),
    ],
    ("establish", "social_service_agency"): [
        ("application", "成立登记申请书", True),
        ("charter", "章程", True),
        ("funds_proof", "开办资金验资证明", True),
        ("premises", "场所使用权证明", True),
        ("leaders", "拟任负责人基本情况及身份证明", True),
        ("qualification", "行业许可或资质证明", False),
    ],
    ("establish", "foundation"): [
        ("application", "成立登记申请书", True),
        ("charter", "章程", True),
        ("funds_proof", "原始基金验资证明", True),
        ("premises", "住所使用权证明", True),
        ("leaders", "理事名单及负责人身份证明", True),
    ],
    ("change", ""): [
        ("application", "变更登记申请书", True),
        ("resolution", "会员（代表）大会或理事会决议", True),
        ("supporting", "变更事项证明材料", False),
    ],
    ("deregister", ""): [
        ("application", "注销登记申请书", True),
        ("resolution", "会员（代表）大会或理事会注销决议", True),
        ("liquidation_report", "清算报告", True),
        ("certificate_return", "登记证书正副本", False),
    ],
    ("filing", ""): [
        ("application", "备案申请表", True),
        ("charter", "章程或活动规则", True),
        ("leaders", "负责人身份证明", True),
        ("premises", "活动场所证明", False),
    ],
}

# (kind, org_type): (days, working days?). org_type "promised": the bureau's promise (always working days).
TIME_LIMITS = {
    ("preparation", ""): (60, False),
    ("establish", "social_service_agency"): (60, False),
    ("establish", "foundation"): (60, False),
    ("establish", "social_group"): (30, False),
    ("establish", ""): (20, True),
    ("change", ""): (20, True),
    ("deregister", ""): (20, True),
    ("filing", ""): (20, True),
    **{
        (kind, "promised"): (10, True)
        for kind in ("preparation", "establish", "change", "deregister", "filing")
    },
}


@transaction.atomic
def ensure_defaults() -> int:
    created = 0
    for (kind, org_type), items in CHECKLISTS.items():
        if ChecklistItem.objects.filter(kind=kind, org_type=org_type).exists():
            continue
        ChecklistItem.objects.bulk_create(
            ChecklistItem(kind=kind, org_type=org_type, item=item, name=name, required=required, position=i)
            for i, (item, name, required) in enumerate(items)
        )
        created += len(items)
    if not DirectRegistrationCategory.objects.exists():
        DirectRegistrationCategory.objects.bulk_create(
            DirectRegistrationCategory(category=category) for category in DIRECT_CATEGORIES
        )
        created += len(DIRECT_CATEGORIES)
    for (kind, org_type), (days, working) in TIME_LIMITS.items():
        _rule, made = TimeLimitRule.objects.get_or_create(
            kind=kind, org_type=org_type, defaults={"days": days, "working_days": working}
        )
        created += made
    return created
