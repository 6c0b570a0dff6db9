/* What the lab server tells its user: one line per event on stdout, as text
 * or JSON Lines (docs/serve.md lists them). */
#ifndef SOCKLAB_SERVE_REPORT_H
#define SOCKLAB_SERVE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "serve/server.h"

void report_listening(const struct listener *l);
void report_ready(size_t nlisteners);
void report_start(enum service_id svc, const struct sockaddr *peer);
void report_end(enum service_id svc, const struct sockaddr *peer, uint64_t in, uint64_t out,
		double secs, const char *reason);
void report_refused(enum service_id svc, const struct sockaddr *peer, const char *reason);
void report_dgram(enum service_id svc, const struct sockaddr *peer, uint64_t in, uint64_t out);
void report_drop(enum service_id svc, const struct sockaddr *peer, const char *reason);
void report_suppressed(const char *what, uint64_t n);
void report_quotes(const char *file, size_t n);
void report_stopped(const struct serve_stats *st);

#endif
