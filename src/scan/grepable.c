/* -oG lines, as nmap writes them. */
#include "scan/grepable.h"

#include "scan/report.h"

static void grep_date(FILE *f, const struct tm *tm)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	fprintf(f, "%s %s %2d %02d:%02d:%02d %d", days[(unsigned)tm->tm_wday % 7],
		months[(unsigned)tm->tm_mon % 12], tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec,
		tm->tm_year + 1900);
}

void scan_grep_begin(FILE *f, const struct tm *when, int argc, char **argv)
{
	fprintf(f, "# socklab %s scan initiated ", SOCKLAB_VERSION);
	grep_date(f, when);
	fprintf(f, " as: socklab scan");
	for (int i = 1; i < argc; i++)
		fprintf(f, " %s", argv[i]);
	fputc('\n', f);
}

static void grep_host_prefix(FILE *f, const struct scan_host *h)
{
	fprintf(f, "Host: %s (%s)\t", h->ip, h->numeric ? "" : h->name);
}

void scan_grep_host_down(FILE *f, const struct scan_host *h)
{
	grep_host_prefix(f, h);
	fprintf(f, "Status: Down\n");
}

void scan_grep_host(FILE *f, const struct scan_host *h, struct scan_services *svc, bool verbose)
{
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };
	size_t ignored[SCAN_NSTATES] = { 0 };
	bool first = true;

	grep_host_prefix(f, h);
	fprintf(f, "Status: Up\n");
	grep_host_prefix(f, h);
	for (int k = 0; k < 2; k++) {
		const struct scan_table *t = tabs[k];
		bool hidden[SCAN_NSTATES];
		if (!t->proto)
			continue;
		for (int s = 0; s < SCAN_NSTATES; s++) {
			hidden[s] = scan_report_hidden(t, (enum scan_state)s, verbose);
			if (hidden[s])
				ignored[s] += scan_table_count(t, (enum scan_state)s);
		}
		for (size_t i = 0; i < t->n; i++) {
			if (t->state[i] >= SCAN_NSTATES || hidden[t->state[i]])
				continue;
			const char *name = svc ? scan_services_name(svc, t->proto, t->ports[i]) : NULL;
			fprintf(f, "%s%u/%s/%s//%s///", first ? "Ports: " : ", ", t->ports[i],
				scan_state_name(t->state[i]), scan_proto_name(t->proto),
				name ? name : "unknown");
			first = false;
		}
	}
	bool first_ignored = true;
	for (int s = 0; s < SCAN_NSTATES; s++) {
		if (!ignored[s])
			continue;
		fprintf(f, "%s%s (%zu)", first_ignored ? (first ? "Ignored State: " : "\tIgnored State: ")
						       : ", ",
			scan_state_name((enum scan_state)s), ignored[s]);
		first_ignored = false;
	}
	fputc('\n', f);
}

void scan_grep_end(FILE *f, const struct tm *when, size_t hosts, size_t up, double secs)
{
	fprintf(f, "# socklab done at ");
	grep_date(f, when);
	fprintf(f, " -- %zu IP address%s (%zu host%s up) scanned in %.2f seconds\n", hosts,
		hosts == 1 ? "" : "es", up, up == 1 ? "" : "s", secs);
	fflush(f);
}
