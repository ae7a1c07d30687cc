#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run 6.12's drivers/net/hw/csum.py with cfg.remote_ifname set.

6.12's csum.py names the remote port as cfg.remote_ifname in every case,
but 6.12's NetDrvEpEnv never sets that attribute (a later kernel does), so
every case dies with AttributeError on any NIC, the in-tree e1000's too.
This sets that one attribute from REMOTE_IFNAME and runs csum.py
unchanged; run it from csum.py's directory.

On a slowed kernel (SKBPOOL_SLOW > 1, the debug flavour) the receiver's
window is stretched too; see RX_WINDOW_S.
"""

import os
import runpy
import sys

# ksft names each case after the script it was started as.
sys.argv[0] = os.path.join(os.getcwd(), "csum.py")
sys.path.insert(0, os.getcwd())
import lib.py as drv_lib  # noqa: E402  (csum.py's own import path)

remote_ifname = os.environ.get("REMOTE_IFNAME")
if not remote_ifname:
    sys.exit("kdn_csum.py: REMOTE_IFNAME is not set")
env_init = drv_lib.NetDrvEpEnv.__init__


def init_with_remote_ifname(self, *args, **kwargs):
    env_init(self, *args, **kwargs)
    self.remote_ifname = remote_ifname


drv_lib.NetDrvEpEnv.__init__ = init_with_remote_ifname

# csum's receiver (-R) counts what arrives within its window (-L, 1 s in
# the transmit cases, 2 s by default in the receive ones), which opens
# when its sockets are bound and never closes early.  Within it csum.py
# polls for the bound port with "ip netns exec ... cat", then starts the
# sender.  On the debug kernel under TCG each "ip netns exec" took
# 1.4-2.2 s and the sender 0.7-1.2 s (a probe on 2026-12-07), and a poll
# that starts before the bind needs a second one: the window closed on
# frames still on their way (82 of 100, and 96 of 100 with 3 s), while
# the same probe with 5 s received every frame on every round.  There
# the window is 8 s; the base kernel keeps csum.py's own.  The receiver
# is waited for that long plus csum.py's 5 s.
SLOW = int(os.environ.get("SKBPOOL_SLOW", "1"))
RX_WINDOW_S = 8 if SLOW > 1 else None
bkg = drv_lib.bkg


class bkg_rx_window(bkg):
    """csum.py's background command, the receiver's window stretched."""

    def __init__(self, comm, *args, **kwargs):
        self.stretched = RX_WINDOW_S is not None and " -R" in comm
        if self.stretched:
            comm += f" -L {RX_WINDOW_S}"  # csum takes the last -L
        super().__init__(comm, *args, **kwargs)

    def __exit__(self, ex_type, ex_value, ex_tb):
        if not self.stretched:
            return super().__exit__(ex_type, ex_value, ex_tb)
        return self.process(terminate=self.terminate, fail=self.check_fail,
                            timeout=RX_WINDOW_S + 5)


drv_lib.bkg = bkg_rx_window
runpy.run_path(os.path.join(os.getcwd(), "csum.py"), run_name="__main__")
