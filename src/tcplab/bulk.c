/* The bulk sender and receiver (see bulk.h). */
#include "tcplab/bulk.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "tcplab/peer.h"
#include "tcplab/sock.h"

int tl_bulk_receiver(void *arg)
{
	struct tl_bulk *b = arg;
	int l = tl_listen(TL_PORT, 0, 8);

	if (l < 0)
		return 1;
	b->listening = 1;
	int s = tl_accept(l, 5000);

	if (s < 0)
		return 1;
	int64_t t0 = tl_now_us();
	long got = tl_read_n(s, 0, 30000);

	b->recv_us = tl_now_us() - t0;
	b->received = got > 0 ? (uint64_t)got : 0;
	close(s);
	close(l);
	return 0;
}

int tl_bulk_sender(void *arg)
{
	struct tl_bulk *b = arg;
	static char buf[65536];
	int s = tl_connect_cc(b->cc[0] ? b->cc : NULL, 5000);
	const struct tl_recorder *rec = tl_observing() ? &tl_tcpinfo_recorder : NULL;

	if (s < 0)
		return 1;
	b->port = tl_local_port(s);
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	int64_t start = tl_now_us(), last = 0;

	while (tl_now_us() - start < b->run_us) {
		struct pollfd p = { s, POLLOUT, 0 };
		int64_t now;

		poll(&p, 1, 1);
		if (p.revents & POLLOUT) {
			ssize_t n = write(s, buf, sizeof buf);

			if (n < 0 && errno != EAGAIN)
				return 1;
		}
		now = tl_now_us();
		if (rec && now - last >= 1000) {
			rec->sample(s, now, &b->samples);
			last = now;
		}
	}
	close(s);
	return 0;
}
