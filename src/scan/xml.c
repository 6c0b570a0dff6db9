/* -oX: nmap's XML, element by element in nmap.dtd's order. */
#include "scan/xml.h"

#include <netinet/in.h>
#include <signal.h>
#include <string.h>

#include "scan/banner.h"
#include "scan/limits.h"

/* nmap's rule for the ports it sums up as <extraports>: a state other
 * than open with more than this many ports. */
#define XML_EXTRA_OVER 25

/* An attribute value: XML's five specials as entities, and bytes XML 1.0
 * cannot carry or that may not be UTF-8 as \xHH (the banner's form). */
static void xml_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
}

static void xml_date(char *buf, size_t n, time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, n, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

void scan_xml_ranges(FILE *f, const uint16_t *ports, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && ports[j + 1] == ports[j] + 1)
			j++;
		if (j == i)
			fprintf(f, "%s%u", i ? "," : "", ports[i]);
		else
			fprintf(f, "%s%u-%u", i ? "," : "", ports[i], ports[j]);
		i = j + 1;
	}
}

static void xml_args(FILE *f, int argc, char **argv)
{
	fputs("socklab scan", f);
	for (int i = 1; i < argc; i++) {
		fputc(' ', f);
		xml_text(f, argv[i]);
	}
}

static void xml_scaninfo(FILE *f, const char *type, const char *proto, const uint16_t *ports,
			 size_t n)
{
	fprintf(f, "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%zu\" services=\"", type,
		proto, n);
	scan_xml_ranges(f, ports, n);
	fputs("\"/>\n", f);
}

void scan_xml_begin(FILE *f, const struct scan_xml_run *run)
{
	char date[64];

	xml_date(date, sizeof(date), run->start);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n", f);
	/* A comment may not hold "--": the arguments go in the attribute. */
	fprintf(f, "<!-- socklab %s scan initiated %s -->\n", SOCKLAB_VERSION, date);
	/* scanner="nmap" is the only value the DTD allows; args and version
	 * say that socklab wrote it. */
	fputs("<nmaprun scanner=\"nmap\" args=\"", f);
	xml_args(f, run->argc, run->argv);
	fprintf(f, "\" start=\"%lld\" startstr=\"%s\" version=\"%s\" profile_name=\"socklab\" "
		"xmloutputversion=\"1.05\">\n", (long long)run->start, date, SOCKLAB_VERSION);
	if (run->tcp)
		xml_scaninfo(f, "connect", "tcp", run->tcp, run->ntcp);
	if (run->udp)
		xml_scaninfo(f, "udp", "udp", run->udp, run->nudp);
	fprintf(f, "<verbose level=\"%d\"/>\n<debugging level=\"0\"/>\n", run->verbose ? 1 : 0);
	fflush(f);
}

static bool xml_extra(const struct scan_xml_host *x, enum scan_state s, size_t count)
{
	if (s == SCAN_OPEN || s == SCAN_PENDING || count == 0)
		return false;
	if (x->open_only && s != SCAN_OPEN_FILTERED)
		return true;
	return count > XML_EXTRA_OVER;
}

/* <extraports> for state s: one <extrareasons> per protocol and reason. */
static void xml_extraports(FILE *f, const struct scan_host *h, enum scan_state s, size_t count)
{
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };

	fprintf(f, "<extraports state=\"%s\" count=\"%zu\">\n", scan_state_name(s), count);
	for (int k = 0; k < 2; k++) {
		const struct scan_table *t = tabs[k];
		for (int r = 0; t->proto && r < REASON_N; r++) {
			size_t n = 0;
			for (size_t i = 0; i < t->n; i++)
				n += t->state[i] == s && t->reason[i] == r;
			if (!n)
				continue;
			fprintf(f, "<extrareasons reason=\"%s\" count=\"%zu\" proto=\"%s\" ports=\"",
				scan_reason_name((enum scan_reason)r), n, scan_proto_name(t->proto));
			/* The ports of this state and reason, as ranges. */
			bool first = true;
			for (size_t i = 0; i < t->n;) {
				if (t->state[i] != s || t->reason[i] != r) {
					i++;
					continue;
				}
				size_t j = i;
				while (j + 1 < t->n && t->state[j + 1] == s && t->reason[j + 1] == r &&
				       t->ports[j + 1] == t->ports[j] + 1)
					j++;
				fprintf(f, "%s%u", first ? "" : ",", t->ports[i]);
				if (j > i)
					fprintf(f, "-%u", t->ports[j]);
				first = false;
				i = j + 1;
			}
			fputs("\"/>\n", f);
		}
	}
	fputs("</extraports>\n", f);
}

