#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the kernel's drivers/net selftests run by kernel_drivers_net.sh.

kdn.py DIR reads DIR/CONFIG/*.out (each ends with "rc N"), prints the
table of test cases by device and one KTAP result per case a device must
pass:

  e1000sp, e1000sp-tagged  every case that passes on the in-tree e1000
                           (hw/ethtool.sh's on e1000sp-tagged only, see
                           COVERED_ELSEWHERE);
  simnic, simnic-tagged    every case that passes on netdevsim or on the
                           e1000, unless NOT_FOR_SIMNIC says why not.

A reference that ran nothing is a failure too: an empty comparison
proves nothing.  A reference the kernel lacks (DIR/CONFIG.absent says
why: Debian builds no netdevsim) is a skip, and the others judge alone.  Each failure prints the test's own diagnostics.
"""

import os
import re
import sys

CONFIGS = ["netdevsim", "e1000", "e1000sp", "e1000sp-tagged", "simnic", "simnic-tagged"]
JUDGED = {
    "e1000sp": ["e1000"],
    "e1000sp-tagged": ["e1000"],
    "simnic": ["netdevsim", "e1000"],
    "simnic-tagged": ["netdevsim", "e1000"],
}
# Cases that pass on a reference but do not apply to simnic, by prefix.
NOT_FOR_SIMNIC = {
    "ethtool.sh: ": "simnic has no PHY (like veth and netdevsim): no link modes to force or advertise",
    "stats.check_fec": "simnic has no PHY, so no forward error correction to count",
    "stats.check_pause": "a software wire has no flow control: simnic sends and counts no pause frames",
}
# Cases a configuration does not run because another one covers them.
COVERED_ELSEWHERE = {
    ("e1000sp", "ethtool.sh: "): "link settings are the PHY's, which the tag does not touch: "
                                 "hw/ethtool.sh runs on e1000sp-tagged",
}
# drivers/net tests of 6.12 not run here, and why.
NOT_RUN = {
    "netcons_basic.sh": "6.12's version creates its own netdevsim pair and takes no NETIF",
    "hw/devlink_port_split.py": "needs devlink ports that can split; none of these NICs has them",
    "hw/ethtool_extended_state.sh": "needs a port with no cable (NETIF_NO_CABLE)",
    "hw/ethtool_mm.sh": "MAC merge (802.3br): no emulated NIC has it",
    "hw/hw_stats_l3.sh, hw_stats_l3_gre.sh": "L3 offload statistics of switch ASICs",
    "hw/pp_alloc_fail.py": "page_pool fault injection: e1000sp's page_pool mode (rx_page_pool=1) "
                           "reports no per-queue stats (rx-alloc-fail), which the test needs first",
    "hw/rss_ctx.py": "RSS contexts: the 82540EM has one queue, simnic no RSS indirection",
}

KTAP = re.compile(r"^(not ok|ok) \d+ (\S+)(?: # (SKIP|XFAIL)\b ?(.*))?")
FWD = re.compile(r"^TEST: (.*?)\s+\[\s*(OK|FAIL|SKIP|XFAIL)\s*\]")
# (output file, case) -> the lines the test printed about the case
DIAG = {}


def parse(path):
    """Cases of one test's output: {name: (verdict, note)}."""
    name = os.path.basename(path)[:-4].replace("hw_", "hw/", 1)
    cases, rc, tail, diag = {}, None, [], []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            tail.append(line)
            m = KTAP.match(line)
            if m:
                verdict = "pass" if m.group(1) == "ok" else "fail"
                if m.group(3):
                    verdict = m.group(3).lower()
                cases[m.group(2)] = (verdict, m.group(4) or "")
                DIAG[(path, m.group(2))] = diag
                diag = []
                continue
            m = FWD.match(line)
            if m:
                v = {"OK": "pass", "FAIL": "fail", "SKIP": "skip", "XFAIL": "xfail"}[m.group(2)]
                cases["ethtool.sh: " + m.group(1)] = (v, "")
                DIAG[(path, "ethtool.sh: " + m.group(1))] = diag
                diag = []
                continue
            # ksft prints a case's diagnostics before its result line;
            # forwarding/lib.sh prints its own after the TEST line.
            if line.startswith("\t") and cases:
                key = (path, "ethtool.sh: " + list(cases)[-1].split(": ", 1)[-1])
                DIAG.setdefault(key, []).append(line.strip())
                continue
            if line.startswith("#") and not line.startswith("# Totals"):
                diag.append(line)
            if line.startswith("rc "):
                rc = int(line[3:])
    if not cases:
        # Nothing ran: the whole file is one case, judged by its exit code.
        verdict = {0: "pass", 4: "skip"}.get(rc, "fail")
        note = next((t for t in reversed(tail) if t and not t.startswith("rc ")), "")
        cases[name] = (verdict, note[:100])
    return cases


def load(top, config):
    """Cases of one configuration's directory, and where each came from."""
    cases, origin = {}, {}
    d = os.path.join(top, config)
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            found = parse(os.path.join(d, f))
            cases.update(found)
            origin.update({n: os.path.join(d, f) for n in found})
    return cases, origin


def diagnostics(origin, name, limit=12):
    """The test's own words about a case, its last few lines."""
    lines = DIAG.get((origin.get(name), name), [])
    return [ln if len(ln) < 400 else ln[:150] + " ... " + ln[-250:] for ln in lines[-limit:]]


def main():
    top = sys.argv[1]
    results, origins = {}, {}
    for config in CONFIGS:
        results[config], origins[config] = load(top, config)
    setup_errors = {c: open(os.path.join(top, c + ".setup")).read().strip()
                    for c in CONFIGS if os.path.exists(os.path.join(top, c + ".setup"))}

    names = sorted({n for c in results.values() for n in c})
    width = max([len(n) for n in names] + [20])
    short = {"pass": "pass", "fail": "FAIL", "skip": "skip", "xfail": "xfail"}
    print("# %-*s %s" % (width, "test case", " ".join("%-14s" % c for c in CONFIGS)))
    for n in names:
        row = [short[results[c][n][0]] if n in results[c] else "-" for c in CONFIGS]
        print("# %-*s %s" % (width, n, " ".join("%-14s" % v for v in row)))
    for t, why in NOT_RUN.items():
        print("# not run: %s: %s" % (t, why))

    absent = {c: open(os.path.join(top, c + ".absent")).read().strip()
              for c in CONFIGS if os.path.exists(os.path.join(top, c + ".absent"))}

    checks = []
    for config, refs in JUDGED.items():
        for ref in [r for r in refs if r in absent]:
            checks.append(("reference %s passed cases for %s" % (ref, config), "skip",
                           absent[ref], ref, None))
        refs = [r for r in refs if r not in absent]
        for ref in refs:
            ok = [n for n, (v, _) in results[ref].items() if v == "pass"]
            checks.append(("reference %s passed cases for %s" % (ref, config),
                           "fail" if not ok else "pass", "%d cases" % len(ok), ref, None))
        for n in names:
            passed_on = [r for r in refs if results[r].get(n, ("-",))[0] == "pass"]
            if not passed_on:
                continue
            label = "%s: %s (passes on %s)" % (config, n, ", ".join(passed_on))
            why = [w for p, w in NOT_FOR_SIMNIC.items() if n.startswith(p)]
            if config.startswith("simnic") and why:
                checks.append((label, "skip", why[0], config, n))
                continue
            covered = [w for (c, p), w in COVERED_ELSEWHERE.items()
                       if c == config and n.startswith(p)]
            if covered and n not in results[config]:
                checks.append((label, "skip", covered[0], config, n))
                continue
            v, note = results[config].get(n, ("fail", "not run"))
            if n not in results[config]:
                # The whole file failed before its cases: say how.
                stem = n.split(":")[0].split(".")[0]
                whole = [(f, r) for f, r in results[config].items()
                         if os.path.basename(f).split(".")[0] == stem]
                if whole:
                    note = "%s: %s, %s" % (whole[0][0], whole[0][1][0], whole[0][1][1])
            if config in setup_errors:
                v, note = "fail", setup_errors[config]
            checks.append((label, "pass" if v == "pass" else "fail",
                           note if v != "pass" else "", config, n))

    print("KTAP version 1")
    print("1..%d" % len(checks))
    failed = 0
    for i, (label, v, note, config, n) in enumerate(checks, 1):
        if v == "pass":
            print("ok %d %s" % (i, label))
        elif v == "skip":
            print("ok %d %s # SKIP %s" % (i, label, note))
        else:
            failed += 1
            for line in diagnostics(origins.get(config, {}), n):
                print("# | %s" % line.lstrip("# "))
            print("not ok %d %s%s" % (i, label, " # " + note if note else ""))
    print("# totals: pass:%d fail:%d" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
