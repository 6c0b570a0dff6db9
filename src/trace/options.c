/* trace's command line: options first, then the program to run. Parsing
 * stops at the program's name, so its own options stay its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/color.h"
#include "core/opt.h"
#include "trace/callset.h"
#include "trace/trace.h"

const char trace_usage_text[] =
	"Usage: socklab trace [options] [--server 'CMD ...'] -- CMD [ARG...]\n"
	"       socklab trace [options] -p PID\n"
	"\n"
	"Runs CMD (after starting the server CMD, if given, and waiting until it\n"
	"waits for the network), records every socket call both make and every\n"
	"packet of their sockets, and tells which call sent each packet and which\n"
	"packet completed each blocking call, with the TCP states of both ends.\n"
	"\n"
	"  --server CMD         start CMD with /bin/sh -c first; stopped (SIGTERM)\n"
	"                       when the program is done\n"
	"  -p, --pid PID        attach to the running process PID (and its threads and\n"
	"                       children) instead of starting one; trace until it\n"
	"                       ends, ^C or --timeout (eBPF backend only)\n"
	"      --backend WHICH  how calls are recorded: preload (LD_PRELOAD; names\n"
	"                       the source lines), ebpf (kernel tracepoints: also\n"
	"                       static, Go and setuid programs; root or\n"
	"                       CAP_BPF+CAP_PERFMON), auto (the default, or\n"
	"                       $SOCKLAB_TRACE_BACKEND: the preload where it sees\n"
	"                       the programs, else ebpf, and one line says so)\n"
	"  -i, --interface IF   capture on IF (default lo)\n"
	"      --json           JSON Lines on stdout instead of the ladder: calls,\n"
	"                       packets and state changes (the programs' stdout goes\n"
	"                       to stderr)\n"
	"      --answers        instead of the ladder, seed 000 §4.1's two lists: each\n"
	"                       packet (as Wireshark lists it) and the script line that\n"
	"                       sent it; each blocking call and the packet that ended it\n"
	"      --svg FILE       also draw the ladder as an SVG sequence diagram\n"
	"      --pcap FILE      keep the trace's packets as a pcap file\n"
	"      --pcapng FILE    the same as pcapng, each packet commented with what sent\n"
	"                       it (tshark -T fields -e frame.comment, Wireshark)\n"
	"      --log FILE       keep the raw call log (record lines of either backend)\n"
	"      --timeout SEC    stop the program after SEC seconds (default 60)\n"
	"      --server-wait SEC  start the program anyway after SEC (default 10)\n"
	"      --linger SEC     keep capturing SEC after the program ended (0.3)\n"
	"      --utf8           draw arrows with box-drawing characters\n"
	"  -q, --quiet          no ladder (with --svg or --pcap)\n"
	"  -o, --output FILE    the ladder (or --json) into FILE; the programs keep\n"
	"                       stdout\n"
	"  -e, --trace SET      show only these calls, as strace -e trace=SET:\n"
	"                       names (connect,send), %network, %desc, all, none,\n"
	"                       /REGEX, '!' to negate; packets are always shown\n"
	"  -f                   accepted as in strace: children are always followed\n"
	"      --width N        fit the ladder into N columns (default: $COLUMNS or\n"
	"                       the terminal's width; 0: never wrap)\n"
	"      --color[=WHEN]   colour arrows and states: auto (a terminal, unless\n"
	"                       NO_COLOR is set), always, never\n"
	"  -h, --help           this help\n"
	"      --version        print the version\n"
	"\n"
	"Needs the privilege to capture (root, or CAP_NET_RAW and CAP_NET_ADMIN).\n"
	"With the preload backend the programs must be dynamically linked: calls\n"
	"are recorded by libsocklab-trace.so through LD_PRELOAD. Exit status: the\n"
	"program's (0 with -p).\n";

enum { OPT_SERVER = 256, OPT_JSON, OPT_SVG, OPT_PCAP, OPT_LOG, OPT_TIMEOUT,
       OPT_SERVER_WAIT, OPT_LINGER, OPT_UTF8, OPT_WIDTH, OPT_COLOR, OPT_PCAPNG, OPT_ANSWERS,
       OPT_BACKEND };

static const struct option trace_long_options[] = {
	OPT_VALUE("server", OPT_SERVER),
	OPT_VALUE("pid", 'p'),
	OPT_VALUE("backend", OPT_BACKEND),
	OPT_VALUE("interface", 'i'),
	OPT_FLAG("json", OPT_JSON),
	OPT_FLAG("answers", OPT_ANSWERS),
	OPT_VALUE("svg", OPT_SVG),
	OPT_VALUE("pcap", OPT_PCAP),
	OPT_VALUE("pcapng", OPT_PCAPNG),
	OPT_VALUE("log", OPT_LOG),
	OPT_VALUE("timeout", OPT_TIMEOUT),
	OPT_VALUE("server-wait", OPT_SERVER_WAIT),
	OPT_VALUE("linger", OPT_LINGER),
	OPT_FLAG("utf8", OPT_UTF8),
	OPT_FLAG("quiet", 'q'),
	OPT_VALUE("output", 'o'),
	OPT_VALUE("trace", 'e'),
	OPT_VALUE("width", OPT_WIDTH),
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	TOOL_LONG_OPTIONS_END,
};

/* strace's flags that have no socklab spelling, answered instead of "unknown
 * option": what to use instead. */
