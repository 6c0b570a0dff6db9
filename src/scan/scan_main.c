/* socklab scan: parse, build the port lists, resolve every target, scan
 * each in turn (TCP, then UDP) on one event loop, print each as it ends. */
#include "scan/scan.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/color.h"
#include "core/log.h"
#include "core/proc.h"
#include "core/sock.h"
#include "scan/engine.h"
#include "scan/grepable.h"
#include "scan/offsethint.h"
#include "scan/options.h"
#include "scan/portspec.h"
#include "scan/report.h"
#include "scan/services.h"
#include "scan/stop.h"
#include "scan/target.h"
#include "scan/targets.h"
#include "scan/topports.h"
#include "scan/xml.h"

struct scan_ports {
	uint16_t *list;
	size_t n;
};

static int scan_build_ports(const struct scan_config *cfg, int proto, struct scan_ports *out,
			    char *err, size_t errlen)
{
	struct portset *set = malloc(sizeof(*set));
	char why[SCAN_ERR_MAX];
	int rc = -1;

	out->list = NULL;
	out->n = 0;
	if (!set) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	scan_portset_clear(set);
	const char *spec = cfg->ports;
	if (!spec && scan_topports_fill_n(proto, cfg->top_ports ? cfg->top_ports : SCAN_TOPPORTS_N,
					  set) < 0) {
		snprintf(err, errlen, "the built-in list of common ports does not parse");
		goto out;
	}
	if (spec && scan_portspec_parse(spec, scan_proto_name(proto), scan_port_lookup_services,
					NULL, set, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "-p %.60s%s: %s", spec, strlen(spec) > 60 ? "..." : "", why);
		goto out;
	}
	out->n = scan_portset_count(set);
	out->list = malloc(out->n * sizeof(*out->list));
	if (!out->list) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	scan_portset_list(set, out->list, out->n);
	rc = 0;
out:
	free(set);
	return rc;
}

static const char *scan_unreach_text(enum scan_reason r)
{
	switch (r) {
	case REASON_NET_UNREACH: return strerror(ENETUNREACH);
	case REASON_HOST_DOWN: return strerror(EHOSTDOWN);
	default: return strerror(EHOSTUNREACH);
	}
}

static bool scan_host_unreachable(const struct scan_host *h, enum scan_reason *why)
{
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };
	bool any = false;

	for (int k = 0; k < 2; k++) {
		if (!tabs[k]->proto)
			continue;
		if (!tabs[k]->unreachable)
			return false;
		any = true;
		*why = scan_table_main_reason(tabs[k], SCAN_FILTERED);
	}
	return any;
}

/* The tool's configuration: the options, and what parse derives from them
 * (the port lists, the command line as given); run adds the rest-> */
struct scan_state_all {
	struct scan_config cfg;
	struct scan_ports tcp, udp;
	struct scan_host *hosts;
	bool *resolved;
	struct scan_services svc;
	struct proc *proc;
	struct event_base *base;
	struct scan_progress progress;
	struct scan_targets tl;
	FILE *grep, *xml, *normal;  /* -oG, -oX, -oN; stdout for "-" */
	struct scan_report nrep;    /* -oN's tables */
	int argc;
	char **argv;           /* the command line before getopt reordered it */
};

static void scan_free(struct scan_state_all *st)
{
	scan_progress_stop(&st->progress);
	if (st->proc)
		proc_free(st->proc);
	FILE *files[3] = { st->grep, st->xml, st->normal };
	for (int k = 0; k < 3; k++)
		if (files[k] && files[k] != stdout)
			fclose(files[k]);
	st->grep = st->xml = st->normal = NULL;
	scan_targets_free(&st->tl);
	scan_config_free(&st->cfg);
	scan_services_free(&st->svc);
	free(st->hosts);
	free(st->resolved);
	free(st->tcp.list);
	free(st->udp.list);
	free(st->argv);
}

/* Nothing open among the common ports: a lab server at a --port-offset
 * is the usual reason on a lab machine; say how to scan it. */
