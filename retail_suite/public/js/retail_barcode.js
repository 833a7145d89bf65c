// Barcode rules, the JS twin of retail_suite/till/barcode.py (same cases: tests/cases/ean13.json).
// Loaded in the desk (window.retail_suite.barcode) and by node --test (module.exports).
(function (root, factory) {
	const api = factory();
	if (typeof module === "object" && module.exports) {
		module.exports = api;
	} else {
		root.retail_suite = root.retail_suite || {};
		root.retail_suite.barcode = api;
	}
})(typeof self !== "undefined" ? self : this, function () {
	function ean13CheckDigit(firstTwelve) {
		if (!/^\d{12}$/.test(firstTwelve)) {
			throw new Error(`EAN-13 needs 12 digits before the check digit, got ${JSON.stringify(firstTwelve)}`);
		}
		let total = 0;
		for (let position = 0; position < 12; position++) {
			total += Number(firstTwelve[position]) * (position % 2 ? 3 : 1);
		}
		return String((10 - (total % 10)) % 10);
	}

	function makeEan13(firstTwelve) {
		return firstTwelve + ean13CheckDigit(firstTwelve);
	}

	function isValidEan13(code) {
		return typeof code === "string" && /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === code[12];
	}

	return { ean13CheckDigit, makeEan13, isValidEan13 };
});
