#!/usr/bin/env bash
# `make bench`: one side-by-side run on this machine, at 1 and 2 threads. saccade's benchmarks
# (build/saccade_bench, Google Benchmark, medians of 5 repetitions) and the PyTorch references of
# the same models (bench/reference/, medians of 20 steps), then the table bench/compare.py prints.
# Raw figures: BUILD/bench/. Copy the table into bench/RESULTS.md with the machine it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
mkdir -p "$OUT"
rm -f "$OUT"/torch.jsonl
touch "$OUT"/torch.jsonl
reference=bench/reference/ram_torch.py
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "bench: PyTorch is missing: bash scripts/install-deps.sh --bench (Debian's python3-torch)" >&2
  exit 1
fi
if [ ! -f "$reference" ]; then
  echo "bench: $reference is not written yet: saccade's side only" >&2
  reference=""
fi
# Both sides use the same OpenBLAS kernels (PyTorch's matmuls go through the same libopenblas): the
# ones saccade picks for this CPU (core/blas_kernels.hpp), unless OPENBLAS_CORETYPE is already set.
OPENBLAS_CORETYPE=$("$BUILD"/saccade_bench --blas-kernels)
export OPENBLAS_CORETYPE
echo "bench: OpenBLAS kernels $OPENBLAS_CORETYPE for both sides" >&2
for t in 1 2; do
  echo "bench: saccade, $t thread(s)" >&2
  OPENBLAS_NUM_THREADS=$t SACCADE_THREADS=$t "$BUILD"/saccade_bench --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_out="$OUT/saccade-t$t.json" --benchmark_out_format=json >/dev/null
  [ -n "$reference" ] || continue
  echo "bench: PyTorch, $t thread(s)" >&2
  for b in 128 32; do
    /usr/bin/python3 "$reference" --throughput --batch "$b" --threads "$t" --repeats 20 >>"$OUT/torch.jsonl"
  done
done
[ -z "$reference" ] || /usr/bin/python3 "$reference" --latency --threads 1 --repeats 200 >>"$OUT/torch.jsonl"
/usr/bin/python3 bench/compare.py "$OUT"
