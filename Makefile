# SPDX-License-Identifier: GPL-2.0
#
# skbpool: the commands a developer types.  Kbuild (read by the kernel's
# build system) lists what gets built; this file drives it.
#
#   make              build every module against the cached test kernel
#   make check        everything CI runs: lint, then all tests in one guest
#   make demo         boot a guest and show skbpool at work
#   make fuzz         the classifier under libFuzzer for FUZZ_SECONDS
#   make fuzz-all     every fuzz target, FUZZ_SECONDS each
#   make bench-field  swap over NBD and NFS between two guests (hours at the defaults)
#   make deb          Debian packages skbpool-dkms and ethtool-ext in build/deb/
#   make help         the rest

FLAVOUR ?= base
T ?=
CMD ?=
FUZZ_SECONDS ?= 60
SOAK_MINUTES ?= 30
# Emulated 82540EM NICs joined back to back (tests/qemu/vm.sh); make check
# boots with two so the e1000sp tests always run.
E1000_NICS ?=
export FLAVOUR E1000_NICS

KERNEL_SH := tests/qemu/kernel.sh
VM_SH := tests/qemu/vm.sh
# KDIR: any prepared kernel tree; by default the cached test kernel, built on
# first use.  Evaluated by the shell in each recipe so that a cold build
# prints its progress.
KDIR_SH = kdir='$(KDIR)'; [ -n "$$kdir" ] || kdir=$$($(KERNEL_SH) $(FLAVOUR)) || exit 1

VERSION := $(shell cat VERSION)

.PHONY: all modules tools deps kernel check check-host check-debug check-kcsan lint fuzz fuzz-all demo vm-run \
	vm-shell bench-micro bench-simnic bench-e1000 bench-iotlb bench-flood bench-field check-field \
	soak install-dkms deb build-distro check-distro clean help

all: modules tools

deps:
	@tests/qemu/deps.sh

kernel: deps
	@$(KERNEL_SH) $(FLAVOUR)

# Modules built for another kernel (the other flavour) are cleaned first:
# out-of-tree objects live next to their sources.
modules: deps
	@$(KDIR_SH); mkdir -p build; \
	if [ "$$(cat build/.kdir 2>/dev/null)" != "$$kdir" ]; then \
		$(MAKE) -s -C "$$kdir" M=$(CURDIR) clean; echo "$$kdir" >build/.kdir; \
	fi; \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules

# ethtool-ext, built for the host; the guest runs this very binary.
tools: deps
	@$(MAKE) --no-print-directory -C tools/ethtool-ext

lint: modules tools
	@$(KDIR_SH); tests/lint.sh "$$kdir"

# Host-side tests: ethtool-ext's unit tests and the netlink spec check.
check-host: tools
	@$(KDIR_SH); tests/host.sh "$$kdir"

# The fuzzers run on the host, before the guest, as the tests
# "classify_fuzz" and "args_fuzz" (so T selects them like any other): the
# classifier for at least a minute, ethtool-ext's parser for 20 s; a
# finding fails check.
check: modules tools lint check-host
	@if [ -z '$(T)' ] || echo classify_fuzz | grep -qE -- '$(T)'; then \
		s='$(FUZZ_SECONDS)'; [ "$$s" -ge 60 ] 2>/dev/null || s=60; \
		FUZZ_SECONDS=$$s tests/fuzz/run.sh classify; \
	fi
	@if [ -z '$(T)' ] || echo args_fuzz | grep -qE -- '$(T)'; then \
		FUZZ_SECONDS=20 tests/fuzz/run.sh args; \
	fi
	@E1000_NICS=$${E1000_NICS:-2} $(VM_SH) check '$(T)'
	@if [ -z '$(T)' ] || echo field_swap_nbd_tagged | grep -qE -- '$(T)'; then \
		$(MAKE) --no-print-directory check-field; \
	fi

# The field experiment's short form, two guests (tests/field/field.sh):
# one swap-nbd run on the tagged client at 2 x RAM under the flood.
check-field: modules tools
	@echo "# field: swap over NBD between two guests, tagged client, 2 x RAM, flood"
	@tests/field/field.sh check

