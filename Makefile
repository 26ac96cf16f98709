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
LDLIBS     = -lcsv -lgsl -lgslcblas -lm

LIBSRC = metak/buf.c metak/diag.c metak/csvin.c metak/table.c \
         metak/names.c metak/effect.c metak/tau2.c metak/het.c \
         metak/pool.c metak/subgroup.c metak/report.c metak/text.c \
         metak/axis.c metak/svg.c metak/bias.c metak/biasout.c \
         metak/funnel.c
LIBOBJ = $(LIBSRC:metak/%.c=build/obj/%.o)
HDR    = metak/metak.h metak/internal.h

all: build/metak build/libmetak.a

build/obj/%.o: metak/%.c $(HDR)
	@mkdir -p build/obj
	$(CC) $(CFLAGS) $(WARN) -c -o $@ $<

build/libmetak.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

build/metak: build/obj/main.o build/libmetak.a
	$(CC) $(CFLAGS) -o $@ build/obj/main.o build/libmetak.a $(LDLIBS)

# ---- tests ---------------------------------------------------------------
TESTS = tests/test_effect tests/test_pool tests/test_csv

build/tests/%: tests/%.c tests/check.h build/libmetak.a
	@mkdir -p build/tests
	$(CC) $(CFLAGS) $(WARN) -Wno-missing-prototypes -Imetak -o $@ $< \
	    build/libmetak.a $(LDLIBS) -lcmocka

check: deps-check all $(TESTS:tests/%=build/tests/%)
	@set -e; for t in $(TESTS:tests/%=build/tests/%); do $$t; done
	python3 tests/reference/check_reference.py --metak build/metak tests/reference
	python3 tests/reference/check_reference.py --metak build/metak tests/reference/bias.json
	python3 tests/reference/check_reference.py --metak build/metak tests/metafor_local/expected.json
	sh tests/run_cli.sh build/metak
	sh tests/svg_render.sh build/metak
	sh tests/man_examples.sh build/metak
	sh tests/lint_man.sh man/metak.1 man/metak.5
	@echo "make check: all suites passed"

deps-check:
	@sh tests/deps.sh mandoc libxml2-utils librsvg2-bin chromium

# the README's first command: install what is missing, build, run
run:
	@sh tests/deps.sh
	$(MAKE) all
	build/metak pool data/published/bcg.csv --by alloc

lint:
	sh tests/lint_man.sh man/metak.1 man/metak.5

bench: all
	sh bench/bench.sh build/metak

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5
	cp build/metak $(DESTDIR)$(PREFIX)/bin/metak
	cp man/metak.1 $(DESTDIR)$(MANPREFIX)/man1/metak.1
	cp man/metak.5 $(DESTDIR)$(MANPREFIX)/man5/metak.5

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/metak \
	    $(DESTDIR)$(MANPREFIX)/man1/metak.1 \
	    $(DESTDIR)$(MANPREFIX)/man5/metak.5

clean:
	rm -rf build

.PHONY: all run bench check deps-check lint install uninstall clean
