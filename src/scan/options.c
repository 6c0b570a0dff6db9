/* getopt_long for socklab scan, nmap's spellings where nmap has one. */
#include "scan/options.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/color.h"
#include "core/opt.h"
#include "core/tool.h"
#include "scan/topports.h"

const char scan_usage_text[] =
	"Usage: socklab scan [options] HOST...\n"
	"\n"
	"Finds the open TCP and UDP ports of each HOST: a TCP connect scan by default,\n"
	"a UDP scan with -u. A HOST is a name, an IPv4 or IPv6 address, a CIDR block\n"
	"(10.0.0.0/24, fd00::/120) or octet ranges (10.0.0.1-20, 10.0.1-3.*).\n"
	"nmap's spellings work too: -sT -sU -sV -sL -T4 -F -Pn -n -oX -oN -oG -oA.\n"
	"\n"
	"  -p, --ports SPEC        ports: 7,9,13-19, -1024, 60000-, names from\n"
	"                          /etc/services (echo, daytime-chargen), - or -p- for\n"
	"                          all 65535 (default: the 1000 most common ports)\n"
	"      --top-ports N       the N most common ports (nmap's ranking, N <= 1000)\n"
	"  -F                      fast: the 100 most common ports (--top-ports 100)\n"
	"  -t, -sT, --tcp          TCP connect scan (the default; with -u: both)\n"
	"  -u, -sU, --udp          UDP scan\n"
	"  -4, --ipv4              resolve names to IPv4 addresses only\n"
	"  -6, --ipv6              resolve names to IPv6 addresses only\n"
	"  -b, -sV, --banners      grab what each open port sends first or in reply\n"
	"  -v, --verbose           list every port, closed ones too\n"
	"      --open              list only open (and open|filtered) ports\n"
	"      --color[=WHEN]      colour the states: auto (a terminal, unless NO_COLOR\n"
	"                          is set), always, never\n"
	"  -sL                     list the targets (ranges expanded, --exclude applied)\n"
	"                          and send nothing\n"
	"  -iL FILE                read more targets from FILE (words, # comments; - : stdin)\n"
	"      --exclude LIST      leave out these targets (comma-separated, ranges too)\n"
	"      --excludefile FILE  leave out the targets listed in FILE\n"
	"  -Pn, -n, -r            accepted: socklab never does host discovery or reverse\n"
	"                          DNS, and scans ports in order\n"
	"      --json              JSON Lines: one object per port, then a summary\n"
	"  -oX FILE                also write nmap's XML (nmap.dtd; ndiff reads it)\n"
	"  -oN FILE                also write nmap's normal output (the table)\n"
	"  -oG FILE, --grepable FILE\n"
	"                          also write nmap's grepable lines\n"
	"  -oA BASE                all three: BASE.xml, BASE.nmap, BASE.gnmap\n"
	"                          (FILE - : standard output, then only that format)\n"
	"\n"
	"Timing (adaptive by default):\n"
	"  -T0 ... -T5             nmap's templates (paranoid, sneaky, polite, normal,\n"
	"                          aggressive, insane) as the options below\n"
	"      --retries N, --max-retries N\n"
	"                          probes after the first for a silent port (default:\n"
	"                          TCP 1, UDP 2; raised when a retry is answered, to 10)\n"
	"      --max-rtt-timeout SECS  the longest wait for one answer (default 3)\n"
	"      --banner-timeout SECS   how long -b waits for a banner (default 1)\n"
	"      --max-parallel N    TCP connects in flight at most (default: from 256,\n"
	"                          growing while nothing times out, to the file limit)\n"
	"      --max-rate N        UDP probes per second at most (default: as fast as\n"
	"                          answers come; slower when the target rate-limits ICMP)\n"
	"      --scan-delay SECS   TCP: wait SECS between two connects\n"
	"      --host-timeout SECS give up on a host after SECS (default: never); ports\n"
	"                          not decided by then are reported as not scanned, or\n"
	"                          (UDP, behind an ICMP rate limit) as uncertain\n"
	"  -h, --help              show this help\n"
	"  -V, --version           show the version\n"
	"\n"
	"States: open (TCP: handshake completed; UDP: a reply came), closed (TCP: RST;\n"
	"UDP: ICMP port unreachable), filtered (no answer, or ICMP unreachable of\n"
	"another kind), open|filtered (UDP: no answer; an open UDP port that does not\n"
	"reply looks the same as a filtered one).\n"
	"\n"
	"With -oG -, -oX - or -oN -, standard output holds only that format (no table).\n"
	"Ctrl-C (SIGINT) or SIGTERM stops the scan: what was found so far is printed,\n"
	"marked interrupted (table, --json and -oG alike); a second Ctrl-C quits at once.\n"
	"\n"
	"Exit status: 0 the scan ran (whatever it found); 1 a target could not be\n"
	"resolved or reached; 2 usage; 130 interrupted by SIGINT (143: SIGTERM).\n";

