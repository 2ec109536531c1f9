# Front door: `make run`, `make test`, `make package`, `make fuzz`, `make bench`
# (see README.md). The real build is CMake.
#
# `make run` builds only the demo's programs (tetra-bridged, tetractl,
# tetra-sim) in build/run: -O1, no sanitizers, no tests or fuzzers, so the
# first event shows within seconds of a fresh clone.
#
# build/ is built with clang, AddressSanitizer + UndefinedBehaviorSanitizer
# and the libFuzzer targets (TB_FUZZ): `make test` runs the unit and
# end-to-end tests and each fuzzer for TB_FUZZ_SECONDS (10 s) under ctest -j;
# `make fuzz` runs only the fuzzers, FUZZ_SECONDS (600) each. `make bench`
# builds an optimised, unsanitised copy in build/release and runs the codec
# benchmark. Changing CMAKE_FLAGS (or the compiler) reconfigures build/ from
# scratch.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_C_COMPILER=clang -DTB_SANITIZE=ON -DTB_FUZZ=ON
FUZZ_SECONDS ?= 600
BENCH_BUILD ?= $(BUILD)/release
BENCH_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
	-DTB_SANITIZE=OFF -DTB_FUZZ=OFF
BENCH_ARGS ?=

RUN_BUILD ?= $(BUILD)/run
RUN_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE=-O1 \
	-DTB_SANITIZE=OFF -DTB_FUZZ=OFF -DTB_TESTS=OFF
PACKAGE_DIR ?= $(BUILD)/package

GCC_BUILD ?= $(BUILD)/gcc
GCC_FLAGS ?= -DCMAKE_C_COMPILER=gcc -DTB_WERROR=ON -DTB_SANITIZE=OFF -DTB_FUZZ=OFF

.PHONY: all deps configure build build-gcc test fuzz bench bench-dispatch bench-memory bench-callout bench-web install package run clean FORCE

all: build

deps:
	@./scripts/install-deps.sh

# The flags build/ was configured with; a change wipes the CMake cache (a
# cache cannot switch compilers) and configures again.
$(BUILD)/.cmake-flags: FORCE
	@mkdir -p $(BUILD)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(CMAKE_FLAGS)' ]; then \
		if [ -f $(BUILD)/CMakeCache.txt ]; then \
			echo "$(BUILD): CMAKE_FLAGS changed, configuring again"; \
			rm -rf $(BUILD)/CMakeCache.txt $(BUILD)/CMakeFiles; \
		fi; \
		echo '$(CMAKE_FLAGS)' > $@; \
	fi

$(BUILD)/CMakeCache.txt: $(BUILD)/.cmake-flags | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Every program and test built with GCC, warnings as errors (not run: the
# sanitizer build in build/ is the one the tests run).
build-gcc: deps
	cmake -S . -B $(GCC_BUILD) $(GCC_FLAGS)
	cmake --build $(GCC_BUILD) -j $(JOBS)

test: build build-gcc
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

fuzz: build
	cd $(BUILD) && FUZZ_SECONDS=$(FUZZ_SECONDS) ctest -L fuzz --output-on-failure -j $(JOBS) \
		--timeout $$(( $(FUZZ_SECONDS) + 300 ))

bench: deps
	cmake -S . -B $(BENCH_BUILD) $(BENCH_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_codecs
	$(BENCH_BUILD)/bench/bench_codecs $(BENCH_ARGS)

# The dispatch path end to end (terminals on ptys -> tetra-bridged with its
# journal -> a subscriber) against a bare ZeroMQ pair; about 2 minutes.
bench-dispatch: deps
	cmake -S . -B $(BENCH_BUILD) $(BENCH_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_dispatch tetra-bridged
	$(BENCH_BUILD)/bench/bench_dispatch --flood $(BENCH_ARGS)

# The daemon's resident memory with 8 clients that ask Replay and never read
# and 200 subscribers that never read, at 2 000 events/s, and after they
# disconnect; the clients that behave are measured meanwhile. About 1 minute.
bench-memory: deps
	cmake -S . -B $(BENCH_BUILD) $(BENCH_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_memory tetra-bridged
	$(BENCH_BUILD)/bench/bench_memory $(BENCH_ARGS)

# The call-out tracker on a real bridge with 1 000 open call-outs x 10
# responders (simulated radios and responders in the same process, fake
# time); a few minutes.
bench-callout: deps
	cmake -S . -B $(BENCH_BUILD) $(BENCH_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_callout
	$(BENCH_BUILD)/bench/bench_callout $(BENCH_ARGS)

# tetra-web: 200 WebSocket clients while 32 radios send 50 and then 1 600
# events/s (latency against the bridge's own subscriber, tetra-web's CPU
# and memory), then a fresh page with 1 000 open call-outs: the snapshot
# over a WebSocket, and the page in headless chromium
# (bench/bench_web_page.py, python3-selenium). About 4 minutes.
bench-web: deps
	cmake -S . -B $(BENCH_BUILD) $(BENCH_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_web tetra-bridged tetra-web tetractl
	$(BENCH_BUILD)/bench/bench_web --page bench/bench_web_page.py $(BENCH_ARGS)

# An optimised, unsanitised build (the same as `make bench`) installed under
# PREFIX (/usr/local), with the udev rules in /etc/udev/rules.d, the systemd
# unit, sysusers.d and tmpfiles.d files, the man pages and the examples.
# DESTDIR works.
PREFIX ?= /usr/local
install: deps
	cmake -S . -B $(BENCH_BUILD) $(BENCH_FLAGS) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target tetra-bridged tetractl tetra-sim tetra-web
	cmake --install $(BENCH_BUILD)

# The Debian package tetra-bridge_<version>_<arch>.deb in PACKAGE_DIR
# (dpkg-buildpackage on a copy of the tree; see scripts/package.sh).
package: deps
	./scripts/package.sh $(PACKAGE_DIR)

run: deps
	cmake -S . -B $(RUN_BUILD) $(RUN_FLAGS) >/dev/null
	cmake --build $(RUN_BUILD) -j $(JOBS) --target tetra-bridged tetractl tetra-sim tetra-web
	./scripts/demo.sh $(RUN_BUILD)

clean:
	rm -rf $(BUILD)
