/* socklab sockets's options: getopt_long, then one block of conflict checks. */
#include "sockets/options.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "core/opt.h"
#include "core/tool.h"
#include "sockets/diag.h"

const char sockets_usage_text[] =
	"Usage: socklab sockets [options] [FILTER]\n"
	"\n"
	"Lists the open TCP and UDP sockets, IPv4 and IPv6 (and with -x Unix\n"
	"sockets), with the processes that hold them, like ss -tuanp; read from\n"
	"the kernel over netlink sock_diag.\n"
	"\n"
	"  -t, --tcp          TCP sockets (none of -t -u -x: TCP and UDP)\n"
	"  -u, --udp          UDP sockets\n"
	"  -x, --unix         Unix sockets\n"
	"  -4, --ipv4         IPv4 sockets (with -6: both, the default)\n"
	"  -6, --ipv6         IPv6 sockets\n"
	"  -f, --family FAM   inet (-4), inet6 (-6) or unix (-x)\n"
	"  -A, --query LIST   all, inet, tcp, udp, unix, comma-separated\n"
	"  -l, --listening    listening TCP and unconnected UDP sockets only\n"
	"  -a, --all          sockets in every state (the default)\n"
	"      --port N       sockets whose local or peer port is N (or a service\n"
	"                     name: --port http)\n"
	"      --pid N        sockets that process N holds\n"
	"  -s, --summary      socket counts, as ss -s (with -t, -u, -x or a filter:\n"
	"                     then the list)\n"
	"  -o, --options      timers: timer:(keepalive,1min58sec,0)\n"
	"  -e, --extended     uid, inode, cookie (sk:) and shutdown (<->)\n"
	"  -m, --memory       socket memory: skmem:(r0,rb131072,...)\n"
	"  -i, --info         TCP_INFO: cwnd, ssthresh, rtt/rttvar, retransmits,\n"
	"                     delivery and pacing rates, as ss -i\n"
	"  -H, --no-header    no header line\n"
	"  -O, --oneline      -m and -i on the socket's line\n"
	"  -n, --numeric      numeric addresses and ports (always; for ss habits)\n"
	"  -p, --processes    show processes (always; for ss habits)\n"
	"      --json         one JSON object per socket and line\n"
	"      --watch SECS   redraw every SECS seconds, marking sockets that\n"
	"                     appeared (+) or went (-) since the previous draw\n"
	"      --count N      with --watch: stop after N draws\n"
	"  -h, --help         show this help\n"
	"      --version      show the version\n"
	"\n"
	"FILTER, as ss takes it: [state STATE | exclude STATE]... [EXPRESSION].\n"
	"STATE: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2,\n"
	"time-wait, closed, close-wait, last-ack, listening, closing, or a group:\n"
	"all, connected, synchronized, bucket, big. EXPRESSION: sport, dport\n"
	"(= != < <= > >=, or eq ne lt le gt ge) :PORT; src, dst (= or !=) an\n"
	"address (10.0.0.0/8, 127.0.0.1:8080, [::1]:80, :80, a Unix path\n"
	"pattern); joined by and, or, not, parentheses:\n"
	"  socklab sockets -t state established '( dport = :443 or sport = :80 )'\n"
	"\n"
	"Recv-Q and Send-Q are ss's: bytes not yet read and not yet acknowledged,\n"
	"and for a listening TCP socket the connections waiting for accept() and\n"
	"the backlog. Without root, the processes of other users' sockets stay\n"
	"blank; root sees them all.\n"
	"\n"
	"Exit status: 0 success; 1 the kernel could not be asked; 2 usage.\n";

enum {
	OPT_PORT = 256,
	OPT_PID,
	OPT_JSON,
	OPT_WATCH,
	OPT_COUNT,
	OPT_VSOCK,
	OPT_TIPC,
	OPT_XDP,
	OPT_CGROUP,
};

