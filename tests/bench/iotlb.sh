#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-iotlb: where a strict IOMMU's time goes, counted rather than
# timed.  One guest behind QEMU's intel-iommu (VM_IOMMU=1) with eight
# emulated 82540EM NICs, four pairs, one configuration each (the in-tree
# e1000, e1000sp on page_pool, untagged and tagged), each carrying one TCP
# stream alone (tests/bench/iotlb_guest.sh).  QEMU traces every IOTLB
# lookup of the emulated IOMMU (vtd_iotlb_page_hit, _page_update on a
# miss, _reset when its 1,024 entries are full and it empties them all)
# into a pipe read here, and each lookup is charged to the NIC that made
# it (its PCI requester id), so to a configuration.  Prints, per
# configuration: lookups and misses per frame received, the distinct IOVA
# pages the receiving NIC touched, and the IOTLB resets its misses caused;
# writes build/bench/iotlb.json.  The Mbit/s are of streams run one after
# the other under tracing: shown, not compared.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
out=$repo/build/bench/iotlb
tmp=$(mktemp -d)
counter=
trap '[ -n "$counter" ] && kill "$counter" 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/trace"

# The counter: per requester id, hits, misses, resets it caused (the reset
# is traced inside the update of the miss that overflowed the table) and
# the IOVA pages it touched.
python3 - "$tmp/trace" "$tmp/counts.json" <<'PY' &
import json, sys
hits, miss, resets, pages, inval, dom_sid = {}, {}, {}, {}, {}, {}
last, whole = None, 0
with open(sys.argv[1]) as f:
    for line in f:
        if 'vtd_iotlb_reset' in line:
            if 'exceeds' in line and last is not None:
                resets[last] = resets.get(last, 0) + 1
            continue
        if 'vtd_inv_desc_iotlb_domain' in line or 'vtd_inv_desc_iotlb_global' in line:
            whole = whole + 1
            continue
        if 'vtd_inv_desc_iotlb_pages' in line:
            w = line.split()
            try:
                dom = int(w[w.index('domain') + 1], 16)
            except (ValueError, IndexError):
                continue
            inval[dom] = inval.get(dom, 0) + 1
            continue
        hit = 'vtd_iotlb_page_hit' in line
        if not hit and 'vtd_iotlb_page_update' not in line:
            continue
        w = line.split()
        try:
            sid = int(w[w.index('sid') + 1], 16)
            iova = int(w[w.index('iova') + 1], 16) >> 12
        except (ValueError, IndexError):
            continue
        d = hits if hit else miss
        d[sid] = d.get(sid, 0) + 1
        pages.setdefault(sid, set()).add(iova)
        if not hit:
            last = sid
            try:
                dom_sid[int(w[w.index('domain') + 1], 16)] = sid
            except (ValueError, IndexError):
                pass
# Invalidations name a domain; each NIC has a strict DMA domain of its own.
inv = {}
for dom, n in inval.items():
    if dom in dom_sid:
        inv[dom_sid[dom]] = inv.get(dom_sid[dom], 0) + n
json.dump({'hits': hits, 'miss': miss, 'resets': resets, 'inval': inv, 'whole_inval': whole,
           'pages': {k: len(v) for k, v in pages.items()}}, open(sys.argv[2], 'w'))
PY
counter=$!
# A writer of our own until the guest is done: the counter's open returns
# now, and it sees the end of the pipe only when we say so, whether QEMU
# ever started or not.
exec 3<>"$tmp/trace"

rc=0
VM_IOMMU=1 E1000_NICS=8 VM_TIMEOUT=${VM_TIMEOUT:-1200} \
	VM_TRACE=vtd_iotlb_page_hit,vtd_iotlb_page_update,vtd_iotlb_reset,vtd_inv_desc_iotlb_pages \
	VM_TRACE_LOG="$tmp/trace" \
	"$repo/tests/qemu/vm.sh" run \
	"SECONDS_PER_RUN=${SECONDS_PER_RUN:-8} bash tests/bench/iotlb_guest.sh" >"$out.log" 2>&1 3>&- || rc=$?
exec 3>&-
wait "$counter" || rc=1
counter=
grep -v '^IOTLB_PAIR ' "$out.log" | tail -n 20
if [ "$rc" != 0 ] || ! grep -q '^IOTLB_PAIR tagged ' "$out.log"; then
	echo "bench-iotlb: the guest run failed (status $rc): see build/bench/iotlb.log"
	exit 1
fi

grep '^IOTLB_PAIR ' "$out.log" | python3 -c '
import json, sys
counts = json.load(open(sys.argv[1]))
if not counts["hits"] and not counts["miss"]:
    sys.exit("bench-iotlb: no IOTLB lookup was traced (is QEMU built with the log trace backend?)")
def sid(pci):   # 0000:00:03.0 -> bus << 8 | dev << 3 | fn
    _, bus, devfn = pci.split(":")
    dev, fn = devfn.split(".")
    return str(int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn))
def get(kind, pci):
    return counts[kind].get(sid(pci), 0)
names = {"stock": "in-tree e1000", "page_pool": "e1000sp page_pool",
         "untagged": "e1000sp untagged", "tagged": "e1000sp tagged"}
res = {"runs": []}
print()
print("%-18s %8s %9s %10s %10s %10s %10s %10s %8s" % ("", "Mbit/s", "frames B", "lookups/fr",
      "misses/fr", "A miss/fr", "inval/fr", "B pages", "resets"))
for line in sys.stdin:
    _, mode, a, b, mbps, frames_b, frames_a = line.split()
    rx_b = max(int(frames_b), 1)
    r = {"config": mode, "mbps": float(mbps), "frames_b": int(frames_b), "frames_a": int(frames_a),
         "lookups_b": get("hits", b) + get("miss", b), "misses_b": get("miss", b),
         "misses_a": get("miss", a), "pages_b": get("pages", b), "pages_a": get("pages", a),
         "invalidations": get("inval", a) + get("inval", b),
         "resets": get("resets", a) + get("resets", b)}
    res["runs"].append(r)
    print("%-18s %8.1f %9d %10.2f %10.3f %10.3f %10.3f %10d %8d" % (names[mode], r["mbps"], rx_b,
          r["lookups_b"] / rx_b, r["misses_b"] / rx_b, r["misses_a"] / rx_b,
          r["invalidations"] / rx_b, r["pages_b"], r["resets"]))
res["whole_invalidations"] = counts["whole_inval"]
json.dump(res, open(sys.argv[2], "w"), indent=1)
print("per frame received on B; misses cost QEMU a page-table walk; a reset empties the")
print("whole IOTLB (1,024 entries) for every NIC; inval: page invalidations (unmaps) of both")
print("ends; pages: distinct IOVA pages B touched; counts include each pair set-up (a few")
print("hundred frames beside the stream); domain-wide invalidations in all: %d" %
      counts["whole_inval"])
' "$tmp/counts.json" "$out.json"
echo "== written: build/bench/iotlb.json, build/bench/iotlb.log"
