/* nmap's XML output (-oX), valid against nmap.dtd (nmap 7.93,
 * xmloutputversion 1.05), so that ndiff and other readers of nmap's XML
 * read socklab's. */
#ifndef SOCKLAB_SCAN_XML_H
#define SOCKLAB_SCAN_XML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "scan/result.h"
#include "scan/services.h"

struct scan_xml_run {
	time_t start;
	int argc;
	char **argv;               /* as given, argv[0] the tool's name */
	const uint16_t *tcp, *udp; /* the port lists; NULL: not scanned */
	size_t ntcp, nudp;
	bool verbose;
};

struct scan_xml_host {
	const struct scan_host *h;
	time_t start, end;
	bool up;
	enum scan_reason down_reason; /* when !up */
	bool banners, open_only;
	struct scan_services *svc;
};

void scan_xml_begin(FILE *f, const struct scan_xml_run *run);
void scan_xml_host(FILE *f, const struct scan_xml_host *x);
/* signo: the scan was interrupted (exit="error" and a message). */
void scan_xml_end(FILE *f, time_t end, size_t hosts, size_t up, double secs, int signo);

/* "7,9,13-19": port lists as nmap writes them in scaninfo and extrareasons. */
void scan_xml_ranges(FILE *f, const uint16_t *ports, size_t n);

#endif
