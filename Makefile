# metak - statistical meta-analysis toolkit
# Configuration
PREFIX    ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR   ?=
CC        ?= cc
CFLAGS    ?= -O2 -g
WARN       = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow \
             -Wconversion -Wno-sign-conversion -Wmissing-prototypes \
             -Wstrict-prototypes -Wpointer-arith -Wformat=2 -Wundef \
             -Wcast-qual -Wvla
LDLIBS     = -lcsv -lgsl -lgslcblas -lm -lpthread

# the library, one folder per layer (metak/*/README.md says what each may
# call); the command line in metak/cli/ prints, exits and is not part of it
LAYERS = base read effects fit analyses render plot
LIBSRC = $(foreach l,$(LAYERS),$(sort $(wildcard metak/$(l)/*.c)))
LIBOBJ = $(LIBSRC:metak/%.c=build/obj/%.o)
CLISRC = $(sort $(wildcard metak/cli/*.c))
CLIOBJ = $(CLISRC:metak/%.c=build/obj/%.o)
HDR    = $(wildcard metak/*.h metak/*/*.h)

# build folder: build, build/asan, build/vg
B ?= build
# a command run before every test program (make valgrind sets it)
RUNNER ?=

all: $(B)/metak $(B)/libmetak.a

$(B)/obj/%.o: metak/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -Imetak -c -o $@ $<

$(B)/libmetak.a: $(LIBOBJ:build/%=$(B)/%)
	rm -f $@
	ar rcs $@ $(LIBOBJ:build/%=$(B)/%)

$(B)/metak: $(CLIOBJ:build/%=$(B)/%) $(B)/libmetak.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLIOBJ:build/%=$(B)/%) $(B)/libmetak.a $(LDLIBS)

# ---- tests ---------------------------------------------------------------
TESTS = test_effect test_pool test_csv test_buf test_model test_convert test_sens \
        test_mlm
TESTBIN = $(TESTS:%=$(B)/tests/%)

$(B)/tests/%: tests/%.c tests/check.h $(B)/libmetak.a
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) $(WARN) -Wno-missing-prototypes -Imetak $(LDFLAGS) \
	    -o $@ $< $(B)/libmetak.a $(LDLIBS) -lcmocka

# everything CI runs: the suite, again under ASan+UBSan and under valgrind,
# and a short fuzz session (FUZZ_SECONDS, 30 here) over the regressions
check: deps-check
	$(MAKE) suite
	$(MAKE) static
	$(MAKE) asan-suite
	$(MAKE) tsan-suite
	$(MAKE) valgrind-suite
	$(MAKE) fuzz-suite FUZZ_SECONDS=30
	@echo "check: 6 passed, 0 failed (suite, static, asan, tsan, valgrind, fuzz)"

# every test of the built metak in $(B); METAK is what the scripts run
METAK ?= $(B)/metak
suite: all $(TESTBIN)
	@set -e; for t in $(TESTBIN); do $(RUNNER) $$t; done
	sh tests/layers.sh $(B)/obj
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/bias.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/metareg
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/multilevel
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/measures
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_mlm.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_measures.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_dlq.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_smallstudy.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_pmtol.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_rel.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_steps.json
	sh tests/run_cli.sh $(METAK)
	python3 tests/each_vs_pool.py $(METAK)
	sh tests/jobs_identical.sh $(METAK)
	sh tests/svg_render.sh $(METAK)
	sh tests/svg_bbox.sh
	sh tests/man_examples.sh $(METAK)
	sh tests/lint_man.sh man/metak.1 man/metak.5
	sh tests/man_options.sh $(METAK) man/metak.1
	$(MAKE) -s -C analyses/published check METAK=$(abspath $(METAK))
	sh tests/reproducible.sh $(METAK)
	sh tests/install.sh $(B)
	@echo "suite: all passed ($(B))"

# the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
asan: deps-check
	$(MAKE) asan-suite
asan-suite:
	$(MAKE) suite B=build/asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined"

# the threaded paths (--jobs) under ThreadSanitizer: a data race fails
tsan: deps-check
	$(MAKE) tsan-suite
