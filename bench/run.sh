#!/usr/bin/env bash
# `make bench`: one side-by-side run on this machine, at 1 and 2 threads, of the four bench models (ram,
# patch, chunk, turn: bench/configs/). saccade's benchmarks (build/saccade_bench, Google Benchmark,
# medians of 5 repetitions) and the PyTorch references of the same models (bench/reference/*_torch.py,
# medians of 30 steps), each in its eager and TorchScript variants; the peak memory of a one-epoch RAM
# training run on each side; a profile of one training step of each model on each side; then the
# tables bench/compare.py prints, and the figures it writes to bench/results.json. Raw figures and
# profiles: BUILD/bench/. Copy the tables into bench/RESULTS.md with the date and the machine.
#   BENCH_QUICK=1   a smoke run of the whole pipeline (one short repetition, few PyTorch repeats): its
#                   figures are noise, for checking this script and compare.py only
#   RESULTS=PATH    where the figures go (default bench/results.json)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
PY=${PY:-/usr/bin/python3}
RESULTS=${RESULTS:-bench/results.json}
MODELS=(ram patch chunk turn)
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  GBENCH=(--benchmark_repetitions=1 --benchmark_min_time=0.05) REPEATS=3 LATENCY_REPEATS=10 PERF_SECONDS=2 PERF_DELAY_MS=500
else
  GBENCH=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true) REPEATS=30 LATENCY_REPEATS=300 PERF_SECONDS=8 PERF_DELAY_MS=4000
fi
mkdir -p "$OUT"
: >"$OUT"/torch.jsonl
rm -f "$OUT"/profile-*.md

TORCH=1
if ! $PY -c "import torch" 2>/dev/null; then
  echo "bench: PyTorch is missing (bash scripts/install-deps.sh --bench installs Debian's python3-torch): saccade's side only" >&2
  TORCH=0
fi

# A reference that is not there (yet) is skipped, and one that fails is reported and skipped: the rest
# of the run still counts, and compare.py prints — for what is missing.
if [ "$TORCH" = 1 ]; then
  for model in "${MODELS[@]}"; do
    [ -f "bench/reference/${model}_torch.py" ] || echo "bench: bench/reference/${model}_torch.py is missing: PyTorch's $model skipped" >&2
  done
fi

# reference MODEL ARGS...: bench/reference/MODEL_torch.py ARGS, its output on stdout.
reference() {
  local script=bench/reference/$1_torch.py
  shift
  if [ "$TORCH" = 0 ] || [ ! -f "$script" ]; then return 0; fi
  $PY "$script" "$@" || echo "bench: $script $* failed (exit $?): skipped" >&2
}

# variants MODEL: the PyTorch variants its reference offers. One written before --variant existed is
# eager only (compare.py reads a line without "variant" as eager).
variants() {
  if grep -q -- "--variant" "bench/reference/$1_torch.py" 2>/dev/null; then echo "eager script"; else echo "-"; fi
}
variant_args() { [ "$1" = - ] || echo "--variant $1"; }

# torch_throughput MODEL THREADS: every variant at batch 128 and 32, appended to torch.jsonl.
torch_throughput() {
  local model=$1 t=$2 v
  for v in $(variants "$model"); do
    for b in 128 32; do
      # shellcheck disable=SC2046  # variant_args is zero or two words
      reference "$model" --throughput --batch "$b" --threads "$t" --repeats "$REPEATS" $(variant_args "$v") >>"$OUT/torch.jsonl"
    done
  done
}

# saccade_profile MODEL: perf's top symbols of saccade's training step at batch 128, 1 thread, as markdown.
# Sampling starts PERF_DELAY_MS after the start, once the data is loaded (Fashion-MNIST takes about
# 2.5 s; it and the tokenizer otherwise filled the top lines), and the benchmark runs training steps
# for PERF_SECONDS.
saccade_profile() {
  local model=$1 data=$OUT/perf-$1.data
  local filter="^BM_${model^}TrainStep/128/"
  if ! perf record -o "$data" -g -D "$PERF_DELAY_MS" -- env OPENBLAS_NUM_THREADS=1 SACCADE_THREADS=1 "$BUILD"/saccade_bench \
      --benchmark_filter="$filter" --benchmark_min_time="$PERF_SECONDS" >/dev/null 2>"$OUT/perf-$model.log"; then
    echo "bench: perf record failed (kernel.perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo ?);" \
      "$OUT/perf-$model.log says why): no saccade profile of $model" >&2
    return 0
  fi
  {
    echo "| self | object | symbol |"
    echo "|---|---|---|"
    perf report -i "$data" --stdio --no-children -g none --sort dso,symbol 2>/dev/null |
      awk '/^ +[0-9.]+%/ && n++ < 12 {
        pct = $1; dso = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); sub(/[ -]+$/, "")
        print "| " pct " | " dso " | `" substr($0, 1, 120) "` |" }'
  } >"$OUT/profile-$model-saccade.md"
  rm -f "$data" "$data.old"
}

# Both sides use the same OpenBLAS kernels (PyTorch's matmuls go through the same libopenblas): the
# ones saccade picks for this CPU (core/blas_kernels.hpp), unless OPENBLAS_CORETYPE is already set.
OPENBLAS_CORETYPE=$("$BUILD"/saccade_bench --blas-kernels)
export OPENBLAS_CORETYPE
echo "bench: OpenBLAS kernels $OPENBLAS_CORETYPE for both sides" >&2
for t in 1 2; do
  echo "bench: saccade, $t thread(s)" >&2
  OPENBLAS_NUM_THREADS=$t SACCADE_THREADS=$t "$BUILD"/saccade_bench "${GBENCH[@]}" \
    --benchmark_out="$OUT/saccade-t$t.json" --benchmark_out_format=json >/dev/null
  for model in "${MODELS[@]}"; do
    echo "bench: PyTorch $model, $t thread(s)" >&2
    torch_throughput "$model" "$t"
  done
done
for model in "${MODELS[@]}"; do
  for v in $(variants "$model"); do
    # shellcheck disable=SC2046
    reference "$model" --latency --threads 1 --repeats "$LATENCY_REPEATS" $(variant_args "$v") >>"$OUT/torch.jsonl"
  done
  reference "$model" --profile --batch 128 --threads 1 >"$OUT/profile-$model-torch.md"
done

if command -v perf >/dev/null; then
  for model in "${MODELS[@]}"; do
    echo "bench: perf profile of saccade's $model training step" >&2
    saccade_profile "$model"
  done
else
  echo "bench: perf is not installed (Debian's linux-perf): no saccade profiles" >&2
fi

echo "bench: peak memory of a one-epoch RAM training run, each side" >&2
$PY bench/peak_memory.py saccade -- "$BUILD"/saccade run bench/configs/ram.yaml train.epochs=1 --out "$OUT/ram-run" >>"$OUT/torch.jsonl"
if [ "$TORCH" = 1 ]; then
  $PY bench/peak_memory.py pytorch -- "$PY" bench/reference/ram_torch.py --train --epochs 1 >>"$OUT/torch.jsonl"
fi
$PY bench/compare.py "$OUT" --json "$RESULTS" | tee "$OUT/tables.md"
