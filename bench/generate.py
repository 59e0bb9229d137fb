"""National-scale registry data on PostgreSQL (the dataset bench/registry.py and bench/fees.py measure).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/generate.py --orgs 1000000 [--reports-years 10] [--applications 200000] \\
        [--seed 1] [--reset]

Creates the database if it is missing, migrates it and loads the GB/T 2260 regions (load_regions), then
COPYs (psycopg 3 `cursor.copy`, batches of --batch rows, one transaction each):
- supervising units for every province and city;
- --orgs organizations over ALL county regions (every county gets at least one when --orgs ≥ counties;
  ~4% are provincial, ~16% city-level), valid unique credit codes (orgs.codes.make_credit_code; community
  organizations partly filed with a filing number instead), realistic Chinese names, their pinyin
  initials (exactly orgs.search.name_initials, computed per segmented word — see `Initials`) and name pairs
  (orgs.search.name_pairs), a mix of type/category/status, supervising units, legal representatives with
  valid ID numbers;
  the KNOWN_NAMES used by bench/registry.py are always among them;
- --reports-years N: annual reports for the N years before the current one (mostly accepted with a result;
  the latest year has drafts, submissions and returned reports), realistic figures;
- --applications N: registration applications.
Secondary indexes of the organization and annual-report tables are dropped before a large load and rebuilt
after it (their definitions are kept in bench/out/ while they are gone), then everything is ANALYZEd.
No django-simple-history rows are written. --reset truncates the bench tables (and what references them).
Timings go to stdout and bench/out/generate.json.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import psycopg  # noqa: E402

OUT = ROOT / "bench" / "out"
CST = timezone(timedelta(hours=8))

# Names bench/registry.py searches for (simplified, traditional, pinyin initials); always generated once each.
KNOWN_NAMES = [
    ("中国复合材料工业协会", "11", "social_group", "industry_association"),
    ("江苏省软件行业协会", "32", "social_group", "industry_association"),
    ("苏州市吴中区围棋协会", "320506", "social_group", "other"),
    ("广东省慈善总会", "44", "social_group", "charity"),
    ("上海市长宁区社区养老服务中心", "310105", "social_service_agency", "community"),
    ("浙江省教育发展基金会", "33", "foundation", "charity"),
    ("重庆市长寿区银行业协会", "500115", "social_group", "industry_association"),
]

# (field, share) — the middle part of a name; the suffix depends on the type.
GROUP_FIELDS = [
    "复合材料工业",
    "软件行业",
    "物流与采购",
    "汽车工业",
    "纺织工业",
    "电子商务",
    "机械工业",
    "建筑业",
    "房地产业",
    "餐饮行业",
    "烹饪",
    "酒店业",
    "旅游",
    "家具行业",
    "装饰装修",
    "物业管理",
    "食品工业",
    "乳制品",
    "茶叶",
    "水产",
    "果品",
    "花卉",
    "蔬菜",
    "畜牧业",
    "种子",
    "农业机械",
    "中医药",
    "医院管理",
    "护理",
    "药学",
    "医师",
    "营养学",
    "心理咨询",
    "教育",
    "民办教育",
    "学前教育",
    "职业教育",
    "高等教育",
    "图书馆",
    "档案",
    "出版",
    "印刷",
    "广告",
    "摄影家",
    "书法家",
    "美术家",
    "音乐家",
    "舞蹈家",
    "戏剧家",
    "作家",
    "曲艺家",
    "围棋",
    "象棋",
    "桥牌",
    "篮球",
    "足球",
    "乒乓球",
    "羽毛球",
    "游泳",
    "田径",
    "登山",
    "自行车",
    "钓鱼",
    "健身气功",
    "武术",
    "太极拳",
    "老年人体育",
    "青年企业家",
    "女企业家",
    "个体劳动者",
    "私营企业",
    "中小企业",
    "外商投资企业",
    "进出口商",
    "商业联合",
    "连锁经营",
    "超市",
    "再生资源",
    "环境保护",
    "节能",
    "新能源",
    "光伏",
    "风能",
    "电力",
    "水利",
    "土木工程",
    "测绘",
    "地质",
    "气象",
    "海洋",
    "航空",
    "船舶工业",
    "钢铁工业",
    "有色金属",
    "化学工业",
    "石油",
    "橡胶",
    "塑料",
    "造纸",
    "陶瓷",
    "玻璃",
    "建材",
    "水泥",
    "混凝土",
    "人工智能",
    "大数据",
    "集成电路",
    "互联网",
    "信息化",
    "网络安全",
    "物联网",
    "区块链",
    "动漫",
    "电影",
    "广播电视",
    "新闻工作者",
    "律师",
    "会计",
    "审计",
    "税务师",
    "资产评估",
    "银行业",
    "证券业",
    "保险行业",
    "融资担保",
    "小额贷款",
    "典当",
    "拍卖",
    "收藏家",
    "钱币",
    "集邮",
    "科普",
    "科技",
    "发明",
    "专利",
    "知识产权",
    "标准化",
    "质量管理",
    "计量测试",
    "安全生产",
    "消防",
    "应急救援",
    "红十字",
    "慈善",
    "志愿者",
    "社会工作",
    "残疾人",
    "老龄事业",
    "妇女儿童",
    "青少年",
    "家庭教育",
    "婚姻家庭",
    "殡葬",
    "民俗文化",
    "地方志",
    "历史",
    "考古",
    "文物保护",
    "博物馆",
    "非物质文化遗产",
    "诗词",
    "楹联",
    "收藏",
    "古琴",
    "京剧",
    "越剧",
    "昆曲",
    "粤剧",
    "黄梅戏",
    "杂技",
    "魔术",
    "剪纸",
    "刺绣",
    "陶艺",
    "紫砂",
    "玉石",
    "珠宝",
    "钟表",
    "眼镜",
    "美容美发",
    "洗染",
    "家政服务",
    "月嫂",
    "保安",
    "快递",
    "出租汽车",
    "道路运输",
    "公共交通",
    "港口",
    "仓储",
    "冷链",
    "粮食",
    "饲料",
    "兽医",
    "宠物",
    "动物保护",
    "野生动物保护",
    "林业",
    "园林",
    "绿化",
    "湿地保护",
    "生态",
    "循环经济",
    "乡村振兴",
    "农民专业合作",
    "村镇建设",
    "城市规划",
    "建筑师",
    "勘察设计",
    "工程监理",
    "招标投标",
    "政府采购",
    "人力资源",
    "职业培训",
    "就业促进",
    "创业",
    "校友",
    "同乡",
    "侨联",
    "台商",
    "港澳",
    "海外联谊",
]
SERVICE_FIELDS = [
    "社区养老服务",
    "居家养老服务",
    "康复",
    "残疾人康复",
    "儿童福利",
    "青少年发展",
    "心理健康服务",
    "社会工作服务",
    "公益服务",
    "法律援助服务",
    "家庭教育指导",
    "职业技能培训",
    "外语培训",
    "艺术培训",
    "体育培训",
    "科普教育",
    "文化传播",
    "环保公益",
    "志愿服务",
    "邻里互助",
    "助残服务",
    "医疗服务",
    "中医门诊",
    "口腔门诊",
    "护理",
    "托育服务",
    "早期教育",
    "课外辅导",
    "民办学校",
    "图书阅读",
    "非遗传承",
    "乡村振兴发展",
    "创业孵化",
    "人才服务",
    "信息技术研究",
    "经济研究",
    "城市发展研究",
    "生态环境研究",
    "社区发展",
]
FOUNDATION_FIELDS = [
    "教育发展",
    "扶贫",
    "慈善",
    "见义勇为",
    "助学",
    "青少年发展",
    "妇女发展",
    "儿童",
    "老龄事业",
    "残疾人福利",
    "红十字",
    "科技创新",
    "文化",
    "体育",
    "医疗救助",
    "环境保护",
    "生态保护",
    "乡村振兴",
    "拥军优属",
    "校友",
    "侨界",
    "公益",
    "爱心",
]
SUFFIXES = {
    "social_group": [("协会", 60), ("学会", 12), ("商会", 8), ("联合会", 6), ("促进会", 6), ("研究会", 5),
                     ("联谊会", 3)],
    "social_service_agency": [("中心", 45), ("服务中心", 20), ("研究院", 6), ("培训学校", 12), ("学校", 5),
                              ("院", 5), ("服务社", 7)],
    "foundation": [("基金会", 100)],
}  # fmt: skip
CATEGORIES = {
    "social_group": [("industry_association", 38), ("chamber_of_commerce", 10), ("out_of_town_chamber", 3),
                     ("township_chamber", 3), ("academic", 18), ("federation", 8), ("charity", 3), ("community", 7),
                     ("other", 10)],
    "social_service_agency": [("other", 45), ("community", 30), ("charity", 10), ("academic", 15)],
    "foundation": [("charity", 80), ("other", 20)],
}  # fmt: skip
TYPES = [("social_group", 55), ("social_service_agency", 43), ("foundation", 2)]
STATUSES = [("active", 85), ("abnormal", 6), ("deregistered", 7), ("revoked", 2)]
LEVEL_SHARE = [("province", 4), ("city", 16), ("county", 80)]
DIRECT = {
    "industry_association",
    "chamber_of_commerce",
    "out_of_town_chamber",
    "township_chamber",
    "charity",
    "community",
}  # fmt: skip  (registered directly: usually no supervising unit)
UNIT_NAMES = ["民政局", "教育局", "科学技术协会", "文化和旅游局", "卫生健康委员会", "体育局", "工商业联合会",
              "人力资源和社会保障局", "农业农村局", "商务局", "社会科学界联合会", "文学艺术界联合会"]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明海燕红梅玉兰春梅金凤文辉晓东晓明宏伟立新振华国强永刚德明"
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "长江路", "文化路", "胜利路", "东风路",
           "朝阳路", "青年路", "工业园路", "科技路", "滨湖路"]  # fmt: skip


def pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class Initials:
    """orgs.search.name_initials, exactly, at a fraction of the cost.

    name_initials(name) is lazy_pinyin(name, FIRST_LETTER) filtered to a–z. pypinyin segments the whole name
    (so a phrase may span our place/field/suffix parts: 重庆市长寿区 reads 市长 as "shì zhǎng", which is why
    initials of the parts cannot simply be joined) and then converts each segmented word on its own, with no
    context. So: segment each name exactly as lazy_pinyin does (pypinyin.core._default_pinyin.seg) and
    convert each distinct word once (cached). The result is checked against name_initials on a sample."""

    def __init__(self):
        from pypinyin import Style
        from pypinyin.core import _default_convert, _default_pinyin

        self._seg = _default_pinyin.seg
        self._convert = _default_convert.convert
        self._style = Style.FIRST_LETTER
        self._words: dict[str, str] = {}

    def _word(self, word: str) -> str:
        cached = self._words.get(word)
        if cached is None:
            parts = self._convert(word, self._style, False, "default", strict=True)
            cached = "".join(ch for item in parts for part in item for ch in part.lower() if "a" <= ch <= "z")
            self._words[word] = cached
        return cached

    def __call__(self, name: str) -> str:
        return "".join(self._word(word) for word in self._seg(name))


def ensure_database(url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def connect():
    conn = psycopg.connect(os.environ["DATABASE_URL"])
    conn.execute("SET synchronous_commit = off")
    return conn


def copier(conn, table: str, model, values: dict):
    """(columns, defaults): every concrete column but the id, with the model's default when not given."""
    columns, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.get_internal_type() in ("AutoField", "BigAutoField"):
            continue
        columns.append(field.column)
        if field.has_default():
            default = field.get_default()
            if field.get_internal_type() == "JSONField":
                default = json.dumps(default)
        elif field.null:
            default = None
        else:
            default = ""
        defaults.append(default)
    return columns, defaults


