"""Credit codes (GB 32100), organization codes (GB 11714), ID numbers (GB 11643), masking."""

import pytest
from django.core.exceptions import ValidationError

from orgs.codes import (
    credit_code_check_char,
    make_credit_code,
    mask_id_number,
    normalize_code,
    org_code_check_char,
    validate_credit_code,
    validate_id_number,
)
from orgs.models import Organization
from tests.factories import id_number_for

# The worked example of GB 32100-2015 (an enterprise code), a fixed point for the check character.
REAL_CODES = ["91350100M000100Y43"]


def test_the_check_character_of_published_codes():
    for code in REAL_CODES:
        assert credit_code_check_char(code[:17]) == code[17]


def test_org_code_check_char_of_the_standard_example():
    assert org_code_check_char("D2143569") == "X"  # GB 11714-1997 Appendix A example


def test_generated_codes_validate():
    code = make_credit_code("1", "320508", "MJ000123")
    assert code.startswith("51320508MJ000123")
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  51320508mj0001234x ", "51320508MJ0001234X"),
        ("５１３２０５０８ＭＪ０００１２３４Ｘ", "51320508MJ0001234X"),  # full-width
        ("5132 0508\u3000MJ00 01234X", "51320508MJ0001234X"),  # ideographic space inside
        (None, ""),
    ],
)
def test_normalize(raw, normalised):
    assert normalize_code(raw) == normalised


def rule(value):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(value)
    return caught.value.code


def test_each_rule_has_its_own_code():
    good = make_credit_code("1", "320508", "MJ000123")
    assert rule(good[:17]) == "length"
    assert rule(good[:10] + "I" + good[11:]) == "charset"
    assert rule("9" + good[1:17] + credit_code_check_char("9" + good[1:17])) == "not_civil_affairs"
    assert rule("54" + good[2:17] + credit_code_check_char("54" + good[2:17])) == "not_civil_affairs"
    assert rule(good[:17] + ("0" if good[17] != "0" else "1")) == "check_digit"
    for letter in "IOSVZ":
        assert rule(good[:16] + letter + "0") == "charset"


@pytest.mark.parametrize(("type_digit", "org_type"), [("1", "social_group"), ("2", "social_service_agency"),
                                                      ("3", "foundation"), ("9", "social_group")])  # fmt: skip
def test_the_type_digit_matches_the_org_type(db, type_digit, org_type):
    organization = Organization(
        name="某协会", org_type=org_type, category="other", region_id="320508",
        credit_code=make_credit_code(type_digit, "320508", "MJ000124"),
    )  # fmt: skip
    organization.full_clean(validate_unique=False)
    mismatched = Organization(
        name="某协会", org_type=org_type, category="other", region_id="320508",
        credit_code=make_credit_code("2" if org_type != "social_service_agency" else "3", "320508", "MJ000125"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        mismatched.full_clean(validate_unique=False)
    assert list(caught.value.message_dict) == ["credit_code"]


def test_id_numbers():
    good = id_number_for("320508")
    validate_id_number(good)
    validate_id_number(good.lower())
    with pytest.raises(ValidationError):
        validate_id_number(good[:17] + ("0" if good[17] != "0" else "1"))
    with pytest.raises(ValidationError):
        validate_id_number("320508" + "19801332" + "0011")  # 13th month
    with pytest.raises(ValidationError):
        validate_id_number("32050819800517001")


def test_masking_keeps_four_and_four():
    assert mask_id_number("32050819800517123X") == "3205**********123X"
    assert mask_id_number("") == ""
