#!/usr/bin/env bash
# The demo: installs what is missing, builds mlgate, turns a fixture scenario into a real git
# repository and runs the gate on it, printing the summary and writing every report.
#   scripts/demo.sh [SCENARIO]     (default: drift; see fixtures/)
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-drift}"
scripts/install-deps.sh
swift build -c release --product mlgate >&2
swift build -c release --product mlgate-fixture >&2
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
"$bin/mlgate-fixture" "fixtures/$scenario" "$work/repo"
status=0
(cd "$work/repo" && "$bin/mlgate" check) || status=$?
(cd "$work/repo" && "$bin/mlgate" check --quiet --json "$work/report.json" --junit "$work/junit.xml" --markdown "$work/report.md") || true
echo
echo "exit status $status (0 passed, 1 gate failed, 2 could not run)."
echo "reports: $work/report.md, $work/report.json, $work/junit.xml; the repository: $work/repo"
expected="$(python3 -c "import json,sys; print(json.load(open('fixtures/$scenario/scenario.json'))['expect']['exit'])" 2>/dev/null || echo "$status")"
[ "$status" = "$expected" ] && echo "as the scenario expects." || { echo "the scenario expects $expected." >&2; exit 1; }
