#!/bin/bash
# `make results`: the headline tables, regenerated. For each task, the sweep in
# experiments/configs/results/TASK.yaml runs in RESULTS_OUT/TASK (outside the work tree: default
# ../saccade-results), two runs at once; its report (the table and the paired statistics) is then
# copied with the results into docs/results/TASK/. Re-running the same command resumes: finished runs
# are kept, interrupted ones continue from their last epoch. RESULTS_TASKS picks tasks (default: the
# three headline tables, the quickest first; the learner comparisons are learners_dialogue,
# learners_text and learners_image). Hours on 2 cores: docs/results/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
OUT=${RESULTS_OUT:-$(cd .. && pwd)/saccade-results}
TASKS=${RESULTS_TASKS:-dialogue text image}
for task in $TASKS; do
  config=experiments/configs/results/$task.yaml
  [ -f "$config" ] || { echo "results.sh: no sweep file $config (tasks: $(cd experiments/configs/results && ls *.yaml | sed 's/\.yaml$//' | tr '\n' ' '))" >&2; exit 2; }
  echo "== $task: $config -> $OUT/$task ($(date -u +%H:%M) UTC)"
  "$BUILD/saccade" sweep "$config" --out "$OUT/$task" -j "$JOBS"
  "$BUILD/saccade" report "$OUT/$task" | tee "$OUT/$task/report.txt"
  mkdir -p "docs/results/$task"
  cp "$OUT/$task/results.csv" "$OUT/$task/report.csv" "$OUT/$task/report.md" "docs/results/$task/"
  # Its title names the sweep file, not this machine's output directory.
  sed -i "1s|.*|# saccade report: $config (\`make results\`)|" "docs/results/$task/report.md"
done
