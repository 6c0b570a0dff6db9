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
	FILE *out;                   /* the table goes here */
	struct scan_services *svc;
	bool verbose, banners, json;
	bool noted;                  /* the open|filtered note is out */
	size_t hosts, failed;        /* for the summary */
	size_t ports_tcp, ports_udp;
	size_t states[SCAN_NSTATES];
};

/* A whole state left out of the table (and of -oG's Ports): closed always,
 * filtered and open|filtered when there are more than 25, none with -v. */
bool scan_report_hidden(const struct scan_table *t, enum scan_state s, bool verbose);
/* "990 closed tcp ports (conn-refused)" into buf. */
void scan_report_not_shown(const struct scan_table *t, enum scan_state s, char *buf, size_t n);

void scan_report_host(struct scan_report *r, const struct scan_host *h);
/* One object per port, nmap's field meanings. */
json_t *scan_report_port_json(const struct scan_host *h, const struct scan_table *t, size_t i,
			      struct scan_services *svc, bool banners);
void scan_report_failed(struct scan_report *r);
void scan_report_summary(struct scan_report *r, double secs);

#endif
