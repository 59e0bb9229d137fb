"""Concurrent approvals never issue the same credit code, and on the embedded SQLite they wait for each other
(IMMEDIATE transactions + busy timeout) instead of failing with "database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from orgs.codes import validate_credit_code

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite only (PostgreSQL: tests/integration)"
)
def test_concurrent_approvals_on_sqlite_wait_for_each_other(tmp_path):
    # Threads with their own connections on a file database, as `make run` has it (pytest's in-memory
    # test database is shared-cache, whose table locks do not wait): a fresh process with SQLITE_PATH.
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "concurrent.sqlite3"), "DJANGO_DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.registration.concurrent_approvals", "8"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert len(outcome["codes"]) == 8 and len(set(outcome["codes"])) == 8
    for code in outcome["codes"]:
        validate_credit_code(code)
        assert code.startswith("52320508MJ")


@pytest.mark.django_db(transaction=True)
def test_issuing_outside_a_transaction_is_refused():
    from orgs.registration.issuing import issue_credit_code

    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        issue_credit_code(org_type="social_group", region_code="320508")


def test_sequence_skips_codes_already_taken(db):
    from django.db import transaction

    from orgs.codes import make_credit_code
    from orgs.registration.issuing import issue_credit_code
    from tests.factories import make_org

    make_org("320508", credit_code=make_credit_code("1", "320508", "MJ000001"))
    with transaction.atomic():
        code = issue_credit_code(org_type="social_service_agency", region_code="320508")
    # 5 + type digit + county (2:8) + organization code (8:17, its check character last) + check character.
    # MJ000001 is taken in the county, whatever the type digit before it.
    assert code[:8] == "52320508" and code[8:16] == "MJ000002"
    validate_credit_code(code)
