/* Unit tests for decode's packet parsers: hand-built frames in, structs out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "decode/flows.h"
#include "pkt/names.h"
#include "pkt/packet.h"

/* Seed 002's SYN (TCP part), behind an IPv4 header 10.0.0.1 -> 10.0.0.2. */
static const uint8_t seed002_tcp[] = {
	0xe6, 0x5c, 0x30, 0x39, 0xd6, 0x51, 0x05, 0xe7, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0x16, 0xd0, 0x41, 0x35, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x0e, 0x71, 0x5c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x06,
};

static struct pkt pkt;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void fix_ip_cksum(uint8_t *ip)
{
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~pkt_cksum_fold(pkt_cksum_add(0, cur_make(ip, 20))));
}

static size_t build_ip4(uint8_t *buf, uint8_t proto, const uint8_t *l4, size_t n)
{
	static const uint8_t hdr[20] = { 0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 0, 0, 0,
					 10, 0, 0, 1, 10, 0, 0, 2 };
	memcpy(buf, hdr, 20);
	buf[9] = proto;
	put16(buf + 2, (uint16_t)(20 + n));
	memcpy(buf + 20, l4, n);
	fix_ip_cksum(buf);
	return 20 + n;
}

static void test_seed002_syn(void **state)
{
	uint8_t buf[128];
	size_t n = build_ip4(buf, 6, seed002_tcp, sizeof(seed002_tcp));
	(void)state;

	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n, &pkt), 0);
	assert_int_equal(pkt.net.kind, NET_IP4);
	assert_int_equal(pkt.net.ip.cks, CKS_GOOD);
	assert_int_equal(pkt.net.ip.ttl, 64);
	assert_true(pkt.net.ip.df);
	assert_int_equal(pkt.net.l4, L4_TCP);
	const struct tcp_hdr *t = &pkt.net.tcp;
	assert_int_equal(t->sport, 58972);
	assert_int_equal(t->dport, 12345);
	assert_int_equal(t->seq, 3595634151u);
	assert_int_equal(t->hlen, 40);
	assert_int_equal(t->flags, TCP_SYN);
	assert_int_equal(t->win, 5840);
	assert_int_equal(t->nopts, 5);
	assert_int_equal(t->opts[0].kind, 2);
	assert_int_equal(t->opts[0].mss, 1460);
	assert_int_equal(t->opts[1].kind, 4);
	assert_int_equal(t->opts[2].kind, 8);
	assert_int_equal(t->opts[2].ts_val, 946524);
	assert_int_equal(t->opts[3].kind, 1);
	assert_int_equal(t->opts[4].kind, 3);
	assert_int_equal(t->opts[4].wscale, 6);
	/* The seed's checksum belongs to other addresses. */
	assert_int_equal(t->cks, CKS_BAD);
}

static void test_tcp_checksum_good_and_partial(void **state)
{
	uint8_t buf[128], seg[sizeof(seed002_tcp)];
	(void)state;

	memcpy(seg, seed002_tcp, sizeof(seg));
	size_t n = build_ip4(buf, 6, seg, sizeof(seg));
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	uint16_t good = pkt.net.tcp.cksum_calc;
	put16(buf + 20 + 16, good);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_int_equal(pkt.net.tcp.cks, CKS_GOOD);

	uint16_t partial = pkt_cksum_fold(pkt_cksum_pseudo(&pkt.net.ip, 6, (uint32_t)sizeof(seg)));
	put16(buf + 20 + 16, partial);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_int_equal(pkt.net.tcp.cks, CKS_PARTIAL);
}

static void test_truncated_tcp_keeps_ip(void **state)
{
	uint8_t buf[128];
	size_t n = build_ip4(buf, 6, seed002_tcp, sizeof(seed002_tcp));
	(void)state;

	assert_int_equal(pkt_decode(LINK_RAW, buf, 30, n, &pkt), -1);
	assert_int_equal(pkt.err.kind, PERR_TRUNCATED);
	assert_string_equal(pkt.err.what, "tcp header");
	assert_int_equal(pkt.err.off, 20);
	assert_int_equal(pkt.net.ip.ttl, 64);
	assert_int_equal(pkt.net.tcp.sport, 58972);
}

