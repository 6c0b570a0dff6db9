/* The table and the JSON lines. */
#include "scan/report.h"

#include <stdlib.h>
#include <string.h>

#include "core/color.h"
#include "core/jsontext.h"
#include "core/log.h"
#include "scan/banner.h"
#include "scan/limits.h"

const char scan_open_filtered_note[] =
	"open|filtered: no answer; an open UDP port that does not reply looks the same as a "
	"filtered one (UDP has no handshake, and a firewall that drops the probe is as "
	"silent as a service that ignores it)";

#define HIDE_FILTERED_OVER 25

void scan_report_limit_note(char *buf, size_t n, uint64_t interval_us)
{
	char every[48] = "";

	if (interval_us)
		snprintf(every, sizeof(every), " (one every %.2f s, as learnt)",
			 (double)interval_us / 1e6);
	snprintf(buf, n,
		 "rate-limited: no answer, but the target rate-limits its ICMP errors%s and the "
		 "scan ended before the limit let it tell: such a port may be closed as well as "
		 "open or filtered", every);
}

size_t scan_report_uncertain(const struct scan_table *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->reason[i] == REASON_RATE_LIMITED && t->state[i] == SCAN_OPEN_FILTERED;
	return n;
}

bool scan_report_hidden(const struct scan_table *t, enum scan_state s, bool verbose,
			bool open_only)
{
	if (s == SCAN_PENDING)
		return true;
	if (open_only && s != SCAN_OPEN && s != SCAN_OPEN_FILTERED)
		return true;
	if (verbose || s == SCAN_OPEN)
		return false;
	if (s == SCAN_CLOSED)
		return true;
	return scan_table_count(t, s) > HIDE_FILTERED_OVER;
}

void scan_report_not_shown(const struct scan_table *t, enum scan_state s, char *buf, size_t n)
{
	size_t count[REASON_N] = { 0 }, total = 0, kinds = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->state[i] == s && t->reason[i] < REASON_N) {
			kinds += count[t->reason[i]]++ == 0;
			total++;
		}
	int k = snprintf(buf, n, "%zu %s %s port%s (", total, scan_state_name(s),
			 scan_proto_name(t->proto), total == 1 ? "" : "s");
	for (int r = 0; r < REASON_N && k >= 0 && (size_t)k < n; r++) {
		if (!count[r])
			continue;
		if (kinds == 1)
			k += snprintf(buf + k, n - (size_t)k, "%s", scan_reason_name((enum scan_reason)r));
		else
			k += snprintf(buf + k, n - (size_t)k, "%s%zu %s", buf[k - 1] == '(' ? "" : ", ",
				      count[r], scan_reason_name((enum scan_reason)r));
	}
	if (k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, ")");
}

static const char *service_of(struct scan_services *svc, const struct scan_table *t, size_t i)
{
	return svc ? scan_services_name(svc, t->proto, t->ports[i]) : NULL;
}

static bool row_shown(const struct scan_table *t, size_t i, const bool hidden[SCAN_NSTATES])
{
	return t->state[i] < SCAN_NSTATES && !hidden[t->state[i]];
}

static void table_widths(struct scan_report *r, const struct scan_table *t,
			 const bool hidden[SCAN_NSTATES], int *svc_w)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!row_shown(t, i, hidden))
			continue;
		const char *name = service_of(r->svc, t, i);
		int w = (int)strlen(name ? name : "unknown");
		if (w > *svc_w)
			*svc_w = w < 20 ? w : 20;
	}
}

/* A state, padded to its column, in its colour: open green, filtered and
 * open|filtered yellow (something is in the way), closed dim. */
static const char *state_cell(const struct scan_report *r, enum scan_state s, char *buf, size_t n)
{
	const char *sgr = s == SCAN_OPEN ? COLOR_GREEN
			  : s == SCAN_CLOSED ? COLOR_DIM
			  : s == SCAN_FILTERED || s == SCAN_OPEN_FILTERED ? COLOR_YELLOW : NULL;

	if (r->color && sgr)
		snprintf(buf, n, "%s%-13s%s", sgr, scan_state_name(s), COLOR_RESET);
	else
		snprintf(buf, n, "%-13s", scan_state_name(s));
	return buf;
}

