"""Identity codes: the unified social credit code (GB 32100-2015), the organization code inside it
(GB 11714-1997) and the resident ID number (GB 11643-1999). Pure functions, no Django models."""

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK = "10X98765432"
CIVIL_AFFAIRS_TYPE_DIGITS = "1239"  # 1 social group, 2 social service agency, 3 foundation, 9 other


def normalize_code(value: str | None) -> str:
    """Trim, full-width → half-width (NFKC), upper-case; spaces inside are dropped."""
    if not value:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714: 8 body characters (digits or upper-case letters) → the 9th, check character."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_credit_code(value: str) -> None:
    """Raise a ValidationError naming what is wrong; value must already be normalised."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(value)},
        )
    bad = sorted({c for c in value if c not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("The credit code contains characters not allowed by GB 32100: %(chars)s."),
            code="charset",
            params={"chars": " ".join(bad)},
        )
    if value[0] != "5" or value[1] not in CIVIL_AFFAIRS_TYPE_DIGITS:
        raise ValidationError(
            _(
                "This is not a credit code issued by civil affairs: it must begin with 5 "
                "followed by 1, 2, 3 or 9 (this one begins with %(prefix)s)."
            ),
            code="not_civil_affairs",
            params={"prefix": value[:2]},
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of the credit code is wrong: the last character should be %(expected)s."),
            code="check_digit",
            params={"expected": credit_code_check_char(value[:17])},
        )


def make_credit_code(type_digit: str, county_code: str, org_body: str) -> str:
    """5 + type digit + 6-digit county code + 8-character body with its GB 11714 check + GB 32100 check."""
    if len(county_code) != 6 or len(org_body) != 8:
        raise ValueError("county code must be 6 and organization body 8 characters")
    first17 = "5" + type_digit + county_code + org_body + org_code_check_char(org_body)
    if any(c not in CREDIT_CODE_CHARSET for c in first17):
        raise ValueError(f"not encodable in GB 32100: {first17}")
    return first17 + credit_code_check_char(first17)


def org_body_from_number(number: int, prefix: str = "MJ") -> str:
    """An 8-character organization-code body from a sequence number: prefix + 6 digits.

    Civil-affairs organization codes in credit codes commonly begin with MJ (民政); the sequence
    guarantees uniqueness within the county."""
    if not 0 <= number < 10**6:
        raise ValueError("sequence exhausted")
    return f"{prefix}{number:06d}"


def validate_id_number(value: str) -> None:
    value = normalize_code(value)
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="id_format")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The ID number does not contain a valid date of birth."), code="id_birth"
        ) from None
    if born > date.today():
        raise ValidationError(_("The ID number does not contain a valid date of birth."), code="id_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of the ID number is wrong."), code="id_check")


def id_number_check_char(first17: str) -> str:
    return ID_NUMBER_CHECK[sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True)) % 11]


def id_number_birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def mask_id_number(value: str | None) -> str:
    """3205**********123X: the first four and the last four characters kept."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)
