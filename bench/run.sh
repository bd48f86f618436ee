#!/usr/bin/env bash
# `make bench`: one side-by-side run on this machine, at 1 and 2 threads. saccade's benchmarks
# (build/saccade_bench, Google Benchmark, medians of 5 repetitions) and the PyTorch references of
# the same models (bench/reference/*_torch.py, medians of 30 steps), the peak memory of a one-epoch
# RAM training run on each side, then the tables bench/compare.py prints. Raw figures: BUILD/bench/.
# Copy the tables into bench/RESULTS.md with the date and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
PY=/usr/bin/python3
mkdir -p "$OUT"
: >"$OUT"/torch.jsonl
if ! $PY -c "import torch" 2>/dev/null; then
  echo "bench: PyTorch is missing: bash scripts/install-deps.sh --bench (Debian's python3-torch)" >&2
  exit 1
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
  for model in ram patch; do
    echo "bench: PyTorch $model, $t thread(s)" >&2
    for b in 128 32; do
      $PY bench/reference/${model}_torch.py --throughput --batch "$b" --threads "$t" --repeats 30 >>"$OUT/torch.jsonl"
    done
  done
done
for model in ram patch; do
  $PY bench/reference/${model}_torch.py --latency --threads 1 --repeats 300 >>"$OUT/torch.jsonl"
done
echo "bench: peak memory of a one-epoch RAM training run, each side" >&2
$PY bench/peak_memory.py saccade -- "$BUILD"/saccade run bench/configs/ram.yaml train.epochs=1 --out "$OUT/ram-run" >>"$OUT/torch.jsonl"
$PY bench/peak_memory.py pytorch -- $PY bench/reference/ram_torch.py --train --epochs 1 >>"$OUT/torch.jsonl"
$PY bench/compare.py "$OUT"