enum {
	OPT_JSON = 256,
	OPT_RETRIES,
	OPT_MAX_RTT,
	OPT_BANNER_TIMEOUT,
	OPT_MAX_PARALLEL,
	OPT_MAX_RATE,
	OPT_GREPABLE,
	OPT_HOST_TIMEOUT,
	OPT_TOP_PORTS,
	OPT_OPEN,
	OPT_EXCLUDE,
	OPT_EXCLUDE_FILE,
	OPT_SCAN_DELAY,
	OPT_REASON,
	OPT_COLOR,
	OPT_FOREIGN, /* nmap's long options socklab answers: OPT_FOREIGN + index */
};

/* nmap's long options that socklab cannot follow, answered in
 * options_nmap.c; those that take a value take it here too. */
#define FOREIGN_LONG(name, i, has) { (name), (has), NULL, OPT_FOREIGN + (i) }
#define FOREIGN_N 11

static const struct option scan_long_options[] = {
	OPT_VALUE("ports", 'p'),
	OPT_FLAG("tcp", 't'),
	OPT_FLAG("udp", 'u'),
	OPT_FLAG("ipv4", '4'),
	OPT_FLAG("ipv6", '6'),
	OPT_FLAG("banners", 'b'),
	OPT_FLAG("verbose", 'v'),
	OPT_FLAG("json", OPT_JSON),
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	OPT_VALUE("grepable", OPT_GREPABLE),
	OPT_VALUE("retries", OPT_RETRIES),
	OPT_VALUE("max-rtt-timeout", OPT_MAX_RTT),
	OPT_VALUE("banner-timeout", OPT_BANNER_TIMEOUT),
	OPT_VALUE("max-parallel", OPT_MAX_PARALLEL),
	OPT_VALUE("max-rate", OPT_MAX_RATE),
	OPT_VALUE("host-timeout", OPT_HOST_TIMEOUT),
	OPT_VALUE("max-retries", OPT_RETRIES),
	OPT_VALUE("top-ports", OPT_TOP_PORTS),
	OPT_FLAG("open", OPT_OPEN),
	OPT_VALUE("exclude", OPT_EXCLUDE),
	OPT_VALUE("excludefile", OPT_EXCLUDE_FILE),
	OPT_VALUE("scan-delay", OPT_SCAN_DELAY),
	OPT_FLAG("reason", OPT_REASON),
	FOREIGN_LONG("script", 0, required_argument),
	FOREIGN_LONG("traceroute", 1, no_argument),
	FOREIGN_LONG("osscan-guess", 2, no_argument),
	FOREIGN_LONG("min-rate", 3, required_argument),
	FOREIGN_LONG("min-parallelism", 4, required_argument),
	FOREIGN_LONG("max-parallelism", 5, required_argument),
	FOREIGN_LONG("min-rtt-timeout", 6, required_argument),
	FOREIGN_LONG("initial-rtt-timeout", 7, required_argument),
	FOREIGN_LONG("data-length", 8, required_argument),
	FOREIGN_LONG("spoof-mac", 9, required_argument),
	FOREIGN_LONG("source-port", 10, required_argument),
	TOOL_LONG_OPTIONS_END,
};

