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
# librsvg with cairo renders metak's own SVG plots as PNG and PDF
# (plot/convert.c): one drawing for every format, fonts embedded in PDF.
# Its headers are needed to build; the library is loaded (dlopen) when the
# first PNG or PDF is written, so that other runs do not load its 45 shared
# libraries
RSVG       = librsvg-2.0 cairo-png cairo-pdf
DEPCFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(RSVG)))
LDLIBS     = -lcsv -lgsl -lgslcblas -lm -lpthread -ldl

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
	$(CC) $(CFLAGS) $(WARN) $(DEPCFLAGS) -Imetak -c -o $@ $<

$(B)/libmetak.a: $(LIBOBJ:build/%=$(B)/%)
	rm -f $@
	ar rcs $@ $(LIBOBJ:build/%=$(B)/%)

$(B)/metak: $(CLIOBJ:build/%=$(B)/%) $(B)/libmetak.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLIOBJ:build/%=$(B)/%) $(B)/libmetak.a $(LDLIBS)

# ---- tests ---------------------------------------------------------------
TESTS = test_effect test_pool test_csv test_buf test_model test_convert test_sens \
        test_glmm test_network test_sof test_mlm test_bayes test_robust
TESTBIN = $(TESTS:%=$(B)/tests/%)

$(B)/tests/%: tests/%.c tests/check.h $(B)/libmetak.a
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) $(WARN) $(DEPCFLAGS) -Wno-missing-prototypes -Imetak $(LDFLAGS) \
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

# every test: those that run the built metak in $(B) (suite-bin; METAK is
# what the scripts run), then the checks that do not depend on how metak
# was built (the layers, golden SVGs in Chromium, the man pages' lint,
# make install), which the sanitizer and valgrind runs leave out
METAK ?= $(B)/metak
suite: suite-bin
	sh tests/layers.sh $(B)/obj
	sh tests/svg_render.sh $(METAK)
	sh tests/svg_bbox.sh
	sh tests/lint_man.sh man/metak.1 man/metak.5
	sh tests/install.sh $(B)
	python3 analyses/conclusions.py data/k2 >/dev/null
	@echo "suite: all passed ($(B))"

suite-bin: all $(TESTBIN)
	@set -e; for t in $(TESTBIN); do $(RUNNER) $$t; done
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/bias.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/metareg
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/multilevel
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/measures
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/glmm
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/network
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/influence
	python3 tests/reference/check_reference.py --metak $(METAK) tests/reference/bayes
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_mlm.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_measures.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_dlq.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_smallstudy.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_pmtol.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_glmm.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_network.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_influence.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_rel.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_bayes.json
	python3 tests/reference/check_reference.py --metak $(METAK) tests/metafor_local/expected_steps.json
	sh tests/run_cli.sh $(METAK)
	python3 tests/each_vs_pool.py $(METAK)
	sh tests/jobs_identical.sh $(METAK)
	sh tests/plot_formats.sh $(METAK)
	sh tests/man_examples.sh $(METAK)
	sh tests/man_options.sh $(METAK) man/metak.1
	$(MAKE) -s -C analyses/published check METAK=$(abspath $(METAK))
	sh tests/reproducible.sh $(METAK)
	@echo "suite-bin: all passed ($(B))"

# every test of metak under AddressSanitizer + UndefinedBehaviorSanitizer
asan: deps-check
	$(MAKE) asan-suite
# (tests/lsan.supp: fontconfig's font caches under librsvg, not metak's)
asan-suite:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) suite-bin B=build/asan CC=clang \
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

# every test of metak under valgrind memcheck (any error or leak fails);
# METAK_VALGRIND=1 runs each distinct command line of the reference suites
# once (memcheck follows code paths, not datasets; the numbers are the
# plain and ASan runs' to check)
valgrind: deps-check
	$(MAKE) valgrind-suite
valgrind-suite:
	$(MAKE) all B=build/vg CFLAGS="-O1 -g"
	sh tests/valgrind_wrap.sh build/vg/metak build/vg/bin/metak
	NO_STDOUT=1 METAK_VALGRIND=1 $(MAKE) suite-bin B=build/vg CFLAGS="-O1 -g" METAK=build/vg/bin/metak \
	    RUNNER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"

# coverage-guided fuzzing of the CSV reader and the whole pool pipeline
FUZZ_SECONDS ?= 60
fuzz: deps-check
	$(MAKE) fuzz-suite
fuzz-suite:
	$(MAKE) build/fuzz/fuzz_pool build/fuzz/fuzz_network
	sh tests/fuzz/run.sh build/fuzz/fuzz_pool $(FUZZ_SECONDS)
	sh tests/fuzz/run.sh build/fuzz/fuzz_network $(FUZZ_SECONDS)

FUZZFLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz/fuzz_pool: tests/fuzz/fuzz_pool.c $(LIBSRC) $(HDR)
	@mkdir -p build/fuzz
	clang $(FUZZFLAGS) $(DEPCFLAGS) -Imetak -o $@ tests/fuzz/fuzz_pool.c $(LIBSRC) $(LDLIBS)
build/fuzz/fuzz_network: tests/fuzz/fuzz_network.c $(LIBSRC) $(HDR)
	@mkdir -p build/fuzz
	clang $(FUZZFLAGS) $(DEPCFLAGS) -Imetak -o $@ tests/fuzz/fuzz_network.c $(LIBSRC) $(LDLIBS)

# static analysis: cppcheck and clang-tidy must be silent
# (.clang-tidy lists the checks; the ones left out are false positives here)
static:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	    --inline-suppr --suppress=missingIncludeSystem -Imetak $(LIBSRC) $(CLISRC)
	clang-tidy --quiet $(LIBSRC) $(CLISRC) -- $(WARN) $(DEPCFLAGS) -Imetak 2>&1 | \
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
	@echo; echo "What these data cannot tell (checked against data/k2 on every run):"
	@python3 analyses/conclusions.py data/k2
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

.PHONY: tsan tsan-suite all run analyses bench check suite suite-bin asan asan-suite valgrind valgrind-suite \
	fuzz fuzz-suite static deps-check lint install uninstall clean
