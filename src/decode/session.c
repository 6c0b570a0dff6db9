/* Options and the per-packet path shared by decode and capture. */
#include "decode/session.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/color.h"
#include "core/opt.h"
#include "core/tool.h"

enum { OPT_JSON = 256, OPT_EXPLAIN, OPT_FLOWS, OPT_UTC, OPT_VERDICTS, OPT_RELATIVE, OPT_COLOR };

static const struct option longopts[] = {
	OPT_FLAG("json", OPT_JSON),
	OPT_FLAG("explain", OPT_EXPLAIN),
	OPT_FLAG("flows", OPT_FLOWS),
	OPT_FLAG("verdicts", OPT_VERDICTS),
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	OPT_FLAG("hex", 'X'),
	OPT_FLAG("ascii", 'A'),
	OPT_FLAG("verbose", 'v'),
	OPT_FLAG("quick", 'q'),
	OPT_FLAG("absolute", 'S'),
	OPT_FLAG("relative", OPT_RELATIVE),
	OPT_FLAG("numeric", 'n'),
	OPT_FLAG("number", '#'),
	OPT_FLAG("link", 'e'),
	OPT_VALUE("count", 'c'),
	OPT_FLAG("utc", OPT_UTC),
	OPT_VALUE("read", 'r'),
	OPT_VALUE("interface", 'i'),
	OPT_VALUE("write", 'w'),
	OPT_FLAG("list-interfaces", 'D'),
	OPT_VALUE("snaplen", 's'),
	TOOL_LONG_OPTIONS_END,
};

#define DEC_USAGE_OUTPUT                                                                          \
	"Output (tcpdump's line by default, as tcpdump -nn prints it):\n"                         \
	"  -v, --verbose           more detail, as tcpdump -v; -vv as tcpdump -vv (-vvv = -vv)\n" \
	"  -q, --quick             less protocol detail, as tcpdump -q\n"                          \
	"  -e, --link              print the link-layer header too\n"                             \
	"  -S, --absolute          absolute TCP sequence numbers (default: relative to the\n"     \
	"                          conversation, as tcpdump)\n"                                    \
	"  -t                      no time; -tt seconds since 1970; -ttt time since the previous\n" \
	"                          packet; -tttt date and time; -ttttt time since the first\n"     \
	"  -#, --number            number the packets\n"                                          \
	"  -A, --ascii             the packet in ASCII after its line\n"                          \
	"  -X, --hex               add a hex and ASCII dump of each packet\n"                    \
	"  -n, --numeric           accepted for tcpdump's habit (-n, -nn): socklab never resolves\n" \
	"  -l                      accepted: lines are written as packets come (capture)\n"    \
	"      --verdicts          every checksum judged and notes on broken headers\n"          \
	"      --json              one JSON object per packet (JSON Lines)\n"                     \
	"      --explain           every header byte by byte, as an interpretation table\n"      \
	"      --flows             a summary per TCP connection and UDP flow at the end\n"       \
	"      --utc               times in UTC (default: local time)\n"                          \
	"      --color[=WHEN]      colour TCP flags and checksum verdicts: auto (a terminal,\n"  \
	"                          unless NO_COLOR is set), always, never\n"                    \
	"      --relative          relative sequence numbers: the default (kept for old scripts)\n" \
	"  -h, --help              this help\n"                                                   \
	"      --version           print the version\n"

const char dec_capture_usage_text[] =
	"Usage: socklab capture -i IFACE [-w FILE] [-c N] [-s SNAPLEN] [output options] [FILTER...]\n"
	"       socklab capture -D\n"
	"\n"
	"Live capture through libpcap, printed as socklab decode prints files.\n"
	"  -i, --interface IFACE   capture on IFACE (\"any\" for all)\n"
	"  -w, --write FILE        write the packets to a pcap file instead of printing\n"
	"  -c, --count N           stop after N packets\n"
	"  -s, --snaplen N         bytes kept per packet (default 262144)\n"
	"  -D, --list-interfaces   list the interfaces libpcap can capture on\n" DEC_USAGE_OUTPUT;

const char dec_decode_usage_text[] =
	"Usage: socklab decode [options] FILE [FILTER...]\n"
	"       socklab decode [options] -r FILE [FILTER...]\n"
	"\n"
	"Decodes a pcap or pcapng file (- for stdin) and prints tcpdump's line for each\n"
	"packet: Ethernet (VLAN), Linux cooked v1/v2, raw IP, BSD loopback; IPv4, IPv6,\n"
	"ARP; TCP, UDP, ICMP, ICMPv6. FILTER is a BPF expression as in tcpdump. Options\n"
	"may come before or after FILE, as tcpdump takes them.\n"
	"  -r, --read FILE         the capture file to read\n"
	"  -w, --write FILE        write the packets that pass FILTER (and -c) to a pcap\n"
	"                          file instead of printing (- for stdout)\n"
	"  -c, --count N           stop after N packets\n" DEC_USAGE_OUTPUT;

