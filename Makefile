# DatingToday server. `make run` and `make test` are all a new user needs (README.md).
#   make            build the worker, the test runner and the tools into build/
#   make deps       install the Debian packages that are missing (as root)
#   make run        the dev stack on 127.0.0.1:8080 under one supervisord, in the foreground
#   make test       the whole suite against its own stack under var/test, on the
#                   AddressSanitizer + UBSan build (ASAN=0: the plain build; T=name: only
#                   the tests whose names contain it); warnings are errors (WERROR= to
#                   relax), and StyleTest checks the formatting (scripts/format.sh fixes it)
#   make faults     the fault tests alone (MariaDB/Redis stopped and frozen, workers killed...)
#   make cluster-test  several hosts in network namespaces (root): a worker host, the
#                   Redis primary and the MySQL replica stopped under load (docs/SCALING.md)
#   make soak       10 minutes of mixed traffic (SOAK_SECONDS) on the plain build, checked
#                   for 5xx, lost messages, memory and fd growth
#   make asan       the AddressSanitizer + UndefinedBehaviorSanitizer build (build/asan/)
#   make migrate    apply new sql/ migrations to the running dev stack
#   make status     the dev stack's processes (supervisorctl status) and /api/health
#   make docs       the docs page's renderer from npm into build/docs/ (run and test do it)
#   make postman    docs/datingtoday.postman_collection.json from docs/openapi.yaml
#   make bench      the benchmark (bench/run.sh): ceilings and routes, bench/results/latest.md
#   make fuzz       libFuzzer on the parsers, FUZZ_SECONDS (60) each, seeds in tests/fuzz/
#   make deb        build/deb/datingtoday_<version>_<arch>.deb (debian/), checked by lintian
#   make install    the package's files into DESTDIR (default /: see docs/operations.md)
#   make clean      remove build/ (var/ keeps the dev data; remove it by hand)

ifeq ($(ASAN),1)
BUILD := build/asan
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT := -O1
else
BUILD := build
SANITIZE :=
OPT := -O2
endif

PKGS := libmariadb hiredis jsoncpp openssl fcgi
CXX ?= g++
WERROR ?= -Werror
# EXTRA_CXXFLAGS and EXTRA_LDFLAGS are a packager's (debian/rules passes dpkg-buildflags').
CXXFLAGS := -std=c++17 $(OPT) -g -Wall -Wextra $(WERROR) -I. $(SANITIZE) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CXXFLAGS)
CURL_LDLIBS := $(shell pkg-config --libs libcurl 2>/dev/null)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcgicc -lphonenumber -lpthread $(CURL_LDLIBS)
TEST_LDLIBS := $(LDLIBS) $(shell pkg-config --libs cppunit 2>/dev/null)

