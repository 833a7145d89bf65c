// Promotion engine, the JS twin of retail_suite/promotions/engine.py (same cases: tests/cases/promotions.json).
// Loaded in the desk (window.retail_suite.promotions) and by node --test (module.exports).
// The rules are in engine.py's docstring; this file follows it function by function. Amounts are BigInt
// minor units (Python's ints are unbounded: qty × price × 10^precision can pass 2^53); counts are Numbers.
// Where Python would raise a TypeError/ValueError (not a PromotionError) this throws a plain Error with
// Python's message, so a wrong input fails in both, in the same place.
(function (root, factory) {
	const api = factory();
	if (typeof module === "object" && module.exports) {
		module.exports = api;
	} else {
		root.retail_suite = root.retail_suite || {};
		root.retail_suite.promotions = api;
	}
})(typeof self !== "undefined" ? self : this, function () {
	"use strict";

	const KINDS = ["percent_off", "amount_off", "fixed_price", "buy_x_get_y", "mix_match", "bundle", "spend_tiers"];
	const UNIT_KINDS = ["buy_x_get_y", "mix_match", "bundle"];
	const STACKING = ["exclusive", "best", "stackable"];
	// reason code -> what a store manager reads
	const SKIP_REASONS = {
		not_started: "has not started yet",
		ended: "has ended",
		wrong_day: "does not run on this weekday",
		outside_hours: "is outside its hours",
		other_store: "does not run in this store",
		members_only: "is for members only",
		member_tag: "is for members with another tag",
		coupon: "needs a coupon that was not presented",
		limit_member: "was used up by this member",
		limit_total: "is used up",
	};
	// Python's `\d` is any Unicode decimal digit; its `$` also matches before a final newline.
	const MOMENT = new RegExp(
		String.raw`^(\p{Nd}{4})-(\p{Nd}{2})-(\p{Nd}{2})[T ](\p{Nd}{2}):(\p{Nd}{2})` +
			String.raw`(?::(\p{Nd}{2})(?:\.\p{Nd}+)?)?(Z|[+-]\p{Nd}{2}:?\p{Nd}{2})?\n?$`,
		"u"
	);
	const CLOCK = /^(\p{Nd}{1,2}):(\p{Nd}{2})$/u;

	class PromotionError extends Error {
		// A promotion, basket or context the engine cannot read; the message names the field.
		constructor(message) {
			super(message);
			this.name = "PromotionError";
		}
	}

	// --- Python's view of JSON values ----------------------------------------------------------------

	function isDict(value) {
		return value !== null && typeof value === "object" && !Array.isArray(value);
	}

	function pyTypeName(value) {
		if (value === null || value === undefined) return "NoneType";
		if (typeof value === "boolean") return "bool";
		if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
		if (typeof value === "string") return "str";
		if (typeof value === "bigint") return "int";
		return Array.isArray(value) ? "list" : "dict";
	}

	function truthy(value) {
		if (value === null || value === undefined || value === false || value === 0 || value === "" || value === 0n) {
			return false;
		}
		if (Array.isArray(value)) return value.length > 0;
		if (typeof value === "object") return Object.keys(value).length > 0;
		return true;
	}

	// mapping.get(key, fallback); anything but a dict has no .get in Python
	function get(mapping, key, fallback = null) {
		if (!isDict(mapping)) {
			throw new TypeError(`'${pyTypeName(mapping)}' object has no attribute 'get'`);
		}
		const value = Object.prototype.hasOwnProperty.call(mapping, key) ? mapping[key] : undefined;
		return value === undefined ? fallback : value;
	}

	// `for x in value`: a string yields its characters, a dict its keys
	function iterate(value) {
		if (Array.isArray(value)) return value;
		if (typeof value === "string") return Array.from(value);
		if (isDict(value)) return Object.keys(value);
		throw new TypeError(`'${pyTypeName(value)}' object is not iterable`);
	}

	function hashable(value) {
		if (value !== null && typeof value === "object") {
			throw new TypeError(`unhashable type: '${pyTypeName(value)}'`);
		}
		return value;
	}

	function floatRepr(number) {
		if (Number.isNaN(number)) return "nan";
		if (!Number.isFinite(number)) return number > 0 ? "inf" : "-inf";
		if (number === 0) return Object.is(number, -0) ? "-0.0" : "0.0";
		const sign = number < 0 ? "-" : "";
		const [mantissa, exponentText] = Math.abs(number).toExponential().split("e");
		const digits = mantissa.replace(".", "");
		const exponent = Number(exponentText);
		if (exponent >= -4 && exponent < 16) {
			if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
			const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
			return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
		}
		const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
		const power = String(Math.abs(exponent)).padStart(2, "0");
		return `${sign}${head}e${exponent < 0 ? "-" : "+"}${power}`;
	}

	function stringRepr(text) {
		const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
		let out = quote;
		for (const char of text) {
			const code = char.codePointAt(0);
			if (char === "\\" || char === quote) out += "\\" + char;
			else if (char === "\t") out += "\\t";
			else if (char === "\n") out += "\\n";
			else if (char === "\r") out += "\\r";
			else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
			else if (code !== 0x20 && /[\p{C}\p{Z}]/u.test(char)) {
				const hex = code.toString(16);
				if (code < 0x100) out += "\\x" + hex.padStart(2, "0");
				else if (code < 0x10000) out += "\\u" + hex.padStart(4, "0");
				else out += "\\U" + hex.padStart(8, "0");
			} else out += char;
		}
		return out + quote;
	}

	// repr(value) and str(value) of the Python object JSON would have given
	function repr(value) {
		if (value === null || value === undefined) return "None";
		if (value === true) return "True";
		if (value === false) return "False";
		if (typeof value === "bigint") return value.toString();
		if (typeof value === "number") {
			return Number.isInteger(value) ? BigInt(value).toString() : floatRepr(value);
		}
		if (typeof value === "string") return stringRepr(value);
		if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
		return `{${Object.keys(value)
			.map((key) => `${repr(key)}: ${repr(value[key])}`)
			.join(", ")}}`;
	}

	function str(value) {
		return typeof value === "string" ? value : repr(value);
	}

	// Python's str.isspace()
	const SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
	const DIGIT = /^\p{Nd}$/u;

	// the value of any Unicode decimal digit (they come in runs of ten, starting at zero)
	function digitValue(char) {
		const code = char.codePointAt(0);
		if (code >= 48 && code <= 57) return code - 48;
		let start = code;
		while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
		return (code - start) % 10;
	}

	function asciiDigits(text) {
		let out = "";
		for (const char of text) out += DIGIT.test(char) ? String(digitValue(char)) : char;
		return out;
	}

	function stripSpace(text) {
		const chars = Array.from(text);
		let start = 0;
		let end = chars.length;
		while (start < end && SPACE.test(chars[start])) start++;
		while (end > start && SPACE.test(chars[end - 1])) end--;
		return chars.slice(start, end);
	}

	// Python's default sys.get_int_max_str_digits(): int() refuses a longer string of digits
	const INT_MAX_STR_DIGITS = 4300;

	// int(value): a bool is 0/1, a float is truncated, a string is read in base 10
	function pyInt(value) {
		if (value === true || value === false) return value ? 1 : 0;
		if (typeof value === "number") {
			if (!Number.isFinite(value)) {
				throw new Error(`cannot convert float ${floatRepr(value)} to integer`);
			}
			return Math.trunc(value) || 0;
		}
		if (typeof value === "bigint") return Number(value);
		if (typeof value !== "string") {
			throw new TypeError(
				`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`
			);
		}
		let ascii = "";
		for (const char of value) {
			if (char.codePointAt(0) < 128) ascii += char;
			else if (SPACE.test(char)) ascii += " ";
			else if (DIGIT.test(char)) ascii += String(digitValue(char));
			else ascii += "?";
		}
		const match = /^[ \t\n\v\f\r]*([+-]?)(\d+(?:_\d+)*)[ \t\n\v\f\r]*$/.exec(ascii);
		if (!match) throw new Error(`invalid literal for int() with base 10: ${repr(value)}`);
		const digits = match[2].replace(/_/g, "");
		if (digits.length > INT_MAX_STR_DIGITS) {
			throw new Error(
				`Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ` +
					`${digits.length} digits; use sys.set_int_max_str_digits() to increase the limit`
			);
		}
		const number = Number(digits);
		return match[1] === "-" ? -number || 0 : number;
	}

	function isWellFormed(text) {
		return typeof text.isWellFormed === "function"
			? text.isWellFormed()
			: !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(text);
	}

	// --- exact numbers -------------------------------------------------------------------------------

	// Decimal(text) as {sign, digits, exponent}, {special} or null (the syntax Python's decimal accepts)
	function readDecimal(text) {
		const plain = /^(\d{1,15})(?:\.(\d{0,15}))?$/.exec(text);
		if (plain) {
			const fraction = plain[2] || "";
			const digits = (plain[1] + fraction).replace(/^0+/, "") || "0";
			return { sign: 1n, digits, exponent: -fraction.length };
		}
		let ascii = "";
		for (const char of stripSpace(text)) {
			const code = char.codePointAt(0);
			if (char === "_") continue;
			if (code > 0 && code <= 127) ascii += char;
			else if (SPACE.test(char)) ascii += " ";
			else if (DIGIT.test(char)) ascii += String(digitValue(char));
			else return null;
		}
		const match = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/.exec(ascii);
		if (!match) {
			if (/^[+-]?(?:inf|infinity|s?nan\d*)$/i.test(ascii)) return { special: ascii };
			return null;
		}
		const whole = match[2] === undefined ? "" : match[2];
		const fraction = match[2] === undefined ? match[4] : match[3] || "";
		const digits = (whole + fraction).replace(/^0+/, "") || "0";
		const exponent = (match[5] === undefined ? 0 : Number(match[5])) - fraction.length;
		return { sign: match[1] === "-" ? -1n : 1n, digits, exponent };
	}

	// Decimal.scaleb rounds to the default context: 28 significant digits, half even, exponents ±999999
	const PRECISION = 28;
	const E_MAX = 999999;
	const E_TINY = -999999 - PRECISION + 1;
	const E_TOP = E_MAX - PRECISION + 1;

	function decimalOverflow() {
		return new Error("[<class 'decimal.Overflow'>]");
	}

	function fitContext(digits, exponent) {
		if (digits === "0") return { digits, exponent };
		let expMin = digits.length + exponent - PRECISION;
		if (expMin > E_TOP) throw decimalOverflow();
		if (expMin < E_TINY) expMin = E_TINY;
		if (exponent >= expMin) return { digits, exponent };
		let keep = digits.length + exponent - expMin;
		if (keep < 0) {
			digits = "1";
			keep = 0;
		}
		let kept = digits.slice(0, keep) || "0";
		const rest = digits.slice(keep);
		const tail = rest.slice(1);
		let up = rest[0] > "5" || (rest[0] === "5" && /[1-9]/.test(tail));
		if (rest[0] === "5" && !/[1-9]/.test(tail)) up = Number(kept[kept.length - 1]) % 2 === 1;
		if (up) {
			kept = (BigInt(kept) + 1n).toString();
			if (kept.length > PRECISION) {
				kept = kept.slice(0, -1);
				expMin += 1;
			}
		}
		if (expMin > E_TOP) throw decimalOverflow();
		return { digits: kept.replace(/^0+(?=\d)/, ""), exponent: expMin };
	}

	// A decimal number (string or integer) as a BigInt in units of 10^-places; refuses more places.
	function scaled(value, places, where) {
		if (
			value === null ||
			value === undefined ||
			typeof value === "boolean" ||
			(typeof value === "number" && !Number.isInteger(value))
		) {
			throw new PromotionError(
				`${where} must be a number written as a string or an integer, not ${repr(value)}`
			);
		}
		const text = typeof value === "number" || typeof value === "bigint" ? BigInt(value).toString() : str(value);
		const number = isWellFormed(text) ? readDecimal(text) : null;
		if (number === null || number.special !== undefined) {
			throw new PromotionError(`${where} ${repr(value)} is not a number`);
		}
		const { digits, exponent } = fitContext(number.digits, number.exponent + places);
		if (digits === "0") return 0n;
		if (exponent >= 0) return number.sign * BigInt(digits) * 10n ** BigInt(exponent);
		if (-exponent >= digits.length || /[1-9]/.test(digits.slice(exponent))) {
			throw new PromotionError(`${where} ${str(value)} has more than ${places} decimal places`);
		}
		return number.sign * BigInt(digits.slice(0, exponent));
	}

	// Python's // (towards minus infinity) on BigInts
	function floorDiv(numerator, denominator) {
		if (denominator === 0n) throw new Error("integer division or modulo by zero");
		const quotient = numerator / denominator;
		return numerator % denominator !== 0n && numerator < 0n !== denominator < 0n ? quotient - 1n : quotient;
	}

	function floorMod(numerator, denominator) {
		return numerator - floorDiv(numerator, denominator) * denominator;
	}

	const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

	// numerator ÷ denominator rounded half up, for numerator ≥ 0 and denominator > 0 (BigInts).
	function halfUp(numerator, denominator) {
		return floorDiv(2n * numerator + denominator, 2n * denominator);
	}

	// Minor units as a decimal string with the currency's places (150n, 2 → '1.50').
	function formatMinor(amount, precision) {
		if (amount >= -MAX_SAFE && amount <= MAX_SAFE) {
			// the same digits through Numbers, which are exact here and much cheaper than BigInt's toString
			let number = Number(amount);
			const sign = number < 0 ? "-" : "";
			if (number < 0) number = -number;
			if (precision === 0) return `${sign}${number}`;
			const unit = 10 ** precision;
			const fraction = number % unit;
			return `${sign}${(number - fraction) / unit}.${String(fraction).padStart(precision, "0")}`;
		}
		amount = BigInt(amount);
		const sign = amount < 0n ? "-" : "";
		if (amount < 0n) amount = -amount;
		if (precision === 0) return `${sign}${amount}`;
		const unit = 10n ** BigInt(precision);
		return `${sign}${amount / unit}.${String(amount % unit).padStart(precision, "0")}`;
	}

	// Split `total` minor units over [line_id, weight] pairs in proportion to weight (largest remainder):
	// a Map line_id → share, shares of 0 left out.
	function splitLargestRemainder(total, weights) {
		let weightSum = 0n;
		for (const [, weight] of weights) weightSum += weight;
		const shares = new Map();
		if (total <= 0n || weightSum <= 0n) return shares;
		if (total > weightSum) total = weightSum;
		let left = total;
		for (const [lineId, weight] of weights) {
			const share = floorDiv(total * weight, weightSum);
			shares.set(lineId, share);
			left -= share;
		}
		if (left) {
			const order = weights.map(([lineId, weight]) => [lineId, weight, floorMod(total * weight, weightSum)]);
			order.sort((a, b) => compareBig(b[2], a[2]) || compareBig(b[1], a[1]) || a[0] - b[0]);
			for (const [lineId] of order.slice(0, Number(left))) shares.set(lineId, shares.get(lineId) + 1n);
		}
		for (const [lineId, share] of shares) if (!share) shares.delete(lineId);
		return shares;
	}

	function compareBig(a, b) {
		return a < b ? -1 : a > b ? 1 : 0;
	}

	// Python compares strings by code point; JS's < compares UTF-16 units (differs past U+FFFF only)
	function compareText(a, b) {
		if (a === b) return 0;
		const length = Math.min(a.length, b.length);
		for (let index = 0; index < length; index++) {
			let x = a.charCodeAt(index);
			let y = b.charCodeAt(index);
			if (x !== y) {
				if (x >= 0xd800 && y >= 0xd800) {
					x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
					y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
				}
				return x < y ? -1 : 1;
			}
		}
		return a.length - b.length;
	}

	// Python's sequence[start:end] for counts that may be negative
	function slice(sequence, start, end) {
		const size = sequence.length;
		const clamp = (index) => (index < 0 ? Math.max(0, size + index) : Math.min(size, index));
		return sequence.slice(clamp(start), clamp(end));
	}

	function intDiv(numerator, denominator) {
		if (denominator === 0) throw new Error("integer division or modulo by zero");
		return Math.floor(numerator / denominator);
	}

	// --- calendar dates as day numbers (days since 1970-01-01) -----------------------------------------

	const DAY_MS = 86400000;

	function utcMs(year, month, day, hour = 0, minute = 0, second = 0) {
		const moment = new Date(0);
		moment.setUTCFullYear(year, month - 1, day);
		moment.setUTCHours(hour, minute, second, 0);
		return moment.getTime();
	}

	function dayNumber(year, month, day) {
		return Math.floor(utcMs(year, month, day) / DAY_MS);
	}

	const MIN_DAY = dayNumber(1, 1, 1);
	const MAX_DAY = dayNumber(9999, 12, 31);

	function isoWeekday(day) {
		return ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
	}

	function daysInMonth(year, month) {
		return new Date(utcMs(year, month + 1, 0)).getUTCDate();
	}

	function isLeap(year) {
		return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	}

	// datetime.date/datetime's own checks, with its messages (a ValueError in Python)
	function checkDate(year, month, day) {
		if (year < 1 || year > 9999) throw new Error(`year ${year} is out of range`);
		if (month < 1 || month > 12) throw new Error("month must be in 1..12");
		if (day < 1 || day > daysInMonth(year, month)) throw new Error("day is out of range for month");
	}

	// date.fromisoformat (Python 3.11): YYYY-MM-DD, YYYYMMDD, YYYY-Www[-D], YYYYWww[D], read as UTF-8 bytes
	function fromIsoDate(text) {
		if (!isWellFormed(text)) return null;
		const bytes = new TextEncoder().encode(text);
		if (![7, 8, 10].includes(bytes.length)) return null;
		let position = 0;
		const digits = (count) => {
			let value = 0;
			for (let index = 0; index < count; index++) {
				const byte = bytes[position + index];
				if (!(byte >= 48 && byte <= 57)) return null;
				value = value * 10 + byte - 48;
			}
			position += count;
			return value;
		};
		const year = digits(4);
		if (year === null) return null;
		const separated = bytes[position] === 45; // '-'
		if (separated) position++;
		if (bytes[position] === 87) {
			// 'W': an ISO week date
			position++;
			const week = digits(2);
			if (week === null) return null;
			let weekday = 1;
			if (position < bytes.length) {
				if (separated && bytes[position++] !== 45) return null;
				weekday = digits(1);
				if (weekday === null) return null;
			}
			const january = dayNumber(year, 1, 1);
			const firstWeekday = isoWeekday(january) - 1; // 0 = Monday
			if (week <= 0 || week >= 53) {
				const longYear = firstWeekday === 3 || (firstWeekday === 2 && isLeap(year));
				if (!(week === 53 && longYear)) return null;
			}
			if (weekday <= 0 || weekday >= 8) return null;
			let weekOneMonday = january - firstWeekday;
			if (firstWeekday > 3) weekOneMonday += 7;
			const day = weekOneMonday + (week - 1) * 7 + weekday - 1;
			const moment = new Date(day * DAY_MS);
			return { year: moment.getUTCFullYear(), month: moment.getUTCMonth() + 1, day: moment.getUTCDate() };
		}
		const month = digits(2);
		if (month === null) return null;
		if (separated && bytes[position++] !== 45) return null;
		const day = digits(2);
		if (day === null) return null;
		return { year, month, day };
	}

	// --- compiled promotions -------------------------------------------------------------------------

	function names(raw, key) {
		let value = get(raw, key);
		if (!truthy(value)) value = [];
		if (typeof value === "string" || !(Array.isArray(value) || isDict(value))) {
			throw new PromotionError(`${key} must be a list of names`);
		}
		return new Set(iterate(value).map(str));
	}

	function minutes(value, where) {
		const match = CLOCK.exec(str(value));
		const hour = match && Number(asciiDigits(match[1]));
		const minute = match && Number(asciiDigits(match[2]));
		if (!match || minute > 59 || hour > 24 || (hour === 24 && minute)) {
			throw new PromotionError(`${where} ${repr(value)} is not a time of day like 17:30`);
		}
		return hour * 60 + minute;
	}

	function readDate(value, where) {
		if (!truthy(value)) return null;
		const parts = fromIsoDate(str(value));
		try {
			if (parts === null) throw new Error("invalid");
			checkDate(parts.year, parts.month, parts.day);
		} catch (error) {
			throw new PromotionError(`${where} ${repr(value)} is not a date like 2026-11-28`);
		}
		return dayNumber(parts.year, parts.month, parts.day);
	}

	// `value or fallback`
	function or(value, fallback) {
		return truthy(value) ? value : fallback;
	}

	// Python's `-?\d+` (\d: any Unicode decimal digit), matched in full
	const WHOLE = /^-?\p{Nd}+$/u;

	// A whole number from a form or JSON (an int, or digits in a string); engine.py's _whole. JSON cannot
	// tell 2.0 from 2 once parsed, so an integral float reads as an int here (Python refuses it).
	function whole(value, where) {
		const isInt = (typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint";
		if (!isInt && !(typeof value === "string" && WHOLE.test(value))) {
			throw new PromotionError(`${where} must be a whole number, not ${repr(value)}`);
		}
		return pyInt(value);
	}

	// A bundle's items: each once, with a quantity of at least 1; engine.py's _components.
	function components(raw, name) {
		// of what JSON gives, only a list: a string or a mapping is refused, and a number cannot be iterated
		if (!Array.isArray(raw)) throw new PromotionError(`promotion ${name}: components must be a list of items`);
		const parts = [];
		raw.forEach((part, position) => {
			const where = `promotion ${name}: components[${position}]`;
			const itemCode = isDict(part) ? get(part, "item_code") : null;
			if (!truthy(itemCode)) throw new PromotionError(`${where} needs an item_code`);
			const qty = whole(or(get(part, "qty"), 1), `${where}.qty`);
			if (qty < 1) throw new PromotionError(`${where}.qty must be at least 1`);
			const code = str(itemCode);
			if (parts.some(([known]) => known === code)) {
				throw new PromotionError(
					`promotion ${name}: ${code} is listed twice in the bundle; give it a quantity instead`
				);
			}
			parts.push([code, qty]);
		});
		return parts;
	}

	// A promotion object (as stored, as in the case table) read into exact integers; throws PromotionError.
	function compilePromotion(raw, precision = 2) {
		const name = str(truthy(get(raw, "name")) ? get(raw, "name") : "");
		if (!name) throw new PromotionError("a promotion needs a name");
		const kind = get(raw, "kind");
		if (!KINDS.includes(kind)) {
			throw new PromotionError(`promotion ${name}: kind ${repr(kind)} is not one of ${KINDS.join(", ")}`);
		}
		const stacking = truthy(get(raw, "stacking")) ? get(raw, "stacking") : "stackable";
		if (!STACKING.includes(stacking)) {
			throw new PromotionError(
				`promotion ${name}: stacking ${repr(stacking)} is not one of ${STACKING.join(", ")}`
			);
		}
		const windowRaw = truthy(get(raw, "window")) ? get(raw, "window") : {};
		const validFrom = readDate(get(windowRaw, "valid_from"), `promotion ${name}: window.valid_from`);
		const validUpto = readDate(get(windowRaw, "valid_upto"), `promotion ${name}: window.valid_upto`);
		const days = new Set(
			listOf(get(windowRaw, "days")).map((day) => whole(day, `promotion ${name}: window.days`))
		);
		const hours = listOf(get(windowRaw, "hours")).map((span) => [
			minutes(get(span, "start"), `promotion ${name}: window.hours.start`),
			minutes(get(span, "end"), `promotion ${name}: window.hours.end`),
		]);
		const window = { validFrom, validUpto, days, hours };
		const where = `promotion ${name}:`;
		const tiers = listOf(get(raw, "tiers")).map((tier) => [
			scaled(get(tier, "threshold", 0), precision, `${where} tier threshold`),
			scaled(get(tier, "amount", 0), precision, `${where} tier amount`),
			scaled(get(tier, "percent", 0), 2, `${where} tier percent`),
		]);
		const promotion = {
			name,
			kind,
			stacking,
			priority: whole(or(get(raw, "priority"), 0), `promotion ${name}: priority`),
			items: names(raw, "items"),
			itemGroups: names(raw, "item_groups"),
			batches: names(raw, "batches"),
			percent: scaled(get(raw, "percent", 0), 2, `${where} percent`),
			amount: scaled(get(raw, "amount", 0), precision, `${where} amount`),
			price: scaled(get(raw, "price", 0), precision, `${where} price`),
			minQty: scaled(get(raw, "min_qty", 0), 3, `${where} min_qty`),
			buyQty: whole(or(get(raw, "buy_qty"), 0), `promotion ${name}: buy_qty`),
			getQty: whole(or(get(raw, "get_qty"), 0), `promotion ${name}: get_qty`),
			rewardItems: names(raw, "reward_items"),
			rewardItemGroups: names(raw, "reward_item_groups"),
			groupQty: whole(or(get(raw, "group_qty"), 0), `promotion ${name}: group_qty`),
			components: components(or(get(raw, "components"), []), name),
			tiers,
			repeat: truthy(get(raw, "repeat")),
			window,
			stores: names(raw, "stores"),
			membersOnly: truthy(get(raw, "members_only")),
			memberTags: names(raw, "member_tags"),
			couponCodes: null,
			limitPerMember: 0,
			limitTotal: 0,
		};
		promotion.couponCodes = new Set(Array.from(names(raw, "coupon_codes"), (code) => code.toUpperCase()));
		promotion.limitPerMember = whole(
			or(get(raw, "limit_per_member"), 0),
			`promotion ${name}: limit_per_member`
		);
		promotion.limitTotal = whole(or(get(raw, "limit_total"), 0), `promotion ${name}: limit_total`);
		if (kind === "buy_x_get_y" && (promotion.buyQty < 1 || promotion.getQty < 1)) {
			throw new PromotionError(`promotion ${name}: buy X get Y needs X and Y of at least 1`);
		}
		if (kind === "mix_match" && promotion.groupQty < 1) {
			throw new PromotionError(`promotion ${name}: mix and match needs a group of at least 2 items`);
		}
		if (kind === "bundle" && !promotion.components.length) {
			throw new PromotionError(`promotion ${name}: a bundle needs its items`);
		}
		promotion.everyItem = !promotion.items.size && !promotion.itemGroups.size && !promotion.components.length;
		// it targets every line of every basket: no items, groups, components or batches
		promotion.targetsAll = promotion.everyItem && !promotion.batches.size;
		promotion.separateRewardPool = Boolean(promotion.rewardItems.size || promotion.rewardItemGroups.size);
		return Object.freeze(promotion);
	}

	// `value or ()` iterated
	function listOf(value) {
		return truthy(value) ? iterate(value) : [];
	}

	// Whether a line of this batch (null: no batch) is one the promotion may touch.
	function sees(promotion, batchNo) {
		return !promotion.batches.size || promotion.batches.has(batchNo);
	}

	function targets(promotion, itemCode, itemGroup, batchNo = null) {
		if (!sees(promotion, batchNo)) return false;
		if (promotion.components.length) return promotion.components.some(([code]) => code === itemCode);
		return (
			promotion.everyItem ||
			promotion.items.has(itemCode) ||
			(itemGroup !== null && promotion.itemGroups.has(hashable(itemGroup)))
		);
	}

	function rewards(promotion, itemCode, itemGroup, batchNo = null) {
		if (!sees(promotion, batchNo)) return false;
		return (
			promotion.rewardItems.has(itemCode) ||
			(itemGroup !== null && promotion.rewardItemGroups.has(hashable(itemGroup)))
		);
	}

	// --- context and basket --------------------------------------------------------------------------

	function unitValue(line) {
		return halfUp(line.remaining * 1000n, line.qty);
	}

	const zones = new Map();

	// Intl's zone names are case-insensitive; Python's ZoneInfo reads a file named exactly so
	function zone(name) {
		let format = zones.get(name);
		if (format) return format;
		try {
			format = new Intl.DateTimeFormat("en-US", {
				timeZone: name,
				hourCycle: "h23",
				era: "short",
				year: "numeric",
				month: "numeric",
				day: "numeric",
				hour: "numeric",
				minute: "numeric",
				second: "numeric",
			});
		} catch (error) {
			throw new PromotionError(`time zone ${repr(name)} is unknown`);
		}
		// "asia/shanghai" or "utc": Intl takes them, ZoneInfo finds no such file
		const resolved = format.resolvedOptions().timeZone;
		const lowered = name === name.toLowerCase() && resolved !== resolved.toLowerCase();
		if (resolved !== name && (resolved.toLowerCase() === name.toLowerCase() || lowered)) {
			throw new PromotionError(`time zone ${repr(name)} is unknown`);
		}
		zones.set(name, format);
		return format;
	}

	const MIN_MS = utcMs(1, 1, 1);
	const MAX_MS = utcMs(9999, 12, 31, 23, 59, 59);

	function overflow() {
		return new Error("date value out of range");
	}

	let lastLocal = { format: null, at: NaN, wall: null };

	function wallClock(format, at) {
		if (lastLocal.format === format && lastLocal.at === at) return lastLocal.wall;
		const parts = {};
		for (const part of format.formatToParts(new Date(at))) parts[part.type] = part.value;
		const year = Number(parts.year);
		if (parts.era !== "AD" || year > 9999) throw overflow();
		const wall = [year, Number(parts.month), Number(parts.day)];
		wall.push(Number(parts.hour), Number(parts.minute), Number(parts.second));
		lastLocal = { format, at, wall };
		return wall;
	}

	// The store's local [day number, second of the day] for an ISO moment; a moment without an offset is
	// already the store's wall-clock time.
	function localMoment(at, timezone) {
		const match = MOMENT.exec(at || "");
		if (!match) {
			throw new PromotionError(`context.at ${repr(at)} is not an ISO date-time like 2026-11-28T18:30:00+08:00`);
		}
		let [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((index) => Number(asciiDigits(match[index])));
		let second = match[6] === undefined ? 0 : Number(asciiDigits(match[6]));
		checkDate(year, month, day);
		if (hour > 23) throw new Error("hour must be in 0..23");
		if (minute > 59) throw new Error("minute must be in 0..59");
		if (second > 59) throw new Error("second must be in 0..59");
		if (match[7] !== undefined) {
			const offset = match[7];
			let shift = 0;
			if (offset !== "Z") {
				const digits = asciiDigits(offset.slice(1).replace(":", ""));
				shift = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
				if (offset[0] === "-") shift = -shift;
			}
			const utc = utcMs(year, month, day, hour, minute, second) - shift;
			if (utc < MIN_MS || utc > MAX_MS) throw overflow();
			[year, month, day, hour, minute, second] = wallClock(zone(timezone), utc);
		} else {
			zone(timezone); // an unknown zone is an error even when the moment needs no conversion
		}
		return [dayNumber(year, month, day), hour * 3600 + minute * 60 + second];
	}

	function readContext(raw) {
		const precision = pyInt(get(raw, "precision", 2));
		if (!(precision >= 0 && precision <= 4)) {
			throw new PromotionError(`context.precision ${precision} must be 0 to 4`);
		}
		const at = get(raw, "at");
		const timezone = get(raw, "timezone");
		const [day, second] = localMoment(str(truthy(at) ? at : ""), str(truthy(timezone) ? timezone : "UTC"));
		const member = get(raw, "member");
		return {
			day,
			second,
			store: get(raw, "store"),
			member: truthy(member) ? member : null,
			memberTags: new Set(listOf(get(raw, "member_tags")).map(hashable)),
			coupons: new Set(listOf(get(raw, "coupons")).map((code) => str(code).toUpperCase())),
			usage: usage(or(get(raw, "usage"), {})),
			precision,
		};
	}

	// context.usage: each promotion's uses as a mapping ({"member": uses, "total": uses}); engine.py's _usage
	function usage(raw) {
		if (!isDict(raw) || !Object.values(raw).every(isDict)) {
			throw new PromotionError('context.usage must map each promotion to {"member": uses, "total": uses}');
		}
		return raw;
	}

	function dayReason(window, day) {
		if (window.validFrom !== null && day < window.validFrom) return "not_started";
		if (window.validUpto !== null && day > window.validUpto) return "ended";
		if (window.days.size && !window.days.has(isoWeekday(day))) return "wrong_day";
		return null;
	}

	// null when the local moment is inside the window, else the reason code. Each hour span is tried in
	// turn with the day it opened on (yesterday for the small hours of a span crossing midnight); the first
	// span that holds wins.
	function windowReason(window, day, second) {
		if (!window.hours.length) return dayReason(window, day);
		let firstReason = null;
		for (const [start, end] of window.hours) {
			let opened = null;
			if (end > start) {
				opened = start * 60 <= second && second < end * 60 ? day : null;
			} else if (second >= start * 60) {
				opened = day;
			} else if (second < end * 60) {
				if (day <= MIN_DAY) throw overflow();
				opened = day - 1;
			}
			if (opened === null) continue;
			const reason = dayReason(window, opened);
			if (reason === null) return null;
			firstReason = firstReason || reason;
		}
		return firstReason || "outside_hours";
	}

	function intersects(first, second) {
		for (const value of first) if (second.has(value)) return true;
		return false;
	}

	// Why a promotion does not apply to this customer at this moment (null: it applies).
	function skipReason(promotion, context) {
		const reason = windowReason(promotion.window, context.day, context.second);
		if (reason) return reason;
		if (promotion.stores.size && !promotion.stores.has(hashable(context.store))) return "other_store";
		if (promotion.membersOnly && !truthy(context.member)) return "members_only";
		const member = truthy(context.member);
		if (promotion.memberTags.size && !(member && intersects(promotion.memberTags, context.memberTags))) {
			return member ? "member_tag" : "members_only";
		}
		if (promotion.couponCodes.size && !intersects(promotion.couponCodes, context.coupons)) return "coupon";
		const usedRaw = get(context.usage, promotion.name);
		const used = truthy(usedRaw) ? usedRaw : {};
		if (
			promotion.limitPerMember &&
			truthy(context.member) &&
			pyInt(get(used, "member", 0)) >= promotion.limitPerMember
		) {
			return "limit_member";
		}
		if (promotion.limitTotal && pyInt(get(used, "total", 0)) >= promotion.limitTotal) return "limit_total";
		return null;
	}

	// --- evaluation ----------------------------------------------------------------------------------

	// Active promotions, compiled once and indexed by item and item group, for many baskets.
	class Catalogue {
		constructor(promotions, precision = 2) {
			this.precision = precision;
			this.promotions = [];
			this.byItem = new Map();
			this.byGroup = new Map();
			this.byBatch = new Map();
			this.forAll = [];
			const seen = new Set();
			for (const raw of iterate(promotions)) {
				const promotion = isCompiled(raw) ? raw : compilePromotion(raw, precision);
				if (seen.has(promotion.name)) throw new PromotionError(`promotion ${promotion.name} is listed twice`);
				seen.add(promotion.name);
				const index = this.promotions.length;
				this.promotions.push(promotion);
				if (promotion.targetsAll) {
					this.forAll.push(index);
					continue;
				}
				if (promotion.batches.size) {
					// it sees only lines of its batches: found through them alone
					for (const batchNo of promotion.batches) addTo(this.byBatch, batchNo, index);
					continue;
				}
				const codes = new Set([
					...promotion.items,
					...promotion.components.map(([code]) => code),
					...promotion.rewardItems,
				]);
				for (const code of codes) addTo(this.byItem, code, index);
				for (const group of new Set([...promotion.itemGroups, ...promotion.rewardItemGroups])) {
					addTo(this.byGroup, group, index);
				}
			}
		}

		// Whether any promotion could apply to these [item code, item group(, batch number)] tuples.
		touches(items) {
			if (this.forAll.length) return true;
			for (const [code, group, batchNo] of iterate(items)) {
				if (this.byItem.has(code)) return true;
				if (group !== null && group !== undefined && this.byGroup.has(hashable(group))) return true;
				if (batchNo !== null && batchNo !== undefined && this.byBatch.has(hashable(batchNo))) return true;
			}
			return false;
		}

		candidates(lines) {
			return this.linesByCandidate(lines).map(([promotion]) => promotion);
		}

		// [promotion, the basket lines its index entries name, in basket order] for each candidate, in
		// catalogue order: every line a promotion can target or reward is among them
		linesByCandidate(lines) {
			const found = new Array(this.promotions.length);
			for (const index of this.forAll) found[index] = lines;
			const note = (index, line) => {
				const named = found[index];
				if (named === undefined) found[index] = [line];
				else if (named !== lines && named[named.length - 1] !== line) named.push(line);
			};
			for (const line of lines) {
				const byItem = this.byItem.get(line.itemCode);
				if (byItem) for (const index of byItem) note(index, line);
				if (line.itemGroup !== null) {
					const byGroup = this.byGroup.get(hashable(line.itemGroup));
					if (byGroup) for (const index of byGroup) note(index, line);
				}
				if (line.batchNo !== null) {
					const byBatch = this.byBatch.get(line.batchNo);
					if (byBatch) for (const index of byBatch) note(index, line);
				}
			}
			const result = [];
			for (let index = 0; index < found.length; index++) {
				if (found[index] !== undefined) result.push([this.promotions[index], found[index]]);
			}
			return result;
		}
	}

	function isCompiled(raw) {
		return isDict(raw) && Object.isFrozen(raw) && raw.window !== undefined && raw.targetsAll !== undefined;
	}

	function addTo(index, key, position) {
		const list = index.get(key);
		if (list) list.push(position);
		else index.set(key, [position]);
	}

	function readBasket(raw, precision) {
		const lines = [];
		const seen = new Set();
		const scale = 10n ** BigInt(precision);
		listOf(get(raw, "lines")).forEach((line, position) => {
			const where = `basket.lines[${position}]`;
			const lineId = get(line, "line_id");
			if (typeof lineId !== "number" || !Number.isInteger(lineId) || seen.has(lineId)) {
				throw new PromotionError(`${where}.line_id must be a whole number, once per basket`);
			}
			seen.add(lineId);
			const qty = scaled(get(line, "qty"), 3, `${where}.qty`);
			const price = scaled(get(line, "unit_price"), 4, `${where}.unit_price`);
			if (qty <= 0n || price < 0n) {
				throw new PromotionError(`${where}: quantity must be above 0 and the price at least 0`);
			}
			let batchNo = get(line, "batch_no");
			if (batchNo === "") batchNo = null;
			if (batchNo !== null && typeof batchNo !== "string") {
				throw new PromotionError(`${where}.batch_no must be a batch number written as text, not ${repr(batchNo)}`);
			}
			const base = halfUp(qty * price * scale, 10000000n);
			lines.push({
				lineId,
				itemCode: str(get(line, "item_code")),
				itemGroup: get(line, "item_group"),
				qty,
				remaining: base,
				base,
				unitsFree: qty % 1000n === 0n ? Number(qty / 1000n) : 0,
				discounts: new Map(),
				locked: false,
				stamp: 0,
				batchNo,
			});
		});
		return lines;
	}

	function byOrder(a, b) {
		return b.priority - a.priority || compareText(a.name, b.name);
	}

	function cap(line, amount) {
		if (amount > line.remaining) amount = line.remaining;
		return amount > 0n ? amount : 0n;
	}

	// Python's `[line for line in lines if promotion.targets(...)]`, and the same for rewards
	function targeted(promotion, lines) {
		return lines.filter((line) => targets(promotion, line.itemCode, line.itemGroup, line.batchNo));
	}

	function rewarded(promotion, lines) {
		return lines.filter((line) => rewards(promotion, line.itemCode, line.itemGroup, line.batchNo));
	}

	function componentLines(promotion, lines) {
		return promotion.components.map(([code]) =>
			lines.filter((line) => line.itemCode === code && sees(promotion, line.batchNo))
		);
	}

	// percent off, amount off, fixed price: each line on its own
	function applySimple(promotion, lines) {
		return simpleOn(promotion, targeted(promotion, lines));
	}

	function simpleOn(promotion, lines) {
		const result = new Map();
		for (const line of lines) {
			if (line.qty < promotion.minQty) continue;
			let amount;
			if (promotion.kind === "percent_off") amount = halfUp(line.remaining * promotion.percent, 10000n);
			else if (promotion.kind === "amount_off") amount = halfUp(promotion.amount * line.qty, 1000n);
			else amount = line.remaining - halfUp(promotion.price * line.qty, 1000n);
			amount = cap(line, amount);
			if (amount) result.set(line.lineId, amount);
		}
		return result;
	}

	function byDearest(a, b) {
		return compareBig(b[0], a[0]) || a[1] - b[1];
	}

	// Every free whole unit as [unit value, line id, line], dearest first, then by line id.
	function units(lines) {
		const found = [];
		for (const line of lines) {
			if (line.unitsFree) {
				const value = unitValue(line);
				for (let count = 0; count < line.unitsFree; count++) found.push([value, line.lineId, line]);
			}
		}
		return found.sort(byDearest);
	}

	// Discount `percent` on the given units, rounded once per line.
	function reward(unitList, percent) {
		const valueByLine = new Map();
		for (const [value, lineId, line] of unitList) {
			const entry = valueByLine.get(lineId);
			if (entry) entry[1] += value;
			else valueByLine.set(lineId, [line, value]);
		}
		const result = new Map();
		for (const [lineId, [line, total]] of valueByLine) {
			const amount = cap(line, halfUp(total * percent, 10000n));
			if (amount) result.set(lineId, amount);
		}
		return result;
	}

	function consume(unitList, consumed) {
		for (const [, lineId] of unitList) consumed.set(lineId, (consumed.get(lineId) || 0) + 1);
	}

	function applyBuyGet(promotion, lines, consumed) {
		return buyGetOn(promotion, targeted(promotion, lines), rewarded(promotion, lines), consumed);
	}

	function buyGetOn(promotion, buyLines, rewardLines, consumed) {
		const buyUnits = units(buyLines);
		if (!promotion.separateRewardPool) {
			const size = promotion.buyQty + promotion.getQty;
			const sets = intDiv(buyUnits.length, size);
			const rewardedUnits = [];
			for (let number = 0; number < sets; number++) {
				const group = slice(buyUnits, number * size, (number + 1) * size);
				rewardedUnits.push(...slice(group, promotion.buyQty, group.length));
			}
			consume(slice(buyUnits, 0, sets * size), consumed);
			return reward(rewardedUnits, promotion.percent);
		}
		const sets = intDiv(buyUnits.length, promotion.buyQty);
		if (!sets) return new Map();
		const paid = slice(buyUnits, 0, sets * promotion.buyQty);
		const taken = new Map();
		for (const [, lineId] of paid) taken.set(lineId, (taken.get(lineId) || 0) + 1);
		const rewardUnits = [];
		for (const line of rewardLines) {
			if (line.unitsFree) {
				const spare = line.unitsFree - (taken.get(line.lineId) || 0);
				const value = unitValue(line);
				for (let count = 0; count < spare; count++) rewardUnits.push([value, line.lineId, line]);
			}
		}
		rewardUnits.sort((a, b) => compareBig(a[0], b[0]) || a[1] - b[1]); // cheapest first
		const rewardedUnits = slice(rewardUnits, 0, sets * promotion.getQty);
		if (!rewardedUnits.length) return new Map();
		consume(paid, consumed);
		consume(rewardedUnits, consumed);
		return reward(rewardedUnits, promotion.percent);
	}

	// A set discount spread over the lines of its units by the largest-remainder rule, within each line.
	function spread(total, unitList) {
		const weights = new Map();
		const byId = new Map();
		for (const [value, lineId, line] of unitList) {
			weights.set(lineId, (weights.get(lineId) || 0n) + value);
			byId.set(lineId, line);
		}
		const capped = [];
		for (const [lineId, weight] of weights) {
			const remaining = byId.get(lineId).remaining;
			capped.push([lineId, weight < remaining ? weight : remaining]);
		}
		capped.sort((a, b) => a[0] - b[0]);
		return splitLargestRemainder(total, capped);
	}

	function sumValues(unitList) {
		let total = 0n;
		for (const [value] of unitList) total += value;
		return total;
	}

	function applyMixMatch(promotion, lines, consumed) {
		return mixMatchOn(promotion, targeted(promotion, lines), consumed);
	}

	function mixMatchOn(promotion, lines, consumed) {
		const found = units(lines);
		const size = promotion.groupQty;
		const sets = intDiv(found.length, size);
		const chosen = slice(found, 0, sets * size);
		let discount = 0n;
		for (let number = 0; number < sets; number++) {
			const over = sumValues(slice(chosen, number * size, (number + 1) * size)) - promotion.price;
			if (over > 0n) discount += over;
		}
		if (!discount) return new Map();
		consume(chosen, consumed);
		return spread(discount, chosen);
	}

	function applyBundle(promotion, lines, consumed) {
		return bundleOn(promotion, componentLines(promotion, lines), consumed);
	}

	// `linesByComponent`: per component, in order, the lines of its item
	function bundleOn(promotion, linesByComponent, consumed) {
		const byComponent = new Map();
		promotion.components.forEach(([code], index) => byComponent.set(code, units(linesByComponent[index])));
		if (!promotion.components.length) throw new Error("min() arg is an empty sequence");
		let sets = Infinity;
		for (const [code, qty] of promotion.components) {
			sets = Math.min(sets, intDiv(byComponent.get(code).length, qty));
		}
		if (!sets) return new Map();
		const chosen = [];
		for (const [code, qty] of promotion.components) chosen.push(...slice(byComponent.get(code), 0, sets * qty));
		let discount = sumValues(chosen) - BigInt(sets) * promotion.price;
		if (discount < 0n) discount = 0n;
		if (!discount) return new Map();
		consume(chosen, consumed);
		return spread(discount, chosen);
	}

	function applyTiers(promotion, lines) {
		return tiersOn(promotion, targeted(promotion, lines));
	}

	function tiersOn(promotion, lines) {
		const eligible = lines.filter((line) => line.remaining > 0n);
		let spend = 0n;
		for (const line of eligible) spend += line.remaining;
		let reached = null;
		for (const tier of promotion.tiers) if (tier[0] <= spend) reached = tier;
		if (reached === null) return new Map();
		const [threshold, amount, percent] = reached;
		let discount;
		if (promotion.repeat && threshold > 0n) discount = floorDiv(spend, threshold) * amount;
		else if (amount) discount = amount;
		else discount = halfUp(spend * percent, 10000n);
		return splitLargestRemainder(
			discount < spend ? discount : spend,
			eligible.map((line) => [line.lineId, line.remaining])
		);
	}

	// What of this basket one promotion can touch. Which lines a promotion targets does not change while
	// the basket is evaluated, so it is found once (among `lines`, the basket lines the catalogue's index
	// names for it, in basket order); each try then keeps the lines still open, which is what engine.py's
	// _try sees after its own targets() filter.
	function planFor(promotion, lines) {
		const plan = {
			promotion,
			targeted: targeted(promotion, lines),
			rewardLines:
				promotion.kind === "buy_x_get_y" && promotion.separateRewardPool ? rewarded(promotion, lines) : [],
			componentLines: promotion.kind === "bundle" ? componentLines(promotion, lines) : [],
			relevant: null,
			tried: null,
			stamp: -1,
		};
		plan.relevant = plan.targeted;
		if (plan.rewardLines.length || plan.componentLines.length) {
			const touched = [...plan.targeted, ...plan.rewardLines, ...plan.componentLines.flat()];
			plan.relevant = Array.from(new Set(touched));
		}
		return plan;
	}

	// exclusive promotions take lines nobody discounted yet; the others, lines nobody locked
	function openOf(lines, exclusive) {
		const open = [];
		for (const line of lines) if (!line.locked && !(exclusive && line.discounts.size)) open.push(line);
		return open;
	}

	// [discount per line id, whole units used per line id] of one promotion on the open lines.
	function tryPlan(plan, exclusive) {
		const promotion = plan.promotion;
		const consumed = new Map();
		switch (promotion.kind) {
			case "percent_off":
			case "amount_off":
			case "fixed_price":
				return [simpleOn(promotion, openOf(plan.targeted, exclusive)), consumed];
			case "buy_x_get_y":
				return [
					buyGetOn(
						promotion,
						openOf(plan.targeted, exclusive),
						openOf(plan.rewardLines, exclusive),
						consumed
					),
					consumed,
				];
			case "mix_match":
				return [mixMatchOn(promotion, openOf(plan.targeted, exclusive), consumed), consumed];
			case "bundle":
				return [
					bundleOn(
						promotion,
						plan.componentLines.map((found) => openOf(found, exclusive)),
						consumed
					),
					consumed,
				];
			default:
				return [tiersOn(promotion, openOf(plan.targeted, exclusive)), consumed];
		}
	}

	// `state.clock` counts commits; a line changed by a commit carries its count, so a best contender's
	// last try stays valid while none of the lines it can touch has changed since.
	function commit(promotion, state, discounts, consumed, lock, applied) {
		if (!discounts.size) return;
		state.clock += 1;
		for (const [lineId, amount] of discounts) {
			const line = state.byId.get(lineId);
			line.remaining -= amount;
			line.discounts.set(promotion.name, (line.discounts.get(promotion.name) || 0n) + amount);
			if (lock) line.locked = true;
			line.stamp = state.clock;
		}
		for (const [lineId, count] of consumed) {
			const line = state.byId.get(lineId);
			line.unitsFree -= count;
			line.stamp = state.clock;
		}
		applied.push(promotion.name);
	}

	function sumMap(discounts) {
		let total = 0n;
		for (const amount of discounts.values()) total += amount;
		return total;
	}

	function planByOrder(a, b) {
		return byOrder(a.promotion, b.promotion);
	}

	function stale(plan) {
		for (const line of plan.relevant) if (line.stamp > plan.stamp) return true;
		return false;
	}

	function phase(plans, state, applied) {
		for (const plan of plans.filter((p) => p.promotion.stacking === "exclusive").sort(planByOrder)) {
			const [discounts, consumed] = tryPlan(plan, true);
			commit(plan.promotion, state, discounts, consumed, true, applied);
		}
		const contenders = plans.filter((p) => p.promotion.stacking === "best").sort(planByOrder);
		while (contenders.length) {
			let best = null;
			for (let position = 0; position < contenders.length; position++) {
				const plan = contenders[position];
				if (plan.tried === null || stale(plan)) {
					const [discounts, consumed] = tryPlan(plan, false);
					plan.tried = { discounts, consumed, total: sumMap(discounts) };
					plan.stamp = state.clock;
				}
				const total = plan.tried.total;
				if (total && (best === null || total > best.tried.total)) best = plan;
			}
			if (best === null) break;
			commit(best.promotion, state, best.tried.discounts, best.tried.consumed, true, applied);
			contenders.splice(contenders.indexOf(best), 1);
		}
		for (const plan of plans.filter((p) => p.promotion.stacking === "stackable").sort(planByOrder)) {
			const [discounts, consumed] = tryPlan(plan, false);
			commit(plan.promotion, state, discounts, consumed, false, applied);
		}
	}

	// Discounts per line and per promotion for one basket; see engine.py's docstring for the rules.
	// `catalogue` is a Catalogue or a list of promotion objects. Returns {lines: [{line_id, amount, discount,
	// net, promotions: [{promotion, amount}]}], promotions: [{promotion, discount, lines}] in the order
	// applied, total_discount, net_total, skipped: {promotion: reason code}}; amounts are decimal strings.
	function evaluate(catalogue, basket, context) {
		const ctx = readContext(context);
		if (!(catalogue instanceof Catalogue)) {
			catalogue = new Catalogue(catalogue, ctx.precision);
		} else if (catalogue.precision !== ctx.precision) {
			throw new PromotionError(
				`the catalogue was read at precision ${catalogue.precision}, not ${ctx.precision}`
			);
		}
		const lines = readBasket(basket, ctx.precision);
		const skipped = new Map();
		const itemLevel = [];
		const basketLevel = [];
		for (const [promotion, named] of catalogue.linesByCandidate(lines)) {
			const reason = skipReason(promotion, ctx);
			if (reason) skipped.set(promotion.name, reason);
			else if (promotion.kind === "spend_tiers") basketLevel.push(planFor(promotion, named));
			else itemLevel.push(planFor(promotion, named));
		}
		const state = { clock: 0, byId: new Map(lines.map((line) => [line.lineId, line])) };
		const applied = [];
		phase(itemLevel, state, applied);
		phase(basketLevel, state, applied);
		return result(lines, applied, skipped, ctx.precision);
	}

	function result(lines, applied, skipped, precision) {
		const position = new Map(applied.map((name, index) => [name, index]));
		const perPromotion = new Map(applied.map((name) => [name, [0n, []]]));
		const outLines = [];
		let totalDiscount = 0n;
		let netTotal = 0n;
		for (const line of lines) {
			const parts = Array.from(line.discounts);
			if (parts.length > 1) parts.sort((a, b) => position.get(a[0]) - position.get(b[0]));
			for (const [name, amount] of parts) {
				const entry = perPromotion.get(name);
				entry[0] += amount;
				entry[1].push(line.lineId);
			}
			outLines.push({
				line_id: line.lineId,
				amount: formatMinor(line.base, precision),
				discount: formatMinor(line.base - line.remaining, precision),
				net: formatMinor(line.remaining, precision),
				promotions: parts.map(([name, amount]) => ({
					promotion: name,
					amount: formatMinor(amount, precision),
				})),
			});
			totalDiscount += line.base - line.remaining;
			netTotal += line.remaining;
		}
		const skippedOut = {};
		for (const name of Array.from(skipped.keys()).sort(compareText)) skippedOut[name] = skipped.get(name);
		return {
			lines: outLines,
			promotions: Array.from(perPromotion, ([name, [total, lineIds]]) => ({
				promotion: name,
				discount: formatMinor(total, precision),
				lines: lineIds,
			})),
			total_discount: formatMinor(totalDiscount, precision),
			net_total: formatMinor(netTotal, precision),
			skipped: skippedOut,
		};
	}

	return {
		KINDS,
		UNIT_KINDS,
		STACKING,
		SKIP_REASONS,
		PromotionError,
		scaled,
		halfUp,
		formatMinor,
		splitLargestRemainder,
		compilePromotion,
		Catalogue,
		readBasket,
		localMoment,
		readContext,
		windowReason,
		skipReason,
		applySimple,
		applyBuyGet,
		applyMixMatch,
		applyBundle,
		applyTiers,
		evaluate,
	};
});
