/* A bare `socklab scan HOST` that finds nothing open may be looking at a
 * socklab lab server moved by serve --port-offset (echo on 10007): the
 * hint probes where the lab's echo and daytime would be at each offset
 * serve suggests (the thousands), once, on the same loop. */
#ifndef SOCKLAB_SCAN_OFFSETHINT_H
#define SOCKLAB_SCAN_OFFSETHINT_H

#include <stddef.h>
#include <stdint.h>

#include "scan/engine.h"

#define SCAN_HINT_STEP 1000       /* offsets probed: 1000, 2000, ... 65000 */
#define SCAN_HINT_WAIT_MS 500     /* the longest wait for one answer */

/* 1 and the offset and the open port when one answered, 0 when none did,
 * -1 when the probe could not run (err set). */
int scan_offset_probe(const struct scan_env *env, const union addr_any *addr,
		      unsigned *offset, uint16_t *port, char *err, size_t errlen);

#endif
