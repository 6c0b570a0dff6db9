/* socklab nc --json: JSON Lines on standard error, since standard output is
 * the data. One object per event (listening, connected, ...), one per
 * session at its end, one per port probed with -z (docs/nc.md, "--json"). */
#ifndef SOCKLAB_NC_REPORT_H
#define SOCKLAB_NC_REPORT_H

#include <stdint.h>
#include <sys/socket.h>
#include <jansson.h>

#include "nc/options.h"
#include "nc/relay.h"

/* Seconds since the epoch, microsecond precision. */
double nc_json_now(void);

/* {"type":"listening","proto":..,"addr":..,"port":..} */
void nc_json_listening(const struct nc_config *cfg, const struct sockaddr *local);
/* {"type":"connected", local and peer}; local may be NULL (not known). */
void nc_json_connected(const struct nc_config *cfg, const struct sockaddr *local,
		       const struct sockaddr *peer);
/* UDP with -k: a datagram from a new sender, who gets the answers now. */
void nc_json_peer_changed(const struct sockaddr *peer);
/* UDP: datagrams that got no reply within wait_ms. */
void nc_json_unanswered(uint64_t missing, uint64_t sent, uint64_t wait_ms);
/* The peer finished sending while standard input goes on (TCP). */
void nc_json_peer_eof(void);

/* What nc_json_session reports besides the relay's result. */
struct nc_json_session {
	const struct sockaddr *local, *peer; /* NULL when not known */
	double start;                        /* nc_json_now() when the session began */
	double duration_s;
	json_t *tcp_info;                    /* nc_tcpinfo_json; taken over (TCP) */
};

/* {"type":"session", ...}: the end of one session. */
void nc_json_session(const struct nc_config *cfg, const struct nc_relay_result *res,
		     struct nc_json_session *s);

/* -z: {"type":"probe","host":..,"port":..,"state":"open"|"closed"|"open|filtered",...};
 * addr: the address that answered (NULL when none); reason: why closed, or NULL. */
void nc_json_probe(const struct nc_config *cfg, uint16_t port, const char *state,
		   const char *service, const struct sockaddr *addr, const char *reason);

/* {"type":"error","message":..}: a failure that ends nc before a session. */
void nc_json_error(const char *msg);

#endif
