import importlib
import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from orgs.codes import id_number_check_char, make_credit_code, org_body_from_number
from orgs.models import Organization, Region, SupervisingUnit, UserScope
from orgs.search import name_initials

CITY = "3205"
DEMO_PASSWORD = "demo-pass-2026"
# Areas that add their own demo data after the registry's (each module has seed(stdout) and is idempotent).
DEMO_EXTENSIONS = [
    "orgs.annual_reports.demo",
    "orgs.registration.demo",
    "party_building.demo",
    "fees.demo",
    "reports.demo",  # last: builds the figures of every area's demo data
]

UNITS = [
    ("苏州市工业和信息化局", "industry"),
    ("苏州市商务局", "industry"),
    ("苏州市科学技术局", "competent"),
    ("苏州市教育局", "competent"),
    ("苏州市卫生健康委员会", "competent"),
    ("苏州市文化广电和旅游局", "competent"),
    ("苏州市体育局", "competent"),
    ("苏州市农业农村局", "industry"),
    ("苏州市住房和城乡建设局", "industry"),
    ("苏州市人力资源和社会保障局", "competent"),
    ("苏州市民政局", "competent"),
    ("苏州市科学技术协会", "competent"),
]
TRADES = [
    "复合材料工业", "电子信息", "纺织服装", "丝绸", "软件", "生物医药", "新能源汽车", "物流", "建筑", "餐饮",
    "旅游", "会计", "律师", "家政服务", "养老服务", "园林绿化", "光伏", "机器人", "跨境电商", "文化创意",
    "食品", "印刷", "钢铁", "化工", "民营科技", "集成电路", "工业设计", "质量管理", "节能环保", "茶叶",
]  # fmt: skip
ACADEMIC = [
    "数学学会",
    "物理学会",
    "历史学会",
    "医学会",
    "护理学会",
    "土木工程学会",
    "昆曲研究会",
    "计算机学会",
]
HOMETOWNS = ["温州", "福建", "安徽", "江西", "湖南", "河南", "四川", "山东", "浙江", "广东"]
SERVICES = [
    "社会工作服务中心",
    "养老服务中心",
    "康复中心",
    "培训学校",
    "幼儿园",
    "青少年活动中心",
    "民办医院",
    "图书馆",
]
CHARITY = ["慈善基金会", "教育发展基金会", "助学基金会", "文化基金会", "见义勇为基金会", "青少年发展基金会"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志民文斌晨宇浩然嘉怡欣妍"


def id_number(region6: str, born: date, seq: int) -> str:
    first17 = f"{region6}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


class Command(BaseCommand):
    help = "Load a demo city (苏州市 3205): its bureau, supervising units, 300 organizations, one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address", default="127.0.0.1:8000", help="Where the portal will be served, for the login link."
        )

    def handle(self, *args, **options):
        if not Region.objects.filter(code=CITY).exists():
            call_command("load_regions", stdout=self.stdout)
        with transaction.atomic():
            created = self.seed_registry()
        self.stdout.write(
            f"registry: {created} organizations created ({Organization.objects.count()} in all)"
        )
        logins = self.create_logins()
        for module_name in DEMO_EXTENSIONS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name and not module_name.startswith(f"{error.name}."):
                    raise
                continue
            module.seed(self.stdout)
        self.print_logins(logins, options["address"])

    def seed_registry(self) -> int:
        rng = random.Random(3205)
        districts = list(
            Region.objects.filter(code__startswith=CITY, level=Region.Level.COUNTY).order_by("code")
        )
        city = Region.objects.get(code=CITY)
        units = []
        for name, kind in UNITS:
            unit, _ = SupervisingUnit.objects.get_or_create(region=city, name=name, defaults={"kind": kind})
            units.append(unit)
        if Organization.objects.filter(region__code__startswith=CITY).count() >= 300:
            return 0
        plan = []
        for index, trade in enumerate(TRADES):
            plan.append(("social_group", "industry_association", f"{trade}行业协会"))
            if index % 2 == 0:
                plan.append(("social_group", "chamber_of_commerce", f"{trade}商会"))
        plan += [("social_group", "academic", name) for name in ACADEMIC]
        plan += [("social_group", "out_of_town_chamber", f"{town}商会") for town in HOMETOWNS]
        plan += [("social_group", "federation", f"{trade}联合会") for trade in TRADES[:8]]
        plan += [("social_group", "township_chamber", "商会")] * 10
        plan += [("social_service_agency", "other", name) for name in SERVICES] * 8
        plan += [
            ("social_service_agency", "community", name) for name in ("邻里互助会", "志愿服务队", "文体队")
        ] * 6
        plan += [("foundation", "charity", name) for name in CHARITY] * 3
        sequence = Organization.objects.count()
        made = 0
        names_taken = set(
            Organization.objects.filter(region__code__startswith=CITY).values_list("name", flat=True)
        )
        while made < 300:
            org_type, category, stem = plan[made % len(plan)]
            region = city if made % 5 == 0 else districts[made % len(districts)]
            prefix = "苏州市" if region.code == CITY else region.name
            name = f"{prefix}{stem}"
            if category == "township_chamber":
                name = f"{region.name}{rng.choice(['木渎镇', '甪直镇', '同里镇', '周庄镇', '光福镇'])}商会"
            if name in names_taken:
                name = (
                    f"{name.removesuffix('基金会')}第{made}{'基金会' if org_type == 'foundation' else '分会'}"
                )
            names_taken.add(name)
            sequence += 1
            county = region.code.ljust(6, "0")[:6]
            filed_only = category == "community" and made % 2 == 0
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
            organization = Organization(
                credit_code=None
                if filed_only
                else make_credit_code(
                    Organization.TYPE_DIGITS[org_type], county, org_body_from_number(sequence)
                ),
                filing_number=f"{region.code}-2020-{sequence:05d}" if filed_only else None,
                name=name,
                name_initials=name_initials(name),
                org_type=org_type,
                category=category,
                hub_type=rng.choice(["", "", "", "party_building", "platform", "street", "spontaneous"]),
                region=region,
                supervising_unit=None
                if category in ("industry_association", "chamber_of_commerce") and made % 3
                else rng.choice(units),
                status=rng.choices(["active", "abnormal", "deregistered"], weights=[90, 7, 3])[0],
                registered_on=date(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 19)),
                legal_representative=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                legal_representative_id_number=id_number(county, born, sequence),
                registered_capital=Decimal(rng.choice([30000, 50000, 100000, 200000, 500000]))
                if org_type != "foundation"
                else Decimal(rng.choice([2000000, 4000000, 8000000])),
                public_fundraising=org_type == "foundation" and made % 3 == 0,
                address=f"{region.full_name}{rng.choice(['人民路', '干将路', '东环路', '星湖街', '金鸡湖大道'])}{rng.randrange(1, 999)}号",
                phone=f"0512-6{rng.randrange(1000000, 9999999)}",
                business_scope="行业自律、行业服务、行业协调、行业代表；开展调查研究、培训交流、咨询服务。",
            )
            organization.full_clean(validate_unique=False)
            organization._history_user = None
            organization._change_reason = "seed_demo"
            organization.save()
            made += 1
        return made

    def create_logins(self) -> list[tuple[str, str]]:
        """One login per role (created once; the areas' demo data acts through them)."""
        gusu = "320508"
        unit = SupervisingUnit.objects.filter(region_id=CITY).order_by("id").first()
        organization = (
            Organization.objects.filter(region_id=gusu, status="active", supervising_unit=unit)
            .order_by("id")
            .first()
            or Organization.objects.filter(region_id=gusu, status="active").order_by("id").first()
        )
        logins = [
            (
                "city_registrar",
                "staff",
                {"region": CITY, "roles": ["registrar"]},
                "苏州市民政局 登记管理 (registrar, 3205)",
            ),
            (
                "gusu_registrar",
                "staff",
                {"region": gusu, "roles": ["registrar"]},
                "姑苏区民政局 (registrar, 320508)",
            ),
            (
                "city_supervisor",
                "staff",
                {"region": CITY, "roles": ["supervisor"]},
                "执法监督 (supervisor, 3205)",
            ),
            (
                "city_party",
                "staff",
                {"region": CITY, "roles": ["party_officer"]},
                "党建工作 (party_officer, 3205)",
            ),
            (
                "city_instructor",
                "staff",
                {"region": CITY, "roles": ["instructor"]},
                "党建指导员 (instructor)",
            ),
            ("city_stats", "staff", {"region": CITY, "roles": ["statistician"]}, "统计 (statistician, 3205)"),
            (
                "city_admin",
                "staff",
                {"region": CITY, "roles": ["admin"]},
                "管理员 (admin, 3205; Django admin)",
            ),
            ("unit_user", "unit", {"unit": unit}, f"业务主管单位: {unit}"),
            ("org_user", "org", {"organization": organization}, f"社会组织: {organization}"),
            ("applicant", "applicant", {}, "发起人 (applicant)"),
        ]
        User = get_user_model()
        for username, kind, extra, _label in logins:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username, password=DEMO_PASSWORD, email=f"{username}@example.com"
                )
                UserScope.objects.create(
                    user=user,
                    kind=kind,
                    region_id=extra.get("region"),
                    roles=extra.get("roles", []),
                    supervising_unit=extra.get("unit"),
                    organization=extra.get("organization"),
                )
                if username == "city_admin":
                    user.is_staff = user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
        return [(username, label) for username, _kind, _extra, label in logins]

    def print_logins(self, logins, address):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}) at http://{address}/login/")
        for username, label in logins:
            self.stdout.write(f"  {username:<16} {label}")
