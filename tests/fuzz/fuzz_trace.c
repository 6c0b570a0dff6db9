/* libFuzzer harness for trace's pure half: the call log parser, the socket
 * table, attribution, TCP states, the story and the text ladder. The input
 * is a call log (record.h) whose "P" lines are packets instead:
 *   P <ts> <src> <dst> <proto 6|17> <flags> <seq> <ack> <len>          */
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

static void packet_line(struct trace *t, const char *line)
{
	char src[64], dst[64];
	long long ts;
	unsigned proto, flags, seq, ack, len;
	struct tr_packet *p;

	if (t->npackets >= FUZZ_PACKETS_MAX ||
	    sscanf(line, "P %lld %63s %63s %u %u %u %u %u", &ts, src, dst, &proto, &flags, &seq,
		   &ack, &len) != 8)
		return;
	p = &t->packets[t->npackets];
	memset(p, 0, sizeof *p);
	if (tr_endpoint_parse(src, &p->src) < 0 || tr_endpoint_parse(dst, &p->dst) < 0)
		return;
	p->ts = ts;
	p->proto = proto == 17 ? 17 : 6;
	p->flags = (uint16_t)flags;
	p->seq = seq;
	p->ack = ack;
	p->len = len;
	t->npackets++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace t = { 0 };
	struct calllog cl;
	struct socks s;
	char *text = malloc(size + 1);
	FILE *devnull = fopen("/dev/null", "w");

	if (!text || !devnull)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	t.packets = calloc(FUZZ_PACKETS_MAX, sizeof *t.packets);
	calllog_init(&cl, &t);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == 'P')
			packet_line(&t, line);
		else
			calllog_line(&cl, line, strlen(line));
	}
	if (calllog_finish(&cl) == 0 && socks_build(&s, &t) == 0) {
		packets_number(t.packets, t.npackets);
		if (attrib_run(&t, &s) == 0 && tcpstate_run(&t, &s) == 0 && story_build(&t) == 0) {
			struct render_opts ro = { .utf8 = size & 1 };
			trace_render_text(&t, &ro, devnull);
		}
		socks_free(&s);
	}
	calllog_free(&cl);
	trace_free(&t);
	free(text);
	fclose(devnull);
	return 0;
}
