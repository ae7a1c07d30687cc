#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive free memory down to a watermark for real, and hold it there.

  hog.py TARGET STATUS_FILE [FLOOR]
        allocate and touch anonymous memory until free memory in the zones
        the kernel's watermarks cover (the same ones skbpool compares with)
        is at TARGET, then hold it there, taking more as the kernel
        reclaims page cache; when others' allocations take free memory
        below FLOOR (default: the target), it gives back at once what they
        took below it (their needs are met, not refused: the point is
        pressure, not an OOM kill), until SIGTERM.  STATUS_FILE gets one
        JSON line per second: free pages, the target, the watermarks, MiB
        held, and "reached" once the target was met.

        TARGET and FLOOR: a watermark (min, low or high, summed over those
        zones from /proc/zoneinfo), plus either PCT percent of the way to
        the next one up (min+50 is half way from min to low) or N MiB
        (min+48M).  A FLOOR below the target (min, say) leaves what lies
        between to others: allocations there succeed (kswapd is woken),
        and what drives free memory below min (an atomic flood into a
        socket that never reads) gets it there, not only past the hog's
        loop.

No fault injection: the page allocator really has that little left, so
kswapd runs, GFP_ATOMIC callers dig into the reserves below min, and those
that cannot fail.  The hog makes itself the OOM killer's first choice
(oom_score_adj 1000), so a test's own processes are never the victim,
and locks the pages it runs from (its interpreter, libraries and heap as
they are at start): with no swap those are the only pages reclaim can take
from it, and a hog that must fault its own code back in through 9p, under
the pressure it made, cannot give memory back in time; the OOM killer
then takes it.
Allocations stop short of the target, never in direct reclaim, and one
chunk is 1 MiB (256 KiB within 4 MiB of the target).
"""
import ctypes
import ctypes.util
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


def highatomic():
    """Free pages of each zone's high-order atomic reserve, which the
    allocator keeps from ordinary allocations (/proc/pagetypeinfo: free
    blocks per order of migrate type HighAtomic)."""
    pages = {}
    with open("/proc/pagetypeinfo") as f:
        for line in f:
            w = line.replace(",", " ").split()
            if len(w) > 6 and w[0] == "Node" and w[5] == "HighAtomic":
                counts = [int(c) for c in w[6:]]
                pages[w[3]] = sum(c << o for o, c in enumerate(counts))
    return pages


# /proc/pagetypeinfo walks every free list under the zone lock with
# interrupts off: with a gigabyte free, under emulation, for seconds (a
# soft lockup was seen).  It is read only near the target, where the
# lists are short; further away the reserve (at most 1% of a zone) does
# not change what the hog does.
NEAR = 64 << 20


def watermarks(near=True):
    """Sum min/low/high over the non-movable zones, and the free pages an
    ordinary allocation could use there: free, less free CMA pages, less
    free pages of the high-order atomic reserve, less what each zone
    protects from allocations that may use ZONE_NORMAL (as
    skbpool_lowmem_free_pages() counts them)."""
    marks = {"min": 0, "low": 0, "high": 0, "free": 0}
    zones = []
    reserved = {}
    boost = 0
    with open("/proc/zoneinfo") as f:
        for line in f:
            w = line.replace("(", " ").replace(")", " ").replace(",", " ").split()
            if line.startswith("Node"):
                zones.append({"name": w[3], "free": 0, "cma": 0, "prot": 0, "boost": 0})
                continue
            if not zones or zones[-1]["name"] in ("Movable", "HighMem"):
                continue
            z = zones[-1]
            if len(w) == 2 and w[0] == "boost":
                z["boost"] = int(w[1])
            elif len(w) == 2 and w[0] in ("min", "low", "high"):
                marks[w[0]] += int(w[1])
            elif len(w) == 2 and w[0] == "nr_free_pages":
                z["free"] = int(w[1])
            elif len(w) == 2 and w[0] == "nr_free_cma":
                z["cma"] = int(w[1])
            elif w and w[0] == "protection:" and len(w) > NORMAL + 1:
                z["prot"] = int(w[1 + NORMAL])
    if near:
        reserved = highatomic()
    for z in zones:
        if z["name"] not in ("Movable", "HighMem"):
            usable = z["free"] - z["cma"] - reserved.get(z["name"], 0) - z["prot"]
            # zoneinfo's watermarks include the zone's boost; skbpool keeps
            # them unboosted and takes the boost from free memory instead
            usable -= z["boost"]
            boost += z["boost"]
            marks["free"] += max(usable, 0)
    for name in ("min", "low", "high"):
        marks[name] -= boost
    return marks


def target_pages(spec, marks):
    name, _, extra = spec.partition("+")
    order = ["min", "low", "high"]
    if name not in order or not (extra.rstrip("M").isdigit() or not extra):
        sys.exit("hog.py: a target is min, low or high, then +PCT or +NM: " + spec)
    base = marks[name]
    if extra.endswith("M"):
        base += (int(extra[:-1]) << 20) // PAGE
    elif extra:
        nxt = marks[order[min(order.index(name) + 1, 2)]]
        base += (nxt - base) * int(extra) // 100
    return base


MCL_CURRENT = 1


def lock_self():
    """mlockall(MCL_CURRENT): the pages mapped now stay resident; what the
    hog maps later (its anonymous chunks) is not locked, so it stays what
    the kernel may swap where there is swap."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.mlockall(MCL_CURRENT) != 0:
        sys.exit("hog.py: mlockall: " + os.strerror(ctypes.get_errno()))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    spec, status = sys.argv[1], sys.argv[2]
    floor_spec = sys.argv[3] if len(sys.argv) == 4 else spec
    target_pages(floor_spec, watermarks(near=False))  # a bad one fails here
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")
    lock_self()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    fill = b"\xa5" * CHUNK
    held = []
    reached = False
    last = 0.0
    out = open(status, "w", buffering=1)
    while not stop:
        m = watermarks(near=False)
        target = target_pages(spec, m)
        if (m["free"] - target) * PAGE < NEAR:
            m = watermarks()
            target = target_pages(spec, m)
        room = (m["free"] - target) * PAGE
        if room >= CHUNK + FINE:
            size = CHUNK if room > 4 * CHUNK else FINE
            buf = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            buf.write(fill[:size])
            held.append(buf)
            continue
        # Others need memory the kernel cannot reclaim (no swap): as soon
        # as free memory is below the floor, give back at once what it is
        # short and a chunk more, so they are served and nobody stays in
        # direct reclaim until the OOM killer runs.  Below the floor for
        # the time this loop takes to turn is what the kernel (and
        # skbpool) see of the pressure.
        below = (m["free"] - target_pages(floor_spec, m)) * PAGE
        short = -below + CHUNK if below < 0 else 0
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
        time.sleep(0.01)


if __name__ == "__main__":
    main()