def copy_batches(conn, table, columns, rows, batch: int, label: str, total: int | None = None) -> int:
    """COPY an iterator of tuples in batches of `batch` rows, one transaction each."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    written, started = 0, time.perf_counter()
    rows = iter(rows)
    while True:
        count = 0
        with conn.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if count >= batch:
                    break
        conn.commit()
        written += count
        if count:
            rate = written / (time.perf_counter() - started)
            of = f"/{total:,}" if total else ""
            print(f"  {label}: {written:,}{of} rows ({rate:,.0f} rows/s)", flush=True)
        if count < batch:
            return written


class DroppedIndexes:
    """Drop a table's secondary indexes (not the ones behind constraints) for a bulk load; rebuild after."""

    def __init__(self, conn, table: str):
        self.conn, self.table = conn, table
        self.definitions = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint) ORDER BY indexname",
            [table],
        ).fetchall()
        # An expression index's own statistics target (orgs/0007) goes with the index: set it again after.
        self.statistics = conn.execute(
            "SELECT c.relname, a.attnum, a.attstattarget FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid WHERE i.indrelid = %s::regclass AND a.attstattarget > 0",
            [table],
        ).fetchall()
        self.saved = OUT / f"indexes-{table}.sql"
        self.seconds = 0.0

    def alter_statistics(self) -> list[str]:
        return [f'ALTER INDEX "{n}" ALTER COLUMN {c} SET STATISTICS {t};\n' for n, c, t in self.statistics]

    def __enter__(self):
        OUT.mkdir(exist_ok=True)
        self.saved.write_text(
            "".join(f"{d};\n" for _n, d in self.definitions) + "".join(self.alter_statistics())
        )
        for name, _definition in self.definitions:
            self.conn.execute(f'DROP INDEX IF EXISTS "{name}"')
        self.conn.commit()
        return self

    def __exit__(self, *exc):
        started = time.perf_counter()
        self.conn.rollback()
        self.conn.execute("SET maintenance_work_mem = '1GB'")
        self.conn.execute("SET max_parallel_maintenance_workers = 2")
        for name, definition in self.definitions:
            t = time.perf_counter()
            self.conn.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            self.conn.commit()
            print(f"  index {name}: {time.perf_counter() - t:.1f}s", flush=True)
        for statement in self.alter_statistics():
            self.conn.execute(statement)
        self.conn.commit()
        self.saved.unlink(missing_ok=True)
        self.seconds = time.perf_counter() - started
        return False


