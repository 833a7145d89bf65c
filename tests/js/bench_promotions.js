// Benchmark of the JS promotion engine (a plain script, not a test: `node tests/js/bench_promotions.js [repeat]`).
// A 50-line basket against 500 active promotions, the Catalogue built once; prints median and p95 in ms as
// JSON. The generator is the same, draw for draw, as benchmarkInputs in retail_suite/promotions/benchmark.py
// (tests/unit/test_promotion_twin.py checks both give the same inputs and the same discounts).
const { performance } = require("node:perf_hooks");
const promotions = require("../../retail_suite/public/js/retail_promotions.js");

const SEED = 20261127;
const ITEMS = 2000;
const PROMOTED = 600; // promotions target items I0000..I0599; baskets draw most lines from them
const HOT = 50; // bundles pair items I0000..I0049; baskets draw a fifth of their lines from them
const GROUPS = 40;
const CONTEXT = {
	at: "2026-11-27T18:30:00+08:00",
	timezone: "Asia/Shanghai",
	store: "S1",
	member: "M1",
	member_tags: ["VIP"],
	coupons: ["SAVE7"],
	usage: {},
};

// 32-bit linear congruential generator (Numerical Recipes constants); every product stays below 2^53
class Lcg {
	constructor(seed) {
		this.state = seed % 4294967296;
	}

	next() {
		this.state = (this.state * 1664525 + 1013904223) % 4294967296;
		return this.state;
	}

	below(count) {
		return Math.floor(this.next() / 256) % count;
	}

	pick(choices) {
		return choices[this.below(choices.length)];
	}
}

