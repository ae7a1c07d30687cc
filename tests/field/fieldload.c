// SPDX-License-Identifier: GPL-2.0
/*
 * fieldload: the userspace half of make bench-field (tests/field/), one
 * static binary built on the host and run in both guests.  Small and
 * mlock()ed where it must keep running in a memory-starved client.
 *
 *   fieldload worker NPROC TOTAL_MIB PASSES
 *	NPROC processes (forked) map TOTAL_MIB of anonymous memory between
 *	them; each writes a pattern into every page, then reads its mapping
 *	linearly PASSES times checking every word.  Prints one summary line:
 *	"FIELD_WORKERS ok N pattern_errors E killed K failed F seconds S".
 *	A mismatch is data loss: the first ones are printed, the process
 *	exits 3.
 *   fieldload sample IFNAME FILE
 *	Once a second, one line to FILE (opened for append; a virtio-serial
 *	port): seconds, MemFree, MemAvailable, SwapFree (KiB), pswpin,
 *	pswpout, oom_kill, then the skbpool state of IFNAME (emergency,
 *	entries, critical, dropped, slow path, lent, exhausted; "-" when the
 *	driver has no such counter) and its rx_missed_errors.
 *   fieldload sink TCP_PORT UDP_PORT BYTES_PER_SEC
 *	The client's bulk receiver: accepts one TCP connection at a time and
 *	reads it slowly (BYTES_PER_SEC, with a 4 MiB receive buffer, so it
 *	parks buffers); reads the UDP port at the same pace.
 *   fieldload flood DST TCP_PORT UDP_PORT SIZE
 *	The server's bulk sender: one TCP stream to DST (reconnected when
 *	it breaks) and UDP datagrams of SIZE bytes as fast as it sends;
 *	prints what it sent every 10 s.
 *   fieldload blast DST PORT SIZE RATE SECONDS
 *	The flood bench's sender (tests/bench/flood.sh): UDP datagrams of
 *	SIZE bytes at RATE per second (0: as fast as it sends) for SECONDS,
 *	paced against a monotonic clock (a late start is made up at once);
 *	prints "FLOOD_SENT sent N errors E seconds S".
 *   fieldload drain PORT
 *	The flood's reader: reads every datagram on PORT as fast as it can,
 *	until SIGTERM; prints "FLOOD_DRAINED N".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(__u64))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void set_oom_adj(const char *v)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, v, strlen(v)) < 0)
			perror("oom_score_adj");
		close(fd);
	}
}

/* Every word names its worker, page and place: a page swapped back from
 * the wrong slot, or lost and refilled with zeroes, cannot match.
 */
static inline __u64 pattern(unsigned int id, unsigned long page,
			    unsigned long w)
{
	return 0x5a5a000000000000ULL ^ ((__u64)id << 48) ^
	       ((__u64)page << 9) ^ w;
}

/* Words of page P that do not hold the pattern; the first few printed. */
static unsigned long check_page(const __u64 *m, unsigned int id, int pass,
				unsigned long p, unsigned long seen)
{
	unsigned long w, bad = 0;

	for (w = 0; w < WORDS; w++) {
		__u64 want = pattern(id, p, w);

		if (m[w] == want)
			continue;
		if (seen + bad++ >= 8)
			continue;
		printf("FIELD_PATTERN_ERROR worker %u pass %d page %lu word %lu:",
		       id, pass, p, w);
		printf(" want %016llx got %016llx\n", (unsigned long long)want,
		       (unsigned long long)m[w]);
	}
	return bad;
}

static int worker_one(unsigned int id, unsigned long pages, int passes)
{
	unsigned long p, w, errors = 0;
	__u64 *m;
	int pass;

	set_oom_adj("0");
	m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap");
	for (p = 0; p < pages; p++)
		for (w = 0; w < WORDS; w++)
			m[p * WORDS + w] = pattern(id, p, w);
	for (pass = 0; pass < passes; pass++) {
		for (p = 0; p < pages; p++)
			errors += check_page(m + p * WORDS, id, pass, p, errors);
		fflush(stdout);
	}
	if (errors) {
		printf("FIELD_PATTERN_ERROR worker %u: %lu words wrong\n", id,
		       errors);
		fflush(stdout);
		return 3;
	}
	return 0;
}

