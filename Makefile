# Makefile -- the one build: all, test, demo, bench, fuzz, install, clean.
#
# Sources are found by wildcard so that adding a module never means editing this file:
#   src/**/*.c (but src/main.c)  -> $(BUILD)/libcdupes.a   (the library everything links)
#   emu/*.c   (but emu/main.c)   -> $(BUILD)/libemu.a
#   tests/unit/test_*.c          -> $(BUILD)/tests/test_*   (one cmocka binary per module)
# SANITIZE=1 builds everything with ASan+UBSan into build-san/ so both builds can coexist.

PREFIX  ?= /usr/local
VERSION := 0.1.0
CC      ?= cc
PKG_CONFIG ?= pkg-config
PKGS    := libcurl libcrypto jansson sqlite3 libutf8proc libmicrohttpd

ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT     ?= -O1 -g
else
BUILD   ?= build
SANFLAGS :=
OPT     ?= -O2 -g
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS  ?= $(OPT)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DCD_VERSION=\"$(VERSION)\" $(WARN) $(SANFLAGS) $(CFLAGS) \
              -Isrc -include src/banned.h $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS  := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread -lm
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

LIB_SRC  := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
EMU_SRC  := $(filter-out emu/main.c,$(wildcard emu/*.c))
TEST_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
EMU_OBJ  := $(EMU_SRC:%.c=$(BUILD)/obj/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BINS := $(BUILD)/connect-dupes $(BUILD)/connect-emu

.PHONY: all test unit demo bench fuzz install clean
all: $(BINS) $(TESTS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libcdupes.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libemu.a: $(EMU_OBJ)
	@rm -f $@
	ar rcs $@ $(EMU_OBJ) $(if $(EMU_OBJ),,)

$(BUILD)/connect-dupes: $(BUILD)/obj/src/main.o $(BUILD)/libcdupes.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/connect-emu: $(BUILD)/obj/emu/main.o $(BUILD)/libemu.a $(BUILD)/libcdupes.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libemu.a $(BUILD)/libcdupes.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Iemu -o $@ $< $(BUILD)/libemu.a $(BUILD)/libcdupes.a \
	    $(ALL_LDFLAGS) $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# The whole suite: unit tests, CLI tests against connect-emu, oracle tests (botocore).
# tests/run.sh prints one TAP line per check and ends with "N passed, N failed, N skipped".
test: all
	BUILD=$(BUILD) tests/run.sh $(T)

demo:
	BUILD=$(BUILD) scripts/demo.sh

bench: all
	BUILD=$(BUILD) bench/run.sh $(B)

# libFuzzer harnesses need clang; each runs for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz:
	BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
