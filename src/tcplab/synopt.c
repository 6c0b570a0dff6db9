/* The SYN's options, negotiated and explained (see synopt.h). */
#include "tcplab/synopt.h"

#include <stdio.h>
#include <string.h>

void tl_synopts_of(const struct tcp_hdr *t, struct tl_synopts *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < t->nopts; i++) {
		const struct tcp_opt *op = &t->opts[i];

		switch (op->kind) {
		case 2:
			o->mss = true;
			o->mss_val = op->mss;
			break;
		case 3:
			o->ws = true;
			o->ws_val = op->wscale;
			break;
		case 4:
			o->sackok = true;
			break;
		case 8:
			o->ts = true;
			break;
		default:
			break;
		}
	}
}

void tl_negotiate(const struct tl_synopts *syn, const struct tl_synopts *synack,
		  struct tl_negotiated *n)
{
	uint16_t a = syn->mss ? syn->mss_val : 536, b = synack->mss ? synack->mss_val : 536;

	n->mss = a < b ? a : b;
	n->ws = syn->ws && synack->ws;
	n->sackok = syn->sackok && synack->sackok;
	n->ts = syn->ts && synack->ts;
}

bool tl_synack_conforms(const struct tl_synopts *syn, const struct tl_synopts *synack)
{
	return !(synack->ws && !syn->ws) && !(synack->sackok && !syn->sackok) &&
	       !(synack->ts && !syn->ts);
}

static const char *kind_name(uint8_t kind)
{
	switch (kind) {
	case 0: return "End of option list";
	case 1: return "No-Operation (padding to a 4-byte boundary)";
	case 2: return "Maximum Segment Size";
	case 3: return "Window Scale";
	case 4: return "SACK permitted";
	case 5: return "SACK";
	case 8: return "Timestamps";
	case 30: return "Multipath TCP";
	case 34: return "TCP Fast Open cookie";
	default: return "unknown option";
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* What the value bytes of one option mean. */
static void meaning(const uint8_t *o, size_t len, char *m, size_t mlen)
{
	switch (o[0]) {
	case 2:
		if (len == 4) {
			snprintf(m, mlen, "kind 2, length 4, MSS %u bytes", (unsigned)(o[2] << 8 | o[3]));
			return;
		}
		break;
	case 3:
		if (len == 3) {
			snprintf(m, mlen, "kind 3, length 3, shift %u (window × %u)", o[2],
				 o[2] < 15 ? 1u << o[2] : 0u);
			return;
		}
		break;
	case 4:
		if (len == 2) {
			snprintf(m, mlen, "kind 4, length 2: the sender understands SACK");
			return;
		}
		break;
	case 8:
		if (len == 10) {
			snprintf(m, mlen, "kind 8, length 10, TSval %u, TSecr %u", be32(o + 2),
				 be32(o + 6));
			return;
		}
		break;
	default:
		break;
	}
	snprintf(m, mlen, "kind %u, length %zu", o[0], len);
}

size_t tl_synopt_explain(const uint8_t *b, size_t n, char *out, size_t outlen)
{
	size_t lines = 0, used = 0;

	if (outlen)
		out[0] = '\0';
	for (size_t i = 0; i < n && used < outlen;) {
		size_t len = (b[i] == 0 || b[i] == 1) ? 1 : (i + 1 < n ? b[i + 1] : 1);
		char hex[3 * 40 + 1] = "", m[96];

		if (len < 1 || i + len > n)
			len = n - i;
		for (size_t k = 0; k < len && k < 40; k++)
			snprintf(hex + 3 * k, sizeof hex - 3 * k, "%02x ", b[i + k]);
		if (b[i] < 2)
			snprintf(m, sizeof m, "kind %u", b[i]);
		else
			meaning(b + i, len, m, sizeof m);
		int w = snprintf(out + used, outlen - used, "%3zu  %-30s %s: %s\n", i, hex,
				 kind_name(b[i]), m);
		if (w < 0)
			break;
		used += (size_t)w;
		lines++;
		if (b[i] == 0)
			break;
		i += len;
	}
	return lines;
}
