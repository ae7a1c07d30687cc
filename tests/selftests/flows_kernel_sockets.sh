#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own TCP sockets are taken for storage clients (core/tx.c),
# but not its control socket, which answers for no connection: the resets
# to a closed port (and the ACKs of SYN-RECV and TIME-WAIT).  Were those
# learned, any peer knocking on closed ports would fill the namespace's
# flow table with flows of its choosing (live for a minute, never pushed
# out, so a storage connection opened then might find no room) and, in
# emergency, its frames to them would be taken for critical ones.
# 1. 64 knocks from the peer, each from a port of its own, on a closed
#    port of the tagged host, over IPv6 and IPv4: each refused (reset),
#    none learned.  (IPv6's resets leave with no socket on the skb, so
#    only the IPv4 half could fail; both are checked.)
# 2. In emergency, a knock again from one of those ports, within the
#    minute a learned flow would live, is dropped before any skb as
#    unknown: no reset comes back.
# 3. An application's MPTCP connection, whose subflows are kernel-owned
#    TCP sockets, carries its data and is not learned either.
# 4. nbd over the pair is learned (its socket is SOCK_MEMALLOC): the
#    listing is not blind.
# skbpool-timeout: 180
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/nbd.sh"

SCRATCH=/tmp/skbpool-kernel-sockets-$$
J=$SCRATCH/flows.json
KNOCKS=64
FIRST_PORT=41000
CLOSED_PORT=9
cleanup() {
	nbd_cleanup
	pair_cleanup
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

# knock NS ADDR FIRST N: connect from ports FIRST.. FIRST+N-1 of NS to
# ADDR's closed port, 2 s each; prints how many were refused, how many
# timed out, and how many did anything else.
knock() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" "$CLOSED_PORT" <<-'PY'
		import errno, socket, sys
		addr, first, n, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
		fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
		got = {"refused": 0, "timeout": 0, "other": 0}
		for p in range(first, first + n):
		    s = socket.socket(fam, socket.SOCK_STREAM)
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		    s.bind(("", p))
		    s.settimeout(2)
		    try:
		        s.connect((addr, port))
		        got["other"] += 1
		    except ConnectionRefusedError:
		        got["refused"] += 1
		    except (socket.timeout, TimeoutError):
		        got["timeout"] += 1
		    except OSError:
		        got["other"] += 1
		    s.close()
		print(got["refused"], got["timeout"], got["other"])
	PY
}

# mptcp_send NS_TX NS_RX ADDR PORT: 1 MiB over one MPTCP connection;
# prints the bytes the receiver got and whether the sender's side had
# MPTCP (1) or fell back to plain TCP (0), or "none" when the kernel has
# no MPTCP.
mptcp_send() {
	# without MPTCP the receiver fails at once too, and says so here
	ip netns exec "$2" python3 - "$3" "$4" >"$SCRATCH/mptcp.rx" 2>"$SCRATCH/mptcp.err" <<-'PY' &
		import socket, sys
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind((sys.argv[1], int(sys.argv[2])))
		s.listen(1)
		s.settimeout(30)
		c, _ = s.accept()
		c.settimeout(30)
		n = 0
		while True:
		    b = c.recv(65536)
		    if not b:
		        break
		    n += len(b)
		print(n)
	PY
	local rx=$!
	ip netns exec "$1" python3 - "$3" "$4" <<-'PY'
		import socket, sys, time
		# the receiver may still be starting (python under KASAN is
		# slow): a fresh socket per attempt, 10 s in all
		for attempt in range(20):
		    try:
		        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
		    except OSError:
		        print("none")
		        sys.exit(0)
		    s.settimeout(30)
		    try:
		        s.connect((sys.argv[1], int(sys.argv[2])))
		        break
		    except ConnectionRefusedError:
		        s.close()
		        if attempt == 19:
		            raise
		        time.sleep(0.5)
		s.sendall(b"x" * (1 << 20))
		# struct mptcp_info's first byte is its subflow count: MPTCP_INFO
		# (SOL_MPTCP 284, option 1) fails on a connection that fell back
		try:
		    s.getsockopt(284, 1, 64)
		    print(1)
		except OSError:
		    print(0)
		s.close()
	PY
	wait "$rx"
	cat "$SCRATCH/mptcp.rx"
}

