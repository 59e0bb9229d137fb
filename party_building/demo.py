"""Demo data for party building in 苏州市 (3205): a three-level tree with a joint branch, instructors and their
visits, secretaries' reports, a work station, leaders, a review and some synchronous steps. Idempotent."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from orgs.models import Organization

from .models import (
    Assignment,
    LeaderReview,
    OrganizationLeader,
    PartyCoverage,
    PartyInstructor,
    PartyMemberRecord,
    PartyOrganization,
    SecretaryReport,
    StationActivity,
    SyncStep,
    Visit,
    WorkStation,
    WorkStationFunding,
    path_step,
)
from .services import sync_steps_create

CITY = "3205"
ROOT_NAME = "中共苏州市社会组织综合委员会（两新工委）"


def _node(name, level, region, parent=None, organizations=(), formal=0, probationary=0, secretary=""):
    node = PartyOrganization.objects.create(
        name=name,
        level=level,
        region_id=region,
        parent=parent,
        formal_members=formal,
        probationary_members=probationary,
        secretary=secretary,
        founded_on=date(2018, 7, 1),
    )
    node.path = (parent.path if parent else "") + path_step(node.pk)
    node.depth = len(node.path) // 11
    node.save(update_fields=["path", "depth"])
    for organization in organizations:
        PartyCoverage.objects.create(
            party_organization=node, organization=organization, from_date=date(2018, 7, 1)
        )
    return node


def seed(stdout) -> None:
    if PartyOrganization.objects.filter(name=ROOT_NAME).exists():
        stdout.write("party building: already seeded")
        return
    with transaction.atomic():
        _seed(stdout)


def _seed(stdout) -> None:
    active = Organization.objects.filter(region__code__startswith=CITY, status="active").order_by("id")
    gusu = list(active.filter(region_id="320508")[:12])
    wuzhong = list(active.filter(region_id="320506")[:8])
    city = list(active.filter(region_id=CITY)[:10])
    root = _node(ROOT_NAME, "work_committee", CITY, secretary="沈建国")
    industry = _node("苏州市行业协会商会综合党委", "industry_committee", CITY, root, secretary="陆明华")
    gusu_committee = _node("姑苏区社会组织综合党委", "industry_committee", "320508", root, secretary="钱文斌")
    wuzhong_committee = _node(
        "吴中区社会组织综合党委", "industry_committee", "320506", root, secretary="顾晓东"
    )
    nodes = [root, industry, gusu_committee, wuzhong_committee]
    for organization in city[:4]:
        nodes.append(
            _node(f"{organization.name}党支部", "branch", CITY, industry, [organization], 5, 1, "张红")
        )
    if len(city) >= 7:
        nodes.append(
            _node("苏州市学术类社会组织联合党支部", "joint_branch", CITY, industry, city[4:7], 6, 0, "李静")
        )
    for organization in gusu[:3]:
        nodes.append(
            _node(
                f"{organization.name}党支部", "branch", "320508", gusu_committee, [organization], 4, 0, "王磊"
            )
        )
    if len(gusu) >= 5:
        nodes.append(
            _node(
                "姑苏区社会服务机构联合党支部",
                "joint_branch",
                "320508",
                gusu_committee,
                gusu[3:5],
                3,
                1,
                "吴芳",
            )
        )
    for organization in wuzhong[:2]:
        nodes.append(
            _node(
                f"{organization.name}党总支",
                "general_branch",
                "320506",
                wuzhong_committee,
                [organization],
                12,
                2,
                "周强",
            )
        )

    User = get_user_model()
    instructor_login = User.objects.filter(username="city_instructor").first()
    today = timezone.localdate()
    first = PartyInstructor.objects.create(
        name="陈志民", unit="苏州市委社会工作部", region_id=CITY, phone="13912340001", user=instructor_login
    )
    second = PartyInstructor.objects.create(
        name="徐秀英", unit="姑苏区委组织部", region_id="320508", phone="13912340002"
    )
    third = PartyInstructor.objects.create(
        name="马超", unit="吴中区委组织部", region_id="320506", phone="13912340003"
    )
    for instructor, organizations in ((first, city[7:10]), (second, gusu[5:8]), (third, wuzhong[2:4])):
        for organization in organizations:
            Assignment.objects.create(
                instructor=instructor, organization=organization, from_date=date(2024, 3, 1)
            )
    for offset, (instructor, organizations) in enumerate(((first, city[7:10]), (second, gusu[5:8]))):
        for index, organization in enumerate(organizations):
            Visit.objects.create(
                instructor=instructor,
                organization=organization,
                visited_on=today - timedelta(days=15 + 20 * index + offset * 7),
                content="指导开展主题党日活动，宣讲党建工作要求",
                problems="党员信息台账不全" if index == 0 else "",
            )
    Visit.objects.create(
        instructor=third,
        organization=wuzhong[2] if len(wuzhong) > 2 else wuzhong[0],
        visited_on=today - timedelta(days=130),
        content="了解党员分布情况",
    )

    # organizations that should build their own party organization (应建未建)
    for organization in gusu[8:10] + wuzhong[4:5]:
        PartyMemberRecord.objects.create(organization=organization, formal_members=4, note="走访摸排")

    year = today.year - 1
    for node in nodes[4:8]:
        SecretaryReport.objects.create(
            party_organization=node,
            year=year,
            content="一、履行党建工作责任情况……\n二、存在问题……\n三、下一步打算……",
            status="submitted",
        )
    station = WorkStation.objects.create(name="姑苏区平江街道社会组织党建工作站", region_id="320508")
    station.organizations.set(gusu[:8])
    WorkStationFunding.objects.create(station=station, year=year, amount=Decimal("100000.00"))
    WorkStationFunding.objects.create(station=station, year=today.year, amount=Decimal("100000.00"))
    activity = StationActivity.objects.create(
        station=station, date=today - timedelta(days=20), title="社会组织党建联建共建活动", participants=46
    )
    activity.organizations.set(gusu[:4])

    for organization in city[:4] + gusu[:3]:
        OrganizationLeader.objects.create(
            organization=organization, name=organization.legal_representative, position="president",
            is_party_member=True, party_role="党支部委员",
        )  # fmt: skip
        OrganizationLeader.objects.create(
            organization=organization, name="秘书长" + organization.legal_representative[:1], position="secretary_general",
            is_party_member=organization.pk % 2 == 0, party_role="党支部书记" if organization.pk % 2 == 0 else "",
        )  # fmt: skip
    if gusu:
        LeaderReview.objects.create(
            organization=gusu[0],
            candidate_name="林晓峰",
            role="legal_representative",
            result="passed",
            comment="经审核，符合条件",
        )
    for organization, event in zip(
        gusu[10:12] + city[:2],
        ["established", "leader_changed", "charter_changed", "report_accepted"],
        strict=False,
    ):
        sync_steps_create(event=event, organization=organization)
    # earlier steps, already closed: two within the 30 days, one late (the steps page shows the share on time)
    started = timezone.now() - timedelta(days=75)
    for organization, event, took, status in zip(
        gusu[3:5] + wuzhong[:1],
        ["established", "rating_awarded", "report_accepted"],
        [12, 25, 41],
        ["done", "not_applicable", "done"],
        strict=False,
    ):
        for step in sync_steps_create(event=event, organization=organization):
            SyncStep.objects.filter(pk=step.pk).update(
                created_at=started,
                due_on=timezone.localtime(started).date() + timedelta(days=30),
                status=status,
                note="" if status == "done" else "该单位已按期开展，不再重复",
                completed_at=started + timedelta(days=took),
            )
    stdout.write(f"party building: {len(nodes)} party organizations, 3 instructors, 1 work station")