def restore_saved_indexes(conn) -> None:
    """A previous run died with indexes dropped: put them back."""
    for saved in OUT.glob("indexes-*.sql"):
        for statement in filter(None, (s.strip() for s in saved.read_text().split(";\n"))):
            conn.execute(statement.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        conn.commit()
        saved.unlink()
        print(f"restored indexes from {saved.name}")


def stamp(rng, start: date, end: date) -> datetime:
    days = (end - start).days
    day = start + timedelta(days=rng.randrange(max(days, 1)))
    return datetime(day.year, day.month, day.day, rng.randrange(8, 19), rng.randrange(60), rng.randrange(60),
                    rng.randrange(1_000_000), tzinfo=CST)  # fmt: skip


def id_number(rng, county: str) -> str:
    from orgs.codes import id_number_check_char

    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 48))
    first17 = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


# --------------------------------------------------------------------------------------------- regions, units
def load_places(conn):
    """Province, city and county regions with the place name an organization there would carry."""
    regions = {code: (name, level, parent) for code, name, level, parent in conn.execute(
        "SELECT code, name, level, parent_id FROM orgs_region WHERE level IN ('province', 'city', 'county')")}  # fmt: skip
    has_children = {parent for _n, _l, parent in regions.values() if parent}
    provinces = sorted(c for c, (_n, lvl, _p) in regions.items() if lvl == "province")
    cities = sorted(c for c, (_n, lvl, _p) in regions.items() if lvl == "city")
    counties = sorted(c for c, (_n, lvl, _p) in regions.items() if lvl == "county")
    # A city without counties (东莞, 中山…) registers its organizations itself: it stands in for a county.
    counties += [c for c in cities if c not in has_children]
    places = {}
    for code, (name, level, parent) in regions.items():
        province = regions[code[:2]][0] if code[:2] in regions else name
        if level == "county" and parent and len(parent) == 4:
            city = regions[parent][0]
            prefixes = [name] if city in (province, "市辖区", "县") else [name, city + name]
        else:
            prefixes = [name]
        places[code] = prefixes
    return provinces, cities, sorted(counties), places


def add_units(conn, rng, provinces, cities, places, batch) -> dict:
    """Supervising units for every province and city; returns region → [unit ids]."""
    from orgs.models import SupervisingUnit

    have = conn.execute("SELECT count(*) FROM orgs_supervisingunit").fetchone()[0]
    if not have:
        columns, defaults = copier(conn, "orgs_supervisingunit", SupervisingUnit, {})
        now = datetime.now(CST)

        def rows():
            for code in provinces + cities:
                base = places[code][0]
                for unit in UNIT_NAMES:
                    if code in provinces:
                        unit = unit.replace("局", "厅").replace("卫生健康委员会", "卫生健康委员会")
                    values = dict(zip(columns, defaults, strict=True))
                    values.update(name=base + unit, region_id=code,
                                  kind="industry" if unit.startswith(("商务", "农业")) else "competent",
                                  updated_at=now)  # fmt: skip
                    yield tuple(values.values())

        copy_batches(conn, "orgs_supervisingunit", columns, rows(), batch, "supervising units")
    units: dict[str, list[int]] = {}
    for unit_id, region in conn.execute("SELECT id, region_id FROM orgs_supervisingunit ORDER BY id"):
        units.setdefault(region, []).append(unit_id)
    return units