static void test_bad_tcp_option_length(void **state)
{
	uint8_t buf[128], seg[sizeof(seed002_tcp)];
	(void)state;

	memcpy(seg, seed002_tcp, sizeof(seg));
	seg[21] = 40; /* MSS option claims 40 bytes */
	size_t n = build_ip4(buf, 6, seg, sizeof(seg));
	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n, &pkt), -1);
	assert_int_equal(pkt.err.kind, PERR_MALFORMED);
	assert_int_equal(pkt.err.off, 40);
}

static void test_udp_and_icmp_quote(void **state)
{
	uint8_t udp[13] = { 0x30, 0x39, 0x00, 0x35, 0, 13, 0, 0, 'h', 'e', 'l', 'l', 'o' };
	uint8_t inner[64], icmp[128], buf[192];
	(void)state;

	size_t in = build_ip4(inner, 17, udp, sizeof(udp));
	pkt_decode(LINK_RAW, inner, in, in, &pkt);
	assert_int_equal(pkt.net.l4, L4_UDP);
	assert_int_equal(pkt.net.udp.cks, CKS_NONE);
	assert_int_equal(pkt.net.udp.payload_len, 5);

	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, inner, 28);
	put16(icmp + 2, (uint16_t)~pkt_cksum_fold(pkt_cksum_add(0, cur_make(icmp, 36))));
	size_t n = build_ip4(buf, 1, icmp, 36);
	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n, &pkt), 0);
	assert_int_equal(pkt.net.l4, L4_ICMP);
	assert_int_equal(pkt.net.icmp.cks, CKS_GOOD);
	assert_true(pkt.has_quoted);
	assert_int_equal(pkt.quoted.l4, L4_UDP);
	assert_int_equal(pkt.quoted.udp.dport, 53);
}

static void test_ipv6_ext_and_ethernet_vlan(void **state)
{
	uint8_t f[14 + 4 + 40 + 8 + 8];
	(void)state;

	memset(f, 0, sizeof(f));
	put16(f + 12, 0x8100);
	put16(f + 14, 100);
	put16(f + 16, 0x86dd);
	uint8_t *ip = f + 18;
	ip[0] = 0x60;
	put16(ip + 4, 16);
	ip[6] = 0;   /* hop-by-hop */
	ip[7] = 255;
	ip[23] = 1;
	ip[39] = 2;
	ip[40] = 17; /* next: UDP */
	uint8_t *udp = ip + 48;
	put16(udp, 1);
	put16(udp + 2, 2);
	put16(udp + 4, 8);
	assert_int_equal(pkt_decode(LINK_ETHERNET, f, sizeof(f), sizeof(f), &pkt), 0);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_tci[0], 100);
	assert_int_equal(pkt.net.kind, NET_IP6);
	assert_int_equal(pkt.net.ip.proto, 17);
	assert_int_equal(pkt.net.ip.next_ext, 1);
	assert_int_equal(pkt.net.ip.ttl, 255);
	assert_int_equal(pkt.net.l4, L4_UDP);
	assert_int_equal(pkt.net.udp.cks, CKS_BAD);
}

static void test_every_link_type_survives_short_input(void **state)
{
	static const uint8_t junk[64] = { 0x45, 0x60, 0xff, 0x00, 0x86, 0xdd, 0x08, 0x00 };
	(void)state;
	for (int lt = 0; lt < LINK_COUNT; lt++)
		for (size_t n = 0; n <= sizeof(junk); n++)
			pkt_decode((enum link_type)lt, junk, n, n, &pkt);
}

