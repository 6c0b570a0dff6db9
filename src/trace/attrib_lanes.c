/* Attribution's lanes (the ladder's columns): one per traced process,
 * servers first, then one per address that no traced process owns; and
 * the lane of each end of a packet. */
#include "trace/attrib_ctx.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lane_add(struct trace *t, size_t *cap)
{
	if (tr_grow(&t->lanes, cap, t->nlanes, sizeof *t->lanes, 8) < 0)
		return UINT32_MAX;
	memset(&t->lanes[t->nlanes], 0, sizeof t->lanes[0]);
	return (uint32_t)t->nlanes++;
}

struct tr_proc *tr_attrib_proc_of(struct trace *t, int32_t pid)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

/* "python3 seed002_server.py 6666" for "/usr/bin/python3 /x/seed002_server.py
 * 6666": the words that are paths shortened to their last part. */
static void short_cmdline(const char *cmd, char *out, size_t n)
{
	size_t o = 0;

	out[0] = '\0';
	while (*cmd && o + 1 < n) {
		size_t len = strcspn(cmd, " ");
		const char *w = cmd;
		const char *slash = memrchr(w, '/', len);

		if (slash && slash + 1 < w + len) {
			len -= (size_t)(slash + 1 - w);
			w = slash + 1;
		}
		o += (size_t)snprintf(out + o, n - o, "%s%.*s", o ? " " : "", (int)len, w);
		if (o >= n)
			break;
		cmd += strcspn(cmd, " ");
		cmd += strspn(cmd, " ");
	}
}

/* Procs that made calls get lanes: the client's first, then the server's. */
int tr_attrib_lanes_for_procs(struct trace *t, size_t *cap)
{
	bool *used = calloc(t->nprocs + 1, sizeof *used);

	if (!used)
		return -1;
	for (size_t i = 0; i < t->ncalls; i++) {
		struct tr_proc *p = tr_attrib_proc_of(t, t->calls[i].pid);
		if (p)
			used[p - t->procs] = true;
	}
	for (int server = 0; server <= 1; server++) {
		size_t nrole = 0;

		for (size_t i = 0; i < t->nprocs; i++) {
			struct tr_proc *p = &t->procs[i];
			if (!used[i] || p->server != server)
				continue;
			uint32_t l = lane_add(t, cap);
			if (l == UINT32_MAX) {
				free(used);
				return -1;
			}
			p->lane = l;
			nrole++;
			const char *role = server ? "server" : "client";
			char cmd[80];
			short_cmdline(p->cmdline, cmd, sizeof cmd);
			if (nrole == 1)
				snprintf(t->lanes[l].label, sizeof t->lanes[l].label, "%s: %s (pid %d)",
					 role, cmd, p->pid);
			else
				snprintf(t->lanes[l].label, sizeof t->lanes[l].label, "%s %zu: %s (pid %d)",
					 role, nrole, cmd, p->pid);
			t->lanes[l].pid = p->pid;
		}
	}
	free(used);
	return 0;
}

static uint32_t lane_for_addr(struct trace *t, size_t *cap, const struct tr_endpoint *e)
{
	char a[TR_ADDRSTR_MAX];

	for (size_t i = 0; i < t->nlanes; i++)
		if (t->lanes[i].pid == 0 && tr_endpoint_eq(&t->lanes[i].addr, e))
			return (uint32_t)i;
	uint32_t l = lane_add(t, cap);
	if (l == UINT32_MAX)
		return l;
	t->lanes[l].addr = *e;
	snprintf(t->lanes[l].label, sizeof t->lanes[l].label, "%s (no traced process)",
		 tr_endpoint_format(e, a, sizeof a));
	snprintf(t->lanes[l].addrs, sizeof t->lanes[l].addrs, "%s", a);
	return l;
}

static void lane_note_addr(struct tr_lane *l, const struct tr_endpoint *e)
{
	char a[TR_ADDRSTR_MAX];
	size_t len = strlen(l->addrs);

	tr_endpoint_format(e, a, sizeof a);
	/* whole words only: "127.0.0.1:6666" must not match inside another */
	for (const char *p = l->addrs; (p = strstr(p, a)) != NULL; p++)
		if ((p == l->addrs || p[-1] == ' ') && (p[strlen(a)] == ' ' || p[strlen(a)] == '\0'))
			return;
	if (len + strlen(a) + 2 < sizeof l->addrs)
		snprintf(l->addrs + len, sizeof l->addrs - len, "%s%s", len ? " " : "", a);
}


static uint32_t proc_lane(struct ctx *c, int32_t pid)
{
	struct tr_proc *p = tr_attrib_proc_of(c->t, pid);

	return p ? p->lane : UINT32_MAX;
}

uint32_t tr_attrib_end_lane(struct ctx *c, const struct tr_packet *p, bool from)
{
	const struct tr_endpoint *me = from ? &p->src : &p->dst;
	const struct tr_endpoint *other = from ? &p->dst : &p->src;
	struct tr_sock *k = NULL;

	if (p->proto == IPPROTO_TCP) {
		k = tr_socks_stream(c->s, me, other, p->ts);
		if (!k)
			k = tr_socks_listener(c->s, me, p->ts);
	} else {
		k = tr_socks_dgram(c->s, me, p->ts);
		if (!k)
			k = tr_socks_stream(c->s, me, other, p->ts);
	}
	uint32_t l = k ? proc_lane(c, k->pid) : UINT32_MAX;
	if (l == UINT32_MAX)
		l = lane_for_addr(c->t, &c->lanes_cap, me);
	if (l != UINT32_MAX)
		lane_note_addr(&c->t->lanes[l], me);
	return l;
}