# --------------------------------------------------------------------------------------------- organizations
def organization_rows(
    n,
    rng,
    provinces,
    cities,
    counties,
    places,
    units,
    columns,
    defaults,
    initials,
    registered_until: date | None = None,
):
    from orgs.codes import make_credit_code, org_body_from_number
    from orgs.search import name_pairs

    type_digit = {"social_group": "1", "social_service_agency": "2", "foundation": "3"}
    fields = {"social_group": GROUP_FIELDS, "social_service_agency": SERVICE_FIELDS,
              "foundation": FOUNDATION_FIELDS}  # fmt: skip
    sequence: dict[str, int] = {}
    filing_seq = 0
    base = dict(zip(columns, defaults, strict=True))
    today = date.today()
    known = list(KNOWN_NAMES)
    spread = rng.sample(range(n), min(len(known), n))  # positions of the known names

    for index in range(n):
        if known and index in spread:
            name, region, org_type, category = known.pop()
        else:
            if index < len(counties):  # every county gets organizations
                level = "county"
                region = counties[index]
            else:
                level = pick(rng, LEVEL_SHARE)
                region = rng.choice({"province": provinces, "city": cities, "county": counties}[level])
            org_type = pick(rng, TYPES)
            category = pick(rng, CATEGORIES[org_type])
            prefix = rng.choice(places[region])
            if level == "province" and region == "11" and rng.random() < 0.5:
                prefix = "中国"  # national organizations (registered with the ministry) sit in Beijing here
            name = make_name(prefix, rng.choice(fields[org_type]), pick(rng, SUFFIXES[org_type]))
        status = pick(rng, STATUSES)
        county = region.ljust(6, "0")
        credit_code = filing = None
        if category == "community" and rng.random() < 0.4:
            filing_seq += 1
            filing = f"{county}-BA-{filing_seq:07d}"
        else:
            seq = sequence.get(county, 0)
            sequence[county] = seq + 1
            credit_code = make_credit_code(type_digit[org_type], county, org_body_from_number(seq))
        city = region[:4] if len(region) >= 4 else region
        unit = None
        if category not in DIRECT or rng.random() < 0.15:
            candidates = units.get(city) or units.get(region[:2])
            unit = rng.choice(candidates) if candidates else None
        last_day = registered_until or today
        registered = date(1985, 1, 1) + timedelta(days=rng.randrange((last_day - date(1985, 1, 1)).days))
        created = stamp(rng, date(2021, 1, 1), today)
        updated = created + timedelta(days=rng.randrange(max((today - created.date()).days, 1)))
        row = dict(base)
        name_initials = initials(name)
        row.update(
            credit_code=credit_code,
            filing_number=filing,
            name=name,
            name_initials=name_initials,
            name_pairs=name_pairs(name, name_initials),
            org_type=org_type,
            category=category,
            hub_type=rng.choice(["party_building", "platform", "street", "spontaneous"])
            if rng.random() < 0.02
            else "",
            region_id=region,
            supervising_unit_id=unit,
            status=status,
            registered_on=registered,
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
            legal_representative_id_number=id_number(rng, county),
            registered_capital=Decimal(rng.choice([30000, 50000, 100000, 200000, 300000, 500000, 2000000, 8000000])),
            public_fundraising=org_type == "foundation" and rng.random() < 0.3,
            address=f"{places[region][0]}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
            phone=f"0{rng.randrange(10, 999)}-{rng.randrange(20000000, 89999999)}",
            business_scope="开展行业调研、培训、交流、咨询服务，维护会员合法权益。",
            deregistered_on=min(registered + timedelta(days=rng.randrange(300, 6000)), today) if status == "deregistered" else None,
            status_reason="未按规定参加年度检查" if status == "abnormal" else "",
            created_at=created,
            updated_at=updated,
        )  # fmt: skip
        yield tuple(row.values())


def add_organizations(conn, n, seed, batch, places_data, units, registered_until=None) -> dict:
    from orgs.models import Organization
    from orgs.search import name_initials

    provinces, cities, counties, places = places_data
    initials = Initials()
    # The fast path must give exactly what the model's save() gives.
    check = random.Random(seed + 7)
    sample = [name for name, *_ in KNOWN_NAMES] + [
        rng_name(check, places, counties + cities + provinces) for _ in range(3000)
    ]
    wrong = [(s, initials(s), name_initials(s)) for s in sample if initials(s) != name_initials(s)]
    if wrong:
        sys.exit(f"pinyin initials differ from orgs.search.name_initials: {wrong[:5]}")
    print(f"  initials: fast path equals name_initials on {len(sample):,} sample names")

    have = conn.execute("SELECT count(*) FROM orgs_organization").fetchone()[0]
    if have:
        print(f"  {have:,} organizations already there (use --reset to rebuild)")
        return {"organizations": have, "copy_seconds": 0.0, "index_seconds": 0.0}
    columns, defaults = copier(conn, "orgs_organization", Organization, {})
    rng = random.Random(seed)
    started = time.perf_counter()
    rows = organization_rows(
        n, rng, provinces, cities, counties, places, units, columns, defaults, initials, registered_until
    )
    with DroppedIndexes(conn, "orgs_organization") as dropped:
        written = copy_batches(conn, "orgs_organization", columns, rows, batch, "organizations", n)
        copied = time.perf_counter() - started
    return {
        "organizations": written,
        "copy_seconds": round(copied, 1),
        "index_seconds": round(dropped.seconds, 1),
    }


def rng_name(rng, places, codes) -> str:
    org_type = pick(rng, TYPES)
    fields = {"social_group": GROUP_FIELDS, "social_service_agency": SERVICE_FIELDS,
              "foundation": FOUNDATION_FIELDS}[org_type]  # fmt: skip
    return make_name(rng.choice(places[rng.choice(codes)]), rng.choice(fields), pick(rng, SUFFIXES[org_type]))


def make_name(prefix: str, field: str, suffix: str) -> str:
    if field.endswith("服务") and suffix.startswith("服务"):
        suffix = suffix[2:]  # 社区养老服务 + 服务中心 → 社区养老服务中心
    return prefix + field + suffix


