#!/usr/bin/env bash
# The gate step of the mlgate GitHub Action, runnable on its own with the same variables:
#   MLGATE (binary), MLGATE_BASE, MLGATE_CONFIG, MLGATE_REPORTS, MLGATE_FAIL_ON (fail|warn|never), MLGATE_ARGS,
#   and GitHub's GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files.
# Appends the Markdown report to the job summary, turns failures and warnings into annotations
# on the configuration file, sets the step outputs, and exits by MLGATE_FAIL_ON.
set -uo pipefail
mlgate="${MLGATE:-mlgate}"
reports="${MLGATE_REPORTS:-mlgate-report}"
config="${MLGATE_CONFIG:-mlgate.yml}"
fail_on="${MLGATE_FAIL_ON:-fail}"
mkdir -p "$reports"
args=(check --config "$config" --junit "$reports/junit.xml" --markdown "$reports/report.md" --json "$reports/report.json" --html "$reports/report.html")
[ -n "${MLGATE_BASE:-}" ] && args+=(--base "$MLGATE_BASE")
# shellcheck disable=SC2206
[ -n "${MLGATE_ARGS:-}" ] && args+=(${MLGATE_ARGS})

"$mlgate" "${args[@]}" 2> "$reports/stderr.log"
code=$?
cat "$reports/stderr.log" >&2

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$reports/report.md" ]; then
  cat "$reports/report.md" >> "$GITHUB_STEP_SUMMARY"
fi

status="cannot-run"
if [ -f "$reports/report.json" ] && [ "$code" -ne 2 ]; then
  status=$(python3 - "$reports/report.json" "$config" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
config = sys.argv[2]
def clean(text):  # workflow commands end at a newline; % starts an escape
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
for plugin in report["plugins"]:
    for check in plugin["checks"]:
        level = {"fail": "error", "error": "error", "warn": "warning"}.get(check["status"])
        if level:
            # Data checks name the data file they judge; the rest point at the configuration.
            details = check.get("details") if isinstance(check.get("details"), dict) else {}
            target = details.get("file") or config
            print(f"::{level} file={clean(target)},title={clean(check['id'])}::{clean(check['message'])}", file=sys.stderr)
print(report["status"])
PY
)
else
  echo "::error file=$config,title=mlgate could not run::$(tail -n 1 "$reports/stderr.log" | sed 's/%/%25/g')" >&2
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "status=$status"
    echo "junit=$reports/junit.xml"
    echo "markdown=$reports/report.md"
    echo "json=$reports/report.json"
    echo "html=$reports/report.html"
  } >> "$GITHUB_OUTPUT"
fi

case "$fail_on" in
  never) exit 0 ;;
  warn) [ "$code" -ne 0 ] && exit "$code"; [ "$status" = "warn" ] && exit 1; exit 0 ;;
  *) exit "$code" ;;
esac
