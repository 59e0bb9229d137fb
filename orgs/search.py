"""Search helpers shared by the registry, the public register and every app that searches names."""

import re
from functools import lru_cache

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from .codes import CREDIT_CODE_CHARSET, normalize_code

_ASCII_LETTERS = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def name_initials(name: str) -> str:
    """Pinyin initials of a Chinese name, lower-case ASCII ("中国复合材料工业协会" → "zgfhclgyxh")."""
    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in letters for ch in part.lower() if "a" <= ch <= "z")


def name_search_q(
    value: str, *, name: str = "name", initials: str = "name_initials", code: str | None = None
) -> Q:
    """Substring of the name (as typed and in simplified characters), pinyin initials, code prefix."""
    value = (value or "").strip()
    simplified = to_simplified(value)
    query = Q(**{f"{name}__icontains": value})
    if simplified != value:
        query |= Q(**{f"{name}__icontains": simplified})
    lowered = value.lower().replace(" ", "")
    if _ASCII_LETTERS.match(lowered):
        query |= Q(**{f"{initials}__contains": lowered})
    if code:
        normalized = normalize_code(value)
        if normalized and len(normalized) <= 18 and all(c in CREDIT_CODE_CHARSET for c in normalized):
            query |= Q(**{f"{code}__startswith": normalized})  # only what a credit code can start with
    return query