tsan-suite:
	$(MAKE) all B=build/tsan CC=clang CFLAGS="-O1 -g -fsanitize=thread" \
	    LDFLAGS="-fsanitize=thread"
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" sh tests/jobs_identical.sh build/tsan/metak
	@echo "tsan: jobs_identical clean"

# the whole suite under valgrind memcheck (any error or leak fails)
valgrind: deps-check
	$(MAKE) valgrind-suite
valgrind-suite:
	$(MAKE) all B=build/vg CFLAGS="-O1 -g"
	sh tests/valgrind_wrap.sh build/vg/metak build/vg/bin/metak
	NO_STDOUT=1 METAK_VALGRIND=1 $(MAKE) suite B=build/vg CFLAGS="-O1 -g" METAK=build/vg/bin/metak \
	    RUNNER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"

# coverage-guided fuzzing of the CSV reader and the whole pool pipeline
FUZZ_SECONDS ?= 60
fuzz: deps-check
	$(MAKE) fuzz-suite
fuzz-suite:
	$(MAKE) build/fuzz/fuzz_pool
	sh tests/fuzz/run.sh build/fuzz/fuzz_pool $(FUZZ_SECONDS)

FUZZFLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz/fuzz_pool: tests/fuzz/fuzz_pool.c $(LIBSRC) $(HDR)
	@mkdir -p build/fuzz
	clang $(FUZZFLAGS) -Imetak -o $@ tests/fuzz/fuzz_pool.c $(LIBSRC) $(LDLIBS)

# static analysis: cppcheck and clang-tidy must be silent
# (.clang-tidy lists the checks; the ones left out are false positives here)
static:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	    --inline-suppr --suppress=missingIncludeSystem -Imetak $(LIBSRC) $(CLISRC)
	clang-tidy --quiet $(LIBSRC) $(CLISRC) -- $(WARN) -Imetak 2>&1 | \
	    { ! grep -E 'error:|warning:'; }
	@echo "static: cppcheck and clang-tidy clean"

deps-check:
	@sh tests/deps.sh mandoc libxml2-utils librsvg2-bin chromium clang \
	    valgrind cppcheck clang-tidy

# the README's first command: install what is missing, build, run
run:
	@sh tests/deps.sh
	$(MAKE) analyses
	@echo; echo "Vitamin K and fractures (analyses/k2-fractures/out/):"
	@cat analyses/k2-fractures/out/summary.txt
	@echo; echo "Vitamin K and bone mineral density (analyses/k2-bmd/out/):"
	@cat analyses/k2-bmd/out/summary.txt
	@echo; echo "Forest plots: analyses/k2-*/out/*.svg; what each pool means: analyses/k2-*/README.md"

lint: all
	sh tests/lint_man.sh man/metak.1 man/metak.5
	sh tests/man_options.sh $(B)/metak man/metak.1

# every analysis, into analyses/*/out/ (make -C analyses/NAME runs one)
ANALYSES = published k2-fractures k2-bmd
analyses: all
	@set -e; for a in $(ANALYSES); do \
	    $(MAKE) -s -C analyses/$$a METAK=$(CURDIR)/$(B)/metak; done
	@echo "analyses: $(words $(ANALYSES)) run into analyses/*/out/"

bench: all
	sh bench/bench.sh build/metak

# paths quoted: DESTDIR and PREFIX may hold spaces (unquoted, a space
# split them and mkdir wrote the pieces inside the checkout)
install: all
	mkdir -p "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(MANPREFIX)/man1" \
	    "$(DESTDIR)$(MANPREFIX)/man5"
	cp $(B)/metak "$(DESTDIR)$(PREFIX)/bin/metak"
	cp man/metak.1 "$(DESTDIR)$(MANPREFIX)/man1/metak.1"
	cp man/metak.5 "$(DESTDIR)$(MANPREFIX)/man5/metak.5"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/metak" \
	    "$(DESTDIR)$(MANPREFIX)/man1/metak.1" \
	    "$(DESTDIR)$(MANPREFIX)/man5/metak.5"

clean:
	rm -rf build

.PHONY: tsan tsan-suite all run analyses bench check suite asan asan-suite valgrind valgrind-suite \
	fuzz fuzz-suite static deps-check lint install uninstall clean
