"""The transaction record shown in README.md is valid and balances."""

import re
from pathlib import Path

from retail_suite.posdm.tlog import loads, parse_record

README = Path(__file__).parents[2] / "README.md"


def test_readme_record_parses_and_balances() -> None:
	block = re.search(r"```json\n(\{\"terminal\".*?)```", README.read_text(), re.S)
	assert block, "README.md shows a transaction record"
	txn = parse_record(loads(block.group(1)))
	assert txn.grand_total == txn.claimed_grand_total
	assert txn.tender_total - txn.change_total == txn.grand_total
