/* What the lab server tells its user: one line per event on stdout, as text
 * or JSON Lines (docs/serve.md lists them). */
#ifndef SOCKLAB_SERVE_REPORT_H
#define SOCKLAB_SERVE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "serve/server.h"

void serve_report_listening(const struct listener *l);
void serve_report_ready(size_t nlisteners);
void serve_report_start(enum service_id svc, const struct sockaddr *peer);
void serve_report_end(enum service_id svc, const struct sockaddr *peer, uint64_t in, uint64_t out,
		double secs, const char *reason);
void serve_report_refused(enum service_id svc, const struct sockaddr *peer, const char *reason);
void serve_report_dgram(enum service_id svc, const struct sockaddr *peer, uint64_t in, uint64_t out);
void serve_report_drop(enum service_id svc, const struct sockaddr *peer, const char *reason);
void serve_report_suppressed(const char *what, uint64_t n);
void serve_report_quotes(const char *file, size_t n);
void serve_report_stopped(const struct serve_stats *st);

#endif
