import pytest

from retail_suite.demo.chain import DemoConfig, generate_chain
from retail_suite.errors import ValidationError
from retail_suite.till.barcode import is_valid_ean13

SMALL = DemoConfig(stores=2, skus=400, members=150, seed=7)


def test_same_seed_same_chain() -> None:
	assert generate_chain(SMALL) == generate_chain(SMALL)


def test_other_seed_other_chain() -> None:
	other = generate_chain(DemoConfig(stores=2, skus=400, members=150, seed=8))
	assert [item.name for item in other.items] != [item.name for item in generate_chain(SMALL).items]


def test_sizes_are_exact_and_keys_unique() -> None:
	chain = generate_chain(SMALL)
	assert len(chain.stores) == 2
	assert len(chain.items) == 400
	assert len(chain.members) == 150
	assert len({item.code for item in chain.items}) == 400
	assert len({item.barcode for item in chain.items}) == 400
	assert len({member.phone for member in chain.members}) == 150
	assert len({member.card_number for member in chain.members}) == 150
	assert len({batch.batch_id for batch in chain.batches}) == len(chain.batches)
	assert len(chain.stock) == 2 * 400


def test_barcodes_are_valid_ean13() -> None:
	assert all(is_valid_ean13(item.barcode) for item in generate_chain(SMALL).items)


def test_departments_mix() -> None:
	chain = generate_chain(DemoConfig(stores=1, skus=2000, members=0))
	fresh = [item for item in chain.items if item.is_fresh]
	apparel = [item for item in chain.items if item.department == "apparel"]
	assert len(fresh) == 300  # 15 %
	assert 0 < len(apparel) <= 400  # whole styles within 20 %
	for style in chain.styles:
		variants = [item for item in apparel if item.style == style.code]
		assert len(variants) == len(style.sizes) * len(style.colours)
		assert {(item.size, item.colour) for item in variants} == {
			(size, colour) for size in style.sizes for colour in style.colours
		}


def test_fresh_batches_expire_after_shelf_life() -> None:
	chain = generate_chain(SMALL)
	items = {item.code: item for item in chain.items}
	for batch in chain.batches:
		assert (batch.expiry_date - batch.manufacturing_date).days == items[batch.item].shelf_life_days
		assert batch.manufacturing_date < chain.config.start_date


def test_stock_of_fresh_items_is_the_sum_of_their_batches() -> None:
	chain = generate_chain(SMALL)
	for line in chain.stock:
		batches = [b for b in chain.batches if b.item == line.item and b.store == line.store]
		if batches:
			assert line.qty == sum(batch.qty for batch in batches)


@pytest.mark.parametrize(
	("overrides", "flag"),
	[({"stores": 0}, "--stores"), ({"skus": -5}, "--skus"), ({"members": -1}, "--members"), ({"days": 0}, "--days")],
)
def test_bad_sizes_are_refused(overrides: dict, flag: str) -> None:
	with pytest.raises(ValidationError, match=flag):
		DemoConfig(**overrides).validate()
