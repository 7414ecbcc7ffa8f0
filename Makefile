# Two commands on a fresh Debian 12 machine:
#   make run    install what is missing, build the executable (not the tests), run the default
#               scenario, print a summary, build the HTML report (out/report/index.html)
#   make test   install what is missing, build, run every test, then a short fuzzing run
#               (fuzz-short: the libFuzzer harnesses, about 20 s each; needs clang, see below)
#               and the sanitizer run (sanitize: the Catch2 suite and the CLI's error and
#               output-safety tests under ASan + UBSan, in the same Clang tree as the fuzzers)
#   make fuzz   the libFuzzer harnesses for FUZZ_SECONDS each (default 300), adding what they find
#               to tests/fuzz/corpus/ (docs/testing.md, "Fuzzing"). Needs clang and libFuzzer
#               (Debian 12: apt-get install clang libclang-rt-14-dev)
BUILD ?= build
JOBS ?= $(shell nproc)
SCENARIO ?= scenarios/baseline_2025.toml
OUT ?= out/baseline_2025.h5
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
FUZZ_HARNESSES := scenario set csv targets

.PHONY: run test deps configure build bench bench-us clean fuzz fuzz-build fuzz-short sanitize

run: configure
	cmake --build $(BUILD) -j $(JOBS) --target labourshift
	./$(BUILD)/labourshift run $(SCENARIO) -o $(OUT) --overwrite
	./$(BUILD)/labourshift report $(OUT) -o out/report
	@echo "report: $(abspath out/report/index.html)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory sanitize

deps:
	./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD) -j $(JOBS)

bench: build
	./bench/run_bench.sh $(BUILD)/labourshift

# The US labour force at one agent per person (170 M x 120 months; about 12 GiB, many minutes).
bench-us: build
	./bench/scale_us.sh $(BUILD)/labourshift 2

clean:
	rm -rf $(BUILD)

# The fuzz build: Clang, the project libraries instrumented for libFuzzer and ASan/UBSan
# (tests/fuzz/CMakeLists.txt); only the four harnesses are built.
fuzz-build: deps
	@command -v $(FUZZ_CXX) >/dev/null 2>&1 || { echo "fuzz: $(FUZZ_CXX) not found; install clang" \
	  "and libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev) or set FUZZ_CXX/FUZZ_CC" >&2; exit 1; }
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_COMPILER=$(FUZZ_CC) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) \
	  "-DCMAKE_C_FLAGS_DEBUG=-O1 -g" "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" \
	  -DLABOURSHIFT_SANITIZERS=fuzzer-no-link,address,undefined \
	  -DLABOURSHIFT_FUZZ=ON -DLABOURSHIFT_BUILD_TESTS=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_HARNESSES))

# The short run `make test` ends with: ctest's fuzz.<name> tests (corpus, regressions, 20 s each).
fuzz-short: fuzz-build
	cd $(FUZZ_BUILD) && ctest --output-on-failure -L fuzz -j $(JOBS)

# Each harness for FUZZ_SECONDS, one after the other; new inputs go to tests/fuzz/corpus/<name>/,
# crashes to $(FUZZ_BUILD)/tests/fuzz/artifacts/<name>/crash-* (docs/testing.md: turning one into a
# regression input). Fails at the end if any harness found something.
fuzz: fuzz-build
	@failed=""; for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FUZZ_BUILD)/tests/fuzz/artifacts/$$h; \
	  regressions=""; [ -d tests/fuzz/regressions/$$h ] && regressions=tests/fuzz/regressions/$$h; \
	  echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ./$(FUZZ_BUILD)/tests/fuzz/fuzz_$$h \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/tests/fuzz/artifacts/$$h/ tests/fuzz/corpus/$$h $$regressions \
	    || failed="$$failed $$h"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in:$$failed (see $(FUZZ_BUILD)/tests/fuzz/artifacts/)" >&2; exit 1; fi; \
	echo "fuzz: no findings"

# The sanitizer run `make test` ends with (docs/testing.md, "Sanitizers"): in the fuzz tree, whose
# libraries carry ASan and UBSan (any report stops the test), the Catch2 suite and the Python tests
# that drive the CLI through bad input, signals, full disks and checkpoints. The other Python tests
# run the same code paths at larger sizes (too slow under ASan), or set RLIMIT_AS, which ASan's
# shadow memory cannot live with.
SANITIZE_PYTHON := cli_errors|output_safety|checkpoint
sanitize: fuzz-build
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target labourshift_tests labourshift
	cd $(FUZZ_BUILD) && export ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 && \
	  ctest --output-on-failure -j $(JOBS) -LE fuzz -E '^python[.]' && \
	  ctest --output-on-failure -j $(JOBS) -R '^python[.]($(SANITIZE_PYTHON))$$'