static int cmd_worker(int argc, char **argv)
{
	unsigned int n, i, ok = 0, bad = 0, killed = 0, failed = 0;
	unsigned long pages;
	double t0 = now();
	int passes;

	if (argc != 3)
		return 2;
	n = strtoul(argv[0], NULL, 0);
	pages = strtoul(argv[1], NULL, 0) * 256 / (n ? n : 1);
	passes = atoi(argv[2]);
	if (!n || !pages)
		return 2;
	set_oom_adj("-1000");
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid)
			_exit(worker_one(i, pages, passes));
	}
	for (i = 0; i < n; i++) {
		int st;

		if (wait(&st) < 0)
			die("wait");
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
			bad++;
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			killed++;
		else
			failed++;
	}
	printf("FIELD_WORKERS ok %u pattern_errors %u killed %u failed %u seconds %.1f\n",
	       ok, bad, killed, failed, now() - t0);
	return (ok == n) ? 0 : 1;
}

/*
 * skbpool's state without RTNL: its debugfs "emergency" file takes only
 * skbpool_lock, and kernfs allocates the read buffer before any lock.
 * Not the ethtool ioctl: the kernel takes RTNL for it and then allocates
 * the values array with GFP_KERNEL.  Under exhaustion that allocation
 * reclaims, reclaim writes to swap over the wire, and with the wire out
 * it waits there, RTNL held.  The wire comes back, but linkwatch, which
 * must reopen the transmit queue, waits for RTNL: swap never moves
 * again.  The tagged wire-pull-held run hung so (its NMI dump: the
 * sampler in __dev_ethtool's vzalloc, in reclaim, in nbd_queue_rq;
 * linkwatch_event waiting for RTNL).  The other counters come from
 * ethtool -S at the end of the run (client.sh's FIELD_ETHTOOL lines).
 */
static const char * const stat_names[] = {
	"skbpool_emergency", "skbpool_emergency_enter",
	"skbpool_rx_critical_link", "skbpool_rx_critical_flow",
	"skbpool_rx_critical_rule", "skbpool_rx_drop_noncritical",
	"skbpool_rx_alloc_slowpath", "skbpool_rx_lent",
	"skbpool_rx_exhausted",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSTATS ARRAY_SIZE(stat_names)
#define EMERGENCY_FILE "/sys/kernel/debug/skbpool/emergency"

/* "DEV policy P active A enters N last R": A and N for DEV, or "- -". */
static void emergency_print(const char *ifname, FILE *out)
{
	char line[256], dev[64];
	unsigned long long enters;
	unsigned int active, k;
	int found = 0;
	FILE *f = fopen(EMERGENCY_FILE, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s policy %*s active %u enters %llu",
			   dev, &active, &enters) == 3 && !strcmp(dev, ifname)) {
			found = 1;
			break;
		}
	}
	if (f)
		fclose(f);
	if (found)
		fprintf(out, " %u %llu", active, enters);
	else
		fprintf(out, " - -");
	for (k = 2; k < NSTATS; k++)
		fprintf(out, " -");
}

/* "Name:   value kB" or "name value" lines: the value of KEY, or -1. */
static long long file_value(const char *path, const char *key)
{
	char line[256], name[128];
	long long v = -1, x;
	size_t kl = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127[^: ]%*[: ]%lld", name, &x) == 2 &&
		    strlen(name) == kl && !strcmp(name, key)) {
			v = x;
			break;
		}
	}
	fclose(f);
	return v;
}

