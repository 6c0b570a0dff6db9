/* The lab server's configuration: what the options say, checked, before any
 * socket is opened. */
#ifndef SOCKLAB_SERVE_CONFIG_H
#define SOCKLAB_SERVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "serve/service.h"

#define SERVE_MAX_BINDS 16
#define SERVE_ERR_MAX 256
#define SERVE_IDLE_DEFAULT_MS (300 * 1000)
#define SERVE_UDP_RATE_DEFAULT (256 * 1024)
/* Bytes owed to one echo/upper client at which reading from it pauses: as
 * fast as 256 KiB on loopback (bench/serve_echo.sh), a quarter of the memory
 * a client that never reads can hold. */
#define SERVE_HIGH_WATER_DEFAULT (64 * 1024)
#define SERVE_HIGH_WATER_MAX (64ULL * 1024 * 1024)
/* SO_SNDBUF of chargen/echo/upper and SO_RCVBUF of echo/upper connections.
 * Left to the kernel, a client that stops reading grows the send buffer to
 * tcp_wmem's maximum (4 MiB) of the host's TCP memory, and one that sends
 * without reading grows the receive buffer likewise. The kernel books twice
 * the value: 256 KiB at most per buffer. Smaller values cost loopback bulk
 * echo 10-40 % (its segments are 64 KiB; bench/README.md). */
#define SERVE_SNDBUF_DEFAULT (128 * 1024)
#define SERVE_RCVBUF_DEFAULT (128 * 1024)
#define SERVE_SOCKBUF_MAX (64ULL * 1024 * 1024)
#define SERVE_IDLE_MAX_SECS (7 * 24 * 3600)

struct serve_config {
	union addr_any binds[SERVE_MAX_BINDS];
	unsigned nbinds;           /* 0: the loopback default */
	int family;                /* AF_UNSPEC, or AF_INET/AF_INET6 for -4/-6 */
	uint32_t port_offset;
	int32_t port_set[SVC_COUNT];  /* --service NAME=PORT, or -1 */
	bool only[SVC_COUNT];
	bool only_given;
	bool tcp, udp;
	uint64_t idle_ms;          /* 0: no idle timeout */
	uint64_t max_conns;        /* 0: as many as file descriptors allow */
	uint64_t max_per_host;     /* 0: no limit */
	uint64_t udp_rate;         /* IP bytes per second per source; 0: no cap */
	uint64_t high_water;
	uint64_t sndbuf, rcvbuf;   /* SO_SNDBUF / SO_RCVBUF; 0: the kernel's autotuning */
	const char *quotes_file;
	const char *daytime_fmt;
	bool quiet, verbose, json;
	/* UDP answers to sources nobody verified (guard/srcbudget): --amp-factor,
	 * --amp-credit, --udp-peer-rate */
	uint32_t amp_factor_milli; /* 0: no amplification budget */
	uint64_t amp_credit;       /* starting credit of a source, IP bytes */
	uint64_t udp_peer_rate;    /* answers per second to one address and port; 0: no cap */
};

void serve_config_defaults(struct serve_config *cfg);
/* "NAME=PORT" */
int serve_config_set_service(struct serve_config *cfg, const char *arg, char *err, size_t errlen);
/* "NAME,NAME,..." */
int serve_config_set_only(struct serve_config *cfg, const char *arg, char *err, size_t errlen);
int serve_config_add_bind(struct serve_config *cfg, const char *arg, char *err, size_t errlen);
bool serve_config_enabled(const struct serve_config *cfg, enum service_id svc);
/* The port svc listens on: --service, else standard port + offset. */
int serve_config_port(const struct serve_config *cfg, enum service_id svc, uint16_t *port,
		      char *err, size_t errlen);
/* Cross-option checks once every option is in; the first conflict in err. */
int serve_config_check(const struct serve_config *cfg, char *err, size_t errlen);

#endif
