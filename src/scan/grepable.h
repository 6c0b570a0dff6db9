/* nmap's grepable output (-oG): a comment line, two "Host:" lines per
 * target, a closing comment; fields separated by tabs, ports as
 * port/state/protocol/owner/service/rpc/version/. */
#ifndef SOCKLAB_SCAN_GREPABLE_H
#define SOCKLAB_SCAN_GREPABLE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "scan/result.h"
#include "scan/services.h"

/* argv as the tool frame handed it to scan_parse, before getopt reordered
 * it: argv[0] is the tool's name. */
void scan_grep_begin(FILE *f, const struct tm *when, int argc, char **argv);
void scan_grep_host(FILE *f, const struct scan_host *h, struct scan_services *svc, bool verbose,
		    bool open_only);
/* Comment lines after a host's lines: ports not scanned (the scan was cut
 * short) and uncertain ones (rate-limited); nothing when there are none. */
void scan_grep_host_notes(FILE *f, const struct scan_host *h);
/* The scan was interrupted by signo: a comment before the closing line. */
void scan_grep_interrupted(FILE *f, int signo);
/* A target that was resolved but could not be reached. */
void scan_grep_host_down(FILE *f, const struct scan_host *h);
void scan_grep_end(FILE *f, const struct tm *when, size_t hosts, size_t up, double secs);

#endif
