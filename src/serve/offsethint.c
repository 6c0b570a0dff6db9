/* Finding a --port-offset that is free, for the "cannot bind" hint: two
 * students on one lab machine both start at 10000, and telling the second to
 * "try --port-offset 10000" sends them back to the offset that failed. */
#include "serve/offsethint.h"

#include <unistd.h>

#include "core/sock.h"

/* Round offsets a student can remember, then the thousands between them. */
static const uint32_t offsethint_order[] = {
	10000, 20000, 30000, 40000, 50000, 11000, 12000, 13000,
	14000, 15000, 21000, 22000, 23000, 24000, 25000, 31000,
};

_Static_assert(sizeof offsethint_order / sizeof offsethint_order[0] == OFFSETHINT_MAX_CANDIDATES,
	       "one slot per candidate");

static bool offsethint_fits(const struct serve_config *cfg, uint32_t offset)
{
	for (int s = 0; s < SVC_COUNT; s++) {
		if (!serve_config_enabled(cfg, s) || cfg->port_set[s] >= 0)
			continue;
		if (serve_service_info(s)->port + offset > 65535)
			return false;
	}
	return true;
}

size_t serve_offsethint_candidates(const struct serve_config *cfg,
			     uint32_t out[OFFSETHINT_MAX_CANDIDATES])
{
	size_t n = 0;

	for (size_t i = 0; i < OFFSETHINT_MAX_CANDIDATES; i++) {
		uint32_t off = offsethint_order[i];
		if (off != cfg->port_offset && offsethint_fits(cfg, off))
			out[n++] = off;
	}
	return n;
}

static bool offsethint_bindable(int type, const union addr_any *a, uint16_t port)
{
	union addr_any probe;

	addr_copy(&probe, &a->sa);
	addr_set_port(&probe.sa, port);
	int flags = SOCK_F_V6ONLY | (type == SOCK_STREAM ? SOCK_F_REUSEADDR : 0);
	int fd = sock_bind_generic(type, &probe.sa, addr_len(&probe.sa), flags);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool serve_offsethint_offset_free(const struct serve_config *cfg, const union addr_any *addrs,
			    unsigned naddrs, uint32_t offset)
{
	if (!offsethint_fits(cfg, offset))
		return false;
	for (int s = 0; s < SVC_COUNT; s++) {
		if (!serve_config_enabled(cfg, s) || cfg->port_set[s] >= 0)
			continue;
		uint16_t port = (uint16_t)(serve_service_info(s)->port + offset);
		for (unsigned a = 0; a < naddrs; a++) {
			if ((cfg->tcp && !offsethint_bindable(SOCK_STREAM, &addrs[a], port)) ||
			    (cfg->udp && !offsethint_bindable(SOCK_DGRAM, &addrs[a], port)))
				return false;
		}
	}
	return true;
}

bool serve_offsethint_find_free(const struct serve_config *cfg, const union addr_any *addrs,
			  unsigned naddrs, uint32_t *offset)
{
	uint32_t cand[OFFSETHINT_MAX_CANDIDATES];
	size_t n = serve_offsethint_candidates(cfg, cand);

	for (size_t i = 0; i < n; i++) {
		if (serve_offsethint_offset_free(cfg, addrs, naddrs, cand[i])) {
			*offset = cand[i];
			return true;
		}
	}
	return false;
}