# --------------------------------------------------------------------------------------------- annual reports
# One report per organization per year, generated IN the database (INSERT … SELECT, one statement per year):
# 10,000,000 rows of Python-made tuples through COPY took ~45 minutes on the shared 2-CPU machine. Each
# organization has one size (a log-normal scale from a hash of its id) so that its figures hang together over
# the years; the latest year has drafts, submissions and returned reports, abnormal organizations often did
# not file (a draft), deregistered/revoked ones never filed the latest year.
REPORT_SQL = """
WITH o AS (
    SELECT id, org_type, status AS org_status,
           exp(1.2 * sqrt(-2 * ln((hashint8(id)::bigint + 2147483649) / 4294967298.0))
               * cos(2 * pi() * (hashint8(id + 7777777)::bigint + 2147483649) / 4294967298.0)) AS size
    FROM orgs_organization
), r AS (
    SELECT o.*, random() AS r, random() AS r2, random() AS q, random() AS u,
           (1 + (%(year)s - %(first)s) * 0.04) AS grow
    FROM o
), s AS (
    SELECT r.*,
           CASE WHEN %(latest)s AND org_status IN ('deregistered', 'revoked') THEN 'draft'
                WHEN %(latest)s AND r < 0.12
                     THEN (ARRAY['draft', 'draft', 'submitted', 'unit_reviewed', 'returned'])[1 + floor(r2 * 5)::int]
                WHEN org_status = 'abnormal' AND r < 0.3 THEN 'draft'
                ELSE 'accepted' END AS state,
           round(CASE WHEN org_type = 'foundation' THEN size * grow * (1e6 + u * 1.9e7)
                      ELSE size * grow * (1e5 + u * 9e5) END) AS income
    FROM r
), t1 AS (
    SELECT s.*,
           CASE WHEN state <> 'draft' THEN %(submit_from)s::timestamptz + random() * interval '91 days'
                + interval '8 hours' + random() * interval '10 hours' END AS submitted,
           round(income * (0.1 + random() * 0.5)) AS dues,
           round(income * random() * 0.3) AS donations,
           (size * random() * 300)::int AS members
    FROM s
), t AS (
    SELECT t0.*, least((size * random() * 10)::int, jobs) AS grad
    FROM (SELECT t1.*, (size * random() * 30)::int AS jobs, (size * random() * 8)::int AS interns FROM t1) t0
)
INSERT INTO orgs_annualreport ({columns})
SELECT {values}
FROM t
"""
REPORT_VALUES = {
    "organization_id": "id",
    "year": "%(year)s",
    "status": "state",
    "result": "CASE WHEN state = 'accepted' THEN CASE WHEN q < 0.86 THEN 'qualified' "
              "WHEN q < 0.96 THEN 'basically_qualified' ELSE 'unqualified' END ELSE '' END",
    "members_unit": "CASE WHEN org_type = 'social_group' THEN members ELSE 0 END",
    "members_individual": "CASE WHEN org_type = 'social_group' THEN (members * random() * 3)::int ELSE 0 END",
    "staff": "greatest(1, (size * (2 + random() * 13))::int)",
    "party_members": "(size * random() * 6)::int",
    "income_total": "income",
    "income_dues": "CASE WHEN org_type = 'social_group' THEN dues ELSE 0 END",
    "income_donations": "donations",
    "income_government": "round(greatest(income - dues - donations, 0) * random() * 0.5)",
    "expense_total": "round(income * (0.7 + random() * 0.4))",
    "net_assets": "round(income * (-0.2 + random() * 2.2))",
    "jobs_posted": "jobs",
    "graduate_jobs": "grad",  # ≤ jobs_posted (the report's own rule)
    "internship_posts": "interns",
    "graduates_hired": "least((size * random() * 4)::int, grad + interns)",  # ≤ graduate jobs + internships
    "standards_drafted": "(ARRAY[0, 0, 0, 0, 1, 2])[1 + floor(random() * 6)::int]",
    "standards_joined": "(ARRAY[0, 0, 0, 1])[1 + floor(random() * 4)::int]",
    "funds_raised": "round(size * random() * 2e5)",
    "rural_funds": "round(size * random() * 5e4)",
    "east_west_funds": "CASE WHEN random() < 0.2 THEN round(size * random() * 2e4) ELSE 0 END",
    "projects_run": "(size * random() * 6)::int",
    "beneficiaries": "(size * random() * 2000)::int",
    "villages_paired": "(ARRAY[0, 0, 0, 1, 2])[1 + floor(random() * 5)::int]",
    "events_held": "(size * random() * 20)::int",
    "platforms_built": "(ARRAY[0, 0, 1])[1 + floor(random() * 3)::int]",
    "disputes_mediated": "(size * random() * 5)::int",
    "fees_reduced": "CASE WHEN random() < 0.3 THEN round(size * random() * 3e4) ELSE 0 END",
    "enterprises_benefiting": "(size * random() * 50)::int",
    "submitted_at": "submitted",
    "unit_reviewed_at": "CASE WHEN state IN ('unit_reviewed', 'accepted') "
                        "THEN submitted + interval '1 day' + random() * interval '4 days' END",
    "accepted_at": "CASE WHEN state = 'accepted' THEN submitted + interval '5 days' + random() * interval '35 days' END",
    "created_at": "coalesce(submitted - interval '1 day' - random() * interval '29 days', "
                  "%(created_from)s::timestamptz + random() * interval '150 days')",
    "updated_at": "coalesce(submitted + interval '20 days', submitted, "
                  "%(created_from)s::timestamptz + random() * interval '150 days')",
}  # fmt: skip


def add_reports(conn, years, seed, batch) -> dict:
    from orgs.models import AnnualReport

    last = date.today().year - 1
    first = last - years + 1
    done = {year for (year,) in conn.execute("SELECT DISTINCT year FROM orgs_annualreport")}
    todo = [year for year in range(first, last + 1) if year not in done]  # resumable, a year at a time
    if not todo:
        have = conn.execute("SELECT count(*) FROM orgs_annualreport").fetchone()[0]
        print(f"  {have:,} annual reports already there (use --reset to rebuild)")
        return {"annual_reports": have, "insert_seconds": 0.0, "index_seconds": 0.0}
    columns, defaults = copier(conn, "orgs_annualreport", AnnualReport, {})
    values, params = [], {}
    for column, default in zip(columns, defaults, strict=True):
        if column in REPORT_VALUES:
            values.append(REPORT_VALUES[column])
        else:
            params[f"d_{column}"] = default
            values.append(f"%(d_{column})s")
    sql = REPORT_SQL.format(columns=", ".join(columns), values=",\n       ".join(values))
    started = time.perf_counter()
    written = 0
    conn.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
    with DroppedIndexes(conn, "orgs_annualreport") as dropped:
        for year in todo:
            t = time.perf_counter()
            cursor = conn.execute(sql, {**params, "year": year, "first": first, "latest": year == last,
                                        "submit_from": f"{year + 1}-03-01 00:00+08",
                                        "created_from": f"{year + 1}-01-01 00:00+08"})  # fmt: skip
            conn.commit()
            written += cursor.rowcount
            print(
                f"  annual reports {year}: {cursor.rowcount:,} rows in {time.perf_counter() - t:.1f}s",
                flush=True,
            )
        copied = time.perf_counter() - started
    return {
        "annual_reports": written,
        "insert_seconds": round(copied, 1),
        "index_seconds": round(dropped.seconds, 1),
    }