/* tcpdump's options socklab does not take, each with socklab's nearest
 * spelling. The letters are in the getopt string so they reach here. */
static const struct {
	char letter;
	const char *says;
} dec_foreign[] = {
	{ 'x', "-x: socklab's dump has the ASCII column too: use -X" },
	{ 'K', "-K: socklab judges checksums only when asked (-v, --verdicts): leave -K out" },
	{ 'p', "-p: socklab capture does not set promiscuous mode; leave -p out" },
	{ 'I', "-I: monitor mode is not supported; capture on the interface as it is (-i IFACE)" },
	{ 'B', "-B: the kernel buffer is sized by socklab; leave -B out" },
	{ 'C', "-C: no file rotation; write one file with -w FILE" },
	{ 'G', "-G: no file rotation; write one file with -w FILE" },
	{ 'W', "-W: no file rotation; write one file with -w FILE" },
	{ 'F', "-F: give the filter as words after the options (socklab decode FILE port 53)" },
	{ 'y', "-y: socklab reads the link type from the file or interface" },
	{ 'L', "-L: the link type is chosen by libpcap; list interfaces with socklab capture -D" },
	{ 'E', "-E: ESP is not decrypted" },
	{ 'M', "-M: TCP-MD5 signatures are not verified" },
	{ 'T', "-T: socklab decodes by port and header only; use --json for the fields" },
	{ 'V', "-V: give one file with -r FILE" },
	{ 'z', "-z: no post-rotate command (no rotation either)" },
	{ 'Z', "-Z: socklab does not drop privileges itself; run it as the user you want" },
	{ 'j', "-j: socklab uses the host's time stamps" },
	{ 'J', "-J: socklab uses the host's time stamps" },
	{ 'Q', "-Q: filter on direction with the words 'inbound' or 'outbound' (socklab capture -i any)" },
	{ 'U', "-U: capture -w flushes the file at the end; use -c N to bound it" },
	{ 'b', "-b: BGP AS numbers are not decoded" },
	{ 'd', "-d: the compiled filter is not printed; tcpdump -d FILTER shows it" },
	{ 'O', "-O: the filter optimiser is always on" },
	{ 'P', "-P: socklab capture writes pcap; convert with editcap if you need pcapng" },
	{ 'u', "-u: NFS handles are not decoded" },
	{ 'H', "-H: 802.11s headers are not decoded" },
	{ 'N', "-N: socklab never resolves names, so there is nothing to shorten" },
	{ 'g', "-g: socklab prints -v's IP header on a line of its own, as tcpdump -v" },
	{ 'Y', "-Y: not supported" },
};

static enum tool_args dec_foreign_flag(int c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(dec_foreign) / sizeof(dec_foreign[0]); i++)
		if (dec_foreign[i].letter == c) {
			snprintf(err, errlen, "%s", dec_foreign[i].says);
			return TOOL_ARGS_USAGE;
		}
	return TOOL_ARGS_OK;
}

/* A bad number: the one shape, with what the option wants. */
static enum tool_args dec_bad_number(char *err, size_t errlen, const char *opt, const char *value,
				    const char *why, const char *wants)
{
	char reason[128];

	snprintf(reason, sizeof(reason), "%s (%s)", why, wants);
	return tool_bad_value(err, errlen, opt, value, reason);
}

/* The options decode does not take: said once, by name. */
static enum tool_args dec_capture_only(int c, char *err, size_t errlen)
{
	const struct option *lo = longopts;

	while (lo->name && lo->val != c)
		lo++;
	snprintf(err, errlen, "option -%c/--%s is for socklab capture (decode reads a file)", c,
		 lo->name);
	return TOOL_ARGS_USAGE;
}

/* The FILTER words, joined by spaces as tcpdump joins them. */
static enum tool_args dec_join_filter(int argc, char **argv, int first, struct dec_opts *o,
				     char *err, size_t errlen)
{
	size_t fl = 0;

	for (int i = first; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (fl + n + 2 > sizeof(o->filter)) {
			snprintf(err, errlen, "filter expression longer than %d bytes",
				 DEC_FILTER_MAX - 1);
			return TOOL_ARGS_USAGE;
		}
		if (fl)
			o->filter[fl++] = ' ';
		memcpy(o->filter + fl, argv[i], n);
		fl += n;
		o->filter[fl] = 0;
	}
	return TOOL_ARGS_OK;
}