static void test_flows_window_scale_and_relative(void **state)
{
	uint8_t syn[128], synack[128], ack[128], seg[sizeof(seed002_tcp)];
	struct flow_table *ft = dec_flows_new();
	struct flow_annot an;
	(void)state;

	memcpy(seg, seed002_tcp, sizeof(seg));
	size_t n = build_ip4(syn, 6, seg, sizeof(seg));
	pkt_decode(LINK_RAW, syn, n, n, &pkt);
	dec_flows_update(ft, &pkt, 1.0, &an);
	/* SYN-ACK the other way, wscale 7, seq 1000. */
	seg[0] = 0x30; seg[1] = 0x39; seg[2] = 0xe6; seg[3] = 0x5c;
	memset(seg + 4, 0, 4); seg[7] = 0xe8; seg[6] = 0x03;
	put16(seg + 8, 0xd651); put16(seg + 10, 0x05e8);
	seg[13] = 0x12;
	seg[39] = 7;
	n = build_ip4(synack, 6, seg, sizeof(seg));
	synack[12] = 10; synack[13] = 0; synack[14] = 0; synack[15] = 2;
	synack[16] = 10; synack[17] = 0; synack[18] = 0; synack[19] = 1;
	pkt_decode(LINK_RAW, synack, n, n, &pkt);
	dec_flows_update(ft, &pkt, 1.1, &an);
	memcpy(ack, syn, sizeof(syn));
	ack[20 + 13] = 0x10;
	ack[20 + 7] = 0xe8; /* seq + 1 */
	put16(ack + 20 + 14, 100);
	pkt_decode(LINK_RAW, ack, 60, 60, &pkt);
	dec_flows_update(ft, &pkt, 1.2, &an);
	assert_true(an.valid);
	assert_int_equal(an.rel_seq, 1);
	assert_true(an.scaled);
	assert_int_equal(an.win_scaled, 100 << 6);
	assert_int_equal(dec_flows_count(ft), 1);
	dec_flows_free(ft);
}


/* IPv6 (2001:db8::1 -> 2001:db8::2) + routing header rh + an empty UDP
 * datagram whose checksum covers `cover`, computed here from the RFC. */
static size_t build_ip6_routed(uint8_t *buf, const uint8_t *rh, size_t rhlen, const uint8_t *cover)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t *udp = buf + 40 + rhlen;

	memset(buf, 0, 40);
	buf[0] = 0x60;
	put16(buf + 4, (uint16_t)(rhlen + 8));
	buf[6] = 43;
	buf[7] = 64;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	memcpy(buf + 40, rh, rhlen);
	put16(udp, 1234);
	put16(udp + 2, 5678);
	put16(udp + 4, 8);
	put16(udp + 6, 0);
	uint32_t sum = pkt_cksum_add(0, cur_make(src, 16));
	sum = pkt_cksum_add(sum, cur_make(cover, 16));
	sum += 8 + 17;
	sum = pkt_cksum_add(sum, cur_make(udp, 8));
	put16(udp + 6, (uint16_t)~pkt_cksum_fold(sum));
	return 40 + rhlen + 8;
}

