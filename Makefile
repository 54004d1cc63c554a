# Builds and installs the C library: libgovreport (shared and static), its headers and its
# pkg-config modules, the way C libraries are installed (GNU conventions).
#
#   make install PREFIX=$HOME/.local      # the prefix is the only argument you must give
#   make uninstall PREFIX=$HOME/.local    # removes exactly what install wrote
#
# Overridable: PREFIX (/usr/local), LIBDIR ($(PREFIX)/lib), INCLUDEDIR ($(PREFIX)/include),
# PKGCONFIGDIR ($(LIBDIR)/pkgconfig), DESTDIR (staged installs, as distributions package),
# CARGO, STRIP, CARGO_TARGET_DIR (where cargo builds; default target/).
#
# Installed:
#   $(LIBDIR)/libgovreport.so.$(VERSION)   stripped release build, soname libgovreport.so.0
#   $(LIBDIR)/libgovreport.so.0 -> .so.$(VERSION), libgovreport.so -> .so.0
#   $(LIBDIR)/libgovreport.a               (debug info stripped)
#   $(INCLUDEDIR)/govreport.h, govreport.hpp
#   $(PKGCONFIGDIR)/govreport.pc           shared linking (Libs.private for --static users)
#   $(PKGCONFIGDIR)/govreport-static.pc    static linking: Libs names the archive by path,
#                                          because with both files in one directory the linker
#                                          takes the .so for -lgovreport even with --static.
# The system libraries of the archive (Libs.private) are what rustc prints for this build
# (`--print native-static-libs`), recorded at build time in $(BUILD)/native-static-libs.

ROOT          := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PREFIX        ?= /usr/local
LIBDIR        ?= $(PREFIX)/lib
INCLUDEDIR    ?= $(PREFIX)/include
PKGCONFIGDIR  ?= $(LIBDIR)/pkgconfig
DESTDIR       ?=
CARGO         ?= cargo
STRIP         ?= strip
INSTALL       ?= install
TARGET_DIR    := $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR),$(ROOT)/target)
BUILD         := $(TARGET_DIR)/release
VERSION       := $(shell sed -n 's/^version = "\(.*\)"/\1/p' $(ROOT)/capi/Cargo.toml | head -n 1)
ABI           := 0

SONAME        := libgovreport.so.$(ABI)
REALNAME      := libgovreport.so.$(VERSION)
HEADERS       := $(ROOT)/include/govreport.h $(ROOT)/include/govreport.hpp

.PHONY: all build install uninstall clean

all: build

# Cargo decides what is stale, so this always asks it. `cargo rustc` (not `cargo build`) so that
# rustc prints the system libraries the static archive needs; cargo replays that note when
# nothing is rebuilt.
build:
	@mkdir -p $(TARGET_DIR)
	@echo "building the release library (cargo output in $(TARGET_DIR)/native-static-libs.log)"
	cd $(ROOT) && $(CARGO) rustc --release -p govreport-capi --lib -- \
	    --print native-static-libs 2> $(TARGET_DIR)/native-static-libs.log \
	    || { cat $(TARGET_DIR)/native-static-libs.log >&2; exit 1; }
	@sed -n 's/.*native-static-libs: *//p' $(TARGET_DIR)/native-static-libs.log | tail -n 1 \
	    > $(BUILD)/native-static-libs
	@test -s $(BUILD)/native-static-libs \
	    || { cat $(TARGET_DIR)/native-static-libs.log >&2; \
	         echo "error: rustc printed no native-static-libs line" >&2; exit 1; }
	@echo "static archive needs: $$(cat $(BUILD)/native-static-libs)"

# The .pc files: @…@ placeholders in govreport.pc.in and govreport-static.pc.in.
define pc_subst
sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
    -e 's|@VERSION@|$(VERSION)|' -e "s|@LIBS_PRIVATE@|$$(cat $(BUILD)/native-static-libs)|"
endef

install: build
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 755 $(BUILD)/libgovreport.so $(DESTDIR)$(LIBDIR)/$(REALNAME)
	$(STRIP) --strip-unneeded $(DESTDIR)$(LIBDIR)/$(REALNAME)
	ln -sf $(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libgovreport.so
	$(INSTALL) -m 644 $(BUILD)/libgovreport.a $(DESTDIR)$(LIBDIR)/libgovreport.a
	$(STRIP) --strip-debug $(DESTDIR)$(LIBDIR)/libgovreport.a
	$(INSTALL) -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	$(pc_subst) $(ROOT)/govreport.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/govreport.pc
	$(pc_subst) $(ROOT)/govreport-static.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/govreport-static.pc
	@echo "installed into $(DESTDIR)$(PREFIX); link with"
	@echo "  PKG_CONFIG_PATH=$(PKGCONFIGDIR) pkg-config --cflags --libs govreport"

# Removes the files install writes, then the directories it created if they are left empty.
uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libgovreport.so $(DESTDIR)$(LIBDIR)/libgovreport.a \
	    $(DESTDIR)$(INCLUDEDIR)/govreport.h $(DESTDIR)$(INCLUDEDIR)/govreport.hpp \
	    $(DESTDIR)$(PKGCONFIGDIR)/govreport.pc $(DESTDIR)$(PKGCONFIGDIR)/govreport-static.pc
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(INCLUDEDIR) 2>/dev/null

clean:
	cd $(ROOT) && $(CARGO) clean --release -p govreport-capi
