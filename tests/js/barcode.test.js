// JS twin of retail_suite/till/barcode.py, checked against the shared case table.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");

const barcode = require("../../retail_suite/public/js/retail_barcode.js");
const table = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cases", "ean13.json"), "utf8"));

for (const testCase of table.cases) {
	test(`EAN-13 ${JSON.stringify(testCase.code)} (${testCase.why}) is ${testCase.valid ? "valid" : "invalid"}`, () => {
		assert.equal(barcode.isValidEan13(testCase.code), testCase.valid);
	});
}

test("makeEan13 appends the check digit that isValidEan13 accepts", () => {
	assert.equal(barcode.makeEan13("400638133393"), "4006381333931");
	assert.throws(() => barcode.ean13CheckDigit("12345"), /12 digits/);
});