# lib/ in layers, each a static archive; an archive may use only those linked after it
# (handlers -> outbound -> domain -> store -> core), so a call against the direction fails
# the link (docs/design-notes.md, "Layers").
LAYERS := handlers outbound domain store core
layer_srcs = $(if $(filter handlers,$(1)),$(wildcard handlers/*.cpp),$(wildcard lib/$(1)/*.cpp))
LIB_SRCS := $(foreach l,$(LAYERS),$(call layer_srcs,$(l)))
LIB_OBJS := $(LIB_SRCS:%.cpp=$(BUILD)/%.o)
LIB_ARCHIVES := $(foreach l,$(LAYERS),$(BUILD)/libdt_$(l).a)
TEST_SRCS := $(wildcard tests/*.cpp tests/unit/*.cpp tests/http/*.cpp tests/cluster/*.cpp) tests/fuzz/targets.cpp
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/%.o)
WORKER := $(BUILD)/datingtoday
TESTS := $(BUILD)/dt_tests
TOOLS := $(BUILD)/dtadmin $(BUILD)/dtcurl $(BUILD)/fakegate
BENCH_TOOLS := $(BUILD)/bench/dtbench $(BUILD)/bench/ceiling $(BUILD)/bench/evbench

.PHONY: all deps run test faults soak asan migrate status docs postman cluster-test bench fuzz \
        install deb deb-file clean
# A link or compile cut short leaves no half-written target that looks up to date.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
.SECONDARY:  # keep intermediate objects (bench and fuzz binaries link them)

all: $(WORKER) $(TESTS) $(TOOLS)

# Quiet by default; `make V=1` shows the commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

define layer_archive
$(BUILD)/libdt_$(1).a: $$(patsubst %.cpp,$(BUILD)/%.o,$$(call layer_srcs,$(1)))
	@echo "  AR  $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_archive,$(l))))

$(WORKER): $(BUILD)/tools/datingtoday.o $(LIB_ARCHIVES)
	@echo "  LD  $@"
	$(Q)$(CXX) $(CXXFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fakegate: $(BUILD)/tools/fakegate.o $(BUILD)/tools/fake_sms.o $(BUILD)/tools/fake_fcm.o $(LIB_ARCHIVES)
	@echo "  LD  $@"
	$(Q)$(CXX) $(CXXFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/dtadmin: $(BUILD)/tools/dtadmin.o $(LIB_ARCHIVES)
	@echo "  LD  $@"
	$(Q)$(CXX) $(CXXFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/dtcurl: $(BUILD)/tools/dtcurl.o $(LIB_ARCHIVES)
	@echo "  LD  $@"
	$(Q)$(CXX) $(CXXFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB_ARCHIVES)
	@echo "  LD  $@"
	$(Q)$(CXX) $(CXXFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(TESTS): $(TEST_OBJS) $(LIB_ARCHIVES)
	@echo "  LD  $@"
	$(Q)$(CXX) $(CXXFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(TEST_LDLIBS)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	@echo "  CXX $<"
	$(Q)$(CXX) $(CXXFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/tools/datingtoday.d $(BUILD)/tools/dtadmin.d \
         $(BUILD)/tools/dtcurl.d $(BUILD)/tools/fakegate.d $(BUILD)/tools/fake_sms.d $(BUILD)/tools/fake_fcm.d $(BUILD)/bench/dtbench.d $(BUILD)/bench/evbench.d \
         $(BUILD)/bench/ceiling.d

deps:
	@scripts/deps.sh

# The builds run in a sub-make so that pkg-config sees what deps.sh just installed. run
# and test ask only for what they use (wrk and clang are for bench and fuzz).
run:
	@scripts/deps.sh base
	@$(MAKE) --no-print-directory -j2 all docs
	@scripts/stack.sh run

# The suite runs on the sanitizer build unless ASAN=0 is given: CI (which runs make test)
# then proves the code ASan- and UBSan-clean too.
TEST_ASAN := $(if $(ASAN),$(ASAN),1)
TEST_BUILD := $(if $(filter 1,$(TEST_ASAN)),build/asan,build)

# The package is built (plain, as it ships) when the run includes PackageHttpTest.
TEST_DEB := $(if $(T),$(findstring $(T),PackageHttpTest::testInstallsRunsAndPurgesInAThrowawayRoot),all)
test:
	@scripts/deps.sh base deb
	@$(MAKE) --no-print-directory -j2 all docs $(NEWMAN) ASAN=$(TEST_ASAN)
	$(if $(TEST_DEB),@$(MAKE) --no-print-directory deb-file)
	@WORKER=$(TEST_BUILD)/datingtoday TESTS=$(TEST_BUILD)/dt_tests TEST_FILTER=$(T) DT_TEST_DEB=$(DEB) \
	  scripts/stack.sh test

# The fault tests alone (they also run in make test).
faults:
	@$(MAKE) --no-print-directory test T=FaultHttpTest

# The soak test for SOAK_SECONDS (make test runs it for 20 s), on the plain build so that
# worker memory is a leak signal (AddressSanitizer's quarantine grows RSS by design).
SOAK_SECONDS ?= 600
soak:
	@DT_SOAK_SECONDS=$(SOAK_SECONDS) $(MAKE) --no-print-directory test T=SoakHttpTest ASAN=0

asan:
	@$(MAKE) --no-print-directory ASAN=1 all

# Several hosts in network namespaces (as root): two worker hosts behind nginx, MariaDB
# replication, Redis with Sentinel; one of each stopped under load (scripts/cluster.sh).
cluster-test:
	@scripts/deps.sh base
	@$(MAKE) --no-print-directory -j2 all
	@scripts/cluster.sh run

# The benchmark: its own stack under var/bench, results in bench/results/latest.md.
bench:
	@scripts/deps.sh base bench
	@$(MAKE) --no-print-directory -j2 all $(BENCH_TOOLS)
	@bench/run.sh

migrate:
	@scripts/stack.sh migrate

# The files of a host, where the Debian package puts them (docs/operations.md, "The
# package"): dh_auto_install runs this with DESTDIR=debian/datingtoday. The config is the
# sample, to be filled in; the package's maintainer scripts make the user and give it the config.
DESTDIR ?=
NGINX_SNIPPETS := api.conf fastcgi.conf limits.conf operator.conf events-publisher.conf \
                  events-subscriber.conf mime.types
install: $(WORKER) $(BUILD)/dtadmin $(BUILD)/dtcurl
	install -d $(DESTDIR)/usr/sbin $(DESTDIR)/usr/bin $(DESTDIR)/etc/datingtoday \
	  $(DESTDIR)/etc/supervisor/conf.d $(DESTDIR)/etc/nginx/sites-available \
	  $(DESTDIR)/etc/nginx/datingtoday $(DESTDIR)/usr/share/datingtoday/console \
	  $(DESTDIR)/usr/share/datingtoday/sql $(DESTDIR)/usr/share/datingtoday/scripts \
	  $(DESTDIR)/var/log/datingtoday $(DESTDIR)/var/lib/datingtoday/media
	install -m 0755 $(WORKER) $(BUILD)/dtadmin $(DESTDIR)/usr/sbin/
	install -m 0755 $(BUILD)/dtcurl $(DESTDIR)/usr/bin/
	@# The host's own files (a filled-in config, the site as edited) are never overwritten.
	test -e $(DESTDIR)/etc/datingtoday/datingtoday.ini || \
	  install -m 0600 config/datingtoday.ini.example $(DESTDIR)/etc/datingtoday/datingtoday.ini
	test -e $(DESTDIR)/etc/supervisor/conf.d/datingtoday.conf || \
	  install -m 0644 supervisor/datingtoday.conf $(DESTDIR)/etc/supervisor/conf.d/datingtoday.conf
	test -e $(DESTDIR)/etc/nginx/sites-available/datingtoday || \
	  install -m 0644 nginx/datingtoday.conf $(DESTDIR)/etc/nginx/sites-available/datingtoday
	install -m 0644 $(NGINX_SNIPPETS:%=nginx/%) $(DESTDIR)/etc/nginx/datingtoday/
	install -m 0644 nginx/console/* $(DESTDIR)/usr/share/datingtoday/console/
	install -m 0644 sql/[0-9][0-9][0-9]_*.sql $(DESTDIR)/usr/share/datingtoday/sql/
	install -m 0755 scripts/migrate.sh $(DESTDIR)/usr/share/datingtoday/scripts/
	ln -sf ../share/datingtoday/scripts/migrate.sh $(DESTDIR)/usr/sbin/datingtoday-migrate
	install -m 0644 config/words.txt docs/grafana-dashboard.json $(DESTDIR)/usr/share/datingtoday/

# The Debian package, built by dpkg-buildpackage from a copy of the sources in build/deb/
# and checked by lintian (scripts/deb.sh); make test installs it into a throwaway root
# (PackageHttpTest). Rebuilt when what it holds changes.
DEB_VERSION := $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB := build/deb/datingtoday_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_INPUTS := Makefile scripts/deb.sh scripts/migrate.sh $(LIB_SRCS) \
  $(wildcard lib/*/*.h handlers/*.h tools/*.cpp tools/*.h debian/* debian/source/* debian/man/* sql/*.sql \
  nginx/*.conf nginx/mime.types nginx/console/*) supervisor/datingtoday.conf \
  config/datingtoday.ini.example config/words.txt docs/grafana-dashboard.json
deb:
	@scripts/deps.sh base deb
	@$(MAKE) --no-print-directory deb-file
deb-file: $(DEB)
$(DEB): $(DEB_INPUTS)
	@scripts/deb.sh

status:
	@scripts/stack.sh status

# The docs page (http://127.0.0.1:8080/docs/ of make run) renders docs/openapi.yaml with
# Swagger UI, installed from the npm registry at the version docs/site/package-lock.json pins.
DOCS_RENDERER := build/docs/.installed
docs: $(DOCS_RENDERER)
$(DOCS_RENDERER): docs/site/package.json docs/site/package-lock.json
	@scripts/npm.sh docs

# Newman, which runs the Postman collection in make test (PostmanTest), from the npm
# registry at the version tests/newman/package-lock.json pins.
NEWMAN := build/newman/.installed
$(NEWMAN): tests/newman/package.json tests/newman/package-lock.json
	@scripts/npm.sh newman

# The Postman collection is generated from the spec and committed (PostmanTest checks it
# is current).
postman:
	@scripts/postman.py

# Fuzzing with libFuzzer (clang): each target for FUZZ_SECONDS from its committed seeds;
# the working corpus and any crash go to var/fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := params sign config media alipay wechat appstore
FUZZ_FLAGS := -std=c++17 -O1 -g -I. -fsanitize=fuzzer-no-link,address,undefined \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_SRCS := $(LIB_SRCS) tests/fuzz/targets.cpp
FUZZ_OBJS := $(FUZZ_SRCS:%.cpp=build/fuzz/%.o)

build/fuzz/%.o: %.cpp
	@mkdir -p $(dir $@)
	@echo "  CXX $< (fuzz)"
	$(Q)clang++ $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_main.cpp $(FUZZ_OBJS)
	@echo "  LD  $@"
	$(Q)clang++ $(FUZZ_FLAGS) -fsanitize=fuzzer -DDT_FUZZ_TARGET=Fuzz$(shell echo $* | sed 's/^./\U&/') \
	  -o $@ $^ $(LDLIBS)

-include $(FUZZ_OBJS:.o=.d)

fuzz:
	@scripts/deps.sh base fuzz
	@$(MAKE) --no-print-directory -j2 $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf build
