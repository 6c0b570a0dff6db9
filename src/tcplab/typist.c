/* The typist (see typist.h). */
#include "tcplab/typist.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcplab/peer.h"
#include "tcplab/sock.h"

struct ty_shared {
	volatile int listening;
	int nodelay;
	uint16_t port;
};

static int ty_receiver(void *arg)
{
	struct ty_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, 8);

	if (l < 0)
		return 1;
	sh->listening = 1;
	int s = tl_accept(l, 5000);

	if (s < 0)
		return 1;
	tl_read_n(s, 0, 5000);
	close(s);
	close(l);
	return 0;
}

static int ty_sender(void *arg)
{
	struct ty_shared *sh = arg;
	int s = tl_connect(0, 0, sh->nodelay, 5000);

	if (s < 0)
		return 1;
	sh->port = tl_local_port(s);
	tl_sleep_us(50000);
	for (int i = 0; i < TL_TYPIST_KEYS; i++) {
		char key = (char)('a' + i % 26);

		if (write(s, &key, 1) != 1)
			return 1;
		tl_sleep_us(TL_TYPIST_GAP_US);
	}
	tl_sleep_us(200000); /* the last keystrokes leave */
	close(s);
	return 0;
}

int tl_typist_run(struct tl_lab *lab, struct tl_cap *cap, bool nodelay, struct tl_typist *out)
{
	struct ty_shared *sh = tl_shared(sizeof *sh);
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!sh)
		return -1;
	sh->nodelay = nodelay;
	pid_t r = tl_peer_start(lab->ns[TL_RCV], ty_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], ty_sender, sh);
	int st = tl_cap_wait_peer(cap, s, 10000);

	tl_peer_wait(r, 5000);
	if (st != 0 || !sh->port)
		goto out;
	size_t n, bytes = 0;
	struct tl_seg *segs = tl_cap_conn(cap, sh->port, &n);

	if (!segs)
		goto out;
	out->keys = TL_TYPIST_KEYS;
	for (size_t i = 0; i < n; i++)
		if (segs[i].out && segs[i].len) {
			out->segments++;
			bytes += segs[i].len;
		}
	out->bytes_per_seg = out->segments ? (double)bytes / (double)out->segments : 0;
	free(segs);
	rc = 0;
out:
	tl_shared_free(sh, sizeof *sh);
	return rc;
}