# --------------------------------------------------------------------------------------------- applications
def add_applications(conn, n, seed, batch, places_data, units) -> dict:
    from django.contrib.auth import get_user_model

    from orgs.models import RegistrationApplication

    provinces, cities, counties, places = places_data
    have = conn.execute("SELECT count(*) FROM orgs_registrationapplication").fetchone()[0]
    if have:
        print(f"  {have:,} applications already there (use --reset to rebuild)")
        return {"applications": have, "copy_seconds": 0.0}
    applicant, _ = get_user_model().objects.get_or_create(username="bench-applicant")
    columns, defaults = copier(conn, "orgs_registrationapplication", RegistrationApplication, {})
    base = dict(zip(columns, defaults, strict=True))
    rng = random.Random(seed + 2)
    max_org = conn.execute("SELECT coalesce(max(id), 0) FROM orgs_organization").fetchone()[0]
    kinds = [("establish", 35), ("preparation", 15), ("change", 30), ("deregister", 8), ("filing", 12)]
    statuses = [("approved", 55), ("submitted", 8), ("unit_consented", 5), ("accepted", 8), ("draft", 8),
                ("correction_requested", 5), ("refused", 4), ("withdrawn", 4), ("lapsed", 3)]  # fmt: skip
    today = date.today()

    def rows():
        for _ in range(n):
            kind = pick(rng, kinds)
            region = rng.choice(counties) if rng.random() < 0.8 else rng.choice(cities)
            org_type = pick(rng, TYPES)
            name = rng.choice(places[region]) + rng.choice(GROUP_FIELDS) + pick(rng, SUFFIXES["social_group"])
            status = pick(rng, statuses)
            created = stamp(rng, date(2021, 1, 1), today)
            submitted = created + timedelta(days=rng.randrange(0, 10)) if status != "draft" else None
            row = dict(base)
            row.update(
                kind=kind, applicant_id=applicant.pk, org_type=org_type, category=pick(rng, CATEGORIES[org_type]),
                region_id=region, supervising_unit_id=rng.choice(units.get(region[:4], [None])),
                organization_id=rng.randrange(1, max_org + 1) if kind in ("change", "deregister") and max_org else None,
                proposed=json.dumps({"name": name}, ensure_ascii=False), proposed_name=name, status=status,
                submitted_at=submitted,
                accepted_at=submitted + timedelta(days=rng.randrange(1, 5)) if submitted and status in (
                    "accepted", "approved", "refused") else None,
                due_on=(submitted + timedelta(days=60)).date() if submitted else None,
                decided_at=submitted + timedelta(days=rng.randrange(5, 55)) if submitted and status in (
                    "approved", "refused") else None,
                created_at=created, updated_at=submitted or created,
            )  # fmt: skip
            yield tuple(row.values())

    started = time.perf_counter()
    written = copy_batches(conn, "orgs_registrationapplication", columns, rows(), batch, "applications", n)
    return {"applications": written, "copy_seconds": round(time.perf_counter() - started, 1)}


# --------------------------------------------------------------------------------------------- party building
PARTY_FIELDS = [
    "行业协会商会",
    "社会服务机构",
    "基金会",
    "科技类社会组织",
    "文化体育类社会组织",
    "公益慈善类社会组织",
]


