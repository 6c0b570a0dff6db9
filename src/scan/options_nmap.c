/* nmap's spellings that getopt sees as a letter and a value (-sT, -Pn,
 * -T4, -iL), and socklab's answer to each nmap habit it cannot follow: the
 * nearest thing socklab does, in one line. */
#include "scan/options.h"

#include <stdio.h>
#include <string.h>

/* nmap's templates (nmap(1), "Timing and performance") mapped onto
 * socklab's knobs: docs/scan.md has the table. */
const struct scan_timing scan_timings[6] = {
	{ "paranoid", 300000, 1, 1, 10000, -1, 0 },
	{ "sneaky", 15000, 1, 1, 10000, -1, 0 },
	{ "polite", 400, 1, 2, SCAN_RTO_MAX_MS, -1, 0 },
	{ "normal", 0, 0, 0, SCAN_RTO_MAX_MS, -1, 0 },
	{ "aggressive", 0, 0, 0, 1250, -1, 0 },
	{ "insane", 0, 0, 0, 300, -1, 900000 },
};

void scan_timing_apply(struct scan_config *cfg)
{
	if (cfg->timing < 0 || cfg->timing > 5)
		return;
	const struct scan_timing *t = &scan_timings[cfg->timing];
	if (!(cfg->given & SCAN_GIVEN_DELAY))
		cfg->scan_delay_ms = t->delay_ms;
	if (!(cfg->given & SCAN_GIVEN_PARALLEL))
		cfg->parallel = t->parallel;
	if (!(cfg->given & SCAN_GIVEN_RATE))
		cfg->rate = t->rate;
	if (!(cfg->given & SCAN_GIVEN_RTT))
		cfg->max_rtt_ms = t->max_rtt_ms;
	if (!(cfg->given & SCAN_GIVEN_RETRIES))
		cfg->retries = t->retries;
	if (!(cfg->given & SCAN_GIVEN_HOST_TIMEOUT))
		cfg->host_timeout_ms = t->host_timeout_ms;
}

enum tool_args scan_opt_timing(const char *arg, struct scan_config *cfg, char *err,
			       size_t errlen)
{
	for (int i = 0; i < 6; i++)
		if ((arg[0] == '0' + i && arg[1] == '\0') || strcmp(arg, scan_timings[i].name) == 0) {
			cfg->timing = i;
			return TOOL_ARGS_OK;
		}
	snprintf(err, errlen, "-T%.20s: the timing templates are -T0 to -T5 (paranoid, sneaky, "
		 "polite, normal, aggressive, insane)", arg);
	return TOOL_ARGS_USAGE;
}

struct scan_foreign {
	const char *flag;
	const char *answer;
};

/* The raw-packet scans: nmap crafts the packets, which needs root. */
#define RAW_SCAN "needs raw sockets; socklab scans with connect(): use -sT"

static const struct scan_foreign scan_foreign_flags[] = {
	{ "-sS", RAW_SCAN }, { "-sA", RAW_SCAN }, { "-sF", RAW_SCAN }, { "-sN", RAW_SCAN },
	{ "-sX", RAW_SCAN }, { "-sM", RAW_SCAN }, { "-sW", RAW_SCAN }, { "-sI", RAW_SCAN },
	{ "-sY", "(SCTP) needs raw sockets; socklab scans TCP (-sT) and UDP (-sU)" },
	{ "-sZ", "(SCTP) needs raw sockets; socklab scans TCP (-sT) and UDP (-sU)" },
	{ "-sO", "(IP protocol scan) needs raw sockets; socklab scans TCP (-sT) and UDP (-sU)" },
	{ "-sn", "(ping scan): socklab does no host discovery; list the targets with -sL, or "
		 "scan a few ports: -p 22,80,443" },
	{ "-sP", "(ping scan): socklab does no host discovery; list the targets with -sL, or "
		 "scan a few ports: -p 22,80,443" },
	{ "-sC", "(default scripts): socklab has no scripts; -sV grabs what each open port "
		 "sends (banners)" },
	{ "-sR", "(RPC scan): socklab has no RPC probes; -sV grabs banners" },
	{ "-A", "(OS detection, versions, scripts, traceroute): socklab has no OS detection, "
		"scripts or traceroute; -sV grabs banners" },
	{ "-O", "(OS detection) needs raw packets; socklab has none: -sV grabs banners, "
		"which often name the system" },
	{ "-R", ": socklab never looks up the names of addresses (nothing to force)" },
	{ "-iR", ": socklab never picks random targets; name them, or a range: "
		 "10.0.0.1-20, 10.0.0.0/24" },
	{ "--script", ": socklab has no scripts; -sV grabs banners" },
	{ "--traceroute", ": socklab has no traceroute in scan; socklab trace follows a "
			  "program's sockets" },
	{ "--osscan-guess", ": socklab has no OS detection" },
	{ "--min-rate", ": socklab sends as fast as answers come; it has --max-rate N (UDP)" },
	{ "--min-parallelism", ": socklab's TCP window grows on its own; it has "
			       "--max-parallel N" },
	{ "--max-parallelism", ": socklab's spelling is --max-parallel N" },
	{ "--min-rtt-timeout", ": socklab's floor is 0.1 s; it has --max-rtt-timeout SECS" },
	{ "--initial-rtt-timeout", ": socklab starts at 1 s and learns; it has "
				   "--max-rtt-timeout SECS" },
	{ "--data-length", ": socklab's UDP probes are the services' own; no padding" },
	{ "--spoof-mac", "needs raw packets; socklab scans with connect()" },
	{ "-S", "(spoofed source) needs raw packets; socklab scans with connect()" },
	{ "-D", "(decoys) needs raw packets; socklab scans with connect()" },
	{ "-f", "(fragments) needs raw packets; socklab scans with connect()" },
	{ "-g", "(source port) is not available: connect() takes an ephemeral port" },
	{ "--source-port", "is not available: connect() takes an ephemeral port" },
};

enum tool_args scan_opt_foreign(const char *flag, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(scan_foreign_flags) / sizeof(scan_foreign_flags[0]); i++)
		if (strcmp(flag, scan_foreign_flags[i].flag) == 0) {
			const char *a = scan_foreign_flags[i].answer;
			snprintf(err, errlen, "%s%s%s", flag, a[0] == ':' ? "" : " ", a);
			return TOOL_ARGS_USAGE;
		}
	snprintf(err, errlen, "unknown option %s", flag);
	return TOOL_ARGS_USAGE;
}

enum tool_args scan_opt_scantype(const char *letters, struct scan_config *cfg, char *err,
				 size_t errlen)
{
	char flag[4] = "-s";

	for (const char *p = letters; *p; p++) {
		switch (*p) {
		case 'T': cfg->tcp = true; break;
		case 'U': cfg->udp = true; break;
		case 'V': cfg->banners = true; break;
		case 'L': cfg->list_only = true; break;
		default:
			flag[2] = *p;
			return scan_opt_foreign(flag, err, errlen);
		}
	}
	return TOOL_ARGS_OK;
}

enum tool_args scan_opt_ping(const char *letters, char *err, size_t errlen)
{
	/* -Pn (and nmap's old -P0): no host discovery, which socklab never does. */
	if (strcmp(letters, "n") == 0 || strcmp(letters, "0") == 0)
		return TOOL_ARGS_OK;
	snprintf(err, errlen, "-P%.8s: socklab does no host discovery: every target is scanned, "
		 "as with nmap's -Pn", letters);
	return TOOL_ARGS_USAGE;
}