ktap_plan 8
command -v python3 >/dev/null || ktap_skip_all "python3 is needed"
mkdir -p "$SCRATCH"
if ! pair_new k 241 242 192.0.2 2001:db8:6 || ! pair_tag "$k_NSX" "$k_DEVX" on; then
	ktap_fail "a tagged simnic pair"
	ktap_finish
fi

read -r r6 t6 o6 < <(knock "$k_NSY" 2001:db8:6::1 $FIRST_PORT $KNOCKS)
read -r r4 t4 o4 < <(knock "$k_NSY" 192.0.2.1 $FIRST_PORT $KNOCKS)
ktap_info "knocks refused (timed out, other): IPv4 $r4 ($t4, $o4), IPv6 $r6 ($t6, $o6)"
ktap_check "every knock on the closed port refused, IPv4 and IPv6" \
	test "$r4" -eq $KNOCKS -a "$r6" -eq $KNOCKS
ext "$k_NSX" -j flows >"$J"
ktap_info "flows learned: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$J")"
ktap_check "no flow learned from the resets" json_check "$J" "assert d == [], d[:4]"

ip netns exec "$k_NSX" ethtool --set-priv-flags "$k_DEVX" skbpool on skbpool-emergency on
drop0=$(pair_stat "$k_NSX" "$k_DEVX" skbpool_rx_drop_nomatch)
read -r r t o < <(knock "$k_NSY" 192.0.2.1 $FIRST_PORT 1)
drop=$(($(pair_stat "$k_NSX" "$k_DEVX" skbpool_rx_drop_nomatch) - drop0))
ktap_info "in emergency, a knock from port $FIRST_PORT: refused $r, timed out $t, other $o; $drop dropped as unknown"
ktap_check "in emergency, a knock from a port a reset went to times out" test "$t" -eq 1
ktap_check "in emergency, its SYN dropped as unknown" test "$drop" -ge 1
ip netns exec "$k_NSX" ethtool --set-priv-flags "$k_DEVX" skbpool on skbpool-emergency off

mp=$(mptcp_send "$k_NSX" "$k_NSY" 192.0.2.2 5201)
ktap_info "MPTCP, 1 MiB from the tagged side: $(echo $mp)"
if [ "$(echo "$mp" | head -n 1)" = none ]; then
	ktap_skip "an MPTCP connection carries 1 MiB" "this kernel has no MPTCP (CONFIG_MPTCP)"
	ktap_skip "no flow learned from its subflows" "no MPTCP"
else
	ktap_check "an MPTCP connection carries 1 MiB" \
		test "$(echo $mp)" = "1 $((1 << 20))"
	ext "$k_NSX" -j flows >"$J"
	ktap_check "no flow learned from its subflows" json_check "$J" "assert d == [], d[:4]"
fi

if ! command -v nbd-server >/dev/null || ! command -v nbd-client >/dev/null; then
	ktap_skip "nbd over the pair" "nbd-server and nbd-client are needed"
	ktap_skip "its flow, and only it, learned" "no nbd"
	ktap_finish
fi
modprobe -r nbd 2>/dev/null
if nbd_load && nbd_attach "$k_NSY" 192.0.2.2 "$k_NSX" "$SCRATCH" 4M; then
	ktap_pass "nbd over the pair"
	# the kernel's socket sends nothing until the device is used
	dd if="$NBD_DEV" of=/dev/null bs=4k count=4 iflag=direct status=none
	ext "$k_NSX" -j flows >"$J"
	ktap_check "its flow, and only it, learned" json_check "$J" \
		"assert len(d) == 1 and d[0]['rport'] == 10809, d[:4]"
else
	ktap_fail "nbd over the pair"
	ktap_fail "its flow, and only it, learned" "no nbd"
fi
ktap_finish
