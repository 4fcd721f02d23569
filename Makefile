# agentenv-post — a Helm post-renderer that sandboxes every pod of a chart.
#
#   make              build ./agentenv-post
#   make test         build and run the whole test suite (tests/run-all)
#   make unit         only the Check unit tests
#   make check-asan   the test suite again under AddressSanitizer + UBSan
#   make bench        benchmarks (scripts/bench), results for BENCHMARKS.md
#   make fuzz         a bounded libFuzzer run over the whole program path
#   make install      PREFIX=/usr/local DESTDIR= : the binary into $(PREFIX)/bin
#   make static       a fully static binary (what the Helm plugin tarball ships)

PREFIX  ?= /usr/local
# The program; the sanitizer builds put theirs in their own BUILD folder.
PROGRAM ?= agentenv-post
BINDIR  ?= $(PREFIX)/bin
BUILD   ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARNINGS = -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wvla -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(CFLAGS) \
	     -DAGENTENV_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) \
	     $(shell $(PKG_CONFIG) --cflags libfyaml)
LIBS    = $(shell $(PKG_CONFIG) --libs libfyaml)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)
YAML_LIBS    = $(shell $(PKG_CONFIG) --libs yaml-0.1)

LIB_SRC  = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/templates.o
HEADERS  = $(wildcard src/*.h)
TEMPLATES = $(sort $(wildcard templates/*))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit check-asan check-valgrind bench fuzz install uninstall \
	clean static
.DELETE_ON_ERROR:

all: $(PROGRAM)

$(PROGRAM): $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: src/%.c $(HEADERS) $(BUILD)/templates.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# templates/*.yaml become string constants, so the binary is self-contained.
# One run of the script writes both files (a grouped target, for make -j).
$(BUILD)/templates.c $(BUILD)/templates.h &: $(TEMPLATES) scripts/embed-templates | $(BUILD)
	sh scripts/embed-templates $(BUILD) $(TEMPLATES)

$(BUILD)/templates.o: $(BUILD)/templates.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJ) tests/unit/unit.h | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) \
		$(LIBS) $(CHECK_LIBS)

$(BUILD)/yaml-reparse: tests/yaml-reparse.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(YAML_LIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do CK_FORK=yes $$t; done

test: $(PROGRAM) $(UNIT_BIN) $(BUILD)/yaml-reparse
	AGENTENV_BIN=$(CURDIR)/$(PROGRAM) tests/run-all $(BUILD)

check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) BUILD=build-asan PROGRAM=build-asan/agentenv-post \
		CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' AGENTENV_SLOWDOWN=5 test

check-valgrind: $(PROGRAM) $(UNIT_BIN) $(BUILD)/yaml-reparse
	AGENTENV_SLOWDOWN=30 AGENTENV_WRAP='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$(CURDIR)/tests/valgrind.supp' \
		tests/run-all $(BUILD)

bench: $(PROGRAM)
	scripts/bench

fuzz:
	scripts/fuzz

static: $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -static -o agentenv-post $^ $(shell $(PKG_CONFIG) --static --libs libfyaml)

install: $(PROGRAM)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(PROGRAM) $(DESTDIR)$(BINDIR)/agentenv-post

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/agentenv-post

clean:
	rm -rf build build-asan build-fuzz agentenv-post
