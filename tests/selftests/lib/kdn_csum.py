#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run 6.12's drivers/net/hw/csum.py with cfg.remote_ifname set.

6.12's csum.py names the remote port as cfg.remote_ifname in every case,
but 6.12's NetDrvEpEnv never sets that attribute (a later kernel does), so
every case dies with AttributeError on any NIC, the in-tree e1000's too.
This sets that one attribute from REMOTE_IFNAME and runs csum.py
unchanged; run it from csum.py's directory.
"""

import os
import runpy
import sys

# ksft names each case after the script it was started as.
sys.argv[0] = os.path.join(os.getcwd(), "csum.py")
sys.path.insert(0, os.getcwd())
from lib.py import NetDrvEpEnv  # noqa: E402  (csum.py's own import path)

remote_ifname = os.environ.get("REMOTE_IFNAME")
if not remote_ifname:
    sys.exit("kdn_csum.py: REMOTE_IFNAME is not set")
env_init = NetDrvEpEnv.__init__


def init_with_remote_ifname(self, *args, **kwargs):
    env_init(self, *args, **kwargs)
    self.remote_ifname = remote_ifname


NetDrvEpEnv.__init__ = init_with_remote_ifname
runpy.run_path(os.path.join(os.getcwd(), "csum.py"), run_name="__main__")
