# Makefile -- the one build: connect-dupes (default), emu, tests, test, demo, bench, fuzz, install, uninstall.
#
# Sources are found by wildcard so that adding a module never means editing this file:
#   src/**/*.c (but src/main.c, src/cmd/)  -> $(BUILD)/libcdupes.a  (the library, which never prints)
#   src/cmd/**/*.c                         -> $(BUILD)/libcdtool.a  (the command layer: commands, pipeline)
#   emu/*.c    (but emu/main.c)            -> $(BUILD)/libemu.a
#   tests/unit/test_*.c                    -> $(BUILD)/tests/test_*  (one cmocka binary per module)
# connect-dupes = src/main.c + libcdtool.a + libcdupes.a; connect-emu = emu/main.c + libemu.a +
# libcdupes.a (no command layer: tests/cli/build_layers.sh checks).
# SANITIZE=1 builds everything with ASan+UBSan into build-san/ so both builds can coexist.
#
# Packages: `make` needs only TOOL_PKGS, so an admin's machine (CloudShell, a server) needs neither
# libmicrohttpd nor cmocka; `make emu` adds libmicrohttpd, `make tests` cmocka. pkg-config runs only
# when a recipe that needs it runs (the variables below are recursive and computed once), so
# `make demo` (which installs them first), `make clean`, `make uninstall` and the install of a
# built binary ask it nothing, and a missing package stops the build with one line naming it
# (tests/cli/build_deps.sh checks).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
VERSION := 0.1.0
CC      ?= cc
PKG_CONFIG ?= pkg-config
TOOL_PKGS := libcurl libcrypto jansson sqlite3 libutf8proc
EMU_PKGS  := libmicrohttpd
TEST_PKGS := libmicrohttpd cmocka

ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT     ?= -O1 -g
else
BUILD   ?= build
SANFLAGS :=
OPT     ?= -O2 -g
endif

# $(call pkg,--cflags|--libs,PACKAGES): pkg-config's answer, or stop with one line naming the first
# package it does not know (instead of a missing header or a wall of undefined references).
pkg = $(if $(shell command -v $(firstword $(PKG_CONFIG)) 2>/dev/null),,$(error $(PKG_CONFIG) not found: run scripts/deps.sh))$(foreach p,$2,$(if $(shell $(PKG_CONFIG) --exists $p 2>/dev/null && echo y),,$(error $p not found: run scripts/deps.sh)))$(shell $(PKG_CONFIG) $1 $2)
# $(call once,VAR,--cflags|--libs,PACKAGES): sets VAR to that answer on first use (VAR must be
# only this call: the first use replaces its whole definition).
once = $(eval $1 := $$(call pkg,$2,$3))$($1)
TOOL_CFLAGS = $(call once,TOOL_CFLAGS,--cflags,$(TOOL_PKGS))
TOOL_LIBS   = $(call once,TOOL_LIBS,--libs,$(TOOL_PKGS))
EMU_CFLAGS  = $(call once,EMU_CFLAGS,--cflags,$(EMU_PKGS))
EMU_LIBS    = $(call once,EMU_LIBS,--libs,$(EMU_PKGS))
TEST_CFLAGS = $(call once,TEST_CFLAGS,--cflags,$(TEST_PKGS))
TEST_LIBS   = $(call once,TEST_LIBS,--libs,$(TEST_PKGS))

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DCD_VERSION=\"$(VERSION)\" $(WARN) $(SANFLAGS) $(CFLAGS) \
             -Isrc -include src/banned.h $(TOOL_CFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)
