"""Issuing credit codes and filing numbers from CodeSequence counters, inside the approving transaction.

PostgreSQL: the counter row is taken with SELECT … FOR UPDATE, so a concurrent approval for the same county
waits until this one commits and then reads the next value. SQLite: the settings open every transaction
with BEGIN IMMEDIATE (the database's write lock) and a busy timeout, so concurrent approvals run one after
the other. Either way the same code is never issued twice; a number already taken by an organization
(e.g. migrated data) is skipped.
"""

from django.db import transaction

from ..codes import make_credit_code, org_body_from_number
from ..models import CodeSequence, Organization

MAX_SKIPS = 10_000


def _next(key: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue codes inside the approving transaction")
    CodeSequence.objects.bulk_create([CodeSequence(key=key, value=0)], ignore_conflicts=True)
    sequence = CodeSequence.objects.select_for_update().get(key=key)
    sequence.value += 1
    sequence.save(update_fields=["value"])
    return sequence.value


def county_code(region_code: str) -> str:
    """The 6-digit county code of a region: a county itself, its first 6 digits, a city's 'xxxx00'."""
    return region_code[:6].ljust(6, "0")


def issue_credit_code(*, org_type: str, region_code: str) -> str:
    """5 + type digit + county code + organization code (MJ + 6-digit sequence + GB 11714 check) + GB 32100 check."""
    county = county_code(region_code)
    type_digit = Organization.TYPE_DIGITS[org_type]
    for _attempt in range(MAX_SKIPS):
        body = org_body_from_number(_next(f"credit:{county}"))
        # The organization code is unique in the county whatever the type digit before it.
        taken = [make_credit_code(digit, county, body) for digit in "1239"]
        if not Organization.objects.filter(credit_code__in=taken).exists():
            return make_credit_code(type_digit, county, body)
    raise RuntimeError(f"credit-code sequence for {county} exhausted")


def issue_filing_number(*, region_code: str, year: int) -> str:
    """<region code>-<year>-<5-digit sequence>, one sequence per region and year."""
    for _attempt in range(MAX_SKIPS):
        number = f"{region_code}-{year}-{_next(f'filing:{region_code}:{year}'):05d}"
        if not Organization.objects.filter(filing_number=number).exists():
            return number
    raise RuntimeError(f"filing sequence for {region_code} exhausted")