static int cmd_sample(int argc, char **argv)
{
	char missed[128];
	double t0 = now();
	FILE *out;

	if (argc != 2)
		return 2;
	snprintf(missed, sizeof(missed),
		 "/sys/class/net/%s/statistics/rx_missed_errors", argv[0]);
	set_oom_adj("-1000");
	out = fopen(argv[1], "a");
	if (!out)
		die(argv[1]);
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("mlockall");
	fprintf(out, "# t memfree memavail swapfree pswpin pswpout oom_kill");
	for (unsigned int k = 0; k < NSTATS; k++)
		fprintf(out, " %s", stat_names[k]);
	fprintf(out, " rx_missed_errors\n");
	for (;;) {
		FILE *m = fopen(missed, "r");
		long long miss = -1;

		if (m) {
			if (fscanf(m, "%lld", &miss) != 1)
				miss = -1;
			fclose(m);
		}
		fprintf(out, "%.1f %lld %lld %lld %lld %lld %lld", now() - t0,
			file_value("/proc/meminfo", "MemFree"),
			file_value("/proc/meminfo", "MemAvailable"),
			file_value("/proc/meminfo", "SwapFree"),
			file_value("/proc/vmstat", "pswpin"),
			file_value("/proc/vmstat", "pswpout"),
			file_value("/proc/vmstat", "oom_kill"));
		emergency_print(argv[0], out);
		fprintf(out, " %lld\n", miss);
		fflush(out);
		sleep(1);
	}
	return 0;
}

static int cmd_sink(int argc, char **argv)
{
	int ls, us, ts = -1, one = 1, buf = 4 << 20;
	struct sockaddr_in a = { .sin_family = AF_INET };
	static char chunk[65536];
	long rate, step;

	if (argc != 3)
		return 2;
	rate = atol(argv[2]);
	step = rate / 10 > 0 ? rate / 10 : 1;
	if (step > (long)sizeof(chunk))
		step = sizeof(chunk);
	set_oom_adj("-1000");
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("mlockall");
	ls = socket(AF_INET, SOCK_STREAM, 0);
	us = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (ls < 0 || us < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(ls, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(us, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	a.sin_port = htons(atoi(argv[0]));
	if (bind(ls, (void *)&a, sizeof(a)) || listen(ls, 4))
		die("tcp bind");
	a.sin_port = htons(atoi(argv[1]));
	if (bind(us, (void *)&a, sizeof(a)))
		die("udp bind");
	fcntl(ls, F_SETFL, O_NONBLOCK);
	for (;;) {
		int c = accept(ls, NULL, NULL);

		if (c >= 0) {
			if (ts >= 0)
				close(ts);
			ts = c;
			fcntl(ts, F_SETFL, O_NONBLOCK);
		}
		if (ts >= 0 && read(ts, chunk, step) == 0) {
			close(ts);
			ts = -1;
		}
		if (recv(us, chunk, sizeof(chunk), 0) < 0 && errno != EAGAIN)
			perror("udp recv");
		usleep(100000);
	}
	return 0;
}

static int cmd_flood(int argc, char **argv)
{
	struct sockaddr_in tcp = { .sin_family = AF_INET };
	struct sockaddr_in udp = { .sin_family = AF_INET };
	unsigned long long dgrams = 0, errs = 0, bytes = 0, conns = 0;
	static char payload[65536];
	double last;
	size_t size;
	int us, ts = -1;

	if (argc != 4)
		return 2;
	if (inet_pton(AF_INET, argv[0], &tcp.sin_addr) != 1)
		return 2;
	udp.sin_addr = tcp.sin_addr;
	tcp.sin_port = htons(atoi(argv[1]));
	udp.sin_port = htons(atoi(argv[2]));
	size = strtoul(argv[3], NULL, 0);
	if (!size || size > sizeof(payload))
		return 2;
	memset(payload, 0xa5, sizeof(payload));
	signal(SIGPIPE, SIG_IGN);
	us = socket(AF_INET, SOCK_DGRAM, 0);
	if (us < 0)
		die("socket");
	last = now();
	for (;;) {
		struct pollfd pfd;
		int i;

		if (ts < 0) {
			ts = socket(AF_INET, SOCK_STREAM, 0);
			if (ts < 0)
				die("socket");
			if (connect(ts, (void *)&tcp, sizeof(tcp))) {
				close(ts);
				ts = -1;
				usleep(500000);
			} else {
				conns++;
				fcntl(ts, F_SETFL, O_NONBLOCK);
			}
		}
		/* The UDP flood only once the client's sink is up. */
		for (i = 0; ts >= 0 && i < 64; i++) {
			if (sendto(us, payload, size, 0, (void *)&udp,
				   sizeof(udp)) < 0)
				errs++;
			else
				dgrams++;
		}
		if (ts >= 0) {
			pfd.fd = ts;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, 0) == 1) {
				ssize_t r = write(ts, payload, sizeof(payload));

				if (r > 0) {
					bytes += r;
				} else if (r < 0 && errno != EAGAIN) {
					close(ts);
					ts = -1;
				}
			}
		}
		if (now() - last >= 10) {
			last = now();
			printf("FIELD_FLOOD udp_sent %llu udp_errors %llu",
			       dgrams, errs);
			printf(" tcp_bytes %llu tcp_connections %llu\n",
			       bytes, conns);
			fflush(stdout);
		}
	}
	return 0;
}

static int cmd_blast(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long long sent = 0, errs = 0, due;
	static char payload[65536];
	double t0, t, rate, secs;
	size_t size;
	int s, one = 1;

	if (argc != 5 || inet_pton(AF_INET, argv[0], &dst.sin_addr) != 1)
		return 2;
	dst.sin_port = htons(atoi(argv[1]));
	size = strtoul(argv[2], NULL, 0);
	rate = atof(argv[3]);
	secs = atof(argv[4]);
	if (!size || size > sizeof(payload) || rate < 0 || secs <= 0)
		return 2;
	memset(payload, 0x5a, size);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		die("socket");
	/* Without it UDP reports a datagram this machine's own qdisc dropped
	 * as sent (ENOBUFS is swallowed): with it, "sent" left the machine.
	 */
	if (setsockopt(s, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)))
		die("IP_RECVERR");
	if (connect(s, (void *)&dst, sizeof(dst)))
		die("connect");
	t0 = now();
	while ((t = now() - t0) < secs) {
		/* Sends due by now; unpaced, a batch at a time. */
		due = rate > 0 ? (unsigned long long)(t * rate) + 1 : sent + errs + 64;
		if (sent + errs >= due) {
			usleep(100);
			continue;
		}
		while (sent + errs < due) {
			if (send(s, payload, size, 0) < 0)
				errs++;
			else
				sent++;
		}
	}
	printf("FLOOD_SENT sent %llu errors %llu seconds %.3f\n", sent, errs,
	       now() - t0);
	return 0;
}

