# Two commands on a fresh Debian 12 machine:
#   make run    install what is missing, build the executable (not the tests), run the default
#               scenario, print a summary, build the HTML report (out/report/index.html)
#   make test   install what is missing, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc)
SCENARIO ?= scenarios/baseline_2025.toml
OUT ?= out/baseline_2025.h5

.PHONY: run test deps configure build bench clean

run: configure
	cmake --build $(BUILD) -j $(JOBS) --target labourshift
	./$(BUILD)/labourshift run $(SCENARIO) -o $(OUT) --overwrite
	./$(BUILD)/labourshift report $(OUT) -o out/report
	@echo "report: $(abspath out/report/index.html)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

deps:
	./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD) -j $(JOBS)

bench: build
	./bench/run_bench.sh $(BUILD)/labourshift

clean:
	rm -rf $(BUILD)