static const struct option sockets_long_options[] = {
	OPT_FLAG("tcp", 't'),
	OPT_FLAG("udp", 'u'),
	OPT_FLAG("unix", 'x'),
	OPT_FLAG("ipv4", '4'),
	OPT_FLAG("ipv6", '6'),
	OPT_VALUE("family", 'f'),
	OPT_VALUE("query", 'A'),
	OPT_VALUE("socket", 'A'),
	OPT_FLAG("listening", 'l'),
	OPT_FLAG("all", 'a'),
	OPT_FLAG("numeric", 'n'),
	OPT_FLAG("processes", 'p'),
	OPT_FLAG("summary", 's'),
	OPT_FLAG("options", 'o'),
	OPT_FLAG("extended", 'e'),
	OPT_FLAG("memory", 'm'),
	OPT_FLAG("info", 'i'),
	OPT_FLAG("no-header", 'H'),
	OPT_FLAG("oneline", 'O'),
	OPT_VALUE("port", OPT_PORT),
	OPT_VALUE("pid", OPT_PID),
	OPT_FLAG("json", OPT_JSON),
	OPT_VALUE("watch", OPT_WATCH),
	OPT_VALUE("count", OPT_COUNT),
	/* ss's options that socklab does not have: each answers with its
	 * nearest spelling (sockets_foreign). */
	OPT_FLAG("resolve", 'r'),
	OPT_FLAG("raw", 'w'),
	OPT_FLAG("dccp", 'd'),
	OPT_FLAG("sctp", 'S'),
	OPT_FLAG("mptcp", 'M'),
	OPT_FLAG("packet", '0'),
	OPT_FLAG("vsock", OPT_VSOCK),
	OPT_FLAG("tipc", OPT_TIPC),
	OPT_FLAG("xdp", OPT_XDP),
	OPT_FLAG("kill", 'K'),
	OPT_FLAG("events", 'E'),
	OPT_FLAG("context", 'Z'),
	OPT_FLAG("contexts", 'z'),
	OPT_FLAG("bpf", 'b'),
	OPT_FLAG("net", 'N'),
	OPT_FLAG("filter", 'F'),
	OPT_FLAG("diag", 'D'),
	OPT_FLAG("threads", 'T'),
	OPT_FLAG("cgroup", OPT_CGROUP),
	TOOL_LONG_OPTIONS_END,
};

static const struct {
	int code;
	const char *name; /* as ss spells it */
	const char *msg;
} sockets_foreign_opts[] = {
	{ 'r', "-r", "resolves names; socklab sockets prints numeric addresses (-n)" },
	{ 'w', "-w", "lists raw sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x" },
	{ 'd', "-d", "lists DCCP sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x" },
	{ 'S', "-S", "lists SCTP sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x" },
	{ 'M', "-M", "lists MPTCP sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x" },
	{ '0', "-0", "lists packet sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x" },
	{ OPT_VSOCK, "--vsock", "lists vsock sockets; socklab sockets lists TCP, UDP and Unix: "
				"-t, -u, -x" },
	{ OPT_TIPC, "--tipc", "lists TIPC sockets; socklab sockets lists TCP, UDP and Unix: "
			      "-t, -u, -x" },
	{ OPT_XDP, "--xdp", "lists XDP sockets; socklab sockets lists TCP, UDP and Unix: "
			    "-t, -u, -x" },
	{ 'K', "-K", "kills sockets; socklab sockets only lists them (-p shows who holds one)" },
	{ 'E', "-E", "waits for socket events; socklab sockets shows changes with --watch SECS" },
	{ 'Z', "-Z", "shows SELinux contexts; socklab sockets shows processes (-p)" },
	{ 'z', "-z", "shows SELinux contexts; socklab sockets shows processes (-p)" },
	{ 'b', "-b", "shows BPF filters; socklab sockets shows uid, inode, cookie with -e" },
	{ 'N', "-N", "switches network namespace; run 'ip netns exec NAME socklab sockets'" },
	{ 'F', "-F", "reads the filter from a file; give it as arguments: socklab sockets "
		     "state established 'dport = :443'" },
	{ 'D', "-D", "dumps raw sock_diag data; socklab sockets writes every field with --json" },
	{ 'T', "-T", "lists threads; socklab sockets shows processes (-p)" },
	{ OPT_CGROUP, "--cgroup", "shows cgroups; socklab sockets shows processes (-p)" },
	{ 'V', "-V", "is ss's version; use --version" },
};

/* ss's foreign option c: its one-line answer into err, or 0 when c is none. */
static int sockets_foreign(int c, char *err, size_t errlen)
{
	for (size_t i = 0; i < OPT_NELEM(sockets_foreign_opts); i++) {
		if (sockets_foreign_opts[i].code == c) {
			snprintf(err, errlen, "%s %s", sockets_foreign_opts[i].name,
				 sockets_foreign_opts[i].msg);
			return 1;
		}
	}
	return 0;
}

int sockets_service_port(const char *name, uint16_t *port)
{
	struct servent *se = getservbyname(name, "tcp");

	if (!se)
		se = getservbyname(name, "udp");
	endservent();
	if (!se)
		return -1;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* -f FAMILY, as ss names them. */
static int sockets_family(struct sockets_opts *o, const char *arg)
{
	if (strcmp(arg, "inet") == 0)
		o->ipv4 = true;
	else if (strcmp(arg, "inet6") == 0)
		o->ipv6 = true;
	else if (strcmp(arg, "unix") == 0)
		o->unix_ = true;
	else
		return -1;
	return 0;
}

/* -A QUERY: a comma-separated list of ss's socket tables. */
static int sockets_query(struct sockets_opts *o, const char *arg)
{
	char buf[128];
	char *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool all = strcmp(t, "all") == 0, inet = all || strcmp(t, "inet") == 0;
		if (!inet && strcmp(t, "tcp") != 0 && strcmp(t, "udp") != 0 &&
		    strcmp(t, "unix") != 0)
			return -1;
		o->tcp |= inet || strcmp(t, "tcp") == 0;
		o->udp |= inet || strcmp(t, "udp") == 0;
		o->unix_ |= all || strcmp(t, "unix") == 0;
	}
	return 0;
}

