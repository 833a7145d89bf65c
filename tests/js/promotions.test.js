// JS twin of retail_suite/promotions/engine.py, checked against the shared case table
// (the Python runner is tests/unit/test_promotion_cases.py; this file compares the same way).
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");

const promotions = require("../../retail_suite/public/js/retail_promotions.js");
const table = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cases", "promotions.json"), "utf8"));
const CASES = table.cases;

function observed(result) {
	const discounts = {};
	for (const line of result.lines) {
		if (line.promotions.length) {
			discounts[String(line.line_id)] = Object.fromEntries(
				line.promotions.map((part) => [part.promotion, part.amount])
			);
		}
	}
	return { discounts, total_discount: result.total_discount, skipped: result.skipped };
}

test("the table has enough cases", () => {
	assert.ok(CASES.length >= 60);
	assert.equal(new Set(CASES.map((testCase) => testCase.name)).size, CASES.length, "case names are unique");
});

for (const testCase of CASES) {
	test(`promotion case: ${testCase.name}`, () => {
		const expect = testCase.expect;
		if ("error" in expect) {
			// pytest.raises(PromotionError, match=...): the engine's own error, the pattern searched in its message
			assert.throws(
				() => promotions.evaluate(testCase.promotions, testCase.basket, testCase.context),
				(error) => error instanceof promotions.PromotionError && new RegExp(expect.error).test(error.message)
			);
			return;
		}
		const result = promotions.evaluate(testCase.promotions, testCase.basket, testCase.context);
		assert.deepStrictEqual(observed(result), expect);
		// invariants on every case: per line, parts add up and nothing goes negative
		for (const line of result.lines) {
			const parts = line.promotions.reduce((sum, part) => sum + Number(part.amount), 0);
			assert.equal(parts.toFixed(4), Number(line.discount).toFixed(4));
			assert.ok(Number(line.net) >= 0);
		}
	});
}

test("a catalogue built once serves many baskets, at its own precision only", () => {
	const catalogue = new promotions.Catalogue([{ name: "P10", kind: "percent_off", percent: "10" }]);
	const context = { at: "2026-11-27T10:00:00+08:00", timezone: "Asia/Shanghai" };
	for (const price of ["10.00", "0.05"]) {
		const basket = { lines: [{ line_id: 7, item_code: "A", qty: 1, unit_price: price }] };
		assert.deepStrictEqual(
			promotions.evaluate(catalogue, basket, context),
			promotions.evaluate([{ name: "P10", kind: "percent_off", percent: "10" }], basket, context)
		);
	}
	const byItem = new promotions.Catalogue([{ name: "A5", kind: "amount_off", amount: "5", items: ["A"] }]);
	assert.equal(byItem.touches([["B", "G1"]]), false);
	assert.equal(byItem.touches([["B", null], ["A", null]]), true);
	assert.equal(catalogue.touches([["B", null]]), true); // it targets every item
	assert.throws(
		() => promotions.evaluate(catalogue, { lines: [] }, { ...context, precision: 0 }),
		/read at precision 2, not 0/
	);
});

test("amounts past 2^53 stay exact", () => {
	const basket = { lines: [{ line_id: 1, item_code: "A", qty: "123456789.123", unit_price: "987654321.9876" }] };
	const result = promotions.evaluate(
		[{ name: "P", kind: "percent_off", percent: "12.5" }],
		basket,
		{ at: "2026-11-27 10:00", timezone: "UTC", precision: 4 }
	);
	// 123456789.123 × 987654321.9876 at 4 places, half up, and 12.5 % of it (as engine.py gives)
	assert.equal(result.lines[0].amount, "121932631356042675.4209");
	assert.equal(result.total_discount, "15241578919505334.4276");
});

test("numbers read like Python reads them", () => {
	assert.equal(promotions.scaled("1_000.5", 2, "x"), 100050n);
	assert.equal(promotions.scaled(" 2E1 ", 0, "x"), 20n);
	assert.equal(promotions.scaled(7, 3, "x"), 7000n);
	assert.throws(
		() => promotions.scaled(1.5, 2, "x"),
		/x must be a number written as a string or an integer, not 1.5/
	);
	assert.throws(() => promotions.scaled(true, 2, "x"), /not True/);
	assert.throws(() => promotions.scaled("NaN", 2, "x"), /x 'NaN' is not a number/);
	assert.throws(() => promotions.scaled("1.005", 2, "x"), /x 1.005 has more than 2 decimal places/);
	assert.equal(promotions.halfUp(5n, 2n), 3n);
	assert.equal(promotions.formatMinor(5n, 2), "0.05");
	assert.equal(promotions.formatMinor(185n, 0), "185");
	assert.deepStrictEqual(
		promotions.splitLargestRemainder(10n, [
			[1, 10n],
			[2, 10n],
			[3, 10n],
		]),
		new Map([
			[1, 4n],
			[2, 3n],
			[3, 3n],
		])
	);
});

