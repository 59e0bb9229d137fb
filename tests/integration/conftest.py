"""Integration tests: PostgreSQL, Redis and a real Celery worker in another process.

Every test under tests/integration/ is marked `integration` and skipped unless INTEGRATION=true. Run them
with `make integration` (or `bash .ci/run`), which sets DATABASE_URL=postgres://… and REDIS_URL=redis://….

A test that needs tasks to run in a worker asks for `celery_worker_process` and is transactional, so the
worker (its own database connection) sees the rows the test committed:

    @pytest.mark.django_db(transaction=True)
    def test_export(celery_worker_process):
        result = exports.tasks.build.delay(...)
        assert result.get(timeout=60) == ...

The worker is started once per session against pytest-django's *test* database (test_<name>), after that
database exists, and stopped before pytest drops it. Its log is test-results/celery-worker.log.
"""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS_DIR = BASE_DIR / "test-results"
HERE = Path(__file__).resolve().parent
START_TIMEOUT = float(os.environ.get("CELERY_WORKER_START_TIMEOUT", "60"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark everything in this folder `integration` (before `-m` selects) and skip it unless INTEGRATION=true."""
    enabled = os.environ.get("INTEGRATION") == "true"
    skip = pytest.mark.skip(reason="integration test: set INTEGRATION=true (make integration)")
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        if not item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.integration)
        if not enabled:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _requires_postgresql():
    """Integration tests run on PostgreSQL only: a misconfigured run fails instead of passing on SQLite."""
    assert connection.vendor == "postgresql", (
        f"integration tests need DATABASE_URL=postgres://… (this run uses {connection.vendor})"
    )


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a Django settings_dict (after django_db_setup: the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class WorkerProcess:
    """A `celery -A config worker` subprocess serving the test database."""

    process: subprocess.Popen
    nodename: str
    database_url: str
    logfile: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.logfile.read_text(encoding="utf-8", errors="replace") if self.logfile.exists() else ""

    def wait_for_log(self, text: str, timeout: float = 10) -> bool:
        """True once `text` (e.g. a task id) appears in the worker's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return True
            time.sleep(0.2)
        return False

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()  # SIGTERM: warm shutdown, the running task finishes
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _ping(app, destination=None, timeout: float = 1.0) -> list[str]:
    replies = app.control.ping(destination=destination, timeout=timeout) or []
    return [name for reply in replies for name in reply]


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start a real Celery worker (solo pool) on the test database and the REDIS_URL broker; stop it at the end.

    Yields a WorkerProcess (pid, nodename, logfile, log(), wait_for_log()). Tasks sent with .delay() from
    a transactional test run in that process; use .get(timeout=…) to wait for their results.
    """
    from config.celery import app

    if not settings.REDIS_URL or app.conf.task_always_eager:
        pytest.fail("celery_worker_process needs REDIS_URL=redis://… (Celery is in eager mode)")
    assert connection.vendor == "postgresql", "celery_worker_process needs DATABASE_URL=postgres://…"

    others = _ping(app)
    if others:
        pytest.fail(
            f"other Celery workers consume from {settings.CELERY_BROKER_URL}: {others}; they would take "
            "this run's tasks to another database. Stop them or use another REDIS_URL database."
        )

    with django_db_blocker.unblock():
        test_database_url = database_url(connection.settings_dict)
    RESULTS_DIR.mkdir(exist_ok=True)
    logfile = RESULTS_DIR / "celery-worker.log"
    logfile.unlink(missing_ok=True)
    nodename = f"integration-{os.getpid()}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": test_database_url,
        "DB_CONN_MAX_AGE": "0",  # no connection outlives a task, so pytest can drop the test database
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("DJANGO_SECRET_KEY", "integration-test-worker-key")
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--loglevel=INFO", f"--hostname={nodename}",
        "--without-gossip", "--without-mingle", f"--logfile={logfile}",
    ]  # fmt: skip
    with logfile.open("ab") as output:  # import errors and tracebacks before logging starts land there too
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    worker = WorkerProcess(
        process=process, nodename=nodename, database_url=test_database_url, logfile=logfile
    )
    pidfile = RESULTS_DIR / "celery-worker.pid"  # .ci/run's EXIT trap stops it if pytest itself is killed
    pidfile.write_text(str(process.pid))
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while nodename not in _ping(app, destination=[nodename]):
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {process.returncode}:\n{worker.log()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the Celery worker did not answer in {START_TIMEOUT:.0f}s:\n{worker.log()[-4000:]}"
                )
            time.sleep(0.5)
        yield worker
    finally:
        worker.stop()
        pidfile.unlink(missing_ok=True)
