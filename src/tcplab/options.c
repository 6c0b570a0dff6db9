/* tcplab's command line: list, run SCENARIO or run --all, and the link's
 * options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opt.h"
#include "tcplab/tcplab.h"

const char tcplab_usage_text[] =
	"Usage: socklab tcplab list\n"
	"       socklab tcplab run SCENARIO [options]\n"
	"       socklab tcplab run --all [options]\n"
	"\n"
	"Makes one of TCP's inner workings happen (seed 002's lecture) between a\n"
	"sender and a receiver of socklab's own, in three network namespaces made\n"
	"for the run (sender, router, receiver) and removed after it, records it\n"
	"(TCP_INFO samples, the packets) and says whether the expected signature\n"
	"was seen. 'list' names the scenarios.\n"
	"\n"
	"      --all            run every scenario, one verdict line each\n"
	"      --delay MS       round-trip delay the router adds, half each way\n"
	"      --rate RATE      the router's rate toward the receiver (tbf; tc's\n"
	"                       spelling: 10mbit, 500kbit)\n"
	"      --loss P         drop P percent of the sender's data segments at random\n"
	"      --drop N[,M...]  drop the sender's N-th (M-th...) data segment, counted\n"
	"                       as they reach the router\n"
	"      --drop-every K   drop every K-th data segment of the sender\n"
	"      --queue N        the router's queue in packets (drop-tail)\n"
	"      --cc NAME        the sender's congestion control (reno, cubic, bbr)\n"
	"                       instead of the scenario's\n"
	"      --profile NAME   linux (the kernel's defaults) or textbook (the\n"
	"                       lecture's: Reno, initial window 1, no RACK or TLP)\n"
	"      --short          the short form (fewer rounds, less data)\n"
	"      --json           JSON Lines: samples, events and the verdict\n"
	"      --pcap FILE      keep the packets seen on the sender's link\n"
	"      --svg FILE       picture the run: cwnd, ssthresh and in flight over the\n"
	"                       congestion states, the time-sequence graph, the RTT\n"
	"  -h, --help           this help\n"
	"      --version        print the version\n"
	"\n"
	"Needs root (namespaces, packet sockets). Exit status: 0 when the signature\n"
	"was seen (every one with --all), 1 when not or on an error, 2 on usage.\n";

enum { OPT_ALL = 256, OPT_DELAY, OPT_RATE, OPT_LOSS, OPT_DROP, OPT_DROP_EVERY, OPT_QUEUE,
       OPT_SHORT, OPT_JSON, OPT_PCAP, OPT_CC, OPT_SVG, OPT_PROFILE };

static const struct option tcplab_long_options[] = {
	OPT_FLAG("all", OPT_ALL),
	OPT_VALUE("delay", OPT_DELAY),
	OPT_VALUE("rate", OPT_RATE),
	OPT_VALUE("loss", OPT_LOSS),
	OPT_VALUE("drop", OPT_DROP),
	OPT_VALUE("drop-every", OPT_DROP_EVERY),
	OPT_VALUE("queue", OPT_QUEUE),
	OPT_FLAG("short", OPT_SHORT),
	OPT_FLAG("json", OPT_JSON),
	OPT_VALUE("pcap", OPT_PCAP),
	OPT_VALUE("cc", OPT_CC),
	OPT_VALUE("svg", OPT_SVG),
	OPT_VALUE("profile", OPT_PROFILE),
	TOOL_LONG_OPTIONS_END,
};

static enum tool_args drop_list(struct tcplab_opts *o, const char *v, char *err, size_t errlen)
{
	char buf[256];
	char *save = NULL;

	snprintf(buf, sizeof buf, "%s", v);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t n;
		const char *why;

		if (o->drop.ndrop >= TL_DROP_MAX)
			return tool_bad_value(err, errlen, "--drop", v, "at most 16 segments");
		if (opt_parse_u64(t, 1, 100000000, &n, &why) < 0)
			return tool_bad_value(err, errlen, "--drop", v, why);
		o->drop.drop[o->drop.ndrop++] = n;
	}
	if (!o->drop.ndrop)
		return tool_bad_value(err, errlen, "--drop", v, "no segment number");
	return TOOL_ARGS_OK;
}

/* "2", "2.5", "2.5%" → parts per million. */
static int loss_ppm(const char *v, uint32_t *out)
{
	char *end;
	double p = strtod(v, &end);

	if (end == v || (*end && strcmp(end, "%") != 0) || !(p >= 0 && p <= 100))
		return -1;
	*out = (uint32_t)(p * 10000.0 + 0.5);
	return 0;
}

