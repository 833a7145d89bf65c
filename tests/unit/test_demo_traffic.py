"""The demo tills with shelves of fresh batches (pure): every fresh line names a batch the store held, taken
first-expiring-first-out, never more than the batch held (a post-void puts its goods back); a marked-down
batch is discounted by its markdown and draws customers from the reduced-to-clear shelf."""

from __future__ import annotations

from datetime import timedelta

from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.demo.traffic import ShelfBatch, Shelves, TrafficConfig, TrafficGenerator, generate_traffic

CHAIN = generate_chain(DemoConfig(stores=1, skus=200, members=20, days=2, seed=5))
DAY = CHAIN.config.start_date
STORE = CHAIN.stores[0].code
FRESH = [item for item in CHAIN.items if item.is_fresh]
#: per fresh item but the last five: a batch expiring today (2 units) and one in three days (3 units)
STOCKED = FRESH[:-5]


def shelves(soon: int = 2) -> Shelves:
	return Shelves(
		{
			(STORE, item.code): [
				ShelfBatch(f"{item.code}-LATE", DAY + timedelta(days=3), 3),
				ShelfBatch(f"{item.code}-SOON", DAY, soon),
			]
			for item in STOCKED
		}
	)


def sold_lines(records: list[dict]) -> list[tuple[dict, dict]]:
	return [
		(record, line) for record in records if record["type"] in ("sale", "exchange")
		for line in record["lines"] if not line.get("returned")
	]


def test_fresh_lines_come_from_the_shelves_first_expiring_first() -> None:
	generator = TrafficGenerator(CHAIN, config=TrafficConfig(faults=False, substitute_rate=0.5))
	records = generator.day(0, shelves=shelves())
	fresh = {item.code for item in FRESH}
	left = {(item.code, suffix): qty for item in STOCKED for suffix, qty in (("SOON", 2), ("LATE", 3))}
	voided = {(r["original"]["terminal"], r["original"]["transaction_number"]) for r in records if r["type"] == "void"}
	by_terminal = {}
	fresh_lines = 0
	for record in records:  # the generator's order: terminal after terminal, each in its own order
		by_terminal.setdefault(record["terminal"], []).append(record)
	for record in (r for terminal in sorted(by_terminal) for r in by_terminal[terminal]):
		if record["type"] == "void":
			continue
		for line in record["lines"] if record["type"] in ("sale", "exchange") else ():
			if line.get("returned") or line["item_code"] not in fresh:
				continue
			fresh_lines += 1
			assert line["item_code"] in {item.code for item in STOCKED}, "an item with nothing on the shelf was sold"
			code, suffix = line["batch_no"].rsplit("-", 1)
			assert code == line["item_code"]
			if suffix == "LATE":
				assert left[(code, "SOON")] == 0, f"{line['batch_no']} sold before the batch expiring today"
			left[(code, suffix)] -= line["qty"]
			assert left[(code, suffix)] >= 0, f"{line['batch_no']}: more sold than the shelf held"
		if (record["terminal"], record["transaction_number"]) in voided:  # the void follows: goods back
			for line in record["lines"]:
				if line.get("batch_no"):
					code, suffix = line["batch_no"].rsplit("-", 1)
					left[(code, suffix)] += line["qty"]
	assert fresh_lines > 20
	assert any(qty == 0 for qty in left.values())  # some batches sold out, and nothing more was sold of them


def test_without_shelves_fresh_goods_sell_without_a_batch() -> None:
	records = generate_traffic(CHAIN, days=1).records()
	assert all("batch_no" not in line for _record, line in sold_lines(records))


def test_a_markdown_discounts_its_batch_and_draws_customers() -> None:
	marked = sorted(f"{item.code}-SOON" for item in STOCKED[:10])
	markdown = {
		"name": "MD-TEST", "kind": "percent_off", "percent": "40", "batches": marked, "stores": [STORE],
		"stacking": "exclusive", "priority": 100, "window": {"valid_from": DAY.isoformat(), "valid_upto": DAY.isoformat()},
	}
	# plenty on the shelf: what sells of it is what customers want
	without = TrafficGenerator(CHAIN, config=TrafficConfig(faults=False)).day(0, promotions=[markdown], shelves=shelves(60))
	pulled = TrafficGenerator(CHAIN, config=TrafficConfig(faults=False, markdown_pull=0.5)).day(
		0, promotions=[markdown], shelves=shelves(60)
	)

	def marked_down(records: list[dict]) -> list[dict]:
		lines = [line for _record, line in sold_lines(records) if line.get("promotion") == "MD-TEST"]
		for line in lines:
			assert line["batch_no"] in marked
			gross = line["unit_price"] * line["qty"]
			assert line["discount"] == (gross * 40 / 100).quantize(line["discount"])
		assert all(line.get("promotion") == "MD-TEST" for _r, line in sold_lines(records) if line.get("batch_no") in marked)
		return lines

	assert marked_down(without)
	assert sum(line["qty"] for line in marked_down(pulled)) > sum(line["qty"] for line in marked_down(without))
