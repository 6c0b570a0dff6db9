/* /proc/net/tcp's TIME_WAIT lines (see twstate.h). */
#include "tcplab/twstate.h"

#include <stdio.h>
#include <string.h>

void tl_tw_find(const char *text, uint16_t port, struct tl_twline *out)
{
	memset(out, 0, sizeof *out);
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		unsigned la, lp, ra, rp, st, tr;
		unsigned long when;

		if (*line == '\n')
			line++;
		if (sscanf(line, " %*u: %8x:%4x %8x:%4x %2x %*x:%*x %x:%lx", &la, &lp, &ra, &rp, &st,
			   &tr, &when) != 7)
			continue;
		if (lp != port)
			continue;
		/* the TIME_WAIT line wins over a listener's or another's */
		if (!out->found || st == 6) {
			out->found = true;
			out->state = st;
			out->timer = tr;
			out->left_ticks = when;
		}
	}
}

size_t tl_tcp_count_state(const char *text, uint16_t port, unsigned st)
{
	size_t n = 0;

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		unsigned la, lp, ra, rp, s;

		if (*line == '\n')
			line++;
		if (sscanf(line, " %*u: %8x:%4x %8x:%4x %2x", &la, &lp, &ra, &rp, &s) == 5 &&
		    lp == port && s == st)
			n++;
	}
	return n;
}
