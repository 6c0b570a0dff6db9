/* libFuzzer harness for trace's pure half: the call log parser, the socket
 * table, attribution, TCP states, the story and the text ladder. The input
 * is a call log (record.h) whose "P" lines are packets instead:
 *   P <ts> <src> <dst> <proto 6|17> <flags> <seq> <ack> <len>
 * Packet numbers are read as strictly as the call log's (tr_parse_int), and
 * a time must lie in the model's range [0, TR_TIME_MAX], as tr_packet_from_frame
 * demands of captured frames: a line that does not is skipped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/attrib.h"
#include "trace/calllog.h"
#include "trace/packets.h"
#include "trace/render.h"
#include "trace/socks.h"
#include "trace/story.h"
#include "trace/tcpstate.h"

#define FUZZ_PACKETS_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool num_next(char **save, int64_t min, int64_t max, int64_t *v)
{
	const char *s = strtok_r(NULL, " ", save);

	return s && tr_parse_int(s, strlen(s), min, max, v);
}

static void packet_line(struct trace *t, char *line)
{
	int64_t ts, proto, flags, seq, ack, len;
	char *save, *src, *dst;
	struct tr_packet *p;

	if (t->npackets >= FUZZ_PACKETS_MAX)
		return;
	/* "P<ts>" and "P <ts>" both: the first field follows the P */
	const char *first = strtok_r(line + 1, " ", &save);
	if (!first || !tr_parse_int(first, strlen(first), 0, TR_TIME_MAX, &ts) ||
	    !(src = strtok_r(NULL, " ", &save)) || !(dst = strtok_r(NULL, " ", &save)) ||
	    !num_next(&save, 0, 255, &proto) || !num_next(&save, 0, UINT16_MAX, &flags) ||
	    !num_next(&save, 0, UINT32_MAX, &seq) || !num_next(&save, 0, UINT32_MAX, &ack) ||
	    !num_next(&save, 0, UINT32_MAX, &len))
		return;
	p = &t->packets[t->npackets];
	memset(p, 0, sizeof *p);
	if (tr_endpoint_parse(src, &p->src) < 0 || tr_endpoint_parse(dst, &p->dst) < 0)
		return;
	p->ts = ts;
	p->proto = proto == 17 ? 17 : 6;
	p->flags = (uint16_t)flags;
	p->seq = (uint32_t)seq;
	p->ack = (uint32_t)ack;
	p->len = (uint32_t)len;
	t->npackets++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace t = { 0 };
	struct tr_calllog cl;
	struct tr_socks s;
	char *text = malloc(size + 1);
	static FILE *devnull; /* opened once: an fopen per input costs speed */

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!text || !devnull)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	t.packets = calloc(FUZZ_PACKETS_MAX, sizeof *t.packets);
	tr_calllog_init(&cl, &t);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == 'P')
			packet_line(&t, line);
		else
			tr_calllog_line(&cl, line, strlen(line));
	}
	if (tr_calllog_finish(&cl) == 0 && tr_socks_build(&s, &t) == 0) {
		tr_packets_number(t.packets, t.npackets);
		if (tr_attrib_run(&t, &s) == 0 && tr_tcpstate_run(&t, &s) == 0 && tr_story_build(&t) == 0) {
			struct render_opts ro = { .utf8 = size & 1 };
			trace_render_text(&t, &ro, devnull);
		}
		tr_socks_free(&s);
	}
	tr_calllog_free(&cl);
	trace_free(&t);
	free(text);
	return 0;
}