test("moments in the store's zone", () => {
	// [local day as days since 1970-01-01, second of the day]
	const day = (year, month, date) => Date.UTC(year, month - 1, date) / 86400000;
	const local = promotions.localMoment;
	assert.deepStrictEqual(local("2026-11-27T16:30:00Z", "Asia/Shanghai"), [day(2026, 11, 28), 1800]);
	assert.deepStrictEqual(local("2026-11-27T18:30:00+0800", "Europe/London"), [day(2026, 11, 27), 37800]);
	assert.deepStrictEqual(local("2026-11-27 18:30", "Asia/Kolkata"), [day(2026, 11, 27), 66600]);
	assert.throws(() => local("2026-11-27 18:30", "Mars/Olympus"), /time zone 'Mars\/Olympus' is unknown/);
	assert.throws(() => local("2026-11-27 18:30", "asia/shanghai"), /time zone 'asia\/shanghai' is unknown/);
	assert.throws(() => local("27.11.2026", "UTC"), /is not an ISO date-time/);
});

test("bad definitions refused with engine.py's exact messages", () => {
	const refused = (raw, message) =>
		assert.throws(
			() => promotions.compilePromotion(raw),
			(error) => error instanceof promotions.PromotionError && error.message === message
		);
	const percent = { name: "P", kind: "percent_off", percent: "10" };
	// whole numbers, the value in Python's repr
	refused({ ...percent, priority: "high" }, "promotion P: priority must be a whole number, not 'high'");
	refused({ ...percent, priority: "it's" }, `promotion P: priority must be a whole number, not "it's"`);
	refused({ ...percent, priority: `"it's"` }, `promotion P: priority must be a whole number, not '"it\\'s"'`);
	refused({ ...percent, priority: 1.5 }, "promotion P: priority must be a whole number, not 1.5");
	refused({ ...percent, priority: true }, "promotion P: priority must be a whole number, not True");
	refused(
		{ ...percent, limit_total: [1, "a", null, false] },
		"promotion P: limit_total must be a whole number, not [1, 'a', None, False]"
	);
	refused({ ...percent, window: { days: [5, null] } }, "promotion P: window.days must be a whole number, not None");
	assert.equal(promotions.compilePromotion({ ...percent, priority: "\u0663" }).priority, 3);
	// buy X get Y, mix and match, bundles
	refused({ name: "B", kind: "buy_x_get_y", buy_qty: 2 }, "promotion B: buy X get Y needs X and Y of at least 1");
	refused(
		{ name: "M", kind: "mix_match", price: "5" },
		"promotion M: mix and match needs a group of at least 2 items"
	);
	refused({ name: "D", kind: "bundle", price: "5" }, "promotion D: a bundle needs its items");
	refused({ name: "D", kind: "bundle", components: "A" }, "promotion D: components must be a list of items");
	refused({ name: "D", kind: "bundle", components: [{ qty: 2 }] }, "promotion D: components[0] needs an item_code");
	refused(
		{ name: "D", kind: "bundle", components: [{ item_code: "A", qty: -1 }] },
		"promotion D: components[0].qty must be at least 1"
	);
	refused(
		{ name: "D", kind: "bundle", components: [{ item_code: "A" }, { item_code: "A", qty: 2 }] },
		"promotion D: A is listed twice in the bundle; give it a quantity instead"
	);
	const merged = { name: "D", kind: "bundle", components: [{ item_code: "A", qty: 2 }] };
	assert.deepStrictEqual(promotions.compilePromotion(merged).components, [["A", 2]]);
	// context.usage: a mapping of mappings
	const basket = { lines: [] };
	for (const usage of [{ P: 5 }, { P: null }, ["P"], "P", 5]) {
		assert.throws(
			() => promotions.evaluate([percent], basket, { at: "2026-11-27 10:00", usage }),
			(error) =>
				error instanceof promotions.PromotionError &&
				error.message === 'context.usage must map each promotion to {"member": uses, "total": uses}'
		);
	}
});
