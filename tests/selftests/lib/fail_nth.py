#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the Nth fault-injection point this task passes fail, around one
kernel call, and say whether it was reached (/proc/thread-self/fail-nth).

    fail_nth.py N load MODULE_FILE    finit_module(2) the file
    fail_nth.py N write FILE TEXT     write TEXT to FILE in one write(2)

Prints one line, "OK FIRED ERROR": OK is true when the call succeeded,
FIRED false when the call passed fewer than N points, so no failure
happened; ERROR is the errno's text, or - (read with bash's read).
Which points count is what failslab and fail_page_alloc's filters allow
(set in debugfs by the caller): with require-start/end on the module area
only allocations with module code on the stack count, not this
interpreter's own.
"""
import ctypes
import os
import sys

SYS_FINIT_MODULE = 313  # x86_64
NTH = "/proc/thread-self/fail-nth"


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("load", "write"):
        sys.exit(__doc__)
    n, op = int(sys.argv[1]), sys.argv[2]
    libc = ctypes.CDLL(None, use_errno=True)
    if op == "load":
        fd = os.open(sys.argv[3], os.O_RDONLY)
    else:
        fd = os.open(sys.argv[3], os.O_WRONLY)
        text = sys.argv[4].encode()
    with open(NTH, "w") as f:
        f.write(str(n))
    if op == "load":
        rc = libc.syscall(SYS_FINIT_MODULE, fd, b"", 0)
    else:
        rc = libc.write(fd, text, len(text))
    err = ctypes.get_errno() if rc < 0 else 0
    with open(NTH) as f:
        left = int(f.read())
    with open(NTH, "w") as f:
        f.write("0")
    os.close(fd)
    print(str(rc >= 0).lower(), str(left == 0).lower(), os.strerror(err) if err else "-")


if __name__ == "__main__":
    main()
