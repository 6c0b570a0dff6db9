/* --flows: one summary per TCP connection and UDP flow, after the packets. */
#include "decode/render.h"

#include <stddef.h>
#include <string.h>

/* The counters of a direction, as the text and the JSON name them; the
 * first two for every flow, the rest for TCP. */
static const struct dir_counter {
	const char *text, *json;
	size_t off;
} dir_counters[] = {
	{ "packets", "packets", offsetof(struct flow_dir, pkts) },
	{ "bytes", "bytes", offsetof(struct flow_dir, bytes) },
	{ "retransmissions", "retransmissions", offsetof(struct flow_dir, retrans) },
	{ "duplicate ACKs", "dup_acks", offsetof(struct flow_dir, dupack) },
	{ "zero windows", "zero_windows", offsetof(struct flow_dir, zerowin) },
	{ "out of order", "out_of_order", offsetof(struct flow_dir, ooo) },
};

static size_t dir_counters_for(const struct flow *f)
{
	return f->proto == 6 ? sizeof(dir_counters) / sizeof(dir_counters[0]) : 2;
}

static uint64_t dir_counter(const struct flow_dir *fd, size_t k)
{
	uint64_t v;

	memcpy(&v, (const char *)fd + dir_counters[k].off, sizeof(v));
	return v;
}

static void endpoint(struct outbuf *ob, const struct flow *f, int i)
{
	struct ip_hdr ip = { .version = f->version };
	if (f->version == 6) ob_chr(ob, '[');
	dec_render_addr(ob, &ip, f->addr[i]);
	if (f->version == 6) ob_chr(ob, ']');
	ob_chr(ob, ':');
	ob_u32(ob, f->port[i]);
}

static const char *teardown(const struct flow *f)
{
	if (f->dir[0].rst || f->dir[1].rst) return "reset";
	if (f->dir[0].fin && f->dir[1].fin) return "fin both ways";
	if (f->dir[0].fin || f->dir[1].fin) return "fin one way";
	return "none";
}

static const char *handshake(const struct flow *f)
{
	if (f->dir[0].syn && f->synack && f->hs_ack) return "complete";
	if (f->dir[0].syn || f->dir[1].syn) return "partial";
	return "not seen";
}

static void opts_text(struct outbuf *ob, const struct flow_dir *d)
{
	dec_ob_printf(ob, "mss %u, wscale ", d->mss);
	if (d->wscale >= 0) ob_u32(ob, (uint32_t)d->wscale); else OB_LIT(ob, "-");
	ob_str(ob, d->sack_ok ? ", sackOK" : "");
	ob_str(ob, d->ts ? ", TS" : "");
}

void dec_render_flows_text(struct outbuf *ob, const struct flow_table *ft)
{
	size_t n = dec_flows_count(ft);
	OB_LIT(ob, "flows: ");
	dec_ob_u64(ob, n);
	ob_chr(ob, '\n');
	for (size_t i = 0; i < n; i++) {
		const struct flow *f = dec_flows_get(ft, i);
		ob_str(ob, f->proto == 6 ? "TCP " : "UDP ");
		endpoint(ob, f, 0);
		OB_LIT(ob, " <-> ");
		endpoint(ob, f, 1);
		for (int d = 0; d < 2; d++) {
			const struct flow_dir *fd = &f->dir[d];
			ob_str(ob, d ? "\n  <- " : "\n  -> ");
			for (size_t k = 0; k < dir_counters_for(f); k++) {
				if (k)
					OB_LIT(ob, ", ");
				dec_ob_u64(ob, dir_counter(fd, k));
				ob_chr(ob, ' ');
				ob_str(ob, dir_counters[k].text);
			}
			if (f->proto == 6) {
				if (fd->syn) {
					OB_LIT(ob, "; SYN ");
					opts_text(ob, fd);
				}
			}
		}
		if (f->proto == 6)
			dec_ob_printf(ob, "\n  handshake %s, teardown %s", handshake(f), teardown(f));
		ob_chr(ob, '\n');
	}
	if (dec_flows_dropped(ft))
		dec_ob_printf(ob, "(%llu packets of flows beyond the %u-flow limit not tracked)\n",
			  (unsigned long long)dec_flows_dropped(ft), FLOW_MAX);
}

void dec_render_flows_json(struct outbuf *ob, const struct flow_table *ft)
{
	size_t n = dec_flows_count(ft);
	for (size_t i = 0; i < n; i++) {
		const struct flow *f = dec_flows_get(ft, i);
		struct ip_hdr ip = { .version = f->version };
		OB_LIT(ob, "{\"type\":\"flow\",\"flow\":\"");
		ob_str(ob, f->proto == 6 ? "tcp" : "udp");
		OB_LIT(ob, "\",\"src\":\"");
		dec_render_addr(ob, &ip, f->addr[0]);
		OB_LIT_U32(ob, "\",\"sport\":", f->port[0]);
		OB_LIT(ob, ",\"dst\":\"");
		dec_render_addr(ob, &ip, f->addr[1]);
		OB_LIT_U32(ob, "\",\"dport\":", f->port[1]);
		if (f->proto == 6)
			dec_ob_printf(ob, ",\"handshake\":\"%s\",\"teardown\":\"%s\"", handshake(f), teardown(f));
		for (int d = 0; d < 2; d++) {
			const struct flow_dir *fd = &f->dir[d];
			ob_str(ob, d ? ",\"reverse\":{" : ",\"forward\":{");
			for (size_t k = 0; k < dir_counters_for(f); k++) {
				ob_str(ob, k ? ",\"" : "\"");
				ob_str(ob, dir_counters[k].json);
				OB_LIT(ob, "\":");
				dec_ob_u64(ob, dir_counter(fd, k));
			}
			if (f->proto == 6) {
				if (fd->syn) {
					dec_ob_printf(ob, ",\"syn_options\":{\"mss\":%u,\"wscale\":%d,"
						  "\"sack_permitted\":%s,\"timestamps\":%s}", fd->mss, fd->wscale,
						  fd->sack_ok ? "true" : "false", fd->ts ? "true" : "false");
				}
			}
			ob_chr(ob, '}');
		}
		OB_LIT(ob, "}\n");
	}
}