static enum tool_args operands(int argc, char **argv, struct tcplab_opts *o, char *err,
			       size_t errlen)
{
	if (optind >= argc) {
		snprintf(err, errlen, "say 'list' or 'run SCENARIO'");
		return TOOL_ARGS_USAGE;
	}
	const char *cmd = argv[optind++];

	if (strcmp(cmd, "list") == 0) {
		o->cmd = TL_CMD_LIST;
	} else if (strcmp(cmd, "run") == 0) {
		o->cmd = TL_CMD_RUN;
		if (optind < argc)
			o->scenario = argv[optind++];
		if (!o->scenario && !o->all) {
			snprintf(err, errlen, "run: name a scenario or say --all");
			return TOOL_ARGS_USAGE;
		}
		if (o->scenario && o->all) {
			snprintf(err, errlen, "run: a scenario or --all, not both");
			return TOOL_ARGS_USAGE;
		}
		if (o->all && o->pcap) {
			snprintf(err, errlen, "run: --pcap keeps one scenario's packets: "
					      "name the scenario");
			return TOOL_ARGS_USAGE;
		}
		if (o->all && o->svg) {
			snprintf(err, errlen, "run: --svg pictures one scenario's run: "
					      "name the scenario");
			return TOOL_ARGS_USAGE;
		}
	} else {
		snprintf(err, errlen, "unknown command '%s' (list, run)", cmd);
		return TOOL_ARGS_USAGE;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected '%s'", argv[optind]);
		return TOOL_ARGS_USAGE;
	}
	return TOOL_ARGS_OK;
}

enum tool_args tcplab_parse_args(int argc, char **argv, struct tcplab_opts *o, char *err,
				 size_t errlen)
{
	int c;
	uint64_t n;
	const char *why;
	enum tool_args r;

	o->delay_ms = -1;
	o->queue = -1;
	OPT_EACH(c, argc, argv, ":h", tcplab_long_options) {
		switch (c) {
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_DELAY:
			if (opt_parse_u64(optarg, 0, 10000, &n, &why) < 0)
				return tool_bad_value(err, errlen, "--delay", optarg, why);
			o->delay_ms = (int64_t)n;
			break;
		case OPT_RATE:
			if (strspn(optarg, "0123456789.kmgbitKMGBps") != strlen(optarg) ||
			    !strchr("0123456789", optarg[0]))
				return tool_bad_value(err, errlen, "--rate", optarg,
						      "not a rate (10mbit, 500kbit)");
			o->rate = optarg;
			break;
		case OPT_LOSS:
			if (loss_ppm(optarg, &o->drop.loss_ppm) < 0)
				return tool_bad_value(err, errlen, "--loss", optarg,
						      "not a percentage (0 to 100)");
			o->drop_set = true;
			break;
		case OPT_DROP:
			if ((r = drop_list(o, optarg, err, errlen)) != TOOL_ARGS_OK)
				return r;
			o->drop_set = true;
			break;
		case OPT_DROP_EVERY:
			if (opt_parse_u64(optarg, 1, 100000000, &n, &why) < 0)
				return tool_bad_value(err, errlen, "--drop-every", optarg, why);
			o->drop.every = n;
			o->drop_set = true;
			break;
		case OPT_QUEUE:
			if (opt_parse_u64(optarg, 1, 100000, &n, &why) < 0)
				return tool_bad_value(err, errlen, "--queue", optarg, why);
			o->queue = (int64_t)n;
			break;
		case OPT_SHORT:
			o->shortform = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_PCAP:
			o->pcap = optarg;
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_CC:
			if (!optarg[0] || strlen(optarg) >= 16 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(optarg))
				return tool_bad_value(err, errlen, "--cc", optarg,
						      "not a congestion control's name");
			o->cc = optarg;
			break;
		case OPT_PROFILE:
			if (strcmp(optarg, "linux") == 0)
				o->profile = TL_PROFILE_LINUX;
			else if (strcmp(optarg, "textbook") == 0)
				o->profile = TL_PROFILE_TEXTBOOK;
			else
				return tool_bad_value(err, errlen, "--profile", optarg,
						      "linux or textbook");
			break;
		case 'h':
			return TOOL_ARGS_HELP;
		case TOOL_OPT_VERSION:
			return TOOL_ARGS_VERSION;
		default:
			return opt_getopt_default(c, argv, tcplab_long_options, err, errlen);
		}
	}
	return operands(argc, argv, o, err, errlen);
}
