/* -oG lines, as nmap writes them. */
#include "scan/grepable.h"

#include <signal.h>

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

void scan_grep_host(FILE *f, const struct scan_host *h, struct scan_services *svc, bool verbose,
		    bool open_only)
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
			hidden[s] = scan_report_hidden(t, (enum scan_state)s, verbose, open_only);
			if (hidden[s] && s != SCAN_PENDING) /* not scanned: a comment says so */
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

void scan_grep_host_notes(FILE *f, const struct scan_host *h)
{
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };
	char note[320];

	for (int k = 0; k < 2; k++) {
		const struct scan_table *t = tabs[k];
		if (!t->proto)
			continue;
		size_t pending = scan_table_count(t, SCAN_PENDING);
		if (pending)
			fprintf(f, "# socklab: %zu of %zu %s ports of %s not scanned (%s)\n", pending,
				t->n, scan_proto_name(t->proto), h->ip,
				scan_cut_name((enum scan_cut)t->cut));
		size_t uncertain = scan_report_uncertain(t);
		if (uncertain) {
			scan_report_limit_note(note, sizeof(note), t->limit_interval_us);
			fprintf(f, "# socklab: %zu %s ports of %s uncertain: %s\n", uncertain,
				scan_proto_name(t->proto), h->ip, note);
		}
	}
}

void scan_grep_interrupted(FILE *f, int signo)
{
	fprintf(f, "# socklab scan interrupted by %s\n", signo == SIGTERM ? "SIGTERM" : "SIGINT");
}

void scan_grep_end(FILE *f, const struct tm *when, size_t hosts, size_t up, double secs)
{
	fprintf(f, "# socklab done at ");
	grep_date(f, when);
	fprintf(f, " -- %zu IP address%s (%zu host%s up) scanned in %.2f seconds\n", hosts,
		hosts == 1 ? "" : "es", up, up == 1 ? "" : "s", secs);
	fflush(f);
}
