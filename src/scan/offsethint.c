/* The --port-offset hint's probe (scan/offsethint.h). */
#include "scan/offsethint.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* serve's echo (7) and daytime (13), the two lab services on by default
 * that any offset keeps below 65536. */
static const uint16_t hint_services[] = { 7, 13 };
#define HINT_N ((65535 / SCAN_HINT_STEP) * 2)

int scan_offset_probe(const struct scan_env *env, const union addr_any *addr,
		      unsigned *offset, uint16_t *port, char *err, size_t errlen)
{
	uint16_t ports[HINT_N];
	size_t n = 0;

	for (unsigned off = SCAN_HINT_STEP; off + 13 <= 65535 && n + 2 <= HINT_N;
	     off += SCAN_HINT_STEP)
		for (size_t k = 0; k < 2; k++)
			ports[n++] = (uint16_t)(off + hint_services[k]);

	/* Quick and once: no retries, a short wait, no banners. */
	struct scan_config cfg = *env->cfg;
	cfg.retries = 0;
	cfg.banners = false;
	cfg.scan_delay_ms = 0;
	if (cfg.max_rtt_ms > SCAN_HINT_WAIT_MS)
		cfg.max_rtt_ms = SCAN_HINT_WAIT_MS;
	struct scan_env henv = *env;
	henv.cfg = &cfg;
	struct scan_progress quiet;
	memset(&quiet, 0, sizeof(quiet)); /* the probe is not the scan's progress */
	henv.progress = &quiet;

	struct scan_table t;
	if (scan_table_init(&t, IPPROTO_TCP, ports, n, false) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = scan_tcp_run(&henv, addr, &t, err, errlen) < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < t.n; i++) /* the lowest offset first */
		if (t.state[i] == SCAN_OPEN) {
			*port = t.ports[i];
			*offset = t.ports[i] / SCAN_HINT_STEP * SCAN_HINT_STEP;
			rc = 1;
		}
	scan_table_free(&t);
	return rc;
}
