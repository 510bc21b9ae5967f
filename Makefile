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

# Until the server exists: the local pipeline on the bundled banking example.
run: build
	scripts/run-local-example

unit-test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

integration-test: build
	scripts/run-integration-tests

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	scripts/run-integration-tests

bench: build
	bench/run-all

clean:
	rm -rf $(BUILD_DIR)