SYS_LIBS := -lpthread -lm

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c src/cmd/%,$(SRC))
TOOL_SRC := $(filter src/cmd/%,$(SRC))
EMU_SRC  := $(filter-out emu/main.c,$(wildcard emu/*.c))
TEST_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/obj/%.o)
EMU_OBJ  := $(EMU_SRC:%.c=$(BUILD)/obj/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all emu tests test unit demo bench fuzz install install-emu uninstall clean \
        pkgs-tool pkgs-emu pkgs-test
# The man pages and completions are generated from the option tables by the binaries themselves
# (--help-man, --completion bash|zsh), so they can never drift from --help.
TOOL_DOCS := $(BUILD)/share/man1/connect-dupes.1 $(BUILD)/share/bash/connect-dupes \
             $(BUILD)/share/zsh/_connect-dupes
EMU_DOCS  := $(BUILD)/share/man1/connect-emu.1 $(BUILD)/share/bash/connect-emu \
             $(BUILD)/share/zsh/_connect-emu
all: pkgs-tool $(BUILD)/connect-dupes $(TOOL_DOCS)
emu: pkgs-emu $(BUILD)/connect-emu $(EMU_DOCS)
tests: pkgs-test $(TESTS)

# First prerequisites (without prerequisites of their own), so that a missing package stops the
# build before any compiler runs.
pkgs-tool: ; @: $(TOOL_CFLAGS) $(TOOL_LIBS)
pkgs-emu: ; @: $(TOOL_CFLAGS) $(TOOL_LIBS) $(EMU_CFLAGS) $(EMU_LIBS)
pkgs-test: ; @: $(TOOL_CFLAGS) $(TOOL_LIBS) $(EMU_CFLAGS) $(EMU_LIBS) $(TEST_CFLAGS) $(TEST_LIBS)

$(BUILD)/obj/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/emu/%.o: emu/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(EMU_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libcdupes.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libcdtool.a: $(TOOL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libemu.a: $(EMU_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/connect-dupes: $(BUILD)/obj/src/main.o $(BUILD)/libcdtool.a $(BUILD)/libcdupes.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(SYS_LIBS)

$(BUILD)/connect-emu: $(BUILD)/obj/emu/main.o $(BUILD)/libemu.a $(BUILD)/libcdupes.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EMU_LIBS) $(TOOL_LIBS) $(SYS_LIBS)

$(BUILD)/share/man1/%.1: $(BUILD)/%
	@mkdir -p $(dir $@)
	$< --help-man >$@.tmp && mv $@.tmp $@

$(BUILD)/share/bash/%: $(BUILD)/%
	@mkdir -p $(dir $@)
	$< --completion bash >$@.tmp && mv $@.tmp $@

$(BUILD)/share/zsh/_%: $(BUILD)/%
	@mkdir -p $(dir $@)
	$< --completion zsh >$@.tmp && mv $@.tmp $@

# Every test links all three archives; the linker takes only the members a test uses.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcdtool.a $(BUILD)/libemu.a $(BUILD)/libcdupes.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit -Iemu -o $@ $< $(BUILD)/libcdtool.a \
	    $(BUILD)/libemu.a $(BUILD)/libcdupes.a $(ALL_LDFLAGS) $(TEST_LIBS) $(TOOL_LIBS) $(SYS_LIBS)

# The whole suite: unit tests, CLI tests against connect-emu, oracle tests (botocore).
# tests/run.sh prints one TAP line per check and ends with "N passed, N failed, N skipped".
test: pkgs-test all emu tests
	BUILD=$(BUILD) tests/run.sh $(T)

# No prerequisites: scripts/demo.sh installs or checks the packages first, then runs make.
demo:
	BUILD=$(BUILD) scripts/demo.sh

bench: pkgs-emu all emu
	BUILD=$(BUILD) bench/run.sh $(B)

# libFuzzer harnesses need clang; each runs for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz:
	BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

# `make install PREFIX=$HOME/.local` for a user (CloudShell keeps only $HOME); DESTDIR for packagers.
# Installs the binary, its man page and its bash and zsh completions; `make uninstall` removes
# what either install put there.
install: $(BUILD)/connect-dupes $(TOOL_DOCS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BUILD)/connect-dupes $(DESTDIR)$(BINDIR)/
	install -m 0644 $(BUILD)/share/man1/connect-dupes.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(BUILD)/share/bash/connect-dupes $(DESTDIR)$(BASHCOMPDIR)/
	install -m 0644 $(BUILD)/share/zsh/_connect-dupes $(DESTDIR)$(ZSHCOMPDIR)/

install-emu: $(BUILD)/connect-emu $(EMU_DOCS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BUILD)/connect-emu $(DESTDIR)$(BINDIR)/
	install -m 0644 $(BUILD)/share/man1/connect-emu.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(BUILD)/share/bash/connect-emu $(DESTDIR)$(BASHCOMPDIR)/
	install -m 0644 $(BUILD)/share/zsh/_connect-emu $(DESTDIR)$(ZSHCOMPDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/connect-dupes $(DESTDIR)$(BINDIR)/connect-emu \
	    $(DESTDIR)$(MANDIR)/man1/connect-dupes.1 $(DESTDIR)$(MANDIR)/man1/connect-emu.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/connect-dupes $(DESTDIR)$(BASHCOMPDIR)/connect-emu \
	    $(DESTDIR)$(ZSHCOMPDIR)/_connect-dupes $(DESTDIR)$(ZSHCOMPDIR)/_connect-emu

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