check-debug:
	@$(MAKE) --no-print-directory FLAVOUR=debug check

# Optional, not in CI: the suite on a KCSAN kernel (KASAN excludes it);
# fails on a data race reported in our modules (tests/qemu/kcsan-report.py).
check-kcsan:
	@$(MAKE) --no-print-directory FLAVOUR=kcsan check

demo: modules tools
	@tests/demo-run.sh

vm-run: modules
	@$(VM_SH) run '$(CMD)'

vm-shell: modules
	@$(VM_SH) shell

bench-micro: modules
	@tests/bench/micro.sh

bench-e1000: modules tools
	@tests/bench/e1000.sh

bench-iotlb: modules tools
	@tests/bench/iotlb.sh

bench-flood: modules tools
	@tests/bench/flood.sh

fuzz: deps
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' tests/fuzz/run.sh classify

fuzz-all: deps
	@for t in classify args; do FUZZ_SECONDS='$(FUZZ_SECONDS)' tests/fuzz/run.sh $$t || exit 1; done

bench-simnic: modules
	@tests/bench/simnic.sh

# SOAK_MINUTES (default 30) of churn under traffic, checked every minute:
# tests/soak/guest.sh.  FLAVOUR=debug for the debug kernel.
soak: modules tools
	@SOAK_MINUTES='$(SOAK_MINUTES)' tests/soak/soak.sh

# FIELD_ROUNDS, FIELD_CONFIGS, FIELD_WORKLOADS and the rest: see
# tests/field/field.sh.
bench-field: modules tools
	@tests/field/field.sh bench

# The modules against Debian 12's stock 6.1 and 6.12 headers, W=1, a
# warning fails (tests/distro/build.sh); not part of make check, which
# builds against the test kernel only.
build-distro:
	@tests/distro/build.sh

# The packages installed through dpkg and DKMS on Debian 12's own 6.1 and
# 6.12 kernels, each booted in the guest to run the suite
# (tests/distro/check.sh); T selects tests as for make check.  Not part of
# make check: a whole run takes 41 to 44 minutes.
check-distro: deb
	@tests/distro/check.sh '$(T)'

# The DKMS source tree, /usr/src/skbpool-VERSION under DESTDIR: what
# dkms.conf builds (the modules' sources, no tests), and dkms.conf.
DKMS_SRC = $(DESTDIR)/usr/src/skbpool-$(VERSION)
install-dkms:
	rm -rf '$(DKMS_SRC)'
	mkdir -p '$(DKMS_SRC)'
	find Kbuild VERSION dkms.conf core drivers include -type f \
		\( -name '*.[ch]' ! -name '*.mod.c' -o -name Kbuild -o -name VERSION -o -name dkms.conf \) \
		-exec cp --parents -t '$(DKMS_SRC)' {} +