static void table_rows(struct scan_report *r, const struct scan_table *t,
		       const bool hidden[SCAN_NSTATES], int svc_w)
{
	char port[16], ban[SCAN_BANNER_SHOW + 1], st[48];

	for (size_t i = 0; i < t->n; i++) {
		if (!row_shown(t, i, hidden))
			continue;
		const char *name = service_of(r->svc, t, i);
		snprintf(port, sizeof(port), "%u/%s", t->ports[i], scan_proto_name(t->proto));
		ban[0] = '\0';
		if (r->banners && t->banner && t->banner[i])
			scan_banner_escape(t->banner[i], t->banner_len[i], ban, sizeof(ban),
					   SCAN_BANNER_SHOW);
		state_cell(r, t->state[i], st, sizeof(st));
		if (ban[0])
			fprintf(r->out, "%-9s %s %-*.*s %-13s %s\n", port, st, svc_w, svc_w,
				name ? name : "unknown", scan_reason_name(t->reason[i]), ban);
		else
			fprintf(r->out, "%-9s %s %-*.*s %s\n", port, st, svc_w, svc_w,
				name ? name : "unknown", scan_reason_name(t->reason[i]));
	}
}

static void report_table(struct scan_report *r, const struct scan_host *h)
{
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };
	bool hidden[2][SCAN_NSTATES];
	char line[320];
	int svc_w = 7;
	size_t shown = 0, total = 0;
	bool open_filtered = false;
	uint64_t limited = 0;        /* a table has rate-limited ports: interval + 1 */

	if (h->numeric)
		fprintf(r->out, "socklab scan report for %s\n", h->ip);
	else
		fprintf(r->out, "socklab scan report for %s (%s)\n", h->name, h->ip);
	for (int k = 0; k < 2; k++) {
		const struct scan_table *t = tabs[k];
		for (int s = 0; s < SCAN_NSTATES; s++)
			hidden[k][s] = t->proto && scan_report_hidden(t, (enum scan_state)s, r->verbose,
								       r->open_only);
		if (!t->proto)
			continue;
		total += t->n;
		open_filtered |= scan_table_count(t, SCAN_OPEN_FILTERED) > scan_report_uncertain(t);
		if (scan_report_uncertain(t))
			limited = t->limit_interval_us + 1;
		for (int s = 0; s < SCAN_NSTATES; s++) {
			size_t count = scan_table_count(t, (enum scan_state)s);
			if (!hidden[k][s] || !count)
				continue;
			if (s == SCAN_PENDING) {
				fprintf(r->out, "Not scanned: %zu %s port%s (%s)\n", count,
					scan_proto_name(t->proto), count == 1 ? "" : "s",
					scan_cut_name((enum scan_cut)t->cut));
				continue;
			}
			scan_report_not_shown(t, (enum scan_state)s, line, sizeof(line));
			fprintf(r->out, "Not shown: %s\n", line);
		}
		for (size_t i = 0; i < t->n; i++)
			shown += row_shown(t, i, hidden[k]);
		table_widths(r, t, hidden[k], &svc_w);
	}
	if (shown == 0) {
		fprintf(r->out, "All %zu %sports are in the states above.\n", total,
			tabs[0]->cut || tabs[1]->cut ? "" : "scanned ");
	} else {
		if (r->banners)
			fprintf(r->out, "%-9s %-13s %-*s %-13s %s\n", "PORT", "STATE", svc_w, "SERVICE",
				"REASON", "BANNER");
		else
			fprintf(r->out, "%-9s %-13s %-*s %s\n", "PORT", "STATE", svc_w, "SERVICE",
				"REASON");
		for (int k = 0; k < 2; k++)
			if (tabs[k]->proto)
				table_rows(r, tabs[k], hidden[k], svc_w);
	}
	if (open_filtered && !r->noted) {
		fprintf(r->out, "%s\n", scan_open_filtered_note);
		r->noted = true;
	}
	if (limited && !r->noted_limit) {
		scan_report_limit_note(line, sizeof(line), limited - 1);
		fprintf(r->out, "%s\n", line);
		r->noted_limit = true;
	}
	fprintf(r->out, "\n");
	fflush(r->out);
}

json_t *scan_report_port_json(const struct scan_host *h, const struct scan_table *t, size_t i,
			      struct scan_services *svc, bool banners)
{
	const char *name = service_of(svc, t, i);
	/* the host as typed (or read from -iL): any bytes, the one JSON form */
	json_t *o = json_pack("{s:s,s:o,s:s,s:s,s:I,s:s,s:s}", "type", "port", "host",
			      jsontext_str(h->name),
			      "addr", h->ip, "proto", scan_proto_name(t->proto),
			      "port", (json_int_t)t->ports[i], "state",
			      scan_state_name(t->state[i]), "reason", scan_reason_name(t->reason[i]));

