#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive free memory down to a watermark for real, and hold it there.

  hog.py WATERMARK[+PCT] STATUS_FILE
        allocate and touch anonymous memory until free memory in the zones
        the kernel's watermarks cover (the same ones skbpool compares with)
        is at WATERMARK (min, low or high, summed over those zones from
        /proc/zoneinfo), plus PCT percent of the way to the next one up
        (min+50 is half way from min to low); then hold it there, taking
        more as the kernel reclaims page cache; once free memory falls
        below min, it gives back at once what takes it over min again
        (others' needs are met, not refused: the point is pressure, not an
        OOM kill), until SIGTERM.  STATUS_FILE gets one JSON
        line per second: free pages, the target, the watermarks, MiB held,
        and "reached" once the target was met.

No fault injection: the page allocator really has that little left, so
kswapd runs, GFP_ATOMIC callers dig into the reserves below min, and those
that cannot fail.  The hog makes itself the OOM killer's first choice
(oom_score_adj 1000), so a test's own processes are never the victim.
Allocations stop short of the target, never in direct reclaim, and one
chunk is 1 MiB (256 KiB within 4 MiB of the target).
"""
import json
import mmap
import os
import signal
import sys
import time

CHUNK = 1 << 20
FINE = 256 << 10
PAGE = os.sysconf("SC_PAGE_SIZE")


NORMAL = 2  # ZONE_NORMAL's index in a zone's "protection" tuple (x86_64)


def watermarks():
    """Sum min/low/high over the non-movable zones, and the free pages an
    atomic allocation could use there: free, less free CMA pages, less
    what each zone protects from allocations that may use ZONE_NORMAL
    (as skbpool_lowmem_free_pages() counts them)."""
    marks = {"min": 0, "low": 0, "high": 0, "free": 0}
    zones = []
    with open("/proc/zoneinfo") as f:
        for line in f:
            w = line.replace("(", " ").replace(")", " ").replace(",", " ").split()
            if line.startswith("Node"):
                zones.append({"name": w[3], "free": 0, "cma": 0, "prot": 0})
                continue
            if not zones or zones[-1]["name"] in ("Movable", "HighMem"):
                continue
            z = zones[-1]
            if len(w) == 2 and w[0] in ("min", "low", "high"):
                marks[w[0]] += int(w[1])
            elif len(w) == 2 and w[0] == "nr_free_pages":
                z["free"] = int(w[1])
            elif len(w) == 2 and w[0] == "nr_free_cma":
                z["cma"] = int(w[1])
            elif w and w[0] == "protection:" and len(w) > NORMAL + 1:
                z["prot"] = int(w[1 + NORMAL])
    for z in zones:
        if z["name"] not in ("Movable", "HighMem"):
            marks["free"] += max(z["free"] - z["cma"] - z["prot"], 0)
    return marks


def target_pages(spec, marks):
    name, _, pct = spec.partition("+")
    order = ["min", "low", "high"]
    if name not in order:
        sys.exit("hog.py: watermark must be min, low or high: " + spec)
    base = marks[name]
    if pct:
        nxt = marks[order[min(order.index(name) + 1, 2)]]
        base += (nxt - base) * int(pct) // 100
    return base


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    spec, status = sys.argv[1], sys.argv[2]
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    fill = b"\xa5" * CHUNK
    held = []
    reached = False
    last = 0.0
    out = open(status, "w", buffering=1)
    while not stop:
        m = watermarks()
        target = target_pages(spec, m)
        room = (m["free"] - target) * PAGE
        if room >= CHUNK + FINE:
            size = CHUNK if room > 4 * CHUNK else FINE
            buf = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            buf.write(fill[:size])
            held.append(buf)
            continue
        # Below min, others need memory the kernel cannot reclaim (no
        # swap): give back at once what takes free memory over min again,
        # and a chunk more, so they are served and nobody meets the OOM
        # killer.  Between min and the target the hog holds on: what
        # pushes free memory below min (atomic allocations) must be seen.
        short = (m["min"] - m["free"]) * PAGE + CHUNK if m["free"] < m["min"] else 0
        while short > 0 and held:
            short -= len(held[-1])
            held.pop().close()
        reached = True
        now = time.monotonic()
        if now - last >= 1:
            last = now
            out.write(json.dumps({
                "free": m["free"], "target": target, "min": m["min"],
                "low": m["low"], "high": m["high"], "reached": reached,
                "held_mib": sum(len(b) for b in held) >> 20}) + "\n")
        time.sleep(0.02)


if __name__ == "__main__":
    main()
