/* socklab trace: checks the programs, captures, runs them under the preload
 * library, then builds the model (calls, packets, causes, states) and
 * prints it as a ladder, JSON Lines and/or an SVG. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "trace/attrib.h"
#include "trace/calllog.h"
#include "trace/capture.h"
#include "trace/outfile.h"
#include "trace/packets.h"
#include "trace/render.h"
#include "trace/run.h"
#include "trace/socks.h"
#include "trace/spawn.h"
#include "trace/story.h"
#include "trace/tcpstate.h"
#include "trace/trace.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: socklab trace [options] [--server 'CMD ...'] -- CMD [ARG...]\n"
		"\n"
		"Runs CMD (after starting the server CMD, if given, and waiting until it\n"
		"waits for the network), records every socket call both make and every\n"
		"packet of their sockets, and tells which call sent each packet and which\n"
		"packet completed each blocking call, with the TCP states of both ends.\n"
		"\n"
		"  --server CMD         start CMD with /bin/sh -c first; stopped (SIGTERM)\n"
		"                       when the program is done\n"
		"  -i, --interface IF   capture on IF (default lo)\n"
		"      --json           JSON Lines on stdout instead of the ladder: calls,\n"
		"                       packets and state changes (the programs' stdout goes\n"
		"                       to stderr)\n"
		"      --svg FILE       also draw the ladder as an SVG sequence diagram\n"
		"      --pcap FILE      keep the trace's packets as a pcap file\n"
		"      --log FILE       keep the raw call log of the preload library\n"
		"      --timeout SEC    stop the program after SEC seconds (default 60)\n"
		"      --server-wait SEC  start the program anyway after SEC (default 10)\n"
		"      --linger SEC     keep capturing SEC after the program ended (0.3)\n"
		"      --utf8           draw arrows with box-drawing characters\n"
		"  -q, --quiet          no ladder (with --svg or --pcap)\n"
		"  -h, --help           this help\n"
		"      --version        print the version\n"
		"\n"
		"Needs the privilege to capture (root, or CAP_NET_RAW and CAP_NET_ADMIN).\n"
		"The programs must be dynamically linked: calls are recorded by\n"
		"libsocklab-trace.so through LD_PRELOAD. Exit status: the program's.\n");
}

/* The first word of a shell command, for the static check. */
static void first_word(const char *cmd, char *out, size_t n)
{
	size_t i = 0;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	/* skip VAR=value prefixes */
	for (;;) {
		const char *sp = cmd + strcspn(cmd, " \t");
		const char *eq = memchr(cmd, '=', (size_t)(sp - cmd));
		if (!eq || *sp == '\0')
			break;
		cmd = sp + strspn(sp, " \t");
	}
	while (cmd[i] && cmd[i] != ' ' && cmd[i] != '\t' && i + 1 < n) {
		out[i] = cmd[i];
		i++;
	}
	out[i] = '\0';
}

/* Refuses what LD_PRELOAD cannot see into. must_exist: the program is run
 * directly (not by a shell, where the first word may be a builtin). */
static int check_program(const char *prog, bool must_exist)
{
	char path[PATH_MAX], why[PATH_MAX + 64];

	if (spawn_resolve(prog, path, sizeof path, why, sizeof why) < 0) {
		if (!must_exist)
			return 0;
		log_error("%s", why);
		return -1;
	}
	if (spawn_elf_link(path) == ELF_STATIC) {
		log_error("%s is statically linked: its socket calls cannot be recorded "
			  "(trace loads libsocklab-trace.so with LD_PRELOAD, which only dynamically "
			  "linked programs honour)",
			  path);
		return -1;
	}
	return 0;
}

/* Parses the call log, copying it to keep (--log) when that is open. A
 * copy that fails is reported and leaves keep unfinished; the story goes
 * on. */
static int read_log(const char *path, struct trace *t, struct outfile *keep)
{
	struct calllog cl;
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *out = NULL;

	calllog_init(&cl, t);
	if (!f) {
		log_error_errno(errno, "cannot read the call log '%s'", path);
		return -1;
	}
	if (keep->path)
		out = outfile_begin(keep);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (out)
			fwrite(line, 1, (size_t)n, out);
		if (line[n - 1] == '\n')
			n--;
		calllog_line(&cl, line, (size_t)n);
	}
	free(line);
	fclose(f);
	if (out) {
		bool ok = fflush(out) == 0 && !ferror(out);
		if (!ok)
			log_error_errno(errno, "cannot write '%s' (--log)", keep->path);
		outfile_finish(keep, out, ok);
	}
	if (cl.bad_lines)
		log_error("warning: %zu lines of the call log did not parse (first: %s)",
			  cl.bad_lines, cl.first_error);
	if (cl.dropped)
		log_error("warning: more than %d calls; %zu later ones are not in the story",
			  CALLLOG_CALLS_MAX, cl.dropped);
	int rc = calllog_finish(&cl);
	calllog_free(&cl);
	return rc;
}

