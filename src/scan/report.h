/* Printers of scan results: nmap's table (PORT STATE SERVICE REASON
 * [BANNER]) or JSON Lines, and the closing summary. They read results and
 * decide nothing but layout. */
#ifndef SOCKLAB_SCAN_REPORT_H
#define SOCKLAB_SCAN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "scan/result.h"
#include "scan/services.h"

/* Printed once, under the first table that has such a port. */
extern const char scan_open_filtered_note[];

struct scan_report {
	FILE *out;                   /* the table goes here; NULL: no table (-oG -) */
	struct scan_services *svc;
	bool verbose, banners, json;
	bool color;                  /* SGR colours on the table's states */
	bool open_only;              /* --open: only open and open|filtered rows */
	bool noted;                  /* the open|filtered note is out */
	bool noted_limit;            /* the rate-limited note is out */
	size_t hosts, failed;        /* for the summary */
	size_t skipped;              /* hosts not scanned: the scan was interrupted */
	size_t ports_tcp, ports_udp;
	size_t states[SCAN_NSTATES]; /* [SCAN_PENDING]: ports not scanned */
	size_t uncertain;            /* open|filtered for want of time (rate-limited) */
	int signo;                   /* the scan was interrupted by this signal */
};

/* Printed under a table that has rate-limited ports; interval_us as learnt. */
void scan_report_limit_note(char *buf, size_t n, uint64_t interval_us);
/* Undecided ports of t (a scan that was cut short), and uncertain ones. */
size_t scan_report_uncertain(const struct scan_table *t);

/* A whole state left out of the table (and of -oG's Ports): closed always,
 * filtered and open|filtered when there are more than 25, none with -v;
 * with --open (open_only) every state but open and open|filtered; pending
 * (ports not scanned when the scan was cut short) always: they are summed
 * up as "Not scanned". */
bool scan_report_hidden(const struct scan_table *t, enum scan_state s, bool verbose,
			bool open_only);
/* "990 closed tcp ports (conn-refused)" into buf. */
void scan_report_not_shown(const struct scan_table *t, enum scan_state s, char *buf, size_t n);

void scan_report_host(struct scan_report *r, const struct scan_host *h);
/* One object per port, nmap's field meanings. */
json_t *scan_report_port_json(const struct scan_host *h, const struct scan_table *t, size_t i,
			      struct scan_services *svc, bool banners);
void scan_report_failed(struct scan_report *r);
void scan_report_summary(struct scan_report *r, double secs);

#endif
