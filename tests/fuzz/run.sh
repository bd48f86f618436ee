#!/usr/bin/env bash
# `make fuzz`: each target of BUILD/fuzz for SECONDS seconds, starting from its seed corpus
# (tests/fuzz/corpus/<target>, copied so the inputs libFuzzer adds stay in BUILD). A crash is saved in
# BUILD/fuzz/crashes/<target>/; fix it, then copy the file into tests/fuzz/regressions/<target>/ so
# `make test` replays it from then on. Exits 1 if any target crashed.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
status=0
for exe in "$BUILD"/fuzz/fuzz_*; do
  target=$(basename "$exe"); target=${target#fuzz_}
  work="$BUILD/fuzz/corpus/$target" crashes="$BUILD/fuzz/crashes/$target"
  mkdir -p "$work" "$crashes"
  echo "fuzz: $target for ${SECONDS_EACH}s" >&2
  if ! "$exe" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$target" 2>"$BUILD/fuzz/$target.log"; then
    echo "fuzz: $target CRASHED: $(ls "$crashes")  (log: $BUILD/fuzz/$target.log)" >&2
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$BUILD/fuzz/$target.log" | sed "s/^/fuzz: $target: /" >&2
done
exit $status