static enum tool_args sockets_check(struct sockets_opts *o, bool have_count, char *err,
				       size_t errlen)
{
	if (o->all && o->listening)
		snprintf(err, errlen, "cannot use -a with -l");
	else if (have_count && !o->watch_ms)
		snprintf(err, errlen, "cannot use --count without --watch");
	else if (o->listening && o->filter.have_states)
		snprintf(err, errlen, "cannot use -l with a state filter (-l is 'state listening "
			 "state closed')");
	else if (o->summary && o->watch_ms)
		snprintf(err, errlen, "cannot use -s with --watch");
	else
		return TOOL_ARGS_OK;
	return TOOL_ARGS_USAGE;
}

enum tool_args sockets_parse_args(int argc, char **argv, struct sockets_opts *o, char *err,
				     size_t errlen)
{
	bool have_count = false;
	const char *why;
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->filter.expr.root = -1;
	OPT_EACH(c, argc, argv, ":tux46f:A:lanphsoemiHOrwdSM0KEZzbNFDTV", sockets_long_options) {
		switch (c) {
		case 't': o->tcp = true; break;
		case 'u': o->udp = true; break;
		case 'x': o->unix_ = true; break;
		case '4': o->ipv4 = true; break;
		case '6': o->ipv6 = true; break;
		case 'f':
			if (sockets_family(o, optarg) < 0)
				return tool_bad_value(err, errlen, "-f", optarg,
						      "not a family (inet, inet6, unix)");
			break;
		case 'A':
			if (sockets_query(o, optarg) < 0)
				return tool_bad_value(err, errlen, "-A", optarg,
						      "not a list of all, inet, tcp, udp, unix");
			break;
		case 'l': o->listening = true; break;
		case 'a': o->all = true; break;
		case 'n': break; /* always numeric */
		case 'p': break; /* always with processes */
		case 's': o->summary = true; break;
		case 'o': o->timers = true; break;
		case 'e': o->extended = true; break;
		case 'm': o->memory = true; break;
		case 'i': o->info = true; break;
		case 'H': o->no_header = true; break;
		case 'O': o->oneline = true; break;
		case OPT_PORT:
			if (sockets_expr_parse_port(optarg, sockets_service_port, &o->port, &why) < 0)
				return tool_bad_value(err, errlen, "--port", optarg, why);
			o->have_port = true;
			break;
		case OPT_PID:
			if (opt_parse_u64(optarg, 1, SOCKETS_PID_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--pid", optarg, why);
			o->pid = (int32_t)v;
			o->have_pid = true;
			break;
		case OPT_JSON: o->json = true; break;
		case OPT_WATCH:
			if (opt_parse_seconds(optarg, SOCKETS_WATCH_MAX_S, &o->watch_ms, &why) < 0)
				return tool_bad_value(err, errlen, "--watch", optarg, why);
			if (o->watch_ms < SOCKETS_WATCH_MIN_MS)
				return tool_bad_value(err, errlen, "--watch", optarg,
						      "too small (at least 0.1)");
			break;
		case OPT_COUNT:
			if (opt_parse_u64(optarg, 1, SOCKETS_COUNT_MAX, &o->count, &why) < 0)
				return tool_bad_value(err, errlen, "--count", optarg, why);
			have_count = true;
			break;
		default:
			if (sockets_foreign(c, err, errlen))
				return TOOL_ARGS_USAGE;
			return opt_getopt_default(c, argv, sockets_long_options, err, errlen);
		}
	}
	if (optind < argc &&
	    sockets_filter_parse(argc - optind, argv + optind, sockets_service_port, &o->filter,
				 err, errlen) < 0)
		return TOOL_ARGS_USAGE;
	/* ss -s alone prints the counts only; a table or filter asks for the list. */
	o->list = !o->summary || o->tcp || o->udp || o->unix_ || optind < argc;
	if (!o->tcp && !o->udp && !o->unix_)
		o->tcp = o->udp = true;
	if (!o->ipv4 && !o->ipv6)
		o->ipv4 = o->ipv6 = true;
	return sockets_check(o, have_count, err, errlen);
}

uint32_t sockets_opts_states(const struct sockets_opts *o)
{
	if (o->filter.have_states)
		return o->filter.states;
	return o->listening ? SOCKETS_DIAG_STATES_LISTENING : SOCKETS_DIAG_STATES_ALL;
}
