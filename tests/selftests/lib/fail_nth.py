#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the Nth fault-injection point this task passes fail, around one
finit_module(2), and say whether it was reached
(/proc/thread-self/fail-nth).  A shell cannot load a module itself, and
fail-nth is not inherited by a child such as insmod.

    fail_nth.py N MODULE_FILE

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
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(sys.argv[2], os.O_RDONLY)
    with open(NTH, "w") as f:
        f.write(str(n))
    rc = libc.syscall(SYS_FINIT_MODULE, fd, b"", 0)
    err = ctypes.get_errno() if rc < 0 else 0
    with open(NTH) as f:
        left = int(f.read())
    with open(NTH, "w") as f:
        f.write("0")
    os.close(fd)
    print(str(rc >= 0).lower(), str(left == 0).lower(), os.strerror(err) if err else "-")


if __name__ == "__main__":
    main()
