/* The half-close rules of socklab nc: no I/O here, only decisions. */
#include "nc/halfclose.h"

#include <stdio.h>

bool nc_hc_want_input(const struct nc_hc_state *s)
{
	return !s->in_eof && !(s->keep && s->net_eof);
}

enum nc_hc_step nc_hc_next(struct nc_hc_state *s, size_t to_net, size_t to_out)
{
	if (s->in_eof && !s->in_done && to_net == 0) {
		s->in_done = true;
		return HC_INPUT_DONE;
	}
	if (!s->net_eof || to_out > 0)
		return HC_RUN;
	/* The peer→us direction is done. Ours is done at input EOF — or, for a
	 * -k listener, once nothing read from input waits for this peer. */
	if (s->in_done || (s->keep && to_net == 0))
		return HC_END;
	return HC_RUN;
}

uint64_t nc_hc_unsent_bytes(const struct nc_hc_unsent *u)
{
	return u->queued + u->unacked + u->unread;
}

bool nc_hc_unsent_any(const struct nc_hc_unsent *u)
{
	return nc_hc_unsent_bytes(u) > 0 || u->more;
}

void nc_hc_unsent_format(const struct nc_hc_unsent *u, char *buf, size_t n)
{
	uint64_t bytes = nc_hc_unsent_bytes(u);

	if (bytes > 0)
		snprintf(buf, n, "%llu byte%s of standard input not sent%s", (unsigned long long)bytes,
			 bytes == 1 ? "" : "s", u->more ? ", and standard input had not ended" : "");
	else if (u->more)
		snprintf(buf, n, "standard input had not ended");
	else if (n > 0)
		buf[0] = '\0';
}
