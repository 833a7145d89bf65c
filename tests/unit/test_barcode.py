import json
from pathlib import Path

import pytest

from retail_suite.till.barcode import ean13_check_digit, is_valid_ean13, make_ean13

CASES = json.loads((Path(__file__).parents[1] / "cases" / "ean13.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['code']}-{c['why']}" for c in CASES])
def test_shared_ean13_cases(case: dict) -> None:
	assert is_valid_ean13(case["code"]) is case["valid"]


def test_check_digit_of_known_code() -> None:
	assert ean13_check_digit("400638133393") == "1"
	assert make_ean13("978020137962") == "9780201379624"


def test_check_digit_refuses_wrong_length() -> None:
	with pytest.raises(ValueError, match="12 digits"):
		ean13_check_digit("12345")