def add_party(conn, n, subtree, seed, batch) -> dict:
    """n party organizations in a tree (materialized path, as party_building.services writes it):
    两新工委 per province and city → industry committees → committees / general branches / branches / joint
    branches covering organizations of their region (a joint branch 3–5), plus one province-level industry
    committee (江苏) whose subtree holds exactly `subtree` nodes (committees → general branches → branches).
    Instructors are assigned to a share of the organizations left uncovered (work coverage)."""
    from party_building.models import Assignment, PartyCoverage, PartyInstructor, PartyOrganization, path_step

    have = conn.execute("SELECT count(*) FROM party_building_partyorganization").fetchone()[0]
    if have:
        print(f"  {have:,} party organizations already there (use --reset to rebuild)")
        return {"party_organizations": have, "seconds": 0.0}
    rng = random.Random(seed + 3)
    today = date.today()
    now = datetime.now(CST)
    names = dict(
        conn.execute("SELECT code, name FROM orgs_region WHERE level IN ('province', 'city', 'county')")
    )
    provinces = sorted(c for c in names if len(c) == 2)
    cities = sorted(c for c in names if len(c) == 4)
    by_province: dict[str, list[int]] = {}
    by_city: dict[str, list[int]] = {}
    org_region: dict[int, str] = {}
    for org_id, region in conn.execute(
        "SELECT id, region_id FROM orgs_organization WHERE status IN ('active', 'abnormal') ORDER BY id"
    ):
        org_region[org_id] = region
        by_province.setdefault(region[:2], []).append(org_id)
        if len(region) >= 4:
            by_city.setdefault(region[:4], []).append(org_id)
    for ids in (*by_province.values(), *by_city.values()):
        rng.shuffle(ids)
    covered: set[int] = set()

    nodes = []  # (id, name, level, parent_id, path, region, founded, dissolved)
    covers = []  # (party org id, organization id, from)

    def node(name, level, parent, region):
        pk = len(nodes) + 1
        path = (parent[4] if parent else "") + path_step(pk)
        founded = date(2000, 1, 1) + timedelta(days=rng.randrange((today - date(2000, 1, 1)).days))
        dissolved = None
        if level in ("branch", "joint_branch") and rng.random() < 0.02:
            dissolved = min(founded + timedelta(days=rng.randrange(200, 3000)), today - timedelta(days=1))
        row = (pk, name, level, parent[0] if parent else None, path, region, founded, dissolved)
        nodes.append(row)
        return row

    def cover(party, pool, count):
        while count and pool:
            org_id = pool.pop()
            if org_id in covered:
                continue
            covered.add(org_id)
            covers.append((party[0], org_id, party[6], party[7]))
            count -= 1

    province_wc = {p: node(f"{names[p]}社会组织两新工委", "work_committee", None, p) for p in provinces}
    city_wc = {c: node(f"{names[c]}社会组织两新工委", "work_committee", province_wc[c[:2]], c)
               for c in cities if c[:2] in province_wc}  # fmt: skip
    industry = {c: [node(f"{names[c]}{f}综合党委", "industry_committee", wc, c) for f in rng.sample(PARTY_FIELDS, 3)]
                for c, wc in city_wc.items()}  # fmt: skip

    # The big subtree: 1 + 20 committees + 200 general branches + the rest branches = `subtree` nodes.
    big = node("江苏省行业协会商会综合党委", "industry_committee", province_wc["32"], "32")
    pool = by_province.get("32", [])
    branches = subtree - 1 - 20 - 200
    for i in range(20):
        committee = node(f"江苏省行业协会商会第{i + 1}党委", "committee", big, "32")
        cover(committee, pool, 1)
        for j in range(10):
            general = node(
                f"江苏省行业协会商会第{i + 1}党委第{j + 1}党总支", "general_branch", committee, "32"
            )
            cover(general, pool, 1)
            count = branches // 200 + (1 if i * 10 + j < branches % 200 else 0)
            for k in range(count):
                level = "joint_branch" if k % 10 == 0 else "branch"
                branch = node(f"{general[1]}第{k + 1}{'联合' if level == 'joint_branch' else ''}党支部", level,
                              general, "32")  # fmt: skip
                cover(branch, pool, rng.randint(3, 5) if level == "joint_branch" else 1)
    big_size = sum(1 for row in nodes if row[4].startswith(big[4]))

    # The rest: covering nodes under the city industry committees, in proportion to the organizations there.
    weights = [len(by_city.get(c, [])) or 1 for c in industry]
    city_list = list(industry)
    generals: dict[str, list] = {}
    while len(nodes) < n:
        city = rng.choices(city_list, weights)[0]
        parent = rng.choice(industry[city])
        r = rng.random()
        pool = by_city.get(city, [])
        if r < 0.04:
            level, count = "committee", 1
        elif r < 0.12:
            level, count = "general_branch", 1
        elif r < 0.27:
            level, count = "joint_branch", rng.randint(3, 5)
        else:
            level, count = "branch", 1
            if generals.get(city) and rng.random() < 0.4:
                parent = rng.choice(generals[city])
        label = {
            "committee": "党委",
            "general_branch": "党总支",
            "joint_branch": "联合党支部",
            "branch": "党支部",
        }
        row = node(f"{names[city]}社会组织第{len(nodes) + 1}{label[level]}", level, parent, city)
        if level == "general_branch":
            generals.setdefault(city, []).append(row)
        cover(row, pool, count)

    started = time.perf_counter()
    columns, defaults = copier(conn, "party_building_partyorganization", PartyOrganization, {})
    base = dict(zip(columns, defaults, strict=True))

    def party_rows():
        for pk, name, level, parent, path, region, founded, dissolved in nodes:
            row = dict(base)
            members = rng.randint(3, 40)
            row.update(name=name, level=level, parent_id=parent, path=path, depth=len(path) // 11,
                       region_id=region, secretary=rng.choice(SURNAMES) + rng.choice(GIVEN),
                       formal_members=members, probationary_members=rng.randint(0, 3), founded_on=founded,
                       dissolved_on=dissolved, created_at=now, updated_at=now)  # fmt: skip
            yield (pk, *row.values())

    copy_batches(conn, "party_building_partyorganization", ["id", *columns], party_rows(), batch,
                 "party organizations", len(nodes))  # fmt: skip
    conn.execute("SELECT setval(pg_get_serial_sequence('party_building_partyorganization', 'id'), %s)",
                 [len(nodes)])  # fmt: skip
    columns, defaults = copier(conn, "party_building_partycoverage", PartyCoverage, {})
    base = dict(zip(columns, defaults, strict=True))

    def coverage_rows():
        for party, org_id, founded, dissolved in covers:
            row = dict(base)
            row.update(
                party_organization_id=party, organization_id=org_id, from_date=founded, to_date=dissolved
            )
            yield tuple(row.values())

    copy_batches(conn, "party_building_partycoverage", columns, coverage_rows(), batch, "party coverage",
                 len(covers))  # fmt: skip

    # Instructors: one per ~25 uncovered organizations they are assigned to, for 40% of the uncovered.
    uncovered = [
        (org_id, org_region[org_id]) for ids in by_city.values() for org_id in ids if org_id not in covered
    ]
    rng.shuffle(uncovered)
    assigned = uncovered[: int(len(uncovered) * 0.4)]
    assigned.sort(key=lambda item: item[1])
    columns, defaults = copier(conn, "party_building_partyinstructor", PartyInstructor, {})
    base = dict(zip(columns, defaults, strict=True))
    instructor_of = []
    instructors = []
    for i in range(0, len(assigned), 25):
        instructors.append((len(instructors) + 1, assigned[i][1]))
        instructor_of.extend([len(instructors)] * len(assigned[i : i + 25]))

    def instructor_rows():
        for pk, region in instructors:
            row = dict(base)
            row.update(name=rng.choice(SURNAMES) + rng.choice(GIVEN), unit=f"{names.get(region, '')}民政局",
                       region_id=region, created_at=now, updated_at=now)  # fmt: skip
            yield (pk, *row.values())

    copy_batches(conn, "party_building_partyinstructor", ["id", *columns], instructor_rows(), batch,
                 "party instructors", len(instructors))  # fmt: skip
    conn.execute("SELECT setval(pg_get_serial_sequence('party_building_partyinstructor', 'id'), %s)",
                 [max(len(instructors), 1)])  # fmt: skip
    columns, defaults = copier(conn, "party_building_assignment", Assignment, {})
    base = dict(zip(columns, defaults, strict=True))

    def assignment_rows():
        for (org_id, _region), instructor in zip(assigned, instructor_of, strict=True):
            row = dict(base)
            row.update(instructor_id=instructor, organization_id=org_id,
                       from_date=date(2018, 1, 1) + timedelta(days=rng.randrange(2500)), to_date=None)  # fmt: skip
            yield tuple(row.values())

    copy_batches(conn, "party_building_assignment", columns, assignment_rows(), batch, "assignments",
                 len(assigned))  # fmt: skip
    conn.commit()
    return {"party_organizations": len(nodes), "big_subtree_root": big[0], "big_subtree_size": big_size,
            "max_depth": max(len(row[4]) // 11 for row in nodes), "coverages": len(covers),
            "instructors": len(instructors), "assignments": len(assigned),
            "copy_seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


def add_leaders(conn) -> dict:
    """Organization leaders, for the cross-appointment rate (交叉任职): every organization's president (its legal
    representative; a party member for one in five), and for half of the covered organizations the secretary
    of a party organization covering it, on the board as secretary general. Two INSERT … SELECT."""
    have = conn.execute("SELECT count(*) FROM party_building_organizationleader").fetchone()[0]
    if have:
        print(f"  {have:,} leaders already there (use --reset to rebuild)")
        return {"leaders": have, "seconds": 0.0}
    started = time.perf_counter()
    columns = "name, position, is_party_member, party_role, created_at, updated_at, organization_id"
    presidents = conn.execute(
        f"INSERT INTO party_building_organizationleader ({columns}) "
        "SELECT legal_representative, 'president', id % 5 = 0, '', created_at, created_at, id FROM orgs_organization"
    ).rowcount
    secretaries = conn.execute(
        f"INSERT INTO party_building_organizationleader ({columns}) "
        "SELECT DISTINCT ON (c.organization_id) p.secretary, 'secretary_general', true, '党组织书记', "
        "p.created_at, p.created_at, c.organization_id "
        "FROM party_building_partycoverage c JOIN party_building_partyorganization p ON p.id = c.party_organization_id "
        "WHERE c.organization_id % 2 = 0 AND p.secretary <> '' ORDER BY c.organization_id, c.id"
    ).rowcount
    conn.commit()
    return {"presidents": presidents, "secretaries_on_board": secretaries,
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


# --------------------------------------------------------------------------------------------- main
BENCH_TABLES = [
    "party_building_organizationleader",
    "party_building_assignment",
    "party_building_partyinstructor",
    "party_building_partycoverage",
    "party_building_partyorganization",
    "orgs_annualreport",
    "orgs_registrationapplication",
    "orgs_organization",
    "orgs_supervisingunit",
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--reports-years", type=int, default=0)
    parser.add_argument("--applications", type=int, default=0)
    parser.add_argument("--party", type=int, default=0, help="party organizations (e.g. 300000)")
    parser.add_argument("--party-subtree", type=int, default=10_000, help="size of the one big subtree")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="truncate the bench tables first")
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL.")
    timings = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "args": vars(args)}
    total = time.perf_counter()
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connect() as conn:
        restore_saved_indexes(conn)
        if not conn.execute("SELECT count(*) FROM orgs_region WHERE level = 'county'").fetchone()[0]:
            call_command("load_regions")
        timings["migrate_regions_seconds"] = round(time.perf_counter() - t, 1)

        if args.reset:
            t = time.perf_counter()
            conn.execute(f"TRUNCATE {', '.join(BENCH_TABLES)} RESTART IDENTITY CASCADE")
            for table in BENCH_TABLES:
                historical = table.replace("orgs_", "orgs_historical")
                if conn.execute("SELECT to_regclass(%s)", [historical]).fetchone()[0]:
                    conn.execute(f"TRUNCATE {historical} RESTART IDENTITY")
            conn.commit()
            timings["reset_seconds"] = round(time.perf_counter() - t, 1)
            print(f"reset: {timings['reset_seconds']}s")

        rng = random.Random(args.seed)
        places_data = load_places(conn)
        print(
            f"regions: {len(places_data[2]):,} counties (and county-less cities), {len(places_data[1])} cities"
        )
        units = add_units(conn, rng, places_data[0], places_data[1], places_data[3], args.batch)

        t = time.perf_counter()
        until = date(date.today().year - args.reports_years, 12, 31) if args.reports_years else None
        timings["organizations"] = add_organizations(conn, args.orgs, args.seed, args.batch, places_data, units,
                                                      until)  # fmt: skip
        timings["organizations"]["seconds"] = round(time.perf_counter() - t, 1)
        print(f"organizations: {timings['organizations']}", flush=True)
        # The code counters continue after the loaded codes (as a migration of existing data would set them),
        # so that issuing a credit code does not first skip over every code the dataset already holds.
        conn.execute(
            "INSERT INTO orgs_codesequence (key, value) SELECT 'credit:' || rpad(left(region_id, 6), 6, '0'), "
            "count(*) FROM orgs_organization WHERE credit_code IS NOT NULL GROUP BY 1 "
            "ON CONFLICT (key) DO UPDATE SET value = greatest(orgs_codesequence.value, EXCLUDED.value)"
        )
        conn.commit()

        if args.applications:
            t = time.perf_counter()
            timings["applications"] = add_applications(conn, args.applications, args.seed, args.batch,
                                                       places_data, units)  # fmt: skip
            timings["applications"]["seconds"] = round(time.perf_counter() - t, 1)
            print(f"applications: {timings['applications']}", flush=True)

        if args.party:
            t = time.perf_counter()
            timings["party"] = add_party(conn, args.party, args.party_subtree, args.seed, args.batch)
            timings["party"]["seconds"] = round(time.perf_counter() - t, 1)
            print(f"party: {timings['party']}", flush=True)
            timings["leaders"] = add_leaders(conn)
            print(f"leaders: {timings['leaders']}", flush=True)

        if args.reports_years:
            t = time.perf_counter()
            timings["annual_reports"] = add_reports(conn, args.reports_years, args.seed, args.batch)
            timings["annual_reports"]["seconds"] = round(time.perf_counter() - t, 1)
            print(f"annual reports: {timings['annual_reports']}", flush=True)
        t = time.perf_counter()
        conn.autocommit = True
        for table in BENCH_TABLES + ["orgs_region"]:
            conn.execute(f"ANALYZE {table}")
        timings["analyze_seconds"] = round(time.perf_counter() - t, 1)
        timings["counts"] = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in BENCH_TABLES
        }
        timings["counties_covered"] = conn.execute(
            "SELECT count(DISTINCT region_id) FROM orgs_organization WHERE length(region_id) = 6"
        ).fetchone()[0]
        timings["load"] = os.getloadavg()
    timings["total_seconds"] = round(time.perf_counter() - total, 1)
    OUT.mkdir(exist_ok=True)
    (OUT / "generate.json").write_text(json.dumps(timings, indent=2, ensure_ascii=False, default=str))
    print(json.dumps(timings, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