/* The frames that belong to the traced sockets become the trace's packets. */
static int take_packets(struct trace *t, struct socks *s, struct tcap *cap)
{
	enum link_type lt = pkt_link_from_dlt(cap->dlt);

	t->dlt = cap->dlt;
	t->packets = calloc(cap->n + 1, sizeof *t->packets);
	if (!t->packets)
		return -1;
	for (size_t i = 0; i < cap->n; i++) {
		struct tcap_frame *f = &cap->v[i];
		struct tr_packet *p = &t->packets[t->npackets];

		p->frame = NULL;
		if (!packet_from_frame(lt, f->data, f->caplen, f->len, f->ts, p))
			continue;
		bool mine = socks_conversation(s, &p->src, &p->dst, p->ts);
		if (!mine && p->proto == IPPROTO_TCP && (p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
			mine = socks_claim_syn(s, t, p) != NULL;
		if (!mine)
			continue;
		p->frame = f->data; /* the trace owns the frame now */
		f->data = NULL;
		t->npackets++;
	}
	packets_number(t->packets, t->npackets);
	return 0;
}

/* The server's processes: the shell trace started and all it started. */
static void mark_server(struct trace *t, pid_t server)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		int32_t pid = t->procs[i].pid;

		/* a parent chain is at most as long as the list of processes */
		for (size_t hop = 0; pid > 1 && hop <= t->nprocs; hop++) {
			if (pid == server) {
				t->procs[i].server = true;
				break;
			}
			int32_t parent = 0;
			for (size_t j = 0; j < t->nprocs; j++)
				if (t->procs[j].pid == pid)
					parent = t->procs[j].ppid;
			pid = parent;
		}
	}
}

/* One line when the program left no trace: an empty ladder would only
 * say "0 calls" without a reason. */
static void warn_unrecorded(const struct trace *t, const struct run_result *res,
			    const struct trace_opts *o)
{
	bool client_seen = false;

	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == res->client)
			client_seen = true;
	if (res->client > 0 && !client_seen)
		log_error("%snothing was recorded from '%s' (pid %d): it may be setuid, or "
			  "clear LD_PRELOAD from its environment",
			  t->ncalls ? "warning: " : "no socket calls were recorded: ", o->argv[0],
			  res->client);
	else if (t->ncalls == 0)
		log_error("no socket calls were recorded (does '%s' use sockets? are the programs "
			  "it runs dynamically linked?)",
			  o->argv[0]);
}

static int exit_status(const struct run_result *res)
{
	if (!res->client_exited)
		return 1;
	if (WIFEXITED(res->client_status))
		return WEXITSTATUS(res->client_status);
	if (WIFSIGNALED(res->client_status))
		return 128 + WTERMSIG(res->client_status);
	return 1;
}

/* The story on stdout (none when nothing was recorded: warn_unrecorded
 * said so), then the --svg and --pcap files. */
static int build_and_print(struct trace *t, const struct trace_opts *o, struct tcap *cap,
			   struct outfile *svg, struct outfile *pcap)
{
	struct socks s;
	int rc = -1;

	if (socks_build(&s, t) < 0 || take_packets(t, &s, cap) < 0 || attrib_run(t, &s) < 0 ||
	    tcpstate_run(t, &s) < 0 || story_build(t) < 0) {
		log_error("out of memory while building the story");
		goto out;
	}
	if (t->ncalls == 0) {
		/* no socket, so no packet of one either: nothing to draw */
	} else if (o->json) {
		if (trace_render_json(t, stdout) < 0)
			goto out;
	} else if (!o->quiet) {
		struct render_opts ro = { .utf8 = o->utf8 };
		if (trace_render_text(t, &ro, stdout) < 0)
			goto out;
	}
	if (fflush(stdout) != 0) {
		log_error_errno(errno, "cannot write the story");
		goto out;
	}
	if (svg->path) {
		FILE *f = outfile_begin(svg);
		if (!f)
			goto out;
		bool ok = trace_render_svg(t, f) == 0 && fflush(f) == 0;
		if (!ok)
			log_error_errno(errno, "cannot write '%s' (--svg)", svg->path);
		if (outfile_finish(svg, f, ok) < 0)
			goto out;
	}
	if (pcap->path) {
		FILE *f = outfile_begin(pcap);
		/* tcap_write_pcap closes f */
		if (!f || outfile_finish(pcap, NULL, tcap_write_pcap(t, f, pcap->path) == 0) < 0)
			goto out;
	}
	rc = 0;
out:
	socks_free(&s);
	return rc;
}

