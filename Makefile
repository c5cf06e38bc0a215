# intake: one non-recursive Makefile. `make help` lists the targets.
# Everything is built under build/ (build/san/ with SANITIZE=1).
.DEFAULT_GOAL := all
.SUFFIXES:
# Keep objects that pattern chains make (tests, tools): no rebuild every run.
.SECONDARY:

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
DESTDIR ?=

CC ?= cc
ifeq ($(SANITIZE),1)
B       := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FORTIFY :=
else
B       := build
SANFLAGS :=
FORTIFY := -D_FORTIFY_SOURCE=3
endif

ifneq ($(V),1)
Q := @
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes
HARDEN   := $(FORTIFY) -fstack-protector-strong -fstack-clash-protection -fPIE
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) $(HARDEN) $(SANFLAGS) -MMD -MP -Icommon
BASE_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(SANFLAGS) -pthread

# Debian packages `make deps` installs when missing: libraries, then what
# the tests use (strace for the no-trace test, man-db for the man pages).
DEB_PKGS := gcc make pkg-config libsodium-dev libsqlite3-dev libcurl4-openssl-dev \
	libmicrohttpd-dev libjansson-dev libcmocka-dev libssl-dev libstemmer-dev libzxcvbn-dev \
	gettext python3 strace man-db groff-base curl \
	chromium firefox-esr
# Node and npm count as present when the commands are (they may come from
# Node's own packages, which conflict with Debian's npm).
DEB_CMDS := node:nodejs npm:npm
DEB_BENCH := age nginx-light time
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PKGS := libsodium jansson libcurl libmicrohttpd sqlite3 cmocka libcrypto