static enum tool_args dec_check(const struct dec_opts *o, char *err, size_t errlen)
{
	bool capture = o->capture;

	if (o->json && o->explain)
		snprintf(err, errlen, "cannot use --json with --explain");
	else if (capture && !o->list && !o->iface)
		snprintf(err, errlen, "no interface given: use -i IFACE (socklab capture -D lists them)");
	else if (capture && o->list && (o->iface || o->write))
		snprintf(err, errlen, "cannot use -D with -i or -w");
	else if (o->write && (o->json || o->explain || o->hex || o->flows || o->ro.ascii))
		snprintf(err, errlen,
			 "cannot use -w with output options (--json, --explain, -X, -A, --flows)");
	else
		return TOOL_ARGS_OK;
	return TOOL_ARGS_USAGE;
}

/* The letters tcpdump takes with a value, among the foreign ones. */
#define DEC_FOREIGN_SHORT "xKpIB:C:G:W:F:y:LE:M:T:V:z:Z:j:JQ:Ubd:OPuH:NgY"

static enum tool_args dec_parse_args(int argc, char **argv, bool capture, struct dec_opts *o,
				     char *err, size_t errlen)
{
	const char *shortopts = "hXAvqSnlt#ec:r:i:w:Ds:" DEC_FOREIGN_SHORT;
	enum tool_args rc;
	int c, t = 0;

	memset(o, 0, sizeof(*o));
	o->capture = capture;
	o->snaplen = DEC_SNAPLEN_DEFAULT;
	OPT_EACH(c, argc, argv, shortopts, longopts) {
		const char *why;
		uint64_t v;
		switch (c) {
		case 'h': return TOOL_ARGS_HELP;
		case TOOL_OPT_VERSION: return TOOL_ARGS_VERSION;
		case OPT_JSON: o->json = true; break;
		case OPT_EXPLAIN: o->explain = true; break;
		case OPT_FLOWS: o->flows = true; break;
		case OPT_UTC: o->ro.utc = true; break;
		case OPT_VERDICTS: o->ro.verdicts = true; break;
		case OPT_COLOR:
			if (color_parse(optarg, &o->color) < 0)
				return tool_bad_value(err, errlen, "--color", optarg,
						      "not auto, always or never");
			break;
		case OPT_RELATIVE: o->ro.absolute = false; break;
		case 'X': o->hex = true; break;
		case 'A': o->ro.ascii = true; break;
		case 'v': o->ro.verbose++; break;
		case 'q': o->ro.quick = true; break;
		case 'S': o->ro.absolute = true; break;
		case 'n': break; /* socklab never resolves */
		case 'l': break; /* capture writes each line as it comes; decode needs none */
		case '#': o->ro.number = true; break;
		case 't': t++; break;
		case 'e': o->ro.link = true; break;
		case 'c':
			if (opt_parse_u64(optarg, 1, UINT64_MAX, &v, &why) < 0)
				return dec_bad_number(err, errlen, "-c", optarg, why,
						     "a count of packets, 1 or more");
			o->count = v;
			break;
		case 'r':
			if (capture) {
				snprintf(err, errlen, "-r: capture reads an interface; to read a file "
					 "use socklab decode -r FILE");
				return TOOL_ARGS_USAGE;
			}
			o->file = optarg;
			break;
		case 'w':
			o->write = optarg;
			break;
		case 'i':
		case 'D':
		case 's':
			if (!capture)
				return dec_capture_only(c, err, errlen);
			if (c == 'i') o->iface = optarg;
			else if (c == 'D') o->list = true;
			else {
				if (opt_parse_u64(optarg, 64, 262144, &v, &why) < 0)
					return dec_bad_number(err, errlen, "-s", optarg, why,
							     "64-262144 bytes");
				o->snaplen = (uint32_t)v;
			}
			break;
		default:
			if (c != '?' && c != ':' && (rc = dec_foreign_flag(c, err, errlen)) != TOOL_ARGS_OK)
				return rc;
			opt_getopt_error(c, argv, optind, optopt, longopts, err, errlen);
			return TOOL_ARGS_USAGE;
		}
	}
	o->ro.tmode = t > 5 ? TMODE_SINCE : (enum dec_tmode)t;
	if (!capture && !o->file) {
		if (optind >= argc) {
			snprintf(err, errlen, "no capture file given (socklab decode FILE [FILTER...] "
				 "or -r FILE)");
			return TOOL_ARGS_USAGE;
		}
		o->file = argv[optind++];
	}
	rc = dec_join_filter(argc, argv, optind, o, err, errlen);
	return rc == TOOL_ARGS_OK ? dec_check(o, err, errlen) : rc;
}