static const struct opt_habit trace_strace_flags[] = {
	{ 'c', "there is no call count table: --json gives one object per call to count" },
	{ 'C', "there is no call count table: --json gives one object per call to count" },
	{ 't', "the ladder always shows times (ms since the first event); --json gives "
	       "times since the epoch" },
	{ 'r', "the ladder's times already are relative (ms since the first event)" },
	{ 'T', "a call that waited shows as two rows, '>' at entry and '<' at return, "
	       "with their times; --json has t_enter and t_exit" },
	{ 'y', "the ladder already names each socket by its addresses" },
	{ 's', "the ladder shows byte counts, not data; --pcap keeps every byte" },
	{ 'x', "the ladder shows byte counts, not data; --pcap keeps every byte" },
	{ 'u', "the program runs as the calling user" },
	{ 'k', "no stack traces: the ladder names the call and its socket" },
};

/* strace's -e: "trace=SET" or a bare SET (trace is its default
 * qualifier); its other qualifiers have no meaning here. */
static int trace_expr(struct trace_opts *o, const char *v, char *err, size_t errlen)
{
	const char *eq = strchr(v, '=');

	if (eq) {
		size_t k = (size_t)(eq - v);

		if ((k == 5 && strncmp(v, "trace", 5) == 0) || (k == 1 && v[0] == 't'))
			v = eq + 1;
		else if (strcspn(v, ",!%/") > k) {
			snprintf(err, errlen,
				 "-e %.*s: socklab trace filters calls only (-e trace=SET); it shows "
				 "no signals or data",
				 (int)k, v);
			return -1;
		}
	}
	return tr_callset_parse(&o->calls, v, err, errlen);
}

static int seconds(const char *opt, const char *v, uint64_t max, uint64_t *out, char *err,
		   size_t errlen)
{
	const char *why;

	if (opt_parse_seconds(v, max, out, &why) < 0) {
		tool_bad_value(err, errlen, opt, v, why);
		return -1;
	}
	return 0;
}

int trace_backend_parse(const char *s, enum tr_backend *b)
{
	if (strcmp(s, "preload") == 0)
		*b = TR_BACKEND_PRELOAD;
	else if (strcmp(s, "ebpf") == 0)
		*b = TR_BACKEND_EBPF;
	else if (strcmp(s, "auto") == 0)
		*b = TR_BACKEND_AUTO;
	else
		return -1;
	return 0;
}

/* -p with what it cannot go with: it starts nothing, and only the eBPF
 * backend can see into a process trace did not start. */
static enum tool_args attach_check(int argc, char **argv, struct trace_opts *o, char *err,
				   size_t errlen)
{
	if (optind < argc) {
		snprintf(err, errlen, "cannot use -p with a program to run: -p attaches to a running "
				      "process and starts none");
		return TOOL_ARGS_USAGE;
	}
	if (o->server) {
		snprintf(err, errlen, "cannot use -p with --server: -p attaches to a running process "
				      "and starts none");
		return TOOL_ARGS_USAGE;
	}
	if (o->backend == TR_BACKEND_PRELOAD && o->backend_given) {
		snprintf(err, errlen, "-p needs the eBPF backend (--backend ebpf or auto): the preload "
				      "library only gets into programs trace starts");
		return TOOL_ARGS_USAGE;
	}
	/* -p alone: the eBPF backend, or auto when the environment says so */
	if (!o->backend_given && o->backend != TR_BACKEND_AUTO)
		o->backend = TR_BACKEND_EBPF;
	return TOOL_ARGS_OK;
}