COMMON_SRC  := $(wildcard common/*.c)
CLIENT_SRC  := $(filter-out client/main.c,$(wildcard client/*.c))
SERVER_SRC  := $(filter-out server/main.c,$(wildcard server/*.c))
OFFICER_SRC := $(filter-out officer/main.c,$(wildcard officer/*.c))
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
TOOL_SRC    := $(wildcard tests/tools/*.c) $(wildcard bench/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIBINTAKE  := $(B)/libintake.a
LIBCLIENT  := $(B)/libclient.a
LIBSERVER  := $(B)/libserver.a
LIBOFFICER := $(B)/libofficer.a
PROGS := $(B)/intake-submit $(B)/intake-server $(B)/intake-officer
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
UNITS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC)) \
	$(patsubst %,$(B)/tests/test_fuzz_%,$(FUZZ_TARGETS))
TOOLS := $(patsubst %.c,$(B)/tools/%,$(notdir $(TOOL_SRC)))

# intake-submit's message catalogs: po/LANG.po compiled into
# $(B)/locale/, where the program finds them next to itself (client/i18n.c).
PO_LANGS := ru
MO := $(patsubst %,$(B)/locale/%/LC_MESSAGES/intake-submit.mo,$(PO_LANGS))

.PHONY: all deps deps-bench test asan bench demo fuzz install clean help pot

all: $(PROGS) $(MO)

help:
	@echo "make            build intake-submit, intake-server, intake-officer into $(B)/"
	@echo "make deps       install missing Debian packages (apt-get)"
	@echo "make test       build and run every unit and integration test"
	@echo "make asan       the same suite under AddressSanitizer and UBSan (= make test SANITIZE=1)"
	@echo "make bench      benchmarks (not part of make test)"
	@echo "make fuzz       libFuzzer on every parser, FUZZ_SECONDS=$(FUZZ_SECONDS) each (needs clang)"
	@echo "make demo       the whole journey on 127.0.0.1, left in demo-out/"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
	@echo "V=1 for verbose commands, SANITIZE=1 for a sanitizer build in build/san/"

deps:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	for c in $(DEB_CMDS); do \
	  command -v $${c%%:*} >/dev/null || missing="$$missing $${c#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "deps: missing:$$missing and no apt-get: install them by hand" >&2; exit 1; }; \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

deps-bench:
	$(Q)$(MAKE) --no-print-directory deps EXTRA_PKGS="$(DEB_BENCH)"

# Library flags come from pkg-config once, into config.mk; a clear stop when
# one is missing.
$(B)/config.mk: Makefile | deps
	@mkdir -p $(B)
	@for p in $(PKGS); do pkg-config --exists $$p || { echo "missing library '$$p' (pkg-config): run 'make deps'" >&2; exit 1; }; done
	@for h in libstemmer.h zxcvbn.h; do echo "#include <$$h>" | $(CC) -E -x c - >/dev/null 2>&1 || { echo "missing header '$$h' (libstemmer-dev, libzxcvbn-dev): run 'make deps'" >&2; exit 1; }; done
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS := $$(pkg-config --libs $(PKGS))"; } > $@

ifeq ($(filter clean help deps deps-bench,$(MAKECMDGOALS)),)
-include $(B)/config.mk
endif

CFLAGS_ALL = $(BASE_CFLAGS) $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm

$(B)/obj/%.o: %.c $(B)/config.mk
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(LIBINTAKE): $(call obj,$(COMMON_SRC))
$(LIBCLIENT): $(call obj,$(CLIENT_SRC))
$(LIBSERVER): $(call obj,$(SERVER_SRC))
$(LIBOFFICER): $(call obj,$(OFFICER_SRC))
$(B)/%.a:
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^ $(if $^,,$(B)/obj/empty.o)

$(B)/obj/client/i18n.o: CFLAGS_ALL += -DLOCALEDIR='"$(LOCALEDIR)"'

$(B)/locale/%/LC_MESSAGES/intake-submit.mo: po/%.po
	@mkdir -p $(@D)
	$(if $(Q),@echo "  MSGFMT  $<")
	$(Q)msgfmt --check -o $@ $<

# Maintainers: refresh the template and merge it into each catalog.
pot:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	  --keyword=ngettext:1,2 --add-comments=TRANSLATORS --package-name=intake-submit \
	  --no-location --sort-output -o po/intake-submit.pot client/*.c
	xgettext --from-code=UTF-8 --language=C --extract-all --join-existing \
	  --no-location --sort-output -o po/intake-submit.pot common/status.c
	for l in $(PO_LANGS); do msgmerge -q --update --backup=none po/$$l.po po/intake-submit.pot; done

$(B)/obj/empty.o: $(B)/config.mk
	@mkdir -p $(@D)
	$(Q)echo 'typedef int intake_empty_unit;' | $(CC) $(CFLAGS_ALL) -x c -c -o $@ -

LINK = $(if $(Q),@echo "  LD      $@";)$(CC) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/intake-submit: $(call obj,client/main.c) $(LIBCLIENT) $(LIBINTAKE)
	$(Q)$(LINK)
$(B)/intake-server: $(call obj,server/main.c) $(LIBSERVER) $(LIBINTAKE)
	$(Q)$(LINK)
$(B)/intake-officer: $(call obj,officer/main.c) $(LIBOFFICER) $(LIBINTAKE)
	$(Q)$(LINK)
# The officer also links Snowball (search) and zxcvbn (passphrases):
# Debian ships neither with a pkg-config file, so config.mk checks their
# headers instead.
OFFICER_LIBS := -lstemmer -lzxcvbn
$(B)/intake-officer $(B)/tests/test_off_%: LDLIBS_ALL += $(OFFICER_LIBS)

# The page (web/): its files compiled into intake-server, its hash list
# into intake-officer check-page and installed (web/embed.sh; web/README.md
# says why compiled in).
WEB_SRC := web/embed.sh web/index.html web/replies.html web/vendor/sodium.js \
	$(wildcard web/css/*.css web/js/*.js data/words/*.txt po/web/*.po)
$(B)/gen/web_files.c $(B)/gen/web_release.c $(B)/web/RELEASE.sha256: $(WEB_SRC)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)sh web/embed.sh $(if $(filter %files.c,$@),files,$(if $(filter %.c,$@),release,hashes)) $@
$(B)/obj/gen/%.o: $(B)/gen/%.c $(B)/config.mk
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -Iserver -Iofficer -c -o $@ $<
$(LIBSERVER): $(B)/obj/gen/web_files.o
$(LIBOFFICER): $(B)/obj/gen/web_release.o
all test: $(B)/web/RELEASE.sha256

ALL_LIBS := $(LIBSERVER) $(LIBOFFICER) $(LIBCLIENT) $(LIBINTAKE)
$(LIBCLIENT) $(LIBSERVER) $(LIBOFFICER): | $(B)/obj/empty.o

# Unit tests link only what they test: test_srv_* the server's modules,
# test_cli_* the client's, test_off_* the officer's, the rest common/ alone.
$(B)/tests/test_srv_%: $(B)/obj/tests/unit/test_srv_%.o $(LIBSERVER) $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)
$(B)/tests/test_cli_%: $(B)/obj/tests/unit/test_cli_%.o $(LIBCLIENT) $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)
$(B)/tests/test_off_%: $(B)/obj/tests/unit/test_off_%.o $(LIBOFFICER) $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)
$(B)/tests/test_%: $(B)/obj/tests/unit/test_%.o $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)

# Fuzz targets: replayed over their corpus with mutations in `make test`
# (test_fuzz_*), and run under libFuzzer by `make fuzz`.
$(B)/tests/test_fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/obj/tests/fuzz/replay.o $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)
# The attachment classifier and the search tokenizer are the officer's.
$(B)/tests/test_fuzz_classify: $(B)/obj/tests/fuzz/fuzz_classify.o $(B)/obj/tests/fuzz/replay.o $(B)/obj/officer/classify.o $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)
$(B)/tests/test_fuzz_stem: $(B)/obj/tests/fuzz/fuzz_stem.o $(B)/obj/tests/fuzz/replay.o $(B)/obj/officer/stem.o $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK) -lstemmer

FUZZ_SECONDS ?= 60
# WORDS_GEN is defined below: name the file, as prerequisites expand now.
fuzz: $(B)/config.mk $(B)/gen/words_data.c
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)" >&2; exit 1; }
	@mkdir -p build/fuzz
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
	  echo "  FUZZ    $$t ($(FUZZ_SECONDS) s)"; \
	  case $$t in classify) extra=officer/classify.c;; stem) extra="officer/stem.c -lstemmer";; *) extra=;; esac; \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Icommon $(PKG_CFLAGS) \
	    tests/fuzz/fuzz_$$t.c $(COMMON_SRC) $$extra $(WORDS_GEN) $(PKG_LIBS) -o build/fuzz/fuzz_$$t; \
	  mkdir -p build/fuzz/corpus/$$t; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=131072 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	    build/fuzz/corpus/$$t tests/fuzz/corpus/$$t 2>&1 | tail -n 3; \
	done

# The word lists (data/words/ru.txt, en.txt, FORMAT.md §4) compiled in as C string
# arrays, so the data files stay the one copy the C code and the page share.
# Every byte is written as \xNN; a list without exactly 2048 non-empty
# lines (LF endings) stops the build.
WORDS_GEN := $(B)/gen/words_data.c
$(WORDS_GEN): data/words/ru.txt data/words/en.txt
	@mkdir -p $(@D)
	$(Q)for l in ru en; do \
	  od -An -v -tx1 data/words/$$l.txt | tr -s ' \n' '\n\n' | awk -v l=$$l ' \
	    BEGIN { printf "const char *const words_list_%s[2048] = {\n", l } \
	    $$1 == "" { next } \
	    $$1 == "0a" { if (!o) bad = 1; printf "\",\n"; o = 0; n++; next } \
	    $$1 == "0d" { bad = 1 } \
	    { if (!o) printf "\t\""; o = 1; printf "\\x%s", $$1 } \
	    END { print "};"; if (bad || o || n != 2048) exit 1 }' \
	  || { echo "data/words/$$l.txt: not 2048 words, one a line" >&2; exit 1; }; \
	done > $@.tmp && mv $@.tmp $@
$(B)/obj/gen/words_data.o: $(WORDS_GEN) $(B)/config.mk
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<
$(LIBINTAKE): $(B)/obj/gen/words_data.o

# Test and benchmark helpers (tests/tools/*.c, bench/*.c): one file each.
$(B)/tools/%: $(B)/obj/tests/tools/%.o $(LIBINTAKE)
	@mkdir -p $(@D)
	$(Q)$(LINK)
$(B)/tools/%: $(B)/obj/bench/%.o $(ALL_LIBS)
	@mkdir -p $(@D)
	$(Q)$(LINK)

test: $(PROGS) $(MO) $(UNITS) $(TOOLS)
	$(Q)bash tests/run.sh $(B)

asan:
	$(Q)$(MAKE) --no-print-directory test SANITIZE=1

bench: deps-bench $(PROGS) $(TOOLS)
	$(Q)bash bench/run.sh $(B)

demo: $(PROGS)
	$(Q)bash contrib/demo.sh $(B)

install: $(PROGS) $(MO) $(B)/web/RELEASE.sha256
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/intake-submit $(B)/intake-officer $(DESTDIR)$(BINDIR)/
	install -m 0755 $(B)/intake-server $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(MANDIR)/ru/man1
	install -m 0644 man/ru/intake-submit.1 $(DESTDIR)$(MANDIR)/ru/man1/
	for l in $(PO_LANGS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 0644 $(B)/locale/$$l/LC_MESSAGES/intake-submit.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/intake/web
	install -m 0644 $(B)/web/RELEASE.sha256 $(DESTDIR)$(PREFIX)/share/intake/web/

clean:
	rm -rf build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