static int cmd_drain(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned long long n = 0;
	static char buf[65536];
	struct pollfd pfd[2];
	int s, rcvbuf = 4 << 20;
	sigset_t term;

	if (argc != 1)
		return 2;
	/* SIGTERM arrives as a readable descriptor, beside the socket. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, NULL))
		die("sigprocmask");
	pfd[1].fd = signalfd(-1, &term, SFD_CLOEXEC);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (s < 0 || pfd[1].fd < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	a.sin_port = htons(atoi(argv[0]));
	if (bind(s, (void *)&a, sizeof(a)))
		die("bind");
	pfd[0].fd = s;
	pfd[0].events = POLLIN;
	pfd[1].events = POLLIN;
	while (!(pfd[1].revents & POLLIN)) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			die("poll");
		while (recv(s, buf, sizeof(buf), 0) >= 0)
			n++;
	}
	printf("FLOOD_DRAINED %llu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	int r = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "worker"))
		r = cmd_worker(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[1], "sample"))
		r = cmd_sample(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[1], "sink"))
		r = cmd_sink(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[1], "flood"))
		r = cmd_flood(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[1], "blast"))
		r = cmd_blast(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[1], "drain"))
		r = cmd_drain(argc - 2, argv + 2);
	if (r == 2)
		fputs("usage: fieldload worker NPROC TOTAL_MIB PASSES\n"
		      "       fieldload sample IFNAME FILE\n"
		      "       fieldload sink TCP_PORT UDP_PORT BYTES_PER_SEC\n"
		      "       fieldload flood DST TCP_PORT UDP_PORT SIZE\n"
		      "       fieldload blast DST PORT SIZE RATE SECONDS\n"
		      "       fieldload drain PORT\n", stderr);
	return r;
}
