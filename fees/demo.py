"""Demo fee cases and a campaign for the demo city (苏州市 3205), made through the services. Idempotent."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from orgs.models import Organization, Region

from . import services
from .models import CaseEvent, CaseFile, FeeCampaign, FeeCase

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ITEMS = [
    ("强制入会费", "compulsory_membership"),
    ("评比达标表彰费", "compulsory_evaluation"),
    ("年会参展费", "events"),
    ("强制培训费", "compulsory_training"),
    ("会刊订阅费", "publications"),
    ("超标准会费", "dues_above_standard"),
]


def seed(stdout) -> None:
    if FeeCase.objects.filter(organization__region__code__startswith="3205").exists():
        stdout.write("fees: demo cases already there")
        return
    User = get_user_model()
    supervisor = User.objects.get(username="city_supervisor")
    rng = random.Random(12345)
    organizations = list(
        Organization.objects.filter(region__code__startswith="3205", status="active", category__in=[
            "industry_association", "chamber_of_commerce"
        ]).order_by("id")[:24]
    )  # fmt: skip
    made = 0
    for index, organization in enumerate(organizations):
        item, kind = ITEMS[index % len(ITEMS)]
        with transaction.atomic():
            case = services.complaint_file_public(
                organization=organization,
                fee_item=item,
                kind=kind,
                amount_charged=Decimal(rng.choice([800, 2000, 5000, 12000, 30000])),
                description="企业反映：该收费无章程依据，且以不缴费不予办理相关证明相要挟。",
                contact_name=rng.choice(["王经理", "李女士", "陈先生"]),
                phone=f"139{rng.randrange(10000000, 99999999)}",
                company="苏州某某制造有限公司",
                anonymous=index % 5 == 0,
            )
            FeeCase.objects.filter(pk=case.pk).update(enterprises_affected=rng.randrange(10, 200))
            case.refresh_from_db()
            _advance(case, supervisor, stage=index % 6, rng=rng)
        made += 1
    today = timezone.localdate()
    if not FeeCampaign.objects.exists():
        services.campaign_open(
            actor=supervisor,
            name=f"{today.year}年度行业协会商会涉企收费自查自纠",
            region=Region.objects.get(code="3205"),
            categories=["industry_association", "chamber_of_commerce"],
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=50),
        )
    stdout.write(f"fees: {made} demo cases, 1 campaign")


def _advance(case, supervisor, *, stage: int, rng) -> None:
    """Move a demo case along its path: 0 intake … 5 closed with a notice."""
    if stage == 0:
        return
    case = services.case_accept(actor=supervisor, case=case)
    if stage == 1:
        return
    case = services.case_start_investigation(actor=supervisor, case=case)
    if stage == 2:
        return
    amount = (case.amount_charged * Decimal("0.8")).quantize(Decimal("0.01"))
    outcomes = [
        {
            "outcome": "waive",
            "amount": amount,
            "enterprises_benefiting": min(case.enterprises_affected, 30),
            "detail": "全额退还",
        },
        {"outcome": "regulate", "detail": "修订章程，取消该收费项目"},
    ]
    if stage >= 4:
        outcomes.append({"outcome": "notify", "detail": "在全市范围内通报"})
    case = services.case_decide(
        actor=supervisor,
        case=case,
        violation=True,
        outcomes=outcomes,
        deadline=timezone.localdate() + timedelta(days=rng.choice([3, 8, 20])),
    )
    if stage == 3:
        return
    # The association's upload (demo associations have no logins of their own).
    CaseFile.objects.create(
        case=case, purpose="evidence", file=ContentFile(PDF, name="rectification.pdf"), note="退费凭证"
    )
    CaseEvent.objects.create(case=case, action="submit_evidence", note="退费凭证")
    case = services.case_verify(actor=supervisor, case=case)
    if stage == 4:
        return
    services.case_close(actor=supervisor, case=case)