static void xml_port(FILE *f, const struct scan_xml_host *x, const struct scan_table *t,
		     size_t i)
{
	const char *name = x->svc ? scan_services_name(x->svc, t->proto, t->ports[i]) : NULL;

	fprintf(f, "<port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" reason=\"%s\" "
		"reason_ttl=\"0\"/>", scan_proto_name(t->proto), t->ports[i],
		scan_state_name(t->state[i]), scan_reason_name(t->reason[i]));
	if (name) {
		fputs("<service name=\"", f);
		xml_text(f, name);
		fputs("\" method=\"table\" conf=\"3\"/>", f);
	}
	if (x->banners && t->banner && t->banner[i]) {
		/* nmap's banner script: the bytes escaped, in output. */
		char esc[SCAN_BANNER_MAX * 4 + 1];
		scan_banner_escape(t->banner[i], t->banner_len[i], esc, sizeof(esc), sizeof(esc) - 1);
		fputs("<script id=\"banner\" output=\"", f);
		xml_text(f, esc);
		fputs("\"/>", f);
	}
	fputs("</port>\n", f);
}

void scan_xml_host(FILE *f, const struct scan_xml_host *x)
{
	const struct scan_host *h = x->h;
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };
	bool timedout = h->tcp.cut == SCAN_CUT_TIMEOUT || h->udp.cut == SCAN_CUT_TIMEOUT;

	fprintf(f, "<host starttime=\"%lld\" endtime=\"%lld\"%s>", (long long)x->start,
		(long long)x->end, timedout ? " timedout=\"true\"" : "");
	/* socklab does no host discovery: a host is up because it was named
	 * (nmap's -Pn says "user-set"), down when every probe said unreachable. */
	fprintf(f, "<status state=\"%s\" reason=\"%s\" reason_ttl=\"0\"/>\n", x->up ? "up" : "down",
		x->up ? "user-set" : scan_reason_name(x->down_reason));
	fprintf(f, "<address addr=\"%s\" addrtype=\"%s\"/>\n", h->ip,
		h->addr.sa.sa_family == AF_INET6 ? "ipv6" : "ipv4");
	if (!h->numeric) {
		fputs("<hostnames>\n<hostname name=\"", f);
		xml_text(f, h->name);
		fputs("\" type=\"user\"/>\n</hostnames>\n", f);
	} else {
		fputs("<hostnames>\n</hostnames>\n", f);
	}
	if (x->up) {
		size_t count[SCAN_NSTATES] = { 0 };
		for (int k = 0; k < 2; k++)
			for (int s = 0; tabs[k]->proto && s < SCAN_NSTATES; s++)
				count[s] += scan_table_count(tabs[k], (enum scan_state)s);
		fputs("<ports>", f);
		for (int s = 0; s < SCAN_NSTATES; s++)
			if (xml_extra(x, (enum scan_state)s, count[s]))
				xml_extraports(f, h, (enum scan_state)s, count[s]);
		for (int k = 0; k < 2; k++)
			for (size_t i = 0; tabs[k]->proto && i < tabs[k]->n; i++) {
				enum scan_state s = tabs[k]->state[i];
				if (s != SCAN_PENDING && !xml_extra(x, s, count[s]))
					xml_port(f, x, tabs[k], i);
			}
		fputs("</ports>\n", f);
	}
	fputs("</host>\n", f);
	fflush(f);
}

void scan_xml_end(FILE *f, time_t end, size_t hosts, size_t up, double secs, int signo)
{
	char date[64];

	xml_date(date, sizeof(date), end);
	fprintf(f, "<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"socklab done at %s; "
		"%zu IP address%s (%zu host%s up) scanned in %.2f seconds\" elapsed=\"%.2f\" "
		"exit=\"%s\"", (long long)end, date, date, hosts, hosts == 1 ? "" : "es", up,
		up == 1 ? "" : "s", secs, secs, signo ? "error" : "success");
	if (signo)
		fprintf(f, " errormsg=\"interrupted by %s\"", signo == SIGTERM ? "SIGTERM" : "SIGINT");
	fprintf(f, "/><hosts up=\"%zu\" down=\"%zu\" total=\"%zu\"/>\n</runstats>\n</nmaprun>\n",
		up, hosts - up, hosts);
	fflush(f);
}
