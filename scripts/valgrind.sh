#!/usr/bin/env bash
# Runs mlgate under valgrind on every fixture scenario (commit and --worktree modes) and fails
# on any definite or indirect leak. valgrind 3.19 cannot read the DWARF 5 debug info Swift
# emits, so this builds a release binary without debug info in its own scratch folder. It runs
# the repository, configuration and report paths (--only data-validation): model training
# under valgrind would take hours.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
swift build -c release --scratch-path .build-valgrind -Xswiftc -gnone -Xcc -g0 --product mlgate >&2
swift build --product mlgate-fixture >&2
bin=.build-valgrind/release/mlgate
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for dir in fixtures/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/scenario.json" ] || continue
  "$(swift build --show-bin-path)/mlgate-fixture" "$dir" "$work/$name" >/dev/null
  # Streaming too: a tiny --memory-limit streams every data file kept on disk (LFS, --worktree).
  for mode in "" "--worktree" "--worktree --memory-limit 24K"; do
    log="$work/$name$mode.log"
    (cd "$work/$name" && valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
      "$OLDPWD/$bin" check --quiet --only data-validation $mode --json "$work/r.json" --junit "$work/j.xml" --markdown "$work/r.md" >"$log" 2>&1) || rc=$?
    rc=${rc:-0}
    lost="$(grep -E 'definitely lost|indirectly lost' "$log" | sed 's/==[0-9]*==//' | tr -s ' ' | paste -sd';' -)"
    echo "$name ${mode:-commit}: exit $rc;${lost:- no leaks reported}"
    [ "$rc" = 99 ] && failed=1
    unset rc
  done
done
# One run of every plugin, models trained and scored (the training core's worker threads included).
log="$work/model-clean-all.log"
(cd "$work/model-clean" && valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  "$OLDPWD/$bin" check --quiet --no-cache --json "$work/r.json" >"$log" 2>&1) || rc=$?
rc=${rc:-0}
lost="$(grep -E 'definitely lost|indirectly lost' "$log" | sed 's/==[0-9]*==//' | tr -s ' ' | paste -sd';' -)"
echo "model-clean every plugin: exit $rc;${lost:- no leaks reported}"
[ "$rc" = 99 ] && failed=1
exit $failed
