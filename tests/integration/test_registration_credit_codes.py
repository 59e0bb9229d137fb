"""20 concurrent approvals on PostgreSQL issue 20 different valid credit codes (SELECT … FOR UPDATE on the
county's counter), none fails, and the organizations exist. Run with `make integration`."""

import pytest

from orgs.codes import validate_credit_code
from orgs.models import Organization
from tests.registration.concurrent_approvals import prepare, run

N = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_issue_twenty_different_valid_codes():
    registrar, ids = prepare(N)
    outcome = run(registrar, ids)
    assert outcome["errors"] == []
    codes = outcome["codes"]
    assert len(codes) == N and len(set(codes)) == N
    for code in codes:
        validate_credit_code(code)
        assert code.startswith("52320508MJ")
    assert Organization.objects.filter(credit_code__in=codes).count() == N
    # The sequence ran 1..N without a gap: each approval waited for the previous one's commit.
    assert sorted(code[8:16] for code in codes) == [f"MJ{i:06d}" for i in range(1, N + 1)]