static void test_ipv6_routing_header_final_destination(void **state)
{
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t fin[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0x99 };
	uint8_t rh[64], buf[128];
	size_t n;
	(void)state;

	/* type 0, one segment left: the last address is the final one */
	memset(rh, 0, sizeof(rh));
	rh[0] = 17; rh[1] = 4; rh[2] = 0; rh[3] = 1;
	rh[8 + 15] = 7;
	memcpy(rh + 24, fin, 16);
	n = build_ip6_routed(buf, rh, 40, fin);
	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n, &pkt), 0);
	assert_true(pkt.net.ip.routed);
	assert_memory_equal(pkt.net.ip.final_dst, fin, 16);
	assert_int_equal(pkt.net.ip.ext[0].rt_type, 0);
	assert_int_equal(pkt.net.ip.ext[0].rt_left, 1);
	assert_int_equal(pkt.net.udp.cks, CKS_GOOD);
	/* none left: the destination address is the final one */
	rh[3] = 0;
	n = build_ip6_routed(buf, rh, 40, dst);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_false(pkt.net.ip.routed);
	assert_int_equal(pkt.net.udp.cks, CKS_GOOD);
	/* type 2 (mobile IPv6): the home address */
	memset(rh, 0, sizeof(rh));
	rh[0] = 17; rh[1] = 2; rh[2] = 2; rh[3] = 1;
	memcpy(rh + 8, fin, 16);
	n = build_ip6_routed(buf, rh, 24, fin);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_int_equal(pkt.net.udp.cks, CKS_GOOD);
	/* ...and a checksum over the destination address instead is wrong */
	n = build_ip6_routed(buf, rh, 24, dst);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_int_equal(pkt.net.udp.cks, CKS_BAD);
	/* type 3 (RPL): CmprI 8, CmprE 14, pad 6; the last address keeps 2
	 * bytes, the first 14 are the destination's */
	memset(rh, 0, sizeof(rh));
	rh[0] = 17; rh[1] = 2; rh[2] = 3; rh[3] = 2;
	rh[4] = 0x8e; rh[5] = 0x60;
	memset(rh + 8, 0x55, 8);
	rh[16] = 0xab; rh[17] = 0x99;
	uint8_t rpl_fin[16];
	memcpy(rpl_fin, dst, 14);
	rpl_fin[14] = 0xab; rpl_fin[15] = 0x99;
	n = build_ip6_routed(buf, rh, 24, rpl_fin);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_true(pkt.net.ip.routed);
	assert_memory_equal(pkt.net.ip.final_dst, rpl_fin, 16);
	assert_int_equal(pkt.net.udp.cks, CKS_GOOD);
	/* type 4 (SRH): segment 0 is the last of the path */
	memset(rh, 0, sizeof(rh));
	rh[0] = 17; rh[1] = 4; rh[2] = 4; rh[3] = 1; rh[4] = 1;
	memcpy(rh + 8, fin, 16);
	memcpy(rh + 24, dst, 16);
	n = build_ip6_routed(buf, rh, 40, fin);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_memory_equal(pkt.net.ip.final_dst, fin, 16);
	assert_int_equal(pkt.net.udp.cks, CKS_GOOD);
	/* a type 0 header whose addresses do not add up names nothing */
	memset(rh, 0, sizeof(rh));
	rh[0] = 17; rh[1] = 1; rh[2] = 0; rh[3] = 1;
	n = build_ip6_routed(buf, rh, 16, dst);
	pkt_decode(LINK_RAW, buf, n, n, &pkt);
	assert_false(pkt.net.ip.routed);
	assert_int_equal(pkt.net.udp.cks, CKS_GOOD);
}

/* IPv6 with payload length 0 and next header nh, then `body`. */
static size_t build_ip6_len0(uint8_t *buf, uint8_t nh, const uint8_t *body, size_t n)
{
	memset(buf, 0, 40);
	buf[0] = 0x60;
	buf[6] = nh;
	buf[7] = 64;
	buf[23] = 1;
	buf[39] = 2;
	memcpy(buf + 40, body, n);
	return 40 + n;
}

static void test_ipv6_payload_length_zero(void **state)
{
	uint8_t body[64], buf[128];
	(void)state;

	/* BIG TCP: no jumbo option, the length is the frame's */
	memset(body, 0, sizeof(body));
	memcpy(body, seed002_tcp, 20);
	body[12] = 0x50;
	size_t n = build_ip6_len0(buf, 6, body, 30);
	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n, &pkt), 0);
	assert_int_equal(pkt.net.ip.len_from, IPLEN_FRAME);
	assert_int_equal(pkt.net.ip.len, 70);
	assert_false(pkt.net.tcp.partial);
	assert_int_equal(pkt.net.tcp.payload_len, 10);
	assert_int_equal(pkt.net.tcp.cks, CKS_BAD);
	/* cut short by the snap length: the wire length still counts, and the
	 * checksum cannot be judged */
	assert_int_equal(pkt_decode(LINK_RAW, buf, n - 4, 1000, &pkt), 0);
	assert_int_equal(pkt.net.ip.len, 1000);
	assert_int_equal(pkt.net.tcp.payload_len, 940);
	assert_int_equal(pkt.net.tcp.cks, CKS_UNVERIFIED);
	/* a jumbogram: hop-by-hop header with the jumbo payload option */
	memset(body, 0, sizeof(body));
	body[0] = 6; body[1] = 0; body[2] = 0xc2; body[3] = 4;
	body[4] = 0; body[5] = 0; body[6] = 0; body[7] = 38;
	memcpy(body + 8, seed002_tcp, 20);
	body[8 + 12] = 0x50;
	n = build_ip6_len0(buf, 0, body, 8 + 30);
	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n + 100, &pkt), 0);
	assert_int_equal(pkt.net.ip.len_from, IPLEN_JUMBO);
	assert_int_equal(pkt.net.ip.len, 78);
	assert_int_equal(pkt.net.tcp.payload_len, 10);
	/* ICMPv6 with payload length 0 is no BIG TCP: nothing is there */
	n = build_ip6_len0(buf, 58, body, 8);
	assert_int_equal(pkt_decode(LINK_RAW, buf, n, n, &pkt), -1);
	assert_int_equal(pkt.net.ip.len_from, IPLEN_HEADER);
	assert_true(pkt.net.icmp.partial);
	assert_int_equal(pkt.net.icmp.have, 0);
}