static void scan_hint_offset(struct scan_state_all *st, const struct scan_env *env,
			     const struct scan_host *h)
{
	const struct scan_config *cfg = &st->cfg;
	char err[SCAN_ERR_MAX];
	unsigned off = 0;
	uint16_t port = 0;

	/* Only a host that refused every common port: it answers at once, so
	 * the probe costs one round trip, not a timeout per host of a range. */
	if (!cfg->tcp || cfg->ports || h->tcp.cut || scan_stop_signal() ||
	    scan_table_count(&h->tcp, SCAN_CLOSED) != h->tcp.n)
		return;
	if (scan_offset_probe(env, &h->addr, &off, &port, err, sizeof(err)) != 1)
		return;
	log_error("nothing open among the %zu most common TCP ports of %s, but a socklab lab "
		  "server answers at --port-offset %u (%s on %u): socklab scan -p %u-%u %s",
		  st->tcp.n, h->ip, off, port % SCAN_HINT_STEP == 7 ? "echo" : "daytime", port,
		  off, off + 100, h->numeric ? h->ip : h->name);
}

/* Scans one host; 0, or -1 when the scan cannot go on (err set). */
static int scan_one(struct scan_state_all *st, const struct scan_env *env, struct scan_host *h,
		    struct scan_report *rep, size_t *up, char *err, size_t errlen)
{
	const struct scan_config *cfg = &st->cfg;
	struct scan_env henv = *env;
	struct scan_xml_host xh = { .h = h, .start = time(NULL), .up = true,
				    .banners = cfg->banners, .open_only = cfg->open_only,
				    .svc = &st->svc };
	int rc = 0;

	/* --host-timeout counts for TCP and UDP together, as nmap's does. */
	if (cfg->host_timeout_ms)
		henv.deadline_us = clock_mono_us() + cfg->host_timeout_ms * 1000;
	if ((cfg->tcp && scan_table_init(&h->tcp, IPPROTO_TCP, st->tcp.list, st->tcp.n,
					 cfg->banners) < 0) ||
	    (cfg->udp && scan_table_init(&h->udp, IPPROTO_UDP, st->udp.list, st->udp.n,
					 cfg->banners) < 0)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	if (cfg->tcp && scan_tcp_run(&henv, &h->addr, &h->tcp, err, errlen) < 0) {
		rc = -1;
		goto out;
	}
	/* Cut short: the other protocol is not scanned at all. */
	if (cfg->udp && h->tcp.cut) {
		h->udp.cut = h->tcp.cut;
	} else if (cfg->udp && scan_udp_run(&henv, &h->addr, &h->udp, err, errlen) < 0) {
		rc = -1;
		goto out;
	}
	scan_progress_clear(&st->progress);
	enum scan_reason why = REASON_HOST_UNREACH;
	if (scan_host_unreachable(h, &why)) {
		if (h->numeric)
			log_error("cannot reach %s: %s (%s)", h->ip, scan_unreach_text(why),
				  scan_reason_name(why));
		else
			log_error("cannot reach %s (%s): %s (%s)", h->name, h->ip,
				  scan_unreach_text(why), scan_reason_name(why));
		scan_report_failed(rep);
		if (st->grep)
			scan_grep_host_down(st->grep, h);
		if (st->xml) {
			xh.end = time(NULL);
			xh.up = false;
			xh.down_reason = why;
			scan_xml_host(st->xml, &xh);
		}
		goto out;
	}
	(*up)++;
	scan_report_host(rep, h);
	if (st->normal)
		scan_report_host(&st->nrep, h);
	if (st->grep) {
		scan_grep_host(st->grep, h, &st->svc, cfg->verbose, cfg->open_only);
		scan_grep_host_notes(st->grep, h);
	}
	if (st->xml) {
		xh.end = time(NULL);
		scan_xml_host(st->xml, &xh);
	}
	scan_hint_offset(st, env, h);
out:
	scan_table_free(&h->tcp);
	scan_table_free(&h->udp);
	return rc;
}

/* 0, or -1 (err set). */
static int scan_setup(struct scan_state_all *st, char *err, size_t errlen)
{
	const struct scan_config *cfg = &st->cfg;

	st->hosts = calloc(st->tl.n, sizeof(*st->hosts));
	st->resolved = calloc(st->tl.n, sizeof(*st->resolved));
	st->proc = proc_new();
	st->base = st->proc ? proc_base(st->proc) : NULL;
	if (!st->hosts || !st->resolved || !st->base) {
		snprintf(err, errlen, "cannot set up: out of memory");
		return -1;
	}
	if (scan_stop_install() < 0) {
		snprintf(err, errlen, "cannot set up the signal handlers: %s", strerror(errno));
		return -1;
	}
	const char *names[3] = { cfg->grepable, cfg->xml, cfg->normal };
	FILE **files[3] = { &st->grep, &st->xml, &st->normal };
	static const char opts[3] = { 'G', 'X', 'N' };
	for (int k = 0; k < 3; k++) {
		if (!names[k])
			continue;
		*files[k] = strcmp(names[k], "-") == 0 ? stdout : fopen(names[k], "we");
		if (!*files[k]) {
			snprintf(err, errlen, "cannot open -o%c %s: %s", opts[k], names[k],
				 strerror(errno));
			return -1;
		}
	}
	/* Names for the output; without /etc/services ports are "unknown". */
	scan_services_load(&st->svc);
	return 0;
}

/* The options, then the port lists: a bad -p is a usage error. -oG repeats
 * the command line as given, and getopt_long reorders argv: a copy first. */
static enum tool_args scan_parse(int argc, char **argv, void *arg, char *err, size_t errlen)
{
	struct scan_state_all *st = arg;
	enum tool_args rc;

