"""Translation catalogues, one source file per area, so parallel work never rewrites one shared file.

    python scripts/messages.py extract AREA PATH [PATH ...]   # msgids of PATHs → locale_src/AREA.po (keeps msgstrs)
    python scripts/messages.py build                          # all locale_src/*.po → locale/zh_Hans/.../django.mo

Needs GNU gettext (msgcat, msgmerge, msgfmt) only when catalogues change; the built .mo is committed."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "locale_src"
TARGET = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"


def extract(area: str, paths: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_root = Path(tmp)
        for raw in paths:
            source = (ROOT / raw).resolve()
            target = tmp_root / source.relative_to(ROOT)
            if source.is_dir():
                shutil.copytree(
                    source, target, ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations")
                )
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        (tmp_root / "locale").mkdir()
        django_admin = Path(sys.executable).parent / "django-admin"
        subprocess.run(
            [str(django_admin), "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
            cwd=tmp_root,
            check=True,
        )
        fresh = tmp_root / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        SOURCES.mkdir(exist_ok=True)
        existing = SOURCES / f"{area}.po"
        if existing.exists():
            subprocess.run(
                [
                    "msgmerge",
                    "--quiet",
                    "--no-fuzzy-matching",
                    "-o",
                    str(existing),
                    str(existing),
                    str(fresh),
                ],
                check=True,
            )
            subprocess.run(["msgattrib", "--no-obsolete", "-o", str(existing), str(existing)], check=True)
        else:
            shutil.copy2(fresh, existing)
    print(f"wrote {existing.relative_to(ROOT)}: fill in the empty msgstr entries, then run build")


def build() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p) for p in SOURCES.glob("*.po"))
    subprocess.run(["msgcat", "--use-first", "-o", str(TARGET / "django.po"), *sources], check=True)
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(TARGET / "django.mo"), str(TARGET / "django.po")], check=True
    )
    print(f"built {TARGET / 'django.mo'} from {len(sources)} catalogues")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3:])
    elif sys.argv[1:] == ["build"]:
        build()
    else:
        sys.exit(__doc__)
