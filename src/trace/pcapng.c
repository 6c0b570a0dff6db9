/* A pcapng writer for the trace's packets (the pcapng specification,
 * draft-ietf-opsawg-pcapng): SHB, one IDB, an EPB per packet with an
 * opt_comment. Little-endian, as the byte-order magic says; every block
 * and option padded to 32 bits. */
#include "trace/pcapng.h"

#include <stdint.h>
#include <string.h>

#include "trace/capture.h"
#include "trace/layout.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define IF_TSRESOL 9
#define PCAPNG_COMMENT_MAX 1024

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int put32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	return fwrite(b, 1, 4, f) == 4 ? 0 : -1;
}

static int put16(FILE *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return fwrite(b, 1, 2, f) == 2 ? 0 : -1;
}

/* n bytes of p, then zeros up to the next multiple of 4. */
static int put_padded(FILE *f, const void *p, size_t n)
{
	static const uint8_t zero[4];

	if (n && fwrite(p, 1, n, f) != n)
		return -1;
	return fwrite(zero, 1, pad4(n) - n, f) == pad4(n) - n ? 0 : -1;
}

static int put_option(FILE *f, uint16_t code, const void *v, size_t n)
{
	return put16(f, code) | put16(f, (uint16_t)n) | put_padded(f, v, n);
}

static int write_shb(FILE *f)
{
	const char app[] = "socklab trace";
	uint32_t len = 28 + 4 + (uint32_t)pad4(sizeof app - 1) + 4;

	return put32(f, BT_SHB) | put32(f, len) | put32(f, 0x1A2B3C4D) | put16(f, 1) |
	       put16(f, 0) | put32(f, 0xFFFFFFFFu) | put32(f, 0xFFFFFFFFu) |
	       put_option(f, 4 /* shb_userappl */, app, sizeof app - 1) |
	       put_option(f, OPT_ENDOFOPT, NULL, 0) | put32(f, len);
}

static int write_idb(FILE *f, int dlt)
{
	uint8_t nano = 9; /* 10^-9 s */
	uint32_t len = 20 + 4 + 4 + 4;

	return put32(f, BT_IDB) | put32(f, len) | put16(f, (uint16_t)dlt) | put16(f, 0) |
	       put32(f, TCAP_SNAPLEN) | put_option(f, IF_TSRESOL, &nano, 1) |
	       put_option(f, OPT_ENDOFOPT, NULL, 0) | put32(f, len);
}

char *tr_pcapng_comment(const struct trace *t, const struct tr_packet *p, char *buf, size_t n)
{
	char cause[512], label[4 * TR_LABEL_MAX];
	const char *who = NULL;

	tr_describe_cause(t, p, cause, sizeof cause);
	if (p->lane_from < t->nlanes && t->lanes[p->lane_from].label[0])
		who = tr_layout_clean(t->lanes[p->lane_from].label, false, label, sizeof label);
	/* the line itself, after the cause's "at client.py:17" */
	const struct tr_call *c = p->cause == TR_CAUSE_CALL ? tr_call_by_id(t, p->caused_by) : NULL;
	char text[1024] = "";
	if (c && c->src.text && c->src.text[0])
		tr_layout_clean(c->src.text, false, text, sizeof text);
	snprintf(buf, n, "[%u] %s%s%s%s%s%s", p->no, cause, text[0] ? " \"" : "", text,
		 text[0] ? "\"" : "", who ? "; " : "", who ? who : "");
	return buf;
}

static int write_epb(FILE *f, const struct trace *t, const struct tr_packet *p)
{
	char comment[PCAPNG_COMMENT_MAX];
	uint64_t ts = p->ts >= 0 ? (uint64_t)p->ts : 0;
	size_t clen = strlen(tr_pcapng_comment(t, p, comment, sizeof comment));
	uint32_t len = (uint32_t)(28 + pad4(p->caplen) + 4 + pad4(clen) + 4 + 4);

	return put32(f, BT_EPB) | put32(f, len) | put32(f, 0) | put32(f, (uint32_t)(ts >> 32)) |
	       put32(f, (uint32_t)ts) | put32(f, p->caplen) | put32(f, p->wirelen) |
	       put_padded(f, p->frame, p->caplen) | put_option(f, OPT_COMMENT, comment, clen) |
	       put_option(f, OPT_ENDOFOPT, NULL, 0) | put32(f, len);
}

int tr_pcapng_write(const struct trace *t, FILE *f)
{
	if (write_shb(f) < 0 || write_idb(f, t->dlt) < 0)
		return -1;
	for (size_t i = 0; i < t->npackets; i++)
		if (t->packets[i].frame && write_epb(f, t, &t->packets[i]) < 0)
			return -1;
	return fflush(f) == 0 ? 0 : -1;
}