# skbpool-dkms and ethtool-ext, built by dpkg-buildpackage from a clean copy
# of the tree (what git tracks or would add, uncommitted changes included),
# then checked by lintian (debian/*.lintian-overrides say what is let pass).
DEB_DIR := build/deb
deb:
	@tests/qemu/deps.sh deb
	@c=$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf); \
	d=$$(dpkg-parsechangelog -S Version | sed 's/-[^-]*$$//'); \
	if [ "$$c" != '$(VERSION)' ] || [ "$$d" != '$(VERSION)' ]; then \
		echo "make deb: VERSION $(VERSION), dkms.conf $$c, debian/changelog $$d: they must agree" >&2; \
		exit 1; \
	fi
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src/skbpool-$(VERSION)
	@# A file deleted but not yet committed is named by git, and left out.
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_DIR)/src/skbpool-$(VERSION)
	cd $(DEB_DIR)/src/skbpool-$(VERSION) && dpkg-buildpackage -us -uc -b
	mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/
	rm -rf $(DEB_DIR)/src
	lintian --fail-on error,warning $(DEB_DIR)/*.deb
	@ls -l $(DEB_DIR)/*.deb

clean:
	@if [ -f build/.kdir ]; then $(MAKE) -s -C "$$(cat build/.kdir)" M=$(CURDIR) clean; fi
	@$(MAKE) -s -C tools/ethtool-ext clean
	rm -rf build

help:
	@echo "make             build the modules (skbpool, simnic, e1000sp) against the cached test kernel, and ethtool-ext"
	@echo "make tools       build tools/ethtool-ext only (make -C tools/ethtool-ext install PREFIX=...)"
	@echo "make check-host  the host-side tests: ethtool-ext unit tests, netlink spec vs uapi vs kernel"
	@echo "make check       lint, host-side tests, then every KUnit suite and selftest in one guest boot (T=<regex> for a subset)"
	@echo "make check-debug the same on the debug kernel (KASAN, lockdep, kmemleak)"
	@echo "make check-kcsan the same on a KCSAN kernel, optional: fails on a data race in our modules"
	@echo "make lint        W=1, sparse, checkpatch --strict, kernel-doc, shellcheck, ethtool-ext with -Werror"
	@echo "make demo        boot a guest and show skbpool at work"
	@echo "make fuzz        the classifier under libFuzzer, ASan, UBSan for FUZZ_SECONDS (default 60)"
	@echo "make fuzz-all    every fuzz target (classifier, ethtool-ext's parser), FUZZ_SECONDS each"
	@echo "make vm-run CMD='...'   run a command in a fresh guest with the modules loadable"
	@echo "                 (E1000_NICS=N: N emulated 82540EM NICs, each pair on a QEMU hub; VM_IOMMU=1: q35 with intel-iommu, strict)"
	@echo "make vm-shell    an interactive guest shell"
	@echo "make bench-micro skbpool vs page_pool, the page allocator and the slab (build/bench/micro.json)"
	@echo "make bench-simnic simnic pair untagged vs tagged vs netdevsim: pps, TCP (build/bench/simnic.json)"
	@echo "make bench-e1000 e1000sp tagged/untagged/page_pool vs the in-tree e1000: datagrams and TCP the"
	@echo "                 application got, pps, survival (build/bench/e1000.json, .png; VM_IOMMU=1: behind"
	@echo "                 a strict IOMMU, build/bench/e1000-iommu.*; ALONE=1: the two configurations"
	@echo "                 of a window one after the other, not at once, NAME-alone.*)"
	@echo "make bench-iotlb behind QEMU's intel-iommu: IOTLB lookups, misses and resets per frame for"
	@echo "                 each e1000 configuration (build/bench/iotlb.json)"
	@echo "make bench-flood the flood a NIC takes before a critical flow beside it loses a datagram:"
	@echo "                 e1000sp tagged in emergency vs the in-tree e1000 (build/bench/flood.json, .png)"
	@echo "make bench-field swap over NBD and NFS in a memory-starved guest, flooded, wire pulled; e1000sp vs in-tree e1000"
	@echo "                 (build/bench/field.json and charts; FIELD_ROUNDS, FIELD_CONFIGS, FIELD_WORKLOADS)"
	@echo "make check-field the short form make check runs: one swap-nbd run, tagged client, 2 x RAM"
	@echo "make soak        SOAK_MINUTES (default 30) of traffic and config churn, checked every minute;"
	@echo "                 FLAVOUR=debug on the debug kernel (build/soak/FLAVOUR.log, .txt)"
	@echo "make kernel      build (or find) the cached test kernel; FLAVOUR=debug for the debug one"
	@echo "make build-distro the modules against Debian 12's stock 6.1 and 6.12 headers, W=1, warnings fail"
	@echo "make check-distro the packages through dpkg and DKMS on Debian 12's own 6.1 and 6.12 kernels,"
	@echo "                 each booted in the guest to run the suite (build/distro-run/summary.txt)"
	@echo "make deb         Debian packages skbpool-dkms (the modules through DKMS) and ethtool-ext in build/deb/"
	@echo "make install-dkms DESTDIR=...  the DKMS source tree, DESTDIR/usr/src/skbpool-VERSION"