int trace_main(int argc, char **argv)
{
	struct trace_opts o;
	char err[256], lib[PATH_MAX], dir[PATH_MAX] = "", logpath[PATH_MAX + 16] = "";
	const char *tmp = getenv("TMPDIR");
	struct tcap cap;
	struct run_result res;
	struct trace t = { 0 };
	/* the output files, opened before anything runs */
	struct outfile out[3] = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 } };
	struct outfile *svg = &out[0], *pcap = &out[1], *keep = &out[2];
	int rc = 1;

	log_set_prog("socklab trace");
	switch (trace_parse_args(argc, argv, &o, err, sizeof err)) {
	case TRACE_ARGS_HELP:
		usage(stdout);
		return 0;
	case TRACE_ARGS_VERSION:
		printf("socklab trace %s\n", SOCKLAB_VERSION);
		return 0;
	case TRACE_ARGS_USAGE:
		log_error("%s", err);
		return 2;
	case TRACE_ARGS_OK:
		break;
	}
	if (spawn_find_lib(lib, sizeof lib) < 0) {
		log_error("cannot find %s next to the socklab binary (build it with the project, or "
			  "set SOCKLAB_TRACE_LIB to its path)",
			  "libsocklab-trace.so");
		return 1;
	}
	if (check_program(o.argv[0], true) < 0)
		return 1;
	if (o.server) {
		char word[PATH_MAX];
		first_word(o.server, word, sizeof word);
		if (word[0] && check_program(word, false) < 0)
			return 1;
	}
	if (outfile_open(svg, "--svg", o.svg) < 0 || outfile_open(pcap, "--pcap", o.pcap) < 0 ||
	    outfile_open(keep, "--log", o.log) < 0 || tcap_open(&cap, o.iface) < 0) {
		for (size_t i = 0; i < 3; i++)
			outfile_abandon(&out[i]);
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/socklab-trace.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		log_error_errno(errno, "cannot make a directory for the call log");
		dir[0] = '\0';
		goto out;
	}
	snprintf(logpath, sizeof logpath, "%s/calls.log", dir);
	FILE *lf = fopen(logpath, "we");
	if (!lf) {
		log_error_errno(errno, "cannot create '%s'", logpath);
		goto out;
	}
	fclose(lf);
	/* traced programs may run as another user (a setuid helper, sudo -u) */
	chmod(dir, 0755);
	chmod(logpath, 0666);

	if (run_programs(&o, lib, logpath, &cap, &res) < 0)
		goto out;
	if (res.server_died)
		log_error("the server '%s' ended before it waited for the network", o.server);
	if (res.server_not_ready)
		log_error("warning: the server did not wait in accept/recv/poll within the "
			  "--server-wait time; the program was started anyway");
	if (res.timed_out)
		log_error("warning: '%s' ran longer than --timeout and was stopped", o.argv[0]);
	if (cap.full)
		log_error("warning: the capture outgrew its memory bound; later packets are missing");
	unsigned drops = tcap_kernel_drops(&cap);
	if (drops)
		log_error("warning: the kernel dropped %u packets during the capture", drops);

	if (read_log(logpath, &t, keep) < 0)
		goto out;
	if (o.server)
		mark_server(&t, res.server);
	warn_unrecorded(&t, &res, &o);
	if (build_and_print(&t, &o, &cap, svg, pcap) < 0)
		goto out;
	/* every file asked for was written, or trace failed */
	rc = res.server_died || (keep->path && !keep->done) ? 1 : exit_status(&res);
out:
	for (size_t i = 0; i < 3; i++)
		outfile_abandon(&out[i]);
	trace_free(&t);
	tcap_close(&cap);
	if (logpath[0])
		unlink(logpath);
	if (dir[0])
		rmdir(dir);
	return rc;
}

const struct tool trace_tool = {
	.name = "trace",
	.summary = "runs programs and ties each packet to the socket call behind it",
	.own_main = trace_main,
};