void scan_config_defaults(struct scan_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	cfg->retries = -1;
	cfg->max_rtt_ms = SCAN_RTO_MAX_MS;
	cfg->banner_ms = SCAN_BANNER_TIMEOUT_MS;
	cfg->timing = -1;
}

void scan_config_free(struct scan_config *cfg)
{
	free(cfg->all_base);
	cfg->all_base = NULL;
}

unsigned scan_config_retries(const struct scan_config *cfg, int proto)
{
	if (cfg->retries >= 0)
		return (unsigned)cfg->retries;
	return proto == IPPROTO_UDP ? SCAN_UDP_RETRIES : SCAN_TCP_RETRIES;
}

static bool is_stdout(const char *file)
{
	return file && strcmp(file, "-") == 0;
}

static enum tool_args scan_check(struct scan_config *cfg, char *err, size_t errlen)
{
	int on_stdout = is_stdout(cfg->grepable) + is_stdout(cfg->xml) + is_stdout(cfg->normal);

	if (cfg->ntargets == 0 && !cfg->input_list)
		snprintf(err, errlen, "missing HOST (or -iL FILE)");
	else if (on_stdout > 1)
		snprintf(err, errlen, "only one of -oX -, -oN -, -oG - can use standard output");
	else if (cfg->json && on_stdout)
		snprintf(err, errlen, "cannot use --json with -o%c - (both on standard output)",
			 is_stdout(cfg->grepable) ? 'G' : is_stdout(cfg->xml) ? 'X' : 'N');
	else if (cfg->ports && cfg->top_ports)
		snprintf(err, errlen, "-p and --top-ports (or -F) both name the ports: one of them");
	else if (cfg->list_only && (cfg->grepable || cfg->xml || cfg->normal || cfg->json))
		snprintf(err, errlen, "-sL lists the targets on standard output; it writes no "
			 "--json, -oX, -oN or -oG");
	else
		return TOOL_ARGS_OK;
	return TOOL_ARGS_USAGE;
}

/* -oX, -oN, -oG, -oA: getopt sees -o with the format as its value; the
 * FILE is the next word. */
static enum tool_args scan_opt_output(const char *fmt, int argc, char **argv,
				      struct scan_config *cfg, char *err, size_t errlen)
{
	if (strlen(fmt) != 1 || !strchr("XNGA", fmt[0])) {
		if (strcmp(fmt, "S") == 0)
			snprintf(err, errlen, "-oS (script kiddie) is not an output socklab writes: "
				 "-oN, -oX, -oG or -oA");
		else
			snprintf(err, errlen, "unknown output format -o%.20s (there are -oX, -oN, "
				 "-oG and -oA)", fmt);
		return TOOL_ARGS_USAGE;
	}
	if (optind >= argc) {
		snprintf(err, errlen, "option -o%s needs a %s", fmt, fmt[0] == 'A' ? "BASE" : "FILE");
		return TOOL_ARGS_USAGE;
	}
	const char *file = argv[optind++];
	switch (fmt[0]) {
	case 'X': cfg->xml = file; break;
	case 'N': cfg->normal = file; break;
	case 'G': cfg->grepable = file; break;
	default:
		if (is_stdout(file)) {
			snprintf(err, errlen, "-oA - would put three formats on standard output: "
				 "-oX -, -oN - or -oG -");
			return TOOL_ARGS_USAGE;
		}
		/* BASE.xml, BASE.nmap, BASE.gnmap in one allocation. */
		size_t n = strlen(file) + 8;
		free(cfg->all_base);
		cfg->all_base = malloc(3 * n);
		if (!cfg->all_base) {
			snprintf(err, errlen, "out of memory");
			return TOOL_ARGS_USAGE;
		}
		snprintf(cfg->all_base, n, "%s.xml", file);
		snprintf(cfg->all_base + n, n, "%s.nmap", file);
		snprintf(cfg->all_base + 2 * n, n, "%s.gnmap", file);
		cfg->xml = cfg->all_base;
		cfg->normal = cfg->all_base + n;
		cfg->grepable = cfg->all_base + 2 * n;
	}
	return TOOL_ARGS_OK;
}

