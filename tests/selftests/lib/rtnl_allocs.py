# SPDX-License-Identifier: GPL-2.0
"""Which allocations a code path makes with RTNL held, from an ftrace dump.

    rtnl_allocs.py TRACE SPAN:KIND:MIN

TRACE is the text of /sys/kernel/tracing/trace with these events on:
kprobes "lock" and "unlock" on rtnl_lock() and rtnl_unlock(); for each
SPAN a kprobe "SPAN_in" on its function and a kretprobe "SPAN_out"; and
kmem's kmalloc, kmem_cache_alloc and mm_page_alloc.  Per task, every
allocation made between SPAN_in and SPAN_out is one of:

  free       made without RTNL;
  bounded    with RTNL, but it cannot wait long: no direct reclaim
             (atomic, nowait), or __GFP_NORETRY (one reclaim pass) or
             __GFP_RETRY_MAYFAIL (fails after its retries; no OOM kill);
  unbounded  with RTNL and free to stay in the allocator until someone
             else frees memory (GFP_NOIO and GFP_NOFS retry for ever: the
             OOM killer is not called for them; GFP_KERNEL also writes
             back through swap).

An unbounded one is a deadlock on a machine that swaps over the network:
memory comes back only when swap I/O completes, and after the carrier
returns that I/O waits for linkwatch, which waits for RTNL.

Exit 1 when SPAN has an unbounded allocation; or never took RTNL; or
made fewer than MIN allocations of KIND: "any", "rtnl" (with RTNL held)
or "rtnl_page" (pages, with RTNL held).  The last two make sure the
probes saw the allocations that matter, or the verdict proves nothing.
"""
import re
import sys

LINE = re.compile(r'^\s*(.+)-(\d+)\s+\[\d+\]\s+\S+\s+[\d.]+:\s+(\w+):\s*(.*)$')
GFP = re.compile(r'gfp_flags=([\w|]+)')
ALLOCS = ('kmalloc', 'kmem_cache_alloc', 'mm_page_alloc')
# The composite names include __GFP_DIRECT_RECLAIM (GFP_TRANSHUGE_LIGHT,
# GFP_ATOMIC and GFP_NOWAIT do not).
RECLAIMS = {'GFP_KERNEL', 'GFP_KERNEL_ACCOUNT', 'GFP_NOFS', 'GFP_NOIO', 'GFP_USER',
            'GFP_HIGHUSER', 'GFP_HIGHUSER_MOVABLE', 'GFP_TRANSHUGE',
            '__GFP_DIRECT_RECLAIM', '__GFP_RECLAIM'}
GIVES_UP = {'__GFP_NORETRY', '__GFP_RETRY_MAYFAIL'}


def unbounded(gfp):
    flags = set(gfp.split('|'))
    if '__GFP_NOFAIL' in flags:
        return True
    return bool(flags & RECLAIMS) and not flags & GIVES_UP


def main():
    name, kind, least = sys.argv[2].split(':')
    seen = {'any': 0, 'rtnl': 0, 'rtnl_page': 0}
    locks = bounded = 0
    bad = []
    tasks = {}  # pid -> [RTNL depth, spans open]
    for line in open(sys.argv[1], errors='replace'):
        m = LINE.match(line)
        if not m:
            continue
        pid, event, rest = m.group(2), m.group(3), m.group(4)
        task = tasks.setdefault(pid, [0, 0])
        if event == 'lock':
            task[0] += 1
            locks += task[1] > 0
        elif event == 'unlock':
            task[0] = max(task[0] - 1, 0)
        elif event == name + '_in':
            task[1] += 1
        elif event == name + '_out':
            task[1] = max(task[1] - 1, 0)
        elif event in ALLOCS and task[1]:
            seen['any'] += 1
            if not task[0]:
                continue
            seen['rtnl'] += 1
            seen['rtnl_page'] += event == 'mm_page_alloc'
            gfp = GFP.search(rest)
            if gfp and not unbounded(gfp.group(1)):
                bounded += 1
            else:
                bad.append(line.strip())
    print(f"{name}: {seen['any']} allocations, {seen['rtnl']} with RTNL held "
          f"({seen['rtnl_page']} pages): {bounded} bounded, {len(bad)} unbounded; "
          f"RTNL taken {locks} times")
    for line in bad[:5]:
        print(f'  unbounded: {line}')
    if bad:
        return 1
    if not locks or seen[kind] < int(least):
        print(f'FAIL: want RTNL taken and at least {least} allocations of kind {kind}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
