#!/usr/bin/env bash
# Installs exactly the Debian 12 packages saccade needs. Idempotent: installs only what is missing,
# and touches apt only when something is. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # toolchain
  cmake g++ make pkg-config
  # numerics
  libxtensor-dev libxtensor-blas-dev libxsimd-dev xtl-dev libopenblas-dev liblapack-dev
  # configs, command line, JSON, logs, tests
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev libboost-test-dev zlib1g-dev
  # benchmarks (`make bench`; its PyTorch references need python3-torch: install-deps.sh --bench)
  libbenchmark-dev
  # Python module and the Python side of tests
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest python3-scipy
  # the notebooks, executed headlessly by `make test`
  jupyter-nbconvert python3-nbconvert python3-ipykernel
  # `saccade report` draws report.png with it (and reports without it)
  python3-matplotlib
  # sweeps on a Dask cluster (`saccade sweep --backend dask`)
  python3-distributed
  # hyperparameter search (`saccade search`): Optuna, its sqlite study on the driver's disk
  python3-optuna
  # data that ships with the machine
  dataset-fashion-mnist fortunes python3-sklearn
)

# `--bench`: also the PyTorch references' torch (bench/reference/), large and only for `make bench`, and
# perf, which bench/run.sh uses for saccade's side of the profiles in bench/RESULTS.md.
if [ "${1:-}" = "--bench" ]; then PACKAGES+=(python3-torch linux-perf); fi
# `--fuzz`: clang and its libFuzzer runtime, only for `make fuzz` (tests/fuzz/).
if [ "${1:-}" = "--fuzz" ]; then PACKAGES+=(clang-14 libclang-rt-14-dev); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
