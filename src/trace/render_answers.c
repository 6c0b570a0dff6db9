/* --answers: seed 000 §4.1's two questions answered in the report's own
 * shape.
 *
 *   For every packet sent, which command in which script sent it:
 *   - 5  11:52:09.558407  127.0.0.1  127.0.0.2  TCP  56  2210 → 5000 [SYN] ...
 *   - [client] self.clientSocket.connect((self.ip, self.port))
 *
 *   For every blocking command, the arrival of which packet completed it:
 *   - 7  11:52:09.558479  ...  [ACK] Seq=1 Ack=1 ...
 *   - [server] connectionSocket, _ = self.serverSocket.accept()
 *
 * A packet the kernel sent on its own names the kernel and its reason,
 * and, for a listener's SYN-ACK, the listen() line that made the socket
 * answer. The role is the lane's: "client", "server", or the program. */
#include <stdio.h>
#include <string.h>

#include "trace/layout.h"
#include "trace/render.h"
#include "trace/tsharkline.h"

#define ANS_LINE_MAX 2048

/* The last path element of the word w[0..len). */
static const char *word_base(const char *w, size_t len, size_t *blen)
{
	const char *b = w;

	for (const char *c = w; c < w + len; c++)
		if (*c == '/')
			b = c + 1;
	*blen = (size_t)(w + len - b);
	return b;
}

/* The script a process runs: the first argument whose name has an
 * extension (python3 /lab/client.py 6666 -> client.py), else the
 * program's name (./client -> client). */
static void script_of(const char *cmdline, char *buf, size_t n)
{
	size_t len = strcspn(cmdline, " "), blen;
	const char *prog = word_base(cmdline, len, &blen);
	size_t prog_len = blen;

	for (const char *w = cmdline + len; *w;) {
		while (*w == ' ')
			w++;
		len = strcspn(w, " ");
		const char *b = word_base(w, len, &blen);
		const char *dot = memchr(b, '.', blen);
		if (dot && dot > b && b[0] != '-') {
			snprintf(buf, n, "%.*s", (int)blen, b);
			return;
		}
		w += len;
	}
	snprintf(buf, n, "%.*s", (int)prog_len, prog);
}

/* "client" of "client: ..." and of "client 2: ...". */
static size_t role_word(const char *label)
{
	return strcspn(label, " :");
}

/* The role of a lane: "client" or "server" when one process has that
 * role, else the script's name; the address of a lane no traced process
 * owns. */
static void role_of(const struct trace *t, uint32_t lane, char *buf, size_t n)
{
	char raw[TR_LABEL_MAX];

	raw[0] = '\0';
	if (lane >= t->nlanes) {
		snprintf(buf, n, "?");
		return;
	}
	const char *label = t->lanes[lane].label;
	size_t rlen = role_word(label), same = 0;

	if (t->lanes[lane].pid == 0) {
		char a[TR_ADDRSTR_MAX];

		snprintf(raw, sizeof raw, "untraced %s",
			 tr_endpoint_format(&t->lanes[lane].addr, a, sizeof a));
		tr_layout_clean(raw, false, buf, n);
		return;
	}
	for (size_t l = 0; l < t->nlanes; l++)
		if (t->lanes[l].pid != 0 && role_word(t->lanes[l].label) == rlen &&
		    strncmp(t->lanes[l].label, label, rlen) == 0)
			same++;
	if (same > 1)
		for (size_t i = 0; i < t->nprocs && !raw[0]; i++)
			if (t->procs[i].lane == lane && t->procs[i].cmdline)
				script_of(t->procs[i].cmdline, raw, sizeof raw);
	if (!raw[0])
		snprintf(raw, sizeof raw, "%.*s", (int)rlen, label);
	tr_layout_clean(raw, false, buf, n);
}

/* The line of a call: its text, else its file:line, else its name. */
static void call_line(const struct tr_call *c, char *buf, size_t n)
{
	char where[512];

	if (c->src.text && c->src.text[0]) {
		tr_layout_clean(c->src.text, false, buf, n);
		return;
	}
	tr_describe_src(c, false, where, sizeof where);
	snprintf(buf, n, "%s%s%s()", where, where[0] ? " " : "", c->name);
}

/* The listen() of the socket that answered with this SYN-ACK. */
static const struct tr_call *listen_of(const struct trace *t, const struct tr_packet *p)
{
	const struct tr_call *found = NULL;

	for (size_t i = 0; i < t->ncalls; i++) {
		const struct tr_call *c = &t->calls[i];

		if (strcmp(c->name, "listen") == 0 && c->lane == p->lane_from && c->err == 0 &&
		    c->args.local.port == p->src.port && c->t_enter <= p->ts)
			found = c;
	}
	return found;
}

static void packet_answer(const struct trace *t, const struct tr_packet *p, FILE *out)
{
	char line[ANS_LINE_MAX], role[TR_LABEL_MAX], what[ANS_LINE_MAX], why[512];
	const struct tr_call *c;

	fprintf(out, "- %s\n", tr_tshark_line(t, p, line, sizeof line));
	role_of(t, p->lane_from, role, sizeof role);
	switch (p->cause) {
	case TR_CAUSE_CALL:
		c = tr_call_by_id(t, p->caused_by);
		if (!c)
			break;
		call_line(c, what, sizeof what);
		fprintf(out, "- [%s] %s\n", role, what);
		break;
	case TR_CAUSE_KERNEL:
		tr_layout_clean(p->why ? p->why : "", false, why, sizeof why);
		c = (p->flags & 0x12) == 0x12 ? listen_of(t, p) : NULL;
		if (c) {
			call_line(c, what, sizeof what);
			fprintf(out, "- [%s] %s (kernel: %s)\n", role, what, why);
		} else {
			fprintf(out, "- [%s] (kernel%s%s)\n", role, why[0] ? ": " : "", why);
		}
		break;
	case TR_CAUSE_UNKNOWN:
	default:
		fprintf(out, "- [%s] (not traced)\n", role);
		break;
	}
}

int trace_render_answers(const struct trace *t, FILE *out)
{
	char line[ANS_LINE_MAX], role[TR_LABEL_MAX], what[ANS_LINE_MAX];

	fprintf(out, "### For every packet sent, which command in which script sent it\n");
	for (size_t i = 0; i < t->npackets; i++)
		packet_answer(t, &t->packets[i], out);
	fprintf(out, "### For every blocking command, the arrival of which packet completed it\n");
	/* in the order the calls returned: the story's exit rows */
	for (size_t r = 0; r < t->nrows; r++) {
		const struct tr_row *row = &t->rows[r];
		const struct tr_call *c;

		if ((row->kind != TR_ROW_CALL_EXIT && row->kind != TR_ROW_CALL) ||
		    row->index >= t->ncalls)
			continue;
		c = &t->calls[row->index];
		if (!c->blocked || c->completed_by == 0 || c->completed_by > t->npackets)
			continue;
		fprintf(out, "- %s\n",
			tr_tshark_line(t, &t->packets[c->completed_by - 1], line, sizeof line));
		role_of(t, c->lane, role, sizeof role);
		call_line(c, what, sizeof what);
		fprintf(out, "- [%s] %s\n", role, what);
	}
	return ferror(out) ? -1 : 0;
}
