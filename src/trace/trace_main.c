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
#include "core/term.h"
#include "trace/attrib.h"
#include "trace/calllog.h"
#include "trace/srcloc.h"
#include "trace/capture.h"
#include "trace/outfile.h"
#include "trace/packets.h"
#include "trace/pcapng.h"
#include "trace/record.h"
#include "trace/render.h"
#include "trace/run.h"
#include "trace/socks.h"
#include "trace/spawn.h"
#include "trace/story.h"
#include "trace/tcpstate.h"
#include "trace/trace.h"

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

	if (tr_spawn_resolve(prog, path, sizeof path, why, sizeof why) < 0) {
		if (!must_exist)
			return 0;
		log_error("%s", why);
		return -1;
	}
	if (tr_spawn_elf_link(path) == ELF_STATIC) {
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
static int read_log(const char *path, struct trace *t, struct tr_outfile *keep)
{
	struct tr_calllog cl;
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *out = NULL;

	tr_calllog_init(&cl, t);
	if (!f) {
		log_error_errno(errno, "cannot read the call log '%s'", path);
		return -1;
	}
	if (keep->path)
		out = tr_outfile_begin(keep);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (out)
			fwrite(line, 1, (size_t)n, out);
		if (line[n - 1] == '\n')
			n--;
		tr_calllog_line(&cl, line, (size_t)n);
	}
	free(line);
	fclose(f);
	if (out) {
		bool ok = fflush(out) == 0 && !ferror(out);
		if (!ok)
			log_error_errno(errno, "cannot write '%s' (--log)", keep->path);
		tr_outfile_finish(keep, out, ok);
	}
	if (cl.bad_lines)
		log_error("warning: %zu lines of the call log did not parse (first: %s)",
			  cl.bad_lines, cl.first_error);
	if (cl.ready_cut)
		log_error("warning: ready lists longer than a record were cut (%zu calls); the "
			  "story ties those calls to the fds recorded",
			  cl.ready_cut);
	if (cl.dropped)
		log_error("warning: more than %d calls; %zu later ones are not in the story",
			  CALLLOG_CALLS_MAX, cl.dropped);
	int rc = tr_calllog_finish(&cl);
	tr_calllog_free(&cl);
	/* native lines first: srcloc then reads every line's text */
	if (rc == 0 && tr_srcloc_fill(t) < 0)
		rc = -1;
	return rc;
}