	if (!o)
		return NULL;
	json_object_set_new(o, "service", name ? json_string(name) : json_null());
	if (banners && t->banner && t->banner[i]) {
		/* The raw bytes in the one JSON form (docs/ARCHITECTURE.md). */
		jsontext_set(o, "banner", t->banner[i], t->banner_len[i]);
	} else {
		json_object_set_new(o, "banner", json_null());
	}
	return o;
}

static void report_count(struct scan_report *r, const struct scan_table *t)
{
	if (!t->proto)
		return;
	if (t->proto == IPPROTO_UDP)
		r->ports_udp += t->n;
	else
		r->ports_tcp += t->n;
	for (size_t i = 0; i < t->n; i++)
		if (t->state[i] < SCAN_NSTATES)
			r->states[t->state[i]]++;
	r->uncertain += scan_report_uncertain(t);
}

void scan_report_host(struct scan_report *r, const struct scan_host *h)
{
	r->hosts++;
	report_count(r, &h->tcp);
	report_count(r, &h->udp);
	if (!r->json) {
		if (r->out)
			report_table(r, h);
		return;
	}
	/* log_out_json's format, without a flush per line: a full range is 65535. */
	const struct scan_table *tabs[2] = { &h->tcp, &h->udp };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; tabs[k]->proto && i < tabs[k]->n; i++) {
			if (tabs[k]->state[i] == SCAN_PENDING)
				continue; /* not scanned: the summary counts them */
			json_t *o = scan_report_port_json(h, tabs[k], i, r->svc, r->banners);
			if (!o)
				continue;
			json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
			fputc('\n', stdout);
			json_decref(o);
		}
	fflush(stdout);
}

void scan_report_failed(struct scan_report *r)
{
	r->failed++;
}

void scan_report_summary(struct scan_report *r, double secs)
{
	size_t ports = r->ports_tcp + r->ports_udp;

	if (r->json) {
		json_t *st = json_object();
		for (int s = SCAN_OPEN; s < SCAN_NSTATES; s++)
			json_object_set_new(st, scan_state_name((enum scan_state)s),
					    json_integer((json_int_t)r->states[s]));
		json_t *o = json_pack("{s:s,s:b,s:I,s:I,s:{s:I,s:I},s:o,s:I,s:b,s:I,s:f}", "type",
				      "summary", "summary", 1,
				      "hosts", (json_int_t)r->hosts, "hosts_failed",
				      (json_int_t)r->failed, "ports", "tcp",
				      (json_int_t)r->ports_tcp, "udp", (json_int_t)r->ports_udp,
				      "states", st, "uncertain", (json_int_t)r->uncertain,
				      "interrupted", r->signo != 0, "not_scanned",
				      (json_int_t)r->states[SCAN_PENDING], "seconds", secs);
		if (o && r->skipped)
			json_object_set_new(o, "hosts_not_scanned", json_integer((json_int_t)r->skipped));
		/* Seconds to the microsecond, not to 17 digits. */
		char *line = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
						   JSON_REAL_PRECISION(6)) : NULL;
		if (line)
			log_out_line("%s", line);
		free(line);
		json_decref(o);
		return;
	}
	if (!r->out)
		return;
	fprintf(r->out, "scan %s: %zu host%s, %zu port%s (%zu open", r->signo ? "interrupted" : "done",
		r->hosts, r->hosts == 1 ? "" : "s", ports, ports == 1 ? "" : "s",
		r->states[SCAN_OPEN]);
	if (r->uncertain)
		fprintf(r->out, "; %zu uncertain: rate-limited", r->uncertain);
	if (r->states[SCAN_PENDING])
		fprintf(r->out, "; %zu not scanned", r->states[SCAN_PENDING]);
	fprintf(r->out, ") in %.2f s", secs);
	if (r->failed)
		fprintf(r->out, "; %zu host%s not resolved or not reachable", r->failed,
			r->failed == 1 ? "" : "s");
	if (r->skipped)
		fprintf(r->out, "; %zu host%s not scanned", r->skipped, r->skipped == 1 ? "" : "s");
	fputc('\n', r->out);
	fflush(r->out);
}
