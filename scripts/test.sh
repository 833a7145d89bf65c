#!/usr/bin/env bash
# Run every test layer of retail_suite; the last line is "N passed, N failed"; non-zero exit on any failure.
#   unit      the pure engine                         (pytest tests/unit)
#   contract  the Frappe shell checked without Frappe (pytest tests/contract)
#   store     real MariaDB and Redis, throwaway db    (pytest tests/store)
#   js        the JS twins                            (node --test tests/js)
#   lint      ruff check                               (one case per file with findings)
#   live      bench run-tests on an ERPNext site       (only when $BENCH_DIR holds a bench)
#   browser   desk pages in headless Chromium          (pytest tests/browser, on that site, served for the run)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bash scripts/setup.sh || { echo "set-up failed"; echo "0 passed, 1 failed"; exit 1; }

results=.test-results
rm -rf "$results" && mkdir -p "$results"
py=.venv/bin/python
layers=()
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

run_pytest() {  # layer, paths…
	local layer=$1; shift
	echo "== $layer"
	"$py" -m pytest "$@" -q -p no:cacheprovider --junitxml="$results/$layer.xml" -o junit_family=xunit2
	layers+=("$layer=$layer.xml")
}

run_pytest unit tests/unit
run_pytest contract tests/contract
run_pytest store tests/store

echo "== js"
node --test --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=junit --test-reporter-destination="$results/js.xml" tests/js/
layers+=("js=js.xml")

echo "== lint"
"$py" - "$results/lint.xml" <<'PY'
import subprocess, sys, json
from xml.sax.saxutils import quoteattr
found = subprocess.run([".venv/bin/ruff", "check", "--output-format", "json", "retail_suite", "tests", "scripts"], capture_output=True, text=True)
findings = json.loads(found.stdout or "[]")
by_file = {}
for f in findings:
    by_file.setdefault(f["filename"], []).append(f"{f['location']['row']}: {f['code']} {f['message']}")
cases = [f"<testcase classname='ruff' name={quoteattr(name)}><failure message={quoteattr('; '.join(msgs))}/></testcase>" for name, msgs in by_file.items()]
if not by_file:
    cases.append("<testcase classname='ruff' name='ruff check retail_suite tests scripts'/>")
for name, msgs in by_file.items():
    print(name); [print("   ", m) for m in msgs]
open(sys.argv[1], "w").write("<testsuites><testsuite name='lint'>" + "".join(cases) + "</testsuite></testsuites>")
PY
layers+=("lint=lint.xml")

echo "== live"
bench_dir=${BENCH_DIR:-}
# the bench CLI: the bench's own env when frappe-bench was installed there, else the one on PATH (pip/pipx)
bench_cli=""
if [ -n "$bench_dir" ] && [ -x "$bench_dir/env/bin/bench" ]; then
	bench_cli="$bench_dir/env/bin/bench"
elif command -v bench >/dev/null 2>&1; then
	bench_cli=$(command -v bench)
fi
if [ -n "$bench_dir" ] && [ -n "$bench_cli" ] && [ -d "$bench_dir/apps/erpnext" ]; then
	site=${RETAIL_SUITE_TEST_SITE:-test_retail.localhost}
	if [ ! -d "$bench_dir/apps/retail_suite" ]; then
		(cd "$bench_dir" && "$bench_cli" get-app "$repo")
	fi
	if ! (cd "$bench_dir" && "$bench_cli" --site "$site" list-apps 2>/dev/null | grep -q '^retail_suite'); then
		(cd "$bench_dir" && "$bench_cli" --site "$site" install-app retail_suite)
	fi
	# bench run-tests --junit-xml-output needs unittest-xml-reporting in the bench's env
	if ! "$bench_dir/env/bin/python" -c "import xmlrunner" 2>/dev/null; then
		"$bench_dir/env/bin/python" -m pip install -q unittest-xml-reporting
	fi
	if [ "$(cd "$bench_dir/apps/retail_suite" && pwd -P)" != "$(pwd -P)" ]; then
		echo "live-site layer runs the bench's own copy at $bench_dir/apps/retail_suite ($(git -C "$bench_dir/apps/retail_suite" log -1 --format=%h 2>/dev/null))"
	fi
	(cd "$bench_dir" && CI=1 "$bench_cli" --site "$site" run-tests --app retail_suite \
		--junit-xml-output "$repo/$results/live.xml") || true
	layers+=("live=live.xml")

	echo "== browser"
	# desk pages in headless Chromium (Debian's chromium and chromium-driver) on the test site, served here
	if ! command -v chromedriver >/dev/null 2>&1; then
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
	fi
	port=${RETAIL_SUITE_BROWSER_PORT:-8011}
	(cd "$bench_dir" && exec "$bench_cli" --site "$site" serve --port "$port" --noreload >"$repo/$results/serve.log" 2>&1) &
	server=$!
	for _ in $(seq 1 60); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/api/method/ping" && break
		sleep 1
	done
	export RETAIL_SUITE_URL="http://127.0.0.1:$port" RETAIL_SUITE_BENCH_DIR="$bench_dir" RETAIL_SUITE_SITE="$site"
	export RETAIL_SUITE_BENCH_CLI="$bench_cli"
	run_pytest browser tests/browser
	unset RETAIL_SUITE_URL RETAIL_SUITE_BENCH_DIR RETAIL_SUITE_SITE RETAIL_SUITE_BENCH_CLI
	kill "$server" 2>/dev/null || true
	pkill -f "serve --port $port" 2>/dev/null || true
else
	echo "live-site layer skipped: no bench at ${bench_dir:-\$BENCH_DIR (unset)}${bench_dir:+ (or no bench command: neither $bench_dir/env/bin/bench nor bench on PATH)} (set BENCH_DIR to an ERPNext v15 bench to run it)"
fi

echo "== summary"
"$py" scripts/summarize_tests.py "$results" "${layers[@]}"