/* The frames that belong to the traced sockets become the trace's packets. */
static int take_packets(struct trace *t, struct tr_socks *s, struct tr_tcap *cap)
{
	enum link_type lt = pkt_link_from_dlt(cap->dlt);

	t->dlt = cap->dlt;
	t->packets = calloc(cap->n + 1, sizeof *t->packets);
	if (!t->packets)
		return -1;
	for (size_t i = 0; i < cap->n; i++) {
		struct tr_tcap_frame *f = &cap->v[i];
		struct tr_packet *p = &t->packets[t->npackets];

		p->frame = NULL;
		if (!tr_packet_from_frame(lt, f->data, f->caplen, f->len, f->ts, p))
			continue;
		bool mine = tr_socks_conversation(s, &p->src, &p->dst, p->ts);
		if (!mine && p->proto == IPPROTO_TCP && (p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
			mine = tr_socks_claim_syn(s, t, p) != NULL;
		if (!mine)
			continue;
		p->frame = f->data; /* the trace owns the frame now */
		f->data = NULL;
		t->npackets++;
	}
	tr_packets_number(t->packets, t->npackets);
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
static void warn_unrecorded(const struct trace *t, const struct tr_run_result *res,
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

static int exit_status(const struct tr_run_result *res)
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
static int build_and_print(struct trace *t, const struct trace_opts *o, struct tr_tcap *cap,
			   struct tr_outfile *svg, struct tr_outfile *pcap, struct tr_outfile *story,
			   struct tr_outfile *pcapng)
{
	struct tr_socks s;
	FILE *out = stdout;
	int rc = -1;

	if (tr_socks_build(&s, t) < 0 || take_packets(t, &s, cap) < 0 || tr_attrib_run(t, &s) < 0 ||
	    tr_tcpstate_run(t, &s) < 0 || tr_story_build(t) < 0) {
		log_error("out of memory while building the story");
		goto out;
	}
	size_t shown = tr_callset_apply(&o->calls, t);
	if (story->path && !(out = tr_outfile_begin(story)))
		goto out;
	bool ok = true;
	if (t->ncalls == 0) {
		/* no socket, so no packet of one either: nothing to draw */
	} else if (o->json) {
		ok = trace_render_json(t, out) == 0;
	} else if (o->answers) {
		ok = trace_render_answers(t, out) == 0;
	} else if (!o->quiet) {
		int fd = fileno(out);
		struct render_opts ro = {
			.utf8 = o->utf8,
			.color = color_use(o->color, fd),
			.width = o->width >= 0 ? (unsigned)o->width : term_columns(fd),
			.shown_calls = shown,
			.filtered = o->calls.given,
		};
		ok = trace_render_text(t, &ro, out) == 0;
	}
	if (story->path) {
		ok = ok && fflush(out) == 0;
		if (!ok)
			log_error_errno(errno, "cannot write '%s' (--output)", story->path);
		if (tr_outfile_finish(story, out, ok) < 0)
			goto out;
	} else if (!ok || fflush(stdout) != 0) {
		log_error_errno(errno, "cannot write the story");
		goto out;
	}
	if (svg->path) {
		FILE *f = tr_outfile_begin(svg);
		if (!f)
			goto out;
		ok = trace_render_svg(t, f) == 0 && fflush(f) == 0;
		if (!ok)
			log_error_errno(errno, "cannot write '%s' (--svg)", svg->path);
		if (tr_outfile_finish(svg, f, ok) < 0)
			goto out;
	}
	if (pcapng->path) {
		FILE *f = tr_outfile_begin(pcapng);
		if (!f)
			goto out;
		ok = tr_pcapng_write(t, f) == 0;
		if (!ok)
			log_error_errno(errno, "cannot write '%s' (--pcapng)", pcapng->path);
		if (tr_outfile_finish(pcapng, f, ok) < 0)
			goto out;
	}
	if (pcap->path) {
		FILE *f = tr_outfile_begin(pcap);
		/* tr_tcap_write_pcap closes f */
		if (!f || tr_outfile_finish(pcap, NULL, tr_tcap_write_pcap(t, f, pcap->path) == 0) < 0)
			goto out;
	}
	rc = 0;
out:
	tr_socks_free(&s);
	return rc;
}

/* The run: check the programs, open the outputs, capture while the
 * programs run, then read the call log and tell the story. */
static int trace_run(void *cfg)
{
	const struct trace_opts *o = cfg;
	char lib[PATH_MAX], dir[PATH_MAX] = "", logpath[PATH_MAX + 16] = "";
	const char *tmp = getenv("TMPDIR");
	struct tr_tcap cap;
	struct tr_run_result res;
	struct trace t = { 0 };
	/* the output files, opened before anything runs */
	struct tr_outfile out[5] = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 }, { .fd = -1 },
				     { .fd = -1 } };
	struct tr_outfile *svg = &out[0], *pcap = &out[1], *keep = &out[2], *story = &out[3];
	struct tr_outfile *pcapng = &out[4];
	int rc = 1;

	if (tr_spawn_find_lib(lib, sizeof lib) < 0) {
		log_error("cannot find %s next to the socklab binary or in ../lib/socklab/ from it "
			  "(build or install it with the project, or set SOCKLAB_TRACE_LIB to its path)",
			  TRACE_LIB_NAME);
		return 1;
	}
	if (check_program(o->argv[0], true) < 0)
		return 1;
	if (o->server) {
		char word[PATH_MAX];
		first_word(o->server, word, sizeof word);
		if (word[0] && check_program(word, false) < 0)
			return 1;
	}
	if (tr_outfile_open(svg, "--svg", o->svg) < 0 || tr_outfile_open(pcap, "--pcap", o->pcap) < 0 ||
	    tr_outfile_open(keep, "--log", o->log) < 0 ||
	    tr_outfile_open(story, "--output", o->output) < 0 ||
	    tr_outfile_open(pcapng, "--pcapng", o->pcapng) < 0 || tr_tcap_open(&cap, o->iface) < 0) {
		for (size_t i = 0; i < 5; i++)
			tr_outfile_abandon(&out[i]);
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

	if (tr_run_programs(o, lib, logpath, &cap, &res) < 0)
		goto out;
	if (res.server_died)
		log_error("the server '%s' ended before it waited for the network", o->server);
	if (res.server_not_ready)
		log_error("warning: the server did not wait in accept/recv/poll within the "
			  "--server-wait time; the program was started anyway");
	if (res.timed_out)
		log_error("warning: '%s' ran longer than --timeout and was stopped", o->argv[0]);
	tr_tcap_warn(&cap);

	if (read_log(logpath, &t, keep) < 0 || tr_kobs_take(cap.kobs, &t) < 0)
		goto out;
	if (o->server)
		mark_server(&t, res.server);
	warn_unrecorded(&t, &res, o);
	if (build_and_print(&t, o, &cap, svg, pcap, story, pcapng) < 0)
		goto out;
	/* every file asked for was written, or trace failed */
	rc = res.server_died || (keep->path && !keep->done) ? 1 : exit_status(&res);
out:
	for (size_t i = 0; i < 5; i++)
		tr_outfile_abandon(&out[i]);
	trace_free(&t);
	tr_tcap_close(&cap);
	if (logpath[0])
		unlink(logpath);
	if (dir[0])
		rmdir(dir);
	return rc;
}

static enum tool_args trace_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return trace_parse_args(argc, argv, cfg, err, errlen);
}

const struct tool trace_tool = {
	TOOL_FIELDS("trace", "runs programs and ties each packet to the socket call behind it",
		    trace_usage_text, struct trace_opts, trace_parse, trace_run),
};
