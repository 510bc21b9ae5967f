# openaml — the two commands a user needs: `make run` and `make test`.
# Everything else here is a building block of those two.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build run test unit-test integration-test bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The service on embedded defaults (127.0.0.1:8600, ./openaml-data), with bucket aml-sample-data holding the
# banking example; the console is at http://127.0.0.1:8600/console/.
run: build
	$(BUILD_DIR)/openaml serve --bootstrap-example examples/banking

unit-test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

integration-test: build
	scripts/run-integration-tests

# Unit tests (CTest), the fuzz targets for a few seconds each (clang build in build-fuzz/), then the
# integration tests against real servers with real clients.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	tests/fuzz/run-fuzzers
	OPENAML_BIN=$(CURDIR)/$(BUILD_DIR)/openaml scripts/run-integration-tests

bench: build
	bench/run-all

clean:
	rm -rf $(BUILD_DIR)
