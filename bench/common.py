"""What the benchmarks share: Django set up on the bench database, timing, query capture, plans, users.

Import it first (it sets the environment and calls django.setup()):

    from common import OUT, capture, plan, staff_client, timed, write_report
"""

import json
import math
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

OUT = ROOT / "bench" / "out"
INDEX_USE = re.compile(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)")


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL to the bench database.")


def peak_rss_kb() -> int:
    """This process's own peak resident memory (kB). On Linux `ru_maxrss` is carried over from the parent through
    fork and exec (a child of a 400 MB process starts at 400 MB): VmHWM belongs to the process's own memory."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(fn, repeat: int = 5, warmup: int = 1) -> dict:
    """Median / p95 / min of `repeat` runs of fn() after `warmup` runs, in milliseconds."""
    return timed_together({"fn": fn}, repeat, warmup)["fn"]


ORDERS = ("series", "turns")


def timed_together(
    fns: dict, repeat: int = 5, warmup: int = 1, digits: int = 1, order: str = "turns"
) -> dict:
    """timed() of each of several functions whose times are compared (a request and its SQL, a search and the
    lookup). `turns`: a, b, c, a, b, c, … — the machine's drift (on these shared 2-CPU machines a median moved
    by up to 2× within minutes) reaches them alike, and each run follows a different one, as requests do on a
    server. `series`: all runs of a, then of b, …: each run follows one of its own, with warm caches."""
    if order == "series":
        return {name: timed_together({name: fn}, repeat, warmup, digits)[name] for name, fn in fns.items()}
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: _summary(runs, digits) for name, runs in samples.items()}


def _summary(samples: list[float], digits: int) -> dict:
    samples = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), digits),
        "p95_ms": round(samples[max(math.ceil(len(samples) * 0.95) - 1, 0)], digits),
        "min_ms": round(samples[0], digits),
        "runs": len(samples),
    }


class Query(str):
    """A captured SQL string (with its %s placeholders) that carries its parameters."""

    params = None


def capture(fn, keep: bool = True):
    """(result, [sql, …]) of one call (every query, however many; keep=False: a list of None, just counted)."""
    queries = []

    def wrapper(execute, sql, params, many, context):
        if keep:
            query = Query(sql)
            query.params = params
            queries.append(query)
        else:
            queries.append(None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        result = fn()
    return result, queries


def replay_json(queries) -> str:
    """Run captured queries (see capture) again through psycopg and dump their rows to JSON: the raw baseline
    of a request that ran them."""
    connection.ensure_connection()
    rows = []
    with connection.connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, sql.params)
            names = [c.name for c in cursor.description]
            rows.append([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return json.dumps(rows, default=str)


def raw(sql: str, params=None):
    """Run SQL through the same connection's psycopg cursor and fetch everything."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def plan(sql: str, params=None) -> tuple[str, list[str], float]:
    """EXPLAIN (ANALYZE, BUFFERS): the text, the indexes used and the execution time (ms). A captured Query
    brings its own parameters."""
    if params is None and isinstance(sql, Query):
        params = sql.params
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    indexes = sorted({m.group(1) for line in lines for m in INDEX_USE.finditer(line)})
    execution = next((float(line.split()[2]) for line in lines if line.startswith("Execution Time")), 0.0)
    return "\n".join(lines), indexes, execution


def staff_user(label: str, *, region: str | None, roles: list[str], kind: str = "staff"):
    """A bench login of `kind` in `region` (None: the whole country) with `roles`."""
    from django.contrib.auth import get_user_model

    from orgs.models import UserScope

    user, _ = get_user_model().objects.get_or_create(username=f"bench-{label}")
    UserScope.objects.update_or_create(
        user=user, defaults={"kind": kind, "region_id": region, "roles": roles}
    )
    return get_user_model().objects.get(pk=user.pk)


def ensure_static() -> None:
    """Pages run as in production (DEBUG off: the manifest storage): collect the static files once."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def staff_client(label: str, *, region: str | None, roles: list[str]):
    """A Django test client logged in as a bench staff user (pages and the API through the session)."""
    from django.test import Client

    ensure_static()
    client = Client()
    client.force_login(staff_user(label, region=region, roles=roles))
    return client


def token_client(label: str, *, scopes: list[str], region: str):
    """An API client with the token of a new system client (orgs.services.token_issue) in `region` ("": the
    whole country). token_issue() wants an existing region: a national client is a provincial one widened."""
    from rest_framework.test import APIClient

    from orgs.models import UserScope
    from orgs.services import token_issue

    token, key = token_issue(name=f"bench-{label}-{time.time_ns()}", scopes=scopes, region=region or "11")
    if not region:
        UserScope.objects.filter(user=token.user).update(region=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def get_ok(client, url: str):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018 - render it
        return response

    return run


def ratio(a: dict, b: dict) -> float:
    return round(a["median_ms"] / b["median_ms"], 2) if b["median_ms"] else float("inf")


def write_report(name: str, report: dict) -> Path:
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_end": [round(x, 2) for x in os.getloadavg()]},
        **report,
    }
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    if path.exists() and "cases" in report:  # a partial run (--only) keeps the other cases of the last runs
        try:
            previous = json.loads(path.read_text()).get("cases", [])
        except ValueError:
            previous = []
        fresh = {c["case"] for c in report["cases"]}
        kept = [c for c in previous if c["case"] not in fresh]
        for c in report["cases"]:
            c.setdefault("measured_at", report["measured_at"])
        report["cases"] = kept + report["cases"]
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return path


def line(
    label: str, django_t: dict, sql_t: dict | None = None, queries: int | None = None, target=None
) -> str:
    """One row of a benchmark's table: Django median/p95, SQL median, ratio, queries, target verdict."""
    text = f"{label[:58]:<58} {django_t['median_ms']:>9} {django_t['p95_ms']:>9}"
    if sql_t is not None:
        r = ratio(django_t, sql_t)
        text += f" {sql_t['median_ms']:>9} {r:>6}"
        if target is not None:
            text += "  ok" if r <= target else f"  ✗ (target ≤ {target}×)"
    else:
        text += f" {'':>9} {'':>6}"
    if queries is not None:
        text += f"  q={queries}"
    return text


HEADER = f"{'case':<58} {'med ms':>9} {'p95 ms':>9} {'sql med':>9} {'ratio':>6}"