	scan_config_defaults(&st->cfg);
	st->argv = malloc(((size_t)argc + 1) * sizeof(*st->argv));
	if (!st->argv) {
		snprintf(err, errlen, "out of memory");
		return TOOL_ARGS_USAGE;
	}
	memcpy(st->argv, argv, ((size_t)argc + 1) * sizeof(*st->argv));
	st->argc = argc;
	rc = scan_parse_args(argc, argv, &st->cfg, err, errlen);
	if (rc == TOOL_ARGS_OK && scan_targets_build(&st->cfg, &st->tl, err, errlen) < 0)
		rc = TOOL_ARGS_USAGE;
	if (rc == TOOL_ARGS_OK &&
	    ((st->cfg.tcp && scan_build_ports(&st->cfg, IPPROTO_TCP, &st->tcp, err, errlen) < 0) ||
	     (st->cfg.udp && scan_build_ports(&st->cfg, IPPROTO_UDP, &st->udp, err, errlen) < 0)))
		rc = TOOL_ARGS_USAGE;
	if (rc != TOOL_ARGS_OK)
		scan_free(st); /* run, which frees, will not be called */
	return rc;
}

static int scan_run(void *arg)
{
	struct scan_state_all *st = arg;
	const struct scan_config *cfg = &st->cfg;
	char err[SCAN_ERR_MAX + 128];
	int status = 0;

	log_out_set_mode(cfg->json ? OUT_JSON : OUT_TEXT);
	if (scan_setup(st, err, sizeof(err)) < 0) {
		log_error("%s", err);
		scan_free(st);
		return 1;
	}
	uint64_t t0 = clock_mono_us();
	time_t start = time(NULL);
	struct tm tm;
	if (st->grep)
		scan_grep_begin(st->grep, localtime_r(&start, &tm), st->argc, st->argv);
	if (st->normal) /* nmap's normal output opens with the same comment */
		scan_grep_begin(st->normal, localtime_r(&start, &tm), st->argc, st->argv);
	if (st->xml) {
		struct scan_xml_run xr = { .start = start, .argc = st->argc, .argv = st->argv,
					   .tcp = cfg->tcp ? st->tcp.list : NULL, .ntcp = st->tcp.n,
					   .udp = cfg->udp ? st->udp.list : NULL, .nudp = st->udp.n,
					   .verbose = cfg->verbose };
		scan_xml_begin(st->xml, &xr);
	}

	/* With -oG -, -oX - or -oN -, standard output is that stream alone,
	 * as with nmap: no table, no closing line (errors still go to stderr). */
	bool file_stdout = st->grep == stdout || st->xml == stdout || st->normal == stdout;
	struct scan_report rep = { .out = file_stdout ? NULL : stdout, .svc = &st->svc,
				   .verbose = cfg->verbose, .banners = cfg->banners,
				   .json = cfg->json, .open_only = cfg->open_only,
				   .color = color_use(cfg->color, STDOUT_FILENO) };
	st->nrep = rep;
	st->nrep.out = st->normal;
	st->nrep.json = false;
	st->nrep.color = false; /* -oN is nmap's plain text */
	size_t total = 0, up = 0, listed = 0;
	for (size_t i = 0; i < st->tl.n; i++) {
		if (scan_stop_signal()) {
			rep.skipped += st->tl.n - i; /* not even resolved */
			break;
		}
		if (scan_target_resolve(st->tl.names[i], cfg->family, &st->hosts[i], err,
					sizeof(err)) < 0) {
			log_error("%s", err);
			scan_report_failed(&rep);
			status = 1;
			continue;
		}
		if (scan_targets_excluded(&st->tl, &st->hosts[i]))
			continue; /* --exclude: as if never named */
		st->resolved[i] = true;
		total += st->tcp.n + st->udp.n;
		if (cfg->list_only) {
			const struct scan_host *h = &st->hosts[i];
			listed++;
			if (h->numeric)
				printf("socklab scan report for %s\n", h->ip);
			else
				printf("socklab scan report for %s (%s)\n", h->name, h->ip);
		}
	}
	if (cfg->list_only) {
		/* -sL: nothing is sent; the list is the whole output. */
		printf("scan done: %zu host%s listed, none scanned (-sL)\n", listed,
		       listed == 1 ? "" : "s");
		fflush(stdout);
		scan_free(st);
		return status;
	}
	long nofile = sock_raise_nofile();
	struct scan_env env = { .base = st->base, .cfg = cfg, .progress = &st->progress,
				.nofile = nofile > 0 ? nofile : 1024 };
	if (scan_progress_start(&st->progress, st->base, total, isatty(STDERR_FILENO) == 1) < 0) {
		log_error("cannot set up the event loop");
		scan_free(st);
		return 1;
	}
	size_t scanned = 0;
	for (size_t i = 0; i < st->tl.n; i++) {
		if (!st->resolved[i])
			continue;
		if (scan_stop_signal()) {
			rep.skipped++;
			continue;
		}
		scanned++;
		size_t failed_before = rep.failed;
		if (scan_one(st, &env, &st->hosts[i], &rep, &up, err, sizeof(err)) < 0) {
			scan_progress_clear(&st->progress);
			log_error("%s", err);
			status = 1;
			break;
		}
		if (rep.failed != failed_before)
			status = 1;
	}
	scan_progress_stop(&st->progress);
	double secs = (double)(clock_mono_us() - t0) / 1e6;
	rep.signo = scan_stop_signal();
	if (rep.signo)
		log_error("interrupted by %s: %zu port%s not scanned%s", rep.signo == SIGTERM ?
			  "SIGTERM" : "SIGINT", rep.states[SCAN_PENDING],
			  rep.states[SCAN_PENDING] == 1 ? "" : "s",
			  rep.skipped ? ", and hosts left out" : "");
	scan_report_summary(&rep, secs);
	if (st->grep) {
		time_t end = time(NULL);
		if (rep.signo)
			scan_grep_interrupted(st->grep, rep.signo);
		scan_grep_end(st->grep, localtime_r(&end, &tm), scanned, up, secs);
	}
	if (st->normal) {
		time_t end = time(NULL);
		if (rep.signo)
			scan_grep_interrupted(st->normal, rep.signo);
		scan_grep_end(st->normal, localtime_r(&end, &tm), scanned, up, secs);
	}
	if (st->xml)
		scan_xml_end(st->xml, time(NULL), scanned, up, secs, rep.signo);
	const char *names[3] = { cfg->grepable, cfg->xml, cfg->normal };
	FILE *files[3] = { st->grep, st->xml, st->normal };
	for (int k = 0; k < 3; k++)
		if (files[k] && (fflush(files[k]) != 0 || ferror(files[k]))) {
			log_error("cannot write -o%c %s", "GXN"[k], names[k]);
			status = 1;
		}
	scan_free(st);
	/* The shell's convention for a death by signal, as if we had died. */
	return rep.signo ? 128 + rep.signo : status;
}

const struct tool scan_tool = {
	TOOL_FIELDS("scan", "TCP connect and UDP port scanner: open, closed, filtered, banners",
		    scan_usage_text, struct scan_state_all, scan_parse, scan_run),
};
