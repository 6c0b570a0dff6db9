/* The lab's namespaces, links and forwarder (see lab.h). */
#include "tcplab/lab.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "tcplab/ns.h"

#define NS_PREFIX "socklab-tcplab-"

volatile sig_atomic_t tl_interrupted;
static volatile sig_atomic_t fwd_stop;

static void on_signal(int sig)
{
	(void)sig;
	tl_interrupted = 1;
}

static void on_fwd_signal(int sig)
{
	(void)sig;
	fwd_stop = 1;
}

static void ns_del(const char *name)
{
	char *argv[] = { "ip", "netns", "del", (char *)name, NULL };

	tl_run(argv, true);
}

void tl_lab_prepare(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	tl_ns_init();

	DIR *d = opendir("/run/netns");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, NS_PREFIX, strlen(NS_PREFIX)) != 0)
			continue;
		long pid = strtol(e->d_name + strlen(NS_PREFIX), NULL, 10);

		if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			ns_del(e->d_name);
	}
	closedir(d);
}

int tl_lab_count_namespaces(void)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, NS_PREFIX, strlen(NS_PREFIX)) == 0)
			n++;
	closedir(d);
	return n;
}

void *tl_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void tl_shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

/* ip ARGS... with the error line when it fails. */
static int ip(char *const argv[])
{
	if (tl_run(argv, false) == 0)
		return 0;
	log_error("the lab could not be built: '%s %s %s %s ...' failed", argv[0], argv[1],
		  argv[2], argv[3] ? argv[3] : "");
	return -1;
}

static int links(struct tl_lab *lab)
{
	char *snd = lab->ns[TL_SND], *rtr = lab->ns[TL_RTR], *rcv = lab->ns[TL_RCV];
	char *a1[] = { "ip", "-n", snd, "link", "add", TL_SND_IF, "type", "veth", "peer", "name",
		       TL_RTR_SND_IF, "netns", rtr, NULL };
	char *a2[] = { "ip", "-n", rcv, "link", "add", TL_RCV_IF, "type", "veth", "peer", "name",
		       TL_RTR_RCV_IF, "netns", rtr, NULL };
	char *a3[] = { "ip", "-n", snd, "addr", "add", TL_SND_ADDR "/24", "dev", TL_SND_IF, NULL };
	char *a4[] = { "ip", "-n", rcv, "addr", "add", TL_RCV_ADDR "/24", "dev", TL_RCV_IF, NULL };

	if (ip(a1) < 0 || ip(a2) < 0 || ip(a3) < 0 || ip(a4) < 0)
		return -1;
	const char *ups[][2] = { { snd, TL_SND_IF }, { rcv, TL_RCV_IF }, { rtr, TL_RTR_SND_IF },
				 { rtr, TL_RTR_RCV_IF }, { snd, "lo" }, { rcv, "lo" } };

	for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
		char *a[] = { "ip", "-n", (char *)ups[i][0], "link", "set", (char *)ups[i][1], "up",
			      NULL };
		if (ip(a) < 0)
			return -1;
	}
	if (tl_ns_no_offload(snd, TL_SND_IF) < 0 || tl_ns_no_offload(rcv, TL_RCV_IF) < 0 ||
	    tl_ns_no_offload(rtr, TL_RTR_SND_IF) < 0 || tl_ns_no_offload(rtr, TL_RTR_RCV_IF) < 0)
		return -1;
	if (lab->link.initcwnd) {
		char iw[16];

		snprintf(iw, sizeof iw, "%u", lab->link.initcwnd);
		/* the connected route, as the kernel made it, with initcwnd */
		char *a[] = { "ip", "-n", snd, "route", "change", TL_SUBNET, "dev", TL_SND_IF,
			      "proto", "kernel", "scope", "link", "src", TL_SND_ADDR, "initcwnd",
			      iw, NULL };
		if (ip(a) < 0)
			return -1;
	}
	/* per namespace (net.ipv4.tcp_* are netns sysctls): the host's stay */
	if (lab->link.no_rack_tlp && (tl_ns_sysctl(snd, "net.ipv4.tcp_recovery", "0") < 0 ||
				      tl_ns_sysctl(snd, "net.ipv4.tcp_early_retrans", "0") < 0))
		return -1;
	if (lab->link.rate) {
		char limit[32];

		snprintf(limit, sizeof limit, "%zu", (lab->link.queue ? lab->link.queue : 1000) * 1514);
		char *a[] = { "tc", "-n", rtr, "qdisc", "add", "dev", TL_RTR_RCV_IF, "root", "tbf",
			      "rate", (char *)lab->link.rate, "burst", "4542", "limit", limit, NULL };
		if (ip(a) < 0)
			return -1;
	}
	return 0;
}

/* The router's child: the forwarder until SIGTERM. */
static void router_child(struct tl_lab *lab)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fwd_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (tl_ns_enter(lab->ns[TL_RTR]) < 0)
		_exit(1);
	_exit(tl_fwd_run(&lab->link, TL_RTR_SND_IF, TL_RTR_RCV_IF, lab->fwd, &fwd_stop) < 0);
}

int tl_lab_up(struct tl_lab *lab, const struct tl_link *link)
{
	static const char *const side[] = { "snd", "rtr", "rcv" };
	memset(lab, 0, sizeof *lab);
	lab->link = *link;
	lab->fwd = tl_shared(sizeof *lab->fwd);
	if (!lab->fwd) {
		log_error("out of memory");
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(lab->ns[i], sizeof lab->ns[i], NS_PREFIX "%ld-%s", (long)getpid(), side[i]);
		char *a[] = { "ip", "netns", "add", lab->ns[i], NULL };

		if (ip(a) < 0)
			goto fail;
		lab->made[i] = true;
		/* no IPv6 chatter (router solicitations, DAD) on the lab's links */
		tl_ns_sysctl(lab->ns[i], "net.ipv6.conf.all.disable_ipv6", "1");
		tl_ns_sysctl(lab->ns[i], "net.ipv6.conf.default.disable_ipv6", "1");
	}
	tl_ns_sysctl(lab->ns[TL_RTR], "net.ipv4.ip_forward", "0");
	if (links(lab) < 0)
		goto fail;
	lab->router = fork();
	if (lab->router < 0) {
		log_error_errno(errno, "cannot fork");
		goto fail;
	}
	if (lab->router == 0)
		router_child(lab);
	for (int i = 0; i < 500 && !lab->fwd->ready; i++) /* 5 s */
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	if (!lab->fwd->ready) {
		log_error("the lab's forwarder did not start");
		goto fail;
	}
	return 0;
fail:
	tl_lab_down(lab);
	return -1;
}

void tl_lab_down(struct tl_lab *lab)
{
	if (lab->router > 0) {
		kill(lab->router, SIGTERM);
		for (int i = 0; i < 300; i++) { /* 3 s */
			if (waitpid(lab->router, NULL, WNOHANG) == lab->router) {
				lab->router = 0;
				break;
			}
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
		}
		if (lab->router > 0) {
			kill(lab->router, SIGKILL);
			waitpid(lab->router, NULL, 0);
			lab->router = 0;
		}
	}
	for (int i = 0; i < 3; i++)
		if (lab->made[i]) {
			ns_del(lab->ns[i]);
			lab->made[i] = false;
		}
}

void tl_lab_free(struct tl_lab *lab)
{
	tl_lab_down(lab);
	tl_shared_free(lab->fwd, sizeof *lab->fwd);
	lab->fwd = NULL;
}
