/* --json for echo-client: one object per message sent and per echo that
 * came back (with the round-trip time), and a summary at the end. The
 * counters are kept with or without --json. */
#ifndef SOCKLAB_ECHO_CLIENT_REPORT_H
#define SOCKLAB_ECHO_CLIENT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "echo_client/session.h"

/* n bytes of p left for the server ({"type": "send"} with --json). */
void echocli_report_send(struct echo_session *s, const void *p, size_t n);
/* n bytes of p came back ({"type": "echo"}); rtt_us is the time since the
 * message they echo was sent, or 0 when it is not known (continuous mode). */
void echocli_report_echo(struct echo_session *s, const void *p, size_t n, uint64_t rtt_us);
/* Bytes that came without being asked for, over TCP between lines. */
void echocli_report_unasked(struct echo_session *s, const void *p, size_t n);
/* {"type": "summary"} with the counts and the exit status (--json only). */
void echocli_report_summary(const struct echo_session *s, int exit_status);

#endif