function money(minor) {
	return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

function itemCode(index) {
	return `I${String(index).padStart(4, "0")}`;
}

function itemGroup(index) {
	return `G${String(index % GROUPS).padStart(2, "0")}`;
}

function promotedItems(random, count) {
	const codes = [];
	for (let index = 0; index < count; index++) codes.push(itemCode(random.below(PROMOTED)));
	return codes;
}

function promotion(random, number) {
	const roll = random.below(100);
	const kind =
		roll < 30
			? "percent_off"
			: roll < 45
				? "amount_off"
				: roll < 55
					? "fixed_price"
					: roll < 70
						? "buy_x_get_y"
						: roll < 80
							? "mix_match"
							: roll < 90
								? "bundle"
								: "spend_tiers";
	const stackingRoll = random.below(100);
	const raw = {
		name: `PROMO${String(number).padStart(3, "0")}`,
		kind,
		stacking: stackingRoll < 10 ? "exclusive" : stackingRoll < 35 ? "best" : "stackable",
		priority: random.below(5),
	};
	const target = random.below(100);
	if (kind === "bundle") {
		const first = itemCode(random.below(HOT));
		const second = itemCode(random.below(HOT));
		// an item is listed once in a bundle, with its quantity
		raw.components =
			first === second
				? [{ item_code: first, qty: 2 }]
				: [
						{ item_code: first, qty: 1 },
						{ item_code: second, qty: 1 },
					];
		raw.price = money(200 + random.below(1500));
	} else if (kind === "spend_tiers") {
		if (target >= 30) raw.item_groups = [itemGroup(random.below(GROUPS))]; // else: the whole basket
		const tiers = 1 + random.below(3);
		const byPercent = random.below(2) === 1;
		raw.tiers = [];
		for (let tier = 0; tier < tiers; tier++) {
			raw.tiers.push(
				byPercent
					? { threshold: money([5000, 10000, 20000][tier]), percent: ["5", "10", "15"][tier] }
					: { threshold: money([5000, 10000, 20000][tier]), amount: money([500, 1200, 3000][tier]) }
			);
		}
		raw.repeat = tiers === 1 && !byPercent && random.below(4) === 0;
	} else {
		if (target < 85) raw.items = promotedItems(random, 1 + random.below(4));
		else raw.item_groups = [itemGroup(random.below(GROUPS))];
		if (kind === "percent_off") {
			raw.percent = random.pick(["5", "10", "12.5", "15", "20", "25", "30"]);
			if (random.below(10) === 0) raw.min_qty = "2";
		} else if (kind === "amount_off") {
			raw.amount = money(10 + random.below(300));
		} else if (kind === "fixed_price") {
			raw.price = money(50 + random.below(2000));
		} else if (kind === "buy_x_get_y") {
			raw.buy_qty = 1 + random.below(3);
			raw.get_qty = 1;
			raw.percent = random.pick(["100", "50"]);
			if (random.below(10) < 3) raw.reward_items = promotedItems(random, 1 + random.below(2));
		} else {
			raw.group_qty = 2 + random.below(3);
			raw.price = money(100 * raw.group_qty + random.below(1000));
		}
	}
	const window = random.below(100);
	if (window < 10) raw.window = { hours: [{ start: "17:00", end: "19:00" }] };
	else if (window < 15) raw.window = { hours: [{ start: "22:00", end: "02:00" }], days: [5, 6] };
	else if (window < 25) raw.window = { days: [1 + random.below(7), 1 + random.below(7)] };
	else if (window < 30) raw.window = { valid_from: "2026-11-01", valid_upto: "2026-11-20" };
	const audience = random.below(100);
	if (audience < 8) raw.members_only = true;
	else if (audience < 11) raw.member_tags = [random.pick(["VIP", "STAFF"])];
	else if (audience < 15) raw.coupon_codes = [`save${random.below(10)}`];
	else if (audience < 18) raw.stores = [random.pick(["S1", "S2"])];
	if (audience >= 90 && audience < 93) {
		raw.limit_total = 100;
	}
	return raw;
}

function basket(random) {
	const lines = [];
	for (let lineId = 1; lineId <= 50; lineId++) {
		const where = random.below(10);
		let index;
		if (where < 2) index = random.below(HOT);
		else if (where < 6) index = random.below(PROMOTED);
		else index = PROMOTED + random.below(ITEMS - PROMOTED);
		const weighed = index % 10 === 9;
		lines.push({
			line_id: lineId,
			item_code: itemCode(index),
			item_group: itemGroup(index),
			qty: weighed ? `0.${100 + random.below(900)}` : String(1 + random.below(3)),
			unit_price: money(50 + ((index * 7919) % 5951)),
		});
	}
	return { lines };
}

// {promotions, baskets, context}: the same, value for value, as benchmark_inputs() in benchmark.py
function benchmarkInputs(promotionCount = 500, basketCount = 20, seed = SEED) {
	const random = new Lcg(seed);
	const raws = [];
	for (let number = 0; number < promotionCount; number++) raws.push(promotion(random, number));
	const baskets = [];
	for (let number = 0; number < basketCount; number++) baskets.push(basket(random));
	return { promotions: raws, baskets, context: CONTEXT };
}

function median(samples) {
	const ordered = [...samples].sort((a, b) => a - b);
	const middle = Math.floor(ordered.length / 2);
	return ordered.length % 2 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2;
}

function p95(samples) {
	const ordered = [...samples].sort((a, b) => a - b);
	return ordered[Math.min(ordered.length - 1, Math.round(0.95 * (ordered.length - 1)))];
}

function promotionBenchmark(repeat = 2000) {
	const inputs = benchmarkInputs();
	const catalogue = new promotions.Catalogue(inputs.promotions);
	const count = inputs.baskets.length;
	for (let index = 0; index < Math.min(200, repeat); index++) {
		promotions.evaluate(catalogue, inputs.baskets[index % count], inputs.context); // warm-up
	}
	const samples = [];
	for (let index = 0; index < repeat; index++) {
		const started = performance.now();
		promotions.evaluate(catalogue, inputs.baskets[index % count], inputs.context);
		samples.push(performance.now() - started);
	}
	const first = promotions.evaluate(catalogue, inputs.baskets[0], inputs.context);
	return {
		engine: "js",
		median_ms: Number(median(samples).toFixed(4)),
		p95_ms: Number(p95(samples).toFixed(4)),
		promotions: inputs.promotions.length,
		lines: inputs.baskets[0].lines.length,
		applied: first.promotions.length,
		skipped: Object.keys(first.skipped).length,
		total_discount: first.total_discount,
		repeat,
	};
}

module.exports = { Lcg, benchmarkInputs, promotionBenchmark };

if (require.main === module) {
	const repeat = Number(process.argv[2] || 2000);
	process.stdout.write(JSON.stringify(promotionBenchmark(repeat)) + "\n");
}
