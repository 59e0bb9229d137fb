"""Search helpers shared by the registry, the public register and every app that searches names."""

import re
from functools import lru_cache

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from .codes import CIVIL_AFFAIRS_TYPE_DIGITS, CREDIT_CODE_CHARSET, normalize_code

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


def could_begin_a_credit_code(text: str) -> bool:
    """Whether a (normalised) text can be the start of a registered organization's credit code: characters of
    GB 32100, at most 18, and a civil-affairs beginning (5, then 1, 2, 3 or 9), which the registry requires."""
    return (
        0 < len(text) <= 18
        and all(c in CREDIT_CODE_CHARSET for c in text)
        and text[0] == "5"
        and text[1:2] in ("", *CIVIL_AFFAIRS_TYPE_DIGITS)
    )


def name_pairs(name: str, initials: str) -> str:
    """Every pair of neighbouring characters of the lower-cased name and of its pinyin initials, each between
    spaces (苏州围棋协会, szwqxh → " 苏州 州围 围棋 棋协 协会 sz zw wq qx xh "). A two-character term is then
    found as " xy " through this column's trigram index: pg_trgm takes no trigram from inside two characters,
    so the name's own `LIKE '%xy%'` reads the whole registry (围棋, nationally: 199 → 3.9–4.3 ms, bench/README.md)."""
    pairs = dict.fromkeys(
        pair
        for text in ((name or "").lower(), initials or "")
        for pair in (text[i : i + 2] for i in range(len(text) - 1))
        if not any(ch.isspace() for ch in pair)
    )
    return f" {' '.join(pairs)} " if pairs else ""


def name_search_q(
    value: str,
    *,
    name: str = "name",
    initials: str = "name_initials",
    pairs: str = "name_pairs",
    code: str | None = None,
) -> Q:
    """Substring of the name (as typed and in simplified characters), pinyin initials, code prefix. A term of two
    characters is looked up among the name's and the initials' pairs (`name_pairs`), which is the same match."""
    value = (value or "").strip()
    simplified = to_simplified(value)
    terms = dict.fromkeys((value, simplified))
    query = Q()
    for term in terms:
        if len(term) == 2:
            query |= Q(**{f"{pairs}__contains": f" {term.lower()} "})
        else:
            query |= Q(**{f"{name}__icontains": term})
    lowered = value.lower().replace(" ", "")
    if _ASCII_LETTERS.match(lowered) and len(value) != 2:  # two letters: among the pairs already
        query |= Q(**{f"{initials}__contains": lowered})
    if code:
        normalized = normalize_code(value)
        if could_begin_a_credit_code(normalized):
            query |= Q(**{f"{code}__startswith": normalized})
    return query