enum tool_args trace_parse_args(int argc, char **argv, struct trace_opts *o, char *err,
				 size_t errlen)
{
	int c;

	memset(o, 0, sizeof *o);
	o->iface = "lo";
	o->timeout_ms = 60000;
	o->server_wait_ms = 10000;
	o->linger_ms = 300;
	o->color = COLOR_AUTO;
	o->width = -1;
	OPT_EACH(c, argc, argv, "+:i:qho:e:fp:", trace_long_options) {
		switch (c) {
		case OPT_SERVER: o->server = optarg; break;
		case 'i': o->iface = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_ANSWERS: o->answers = true; break;
		case OPT_SVG: o->svg = optarg; break;
		case OPT_PCAP: o->pcap = optarg; break;
		case OPT_PCAPNG: o->pcapng = optarg; break;
		case OPT_LOG: o->log = optarg; break;
		case OPT_UTF8: o->utf8 = true; break;
		case 'q': o->quiet = true; break;
		case 'o': o->output = optarg; break;
		case 'f': break; /* strace's -f: children are always followed */
		case OPT_BACKEND:
			if (trace_backend_parse(optarg, &o->backend) < 0)
				return tool_bad_value(err, errlen, "--backend", optarg,
						      "not ebpf, preload or auto");
			o->backend_given = true;
			break;
		case 'p': {
			uint64_t pid;
			const char *why = NULL;

			if (opt_parse_u64(optarg, 1, 4194304, &pid, &why) < 0)
				return tool_bad_value(err, errlen, "-p", optarg, why);
			o->attach_pid = (int32_t)pid;
			break;
		}
		case 'e':
			if (trace_expr(o, optarg, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_WIDTH: {
			uint64_t w;
			const char *why = NULL;

			if (opt_parse_u64(optarg, 0, 10000, &w, &why) < 0)
				return tool_bad_value(err, errlen, "--width", optarg, why);
			o->width = (int)w;
			break;
		}
		case OPT_COLOR:
			if (color_parse(optarg, &o->color) < 0)
				return tool_bad_value(err, errlen, "--color", optarg,
						      "not auto, always or never");
			break;
		case OPT_TIMEOUT:
			if (seconds("--timeout", optarg, 86400, &o->timeout_ms, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_SERVER_WAIT:
			if (seconds("--server-wait", optarg, 3600, &o->server_wait_ms, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_LINGER:
			if (seconds("--linger", optarg, 60, &o->linger_ms, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		default:
			return opt_getopt_habits(c, argv, trace_long_options, trace_strace_flags,
						 OPT_NELEM(trace_strace_flags), "strace", err, errlen);
		}
	}
	if (!o->backend_given) {
		/* the default backend: the environment's word, else auto */
		const char *env = getenv(TRACE_ENV_BACKEND);

		o->backend = TR_BACKEND_AUTO;

		if (env && *env && trace_backend_parse(env, &o->backend) < 0) {
			snprintf(err, errlen, "%s=%s: not ebpf, preload or auto", TRACE_ENV_BACKEND, env);
			return TOOL_ARGS_USAGE;
		}
	}
	if (o->attach_pid > 0) {
		enum tool_args r = attach_check(argc, argv, o, err, errlen);

		if (r != TOOL_ARGS_OK)
			return r;
	} else if (optind >= argc) {
		snprintf(err, errlen, "no program to trace (socklab trace [options] -- CMD [ARG...])");
		return TOOL_ARGS_USAGE;
	}
	if (o->server && !*o->server) {
		snprintf(err, errlen, "--server needs a command");
		return TOOL_ARGS_USAGE;
	}
	if (o->answers && (o->json || o->quiet)) {
		snprintf(err, errlen, "cannot use --answers with %s", o->json ? "--json" : "--quiet");
		return TOOL_ARGS_USAGE;
	}
	if (o->json && o->quiet) {
		snprintf(err, errlen, "cannot use --json with --quiet");
		return TOOL_ARGS_USAGE;
	}
	/* two outputs in one file would overwrite each other */
	const char *paths[] = { o->svg, o->pcap, o->log, o->output, o->pcapng };
	static const char *const names[] = { "--svg", "--pcap", "--log", "--output", "--pcapng" };
	for (size_t i = 0; i < OPT_NELEM(paths); i++)
		for (size_t j = i + 1; j < OPT_NELEM(paths); j++)
			if (paths[i] && paths[j] && strcmp(paths[i], paths[j]) == 0) {
				snprintf(err, errlen, "cannot write %s and %s to the same file '%s'",
					 names[i], names[j], paths[i]);
				return TOOL_ARGS_USAGE;
			}
	if (o->timeout_ms == 0) {
		snprintf(err, errlen, "--timeout must be more than 0");
		return TOOL_ARGS_USAGE;
	}
	o->argv = o->attach_pid > 0 ? NULL : argv + optind;
	return TOOL_ARGS_OK;
}
