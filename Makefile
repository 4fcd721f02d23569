# agentenv-post — a Helm post-renderer that sandboxes every pod of a chart.
#
#   make              build ./agentenv-post and ./agentenv-helm
#   make test         build and run the whole test suite (tests/run-all)
#   make unit         only the Check unit tests
#   make check-asan   the test suite again under AddressSanitizer + UBSan
#   make bench        benchmarks (scripts/bench), results for BENCHMARKS.md
#   make fuzz         a bounded libFuzzer run over the whole program path
#   make install      PREFIX=/usr/local DESTDIR= : both into $(PREFIX)/bin
#   make static       fully static binaries (what the Helm plugin tarball ships)
#   make docs         docs/multi-service.{txt,svg}: --explain of the example chart

PREFIX  ?= /usr/local
# The program; the sanitizer builds put theirs in their own BUILD folder.
PROGRAM ?= agentenv-post
# agentenv-helm, the drop-in `helm` for k8s_sandbox, beside it.
HELM_PROGRAM ?= $(patsubst ./%,%,$(dir $(PROGRAM))agentenv-helm)
BINDIR  ?= $(PREFIX)/bin
BUILD   ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARNINGS = -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wvla -Wformat=2
CFLAGS  ?= -O2 -g
# src/ by layer: base (buffers, messages, vocabulary), read (the stream and
# the inputs), model (the sandbox and its decisions, the network model),
# write (the edited stream, generated objects, --explain), cli
# (agentenv-post's command line and run), helm (agentenv-helm only).
LAYERS  = base read model write cli
SRC_DIRS = $(addprefix src/,$(LAYERS) helm)
vpath %.c $(SRC_DIRS)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(CFLAGS) \
	     -DAGENTENV_VERSION='"$(VERSION)"' $(addprefix -I,$(SRC_DIRS)) \
	     -I$(BUILD) \
	     $(shell $(PKG_CONFIG) --cflags libfyaml)
LIBS    = $(shell $(PKG_CONFIG) --libs libfyaml)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)
YAML_LIBS    = $(shell $(PKG_CONFIG) --libs yaml-0.1)

LIB_SRC  = $(filter-out src/cli/main.c,\
	     $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c)))
LIB_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(notdir $(LIB_SRC))) \
	   $(BUILD)/templates.o
# The wrapper's own files, built into agentenv-helm only; it needs no
# libfyaml, only buf and diag besides.
HELM_LIB_OBJ = $(BUILD)/helmcli.o $(BUILD)/words.o
HELM_OBJ = $(BUILD)/agentenv-helm.o $(HELM_LIB_OBJ) $(BUILD)/buf.o \
	   $(BUILD)/diag.o
HEADERS  = $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h))
TEMPLATES = $(sort $(wildcard templates/*))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit check-asan check-valgrind bench fuzz install uninstall \
	clean static docs
.DELETE_ON_ERROR:

all: $(PROGRAM) $(HELM_PROGRAM)

$(PROGRAM): $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(HELM_PROGRAM): $(HELM_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/%.o: %.c $(HEADERS) $(BUILD)/templates.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# templates/*.yaml become string constants, so the binary is self-contained.
# One run of the script writes both files (a grouped target, for make -j).
$(BUILD)/templates.c $(BUILD)/templates.h &: $(TEMPLATES) scripts/embed-templates | $(BUILD)
	sh scripts/embed-templates $(BUILD) $(TEMPLATES)

$(BUILD)/templates.o: $(BUILD)/templates.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJ) $(HELM_LIB_OBJ) \
		tests/unit/unit.h | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) \
		$(HELM_LIB_OBJ) $(LIBS) $(CHECK_LIBS)

$(BUILD)/yaml-reparse: tests/yaml-reparse.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(YAML_LIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do CK_FORK=yes $$t; done

test: $(PROGRAM) $(HELM_PROGRAM) $(UNIT_BIN) $(BUILD)/yaml-reparse
	AGENTENV_BIN=$(CURDIR)/$(PROGRAM) \
		AGENTENV_HELM_BIN=$(CURDIR)/$(HELM_PROGRAM) tests/run-all $(BUILD)

check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) BUILD=build-asan PROGRAM=build-asan/agentenv-post \
		CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' AGENTENV_SLOWDOWN=5 test

check-valgrind: $(PROGRAM) $(HELM_PROGRAM) $(UNIT_BIN) $(BUILD)/yaml-reparse
	AGENTENV_SLOWDOWN=30 AGENTENV_WRAP='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$(CURDIR)/tests/valgrind.supp' \
		tests/run-all $(BUILD)

bench: $(PROGRAM)
	scripts/bench

fuzz:
	scripts/fuzz

# The README's --explain text and picture of testdata/charts/multi-service,
# from `helm template` (Helm 3 from scripts/fetch-helm) and Graphviz's dot.
DOCS_RENDERED = $(BUILD)/multi-service.yaml
docs: $(PROGRAM)
	helm=$$(scripts/fetch-helm --print v3) && \
	"$$helm" template demo testdata/charts/multi-service --namespace demo \
		>$(DOCS_RENDERED)
	./$(PROGRAM) --namespace demo --explain <$(DOCS_RENDERED) \
		>docs/multi-service.txt.tmp
	./$(PROGRAM) --namespace demo --explain --format dot \
		<$(DOCS_RENDERED) >$(BUILD)/multi-service.dot
	dot -Tsvg $(BUILD)/multi-service.dot >docs/multi-service.svg.tmp
	mv docs/multi-service.txt.tmp docs/multi-service.txt
	mv docs/multi-service.svg.tmp docs/multi-service.svg

static: $(BUILD)/main.o $(LIB_OBJ) $(HELM_OBJ)
	$(CC) $(ALL_CFLAGS) -static -o agentenv-post $(BUILD)/main.o $(LIB_OBJ) \
		$(shell $(PKG_CONFIG) --static --libs libfyaml)
	$(CC) $(ALL_CFLAGS) -static -o agentenv-helm $(HELM_OBJ)

install: $(PROGRAM) $(HELM_PROGRAM)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(PROGRAM) $(DESTDIR)$(BINDIR)/agentenv-post
	install -m 0755 $(HELM_PROGRAM) $(DESTDIR)$(BINDIR)/agentenv-helm

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/agentenv-post $(DESTDIR)$(BINDIR)/agentenv-helm

clean:
	rm -rf build build-asan build-fuzz agentenv-post agentenv-helm
