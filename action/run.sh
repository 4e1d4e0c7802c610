#!/usr/bin/env bash
# The gate step of the mlgate GitHub Action, runnable on its own with the same variables:
#   MLGATE (binary), MLGATE_BASE, MLGATE_CONFIG, MLGATE_REPORTS, MLGATE_FAIL_ON (fail|warn|never), MLGATE_ARGS,
#   and GitHub's GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files.
# Appends the Markdown report to the job summary, prints mlgate's annotations (workflow commands on
# the data file a check judges, else on the configuration), sets the step outputs, and exits by
# MLGATE_FAIL_ON. No interpreter beyond bash and sed.
set -uo pipefail
mlgate="${MLGATE:-mlgate}"
reports="${MLGATE_REPORTS:-mlgate-report}"
config="${MLGATE_CONFIG:-mlgate.yml}"
fail_on="${MLGATE_FAIL_ON:-fail}"
mkdir -p "$reports"
args=(check --config "$config" --junit "$reports/junit.xml" --markdown "$reports/report.md" --json "$reports/report.json" --html "$reports/report.html"
      --annotations "$reports/annotations.txt")
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
  # mlgate wrote the workflow commands, escaped (a path or column name cannot start a command of its own).
  cat "$reports/annotations.txt" >&2
  # The gate's status is the report's only top-level "status" (two-space indent).
  status=$(sed -n 's/^  "status": "\([a-z]*\)",$/\1/p' "$reports/report.json" | head -n 1)
else
  last=$(tail -n 1 "$reports/stderr.log" | sed -e 's/%/%25/g' -e 's/\r/%0D/g')
  echo "::error file=$(printf '%s' "$config" | sed -e 's/%/%25/g' -e 's/:/%3A/g' -e 's/,/%2C/g'),title=mlgate could not run::$last" >&2
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
