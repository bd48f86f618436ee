# The two commands: `make demo` and `make test`. Each installs what is missing (Debian packages,
# through scripts/install-deps.sh), configures, builds, then runs the main job / every test.
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps configure build test test-asan mutation fuzz demo bench results install clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The C++ suite under AddressSanitizer and UndefinedBehaviorSanitizer (a leak, an overflow or undefined
# behaviour fails the test), built in its own directory. The Python tests are not run here. `.ci/run`
# runs it after `make test`. -O1 -g1: half the compile time of -O2 -g under both sanitizers, with
# line numbers in their reports (docs/reliability.md, "Sanitizers").
ASAN_BUILD ?= build-asan
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DSACCADE_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -E '^py_'

# Would the suite catch a broken learner, op or env? Each mutant of tests/mutation/mutants.ini (a one-line
# change) applied in turn to a scratch copy of the tree (MUTATION_DIR, kept for incremental builds), its
# named tests rebuilt and run; fails naming any mutant no test kills. Not part of `make test`: the scratch
# copy's first build, then 2 to 5 minutes for the 24 mutants on 2 cores (docs/reliability.md, "Mutants").
MUTATION_DIR ?= build-mutation
mutation: deps
	/usr/bin/python3 tests/mutation/run.py --scratch $(MUTATION_DIR) --jobs $(JOBS) $(MUTATION_ARGS)

# libFuzzer on each reader of user files (tests/fuzz/: config, IDX, npz images, CSV/JSONL, bAbI), FUZZ_SECONDS
# each, built with clang in its own directory. Crashes land in $(FUZZ_BUILD)/fuzz/crashes/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	bash scripts/install-deps.sh --fuzz
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSACCADE_FUZZ=ON -DSACCADE_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The main job: a sweep (2 budgets x 2 seeds, adaptive against fixed policies), two runs at once,
# then the report table. Re-running resumes (finished runs are kept); `rm -rf runs/demo` to start over.
DEMO_OUT ?= runs/demo
demo: build
	$(BUILD)/saccade sweep experiments/configs/demo.yaml --out $(DEMO_OUT) -j $(JOBS)
	$(BUILD)/saccade report $(DEMO_OUT)

# The headline tables (docs/results/<task>/): the sweeps of experiments/configs/results/, 3 seeds each,
# run outside the work tree (RESULTS_OUT, default ../saccade-results), then their reports copied into
# docs/results/. Hours, not minutes: run it in the background; re-running resumes. Not part of `make test`.
results: build
	BUILD=$(BUILD) JOBS=$(JOBS) bash scripts/results.sh

# Benchmarks side by side with the PyTorch references (bench/run.sh; figures in bench/RESULTS.md).
bench: build
	bash scripts/install-deps.sh --bench
	BUILD=$(BUILD) bash bench/run.sh

# The `saccade` command line to /usr/local/bin and the Python package where /usr/bin/python3 finds
# it (/usr/local/lib/python3.X/dist-packages): `import saccade` then works without PYTHONPATH.
install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
