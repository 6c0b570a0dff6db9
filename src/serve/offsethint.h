/* What to suggest when the lab server cannot bind its ports: a
 * --port-offset whose every port is free right now, found by trying them. */
#ifndef SOCKLAB_SERVE_OFFSETHINT_H
#define SOCKLAB_SERVE_OFFSETHINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "serve/config.h"

#define OFFSETHINT_MAX_CANDIDATES 16

/* The offsets worth suggesting, in order (round ones first), without the
 * offset in use and without any that would push an enabled service's port
 * above 65535. Pure. Returns how many were written to out. */
size_t serve_offsethint_candidates(const struct serve_config *cfg,
			     uint32_t out[OFFSETHINT_MAX_CANDIDATES]);

/* Whether every port the configuration would bind at offset (each enabled
 * service without --service, each address, each protocol) can be bound now.
 * Binds and closes test sockets. */
bool serve_offsethint_offset_free(const struct serve_config *cfg, const union addr_any *addrs,
			    unsigned naddrs, uint32_t offset);

/* The first candidate offset that is free now; false if none is. */
bool serve_offsethint_find_free(const struct serve_config *cfg, const union addr_any *addrs,
			  unsigned naddrs, uint32_t *offset);

#endif