enum tool_args dec_parse_decode(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return dec_parse_args(argc, argv, false, cfg, err, errlen);
}

enum tool_args dec_parse_capture(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return dec_parse_args(argc, argv, true, cfg, err, errlen);
}

int dec_set_filter(pcap_t *p, const char *filter, bpf_u_int32 netmask)
{
	struct bpf_program prog;

	if (!filter[0])
		return 0;
	if (pcap_compile(p, &prog, filter, 1, netmask) < 0) {
		log_error("bad filter '%s': %s", filter, pcap_geterr(p));
		return -1;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		log_error("cannot set filter '%s': %s", filter, pcap_geterr(p));
		return -1;
	}
	return 0;
}

/* --flows alone: only the summary, no packet lines. */
static bool dec_flows_only(const struct dec_opts *o)
{
	return o->flows && !o->json && !o->explain && !o->hex && !o->ro.link && !o->capture;
}

/* Once per capture, instead of a complaint on every packet. */
static void dec_link_not_decoded(struct dec_session *s)
{
	const char *name = s->ro.dlt_name, *desc = pcap_datalink_val_to_description(s->dlt);
	const char *listed = dec_flows_only(s->o) ? "" : ": each packet is listed by its time and length";
	char what[160];

	if (s->o->write)
		return; /* capture -w only copies packets */
	if (name && desc)
		snprintf(what, sizeof(what), "%s (%d, %s)", name, s->dlt, desc);
	else
		snprintf(what, sizeof(what), "%d", s->dlt);
	if (s->o->capture)
		log_error("%s: link type %s is not decoded%s", s->o->iface, what, listed);
	else
		log_error("'%s': link type %s is not decoded%s", s->o->file, what, listed);
	if (s->o->json)
		dec_render_json_link_not_decoded(&s->ob, s->dlt, name, desc);
}

int dec_session_init(struct dec_session *s, const struct dec_opts *o, pcap_t *p)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->pcap = p;
	s->dlt = pcap_datalink(p);
	s->lt = pkt_link_from_dlt(s->dlt);
	s->ro = o->ro;
	s->ro.dlt = s->dlt;
	s->ro.dlt_name = pcap_datalink_val_to_name(s->dlt);
	if (dec_ob_init(&s->ob, stdout) < 0)
		goto nomem;
	/* colour on the text lines only: JSON and the explain table stay plain */
	s->ob.color = !o->json && !o->explain && color_use(o->color, STDOUT_FILENO);
	s->flows = dec_flows_new();
	s->text = dec_text_state_new();
	if (!s->flows || !s->text) {
		dec_flows_free(s->flows);
		dec_text_state_free(s->text);
		dec_ob_free(&s->ob);
		goto nomem;
	}
	s->ro.st = s->text;
	if (s->lt == LINK_UNKNOWN)
		dec_link_not_decoded(s);
	return 0;
nomem:
	log_error("out of memory");
	pcap_close(p);
	return -1;
}

void dec_session_packet(struct dec_session *s, const struct pcap_pkthdr *h, const uint8_t *data)
{
	static struct pkt pkt;
	struct flow_annot an;
	struct pkt_time ts = { h->ts.tv_sec, (uint32_t)h->ts.tv_usec };
	const struct dec_opts *o = s->o;

	s->packets++;
	pkt_decode(s->lt, data, h->caplen, h->len, &pkt);
	dec_flows_update(s->flows, &pkt, (double)ts.sec + ts.usec / 1e6, &an);
	if (dec_flows_only(o)) {
		/* only the summary */
	} else if (o->json) {
		dec_render_json(&s->ob, &pkt, ts, &an, &s->ro);
	} else {
		dec_render_text(&s->ob, &pkt, ts, &an, &s->ro);
		if (o->explain)
			dec_render_explain(&s->ob, &pkt);
		if (o->hex)
			dec_render_hex(&s->ob, &pkt);
	}
	if (s->flush_each)
		dec_ob_flush(&s->ob);
}

int dec_session_finish(struct dec_session *s)
{
	if (s->o->flows) {
		if (s->o->json)
			dec_render_flows_json(&s->ob, s->flows);
		else
			dec_render_flows_text(&s->ob, s->flows);
	}
	int rc = dec_ob_flush(&s->ob);
	dec_ob_free(&s->ob);
	dec_flows_free(s->flows);
	dec_text_state_free(s->text);
	return rc;
}
