from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check(fn) -> str:
    try:
        fn()
    except Exception as error:  # a health check reports, never raises
        return f"error: {error.__class__.__name__}"
    return "ok"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return the value")


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    """200 with the state of database, cache and broker; 503 when the database is unreachable."""
    state = {
        "database": _check(_database),
        "cache": _check(_cache),
        "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else _check(_broker),
    }
    healthy = state["database"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503)