static void test_tcp_cut_short_reads_only_what_is_there(void **state)
{
	uint8_t buf[128];
	size_t full = build_ip4(buf, 6, seed002_tcp, sizeof(seed002_tcp));
	(void)state;

	for (size_t have = 0; have < 20; have++) {
		assert_int_equal(pkt_decode(LINK_RAW, buf, 20 + have, full, &pkt), -1);
		const struct tcp_hdr *t = &pkt.net.tcp;
		assert_true(t->partial);
		assert_int_equal(t->have, have);
		assert_int_equal(t->sport, have >= 2 ? 58972 : 0);
		assert_int_equal(t->dport, have >= 4 ? 12345 : 0);
		assert_int_equal(t->seq, have >= 8 ? 3595634151u : 0);
		assert_int_equal(t->flags, have >= 14 ? TCP_SYN : 0);
		assert_int_equal(t->win, have >= 16 ? 5840 : 0);
		assert_int_equal(pkt.err.off, 20);
	}
}

static void test_link_type_not_decoded_is_no_error(void **state)
{
	uint8_t buf[128];
	size_t n = build_ip4(buf, 6, seed002_tcp, sizeof(seed002_tcp));
	(void)state;

	assert_int_equal(pkt_decode(LINK_UNKNOWN, buf, n, n, &pkt), 0);
	assert_int_equal(pkt.err.kind, PERR_NONE);
	assert_int_equal(pkt.link.type, LINK_UNKNOWN);
	assert_int_equal(pkt.link.hlen, 0);
	assert_int_equal(pkt.net.kind, NET_NONE);
}

static void test_tcp_flag_letters_in_tcpdump_order(void **state)
{
	char letters[16] = "";
	size_t n = 0;
	(void)state;

	for (size_t i = 0; i < pkt_tcp_flag_count; i++) {
		if (i)
			assert_true(pkt_tcp_flag_names[i].bit > pkt_tcp_flag_names[i - 1].bit);
		letters[n++] = pkt_tcp_flag_names[i].letter;
	}
	assert_string_equal(letters, "FSRP.UEWe");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed002_syn),
		cmocka_unit_test(test_tcp_checksum_good_and_partial),
		cmocka_unit_test(test_truncated_tcp_keeps_ip),
		cmocka_unit_test(test_bad_tcp_option_length),
		cmocka_unit_test(test_udp_and_icmp_quote),
		cmocka_unit_test(test_ipv6_ext_and_ethernet_vlan),
		cmocka_unit_test(test_every_link_type_survives_short_input),
		cmocka_unit_test(test_flows_window_scale_and_relative),
		cmocka_unit_test(test_ipv6_routing_header_final_destination),
		cmocka_unit_test(test_ipv6_payload_length_zero),
		cmocka_unit_test(test_tcp_cut_short_reads_only_what_is_there),
		cmocka_unit_test(test_link_type_not_decoded_is_no_error),
		cmocka_unit_test(test_tcp_flag_letters_in_tcpdump_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