/* The options that take SECS: the range, and where the milliseconds go. */
#define SCAN_FIELD(f) offsetof(struct scan_config, f)
static const struct opt_num scan_secs_opts[] = {
	{ OPT_MAX_RTT, "--max-rtt-timeout", OPT_NUM_SECONDS, SCAN_RTO_MIN_MS, SCAN_RTO_LIMIT_S,
	  SCAN_FIELD(max_rtt_ms) },
	{ OPT_BANNER_TIMEOUT, "--banner-timeout", OPT_NUM_SECONDS, 10, SCAN_RTO_LIMIT_S,
	  SCAN_FIELD(banner_ms) },
	{ OPT_HOST_TIMEOUT, "--host-timeout", OPT_NUM_SECONDS, 10, SCAN_HOST_TIMEOUT_MAX_S,
	  SCAN_FIELD(host_timeout_ms) },
	{ OPT_SCAN_DELAY, "--scan-delay", OPT_NUM_SECONDS, 0, SCAN_DELAY_MAX_S,
	  SCAN_FIELD(scan_delay_ms) },
};

enum tool_args scan_parse_args(int argc, char **argv, struct scan_config *cfg, char *err,
			       size_t errlen)
{
	const char *why;
	uint64_t v;
	int c;

	OPT_EACH(c, argc, argv, ":p:tu46bvo:hs:T:P:i:nrFAORVfS:D:g:", scan_long_options) {
		enum tool_args rc = TOOL_ARGS_OK;
		char flag[4] = "-?";
		switch (c) {
		case 'p':
			if (cfg->ports) {
				snprintf(err, errlen, "-p given twice (one list: -p 7,9,13-19)");
				return TOOL_ARGS_USAGE;
			}
			cfg->ports = optarg;
			break;
		case 't': cfg->tcp = true; break;
		case 'u': cfg->udp = true; break;
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case 'b': cfg->banners = true; break;
		case 'v': cfg->verbose = true; break;
		case OPT_JSON: cfg->json = true; break;
		case OPT_COLOR:
			if (color_parse(optarg, &cfg->color) < 0)
				return tool_bad_value(err, errlen, "--color", optarg,
						      "not auto, always or never");
			break;
		case 'o': rc = scan_opt_output(optarg, argc, argv, cfg, err, errlen); break;
		case 's': rc = scan_opt_scantype(optarg, cfg, err, errlen); break;
		case 'T': rc = scan_opt_timing(optarg, cfg, err, errlen); break;
		case 'P': rc = scan_opt_ping(optarg, err, errlen); break;
		case 'i':
			if (strcmp(optarg, "L") != 0) {
				rc = scan_opt_foreign(optarg[0] == 'R' ? "-iR" : "-i?", err, errlen);
			} else if (optind >= argc) {
				snprintf(err, errlen, "option -iL needs a FILE");
				rc = TOOL_ARGS_USAGE;
			} else {
				cfg->input_list = argv[optind++];
			}
			break;
		case 'n': /* socklab never looks names up from addresses */
		case 'r': /* ports are scanned in order anyway */
		case OPT_REASON: /* reasons are always shown */
			break;
		case 'F': cfg->top_ports = 100; break;
		case OPT_TOP_PORTS:
			if (opt_parse_u64(optarg, 1, SCAN_TOPPORTS_N, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--top-ports", optarg,
						      strcmp(why, "too large") == 0 ?
						      "socklab knows nmap's 1000 most common ports; -p - "
						      "scans all" : why);
			cfg->top_ports = (unsigned)v;
			break;
		case OPT_OPEN: cfg->open_only = true; break;
		case OPT_EXCLUDE: cfg->exclude = optarg; break;
		case OPT_EXCLUDE_FILE: cfg->exclude_file = optarg; break;
		case 'V': return TOOL_ARGS_VERSION;
		case 'A': case 'O': case 'R': case 'f': case 'S': case 'D': case 'g':
			flag[1] = (char)c;
			rc = scan_opt_foreign(flag, err, errlen);
			break;
		case OPT_GREPABLE: cfg->grepable = optarg; break;
		case OPT_RETRIES:
			if (opt_parse_u64(optarg, 0, SCAN_RETRIES_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--retries", optarg, why);
			cfg->retries = (int)v;
			cfg->given |= SCAN_GIVEN_RETRIES;
			break;
		case OPT_MAX_RTT:
		case OPT_BANNER_TIMEOUT:
		case OPT_HOST_TIMEOUT:
		case OPT_SCAN_DELAY:
			if (opt_num_parse(scan_secs_opts, OPT_NELEM(scan_secs_opts), c, optarg, cfg, err,
					  errlen) < 0)
				return TOOL_ARGS_USAGE;
			cfg->given |= c == OPT_MAX_RTT ? SCAN_GIVEN_RTT : c == OPT_HOST_TIMEOUT ?
				SCAN_GIVEN_HOST_TIMEOUT : c == OPT_SCAN_DELAY ? SCAN_GIVEN_DELAY : 0;
			break;
		case OPT_MAX_PARALLEL:
			if (opt_parse_u64(optarg, 1, SCAN_TCP_WINDOW_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--max-parallel", optarg, why);
			cfg->parallel = v;
			cfg->given |= SCAN_GIVEN_PARALLEL;
			break;
		case OPT_MAX_RATE:
			if (opt_parse_u64(optarg, SCAN_UDP_RATE_MIN, SCAN_UDP_RATE_MAX, &v, &why) < 0)
				return tool_bad_value(err, errlen, "--max-rate", optarg, why);
			cfg->rate = v;
			cfg->given |= SCAN_GIVEN_RATE;
			break;
		case 'h': return TOOL_ARGS_HELP;
		case TOOL_OPT_VERSION: return TOOL_ARGS_VERSION;
		default:
			for (const struct option *o = scan_long_options;
			     c >= OPT_FOREIGN && c < OPT_FOREIGN + FOREIGN_N && o->name; o++)
				if (o->val == c) {
					char name[40];
					snprintf(name, sizeof(name), "--%s", o->name);
					return scan_opt_foreign(name, err, errlen);
				}
			if (c == ':' && optopt == 'o')
				snprintf(err, errlen, "option -o needs a format and a FILE: -oX FILE, "
					 "-oN FILE, -oG FILE, -oA BASE");
			else
				opt_getopt_error(c, argv, optind, optopt, scan_long_options, err, errlen);
			return TOOL_ARGS_USAGE;
		}
		if (rc != TOOL_ARGS_OK)
			return rc;
	}
	for (int i = optind; i < argc; i++) {
		if (cfg->ntargets == SCAN_TARGETS_MAX) {
			snprintf(err, errlen, "more than %d HOST arguments (-iL FILE takes more)",
				 SCAN_TARGETS_MAX);
			return TOOL_ARGS_USAGE;
		}
		if (argv[i][0] == '\0' || strlen(argv[i]) > SCAN_HOST_MAX) {
			snprintf(err, errlen, "'%.40s' is not a host name or address", argv[i]);
			return TOOL_ARGS_USAGE;
		}
		cfg->targets[cfg->ntargets++] = argv[i];
	}
	if (!cfg->udp)
		cfg->tcp = true;
	scan_timing_apply(cfg);
	return scan_check(cfg, err, errlen);
}
