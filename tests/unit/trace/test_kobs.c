/* Unit tests for trace's kernel observer, the parts that are pure: how its
 * capture filter finds a frame's ports (bpf/kobs_parse.h, the code the BPF
 * socket filter runs, here over a buffer), the link types it reads, its
 * events turned into the model's, and the reasons they name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/types.h>

#include "trace/kobs.h"

struct buf {
	const uint8_t *p;
	size_t n;
};

static int load(const void *ctx, __u32 off, void *to, __u32 len)
{
	const struct buf *b = ctx;

	if ((size_t)off + len > b->n)
		return -1;
	memcpy(to, b->p + off, len);
	return 0;
}

#define KOBS_LOAD(ctx, off, buf, len) load(ctx, off, buf, len)
#include "trace/bpf/kobs.h"
#include "trace/bpf/kobs_parse.h"

static size_t eth(uint8_t *f, uint16_t type)
{
	memset(f, 0, 14);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/* An IPv4 header of proto with fragment offset frag (8-byte units). */
static size_t ip4(uint8_t *f, uint8_t proto, uint16_t frag)
{
	memset(f, 0, 20);
	f[0] = 0x45;
	f[6] = (uint8_t)(frag >> 8);
	f[7] = (uint8_t)frag;
	f[9] = proto;
	return 20;
}

static size_t ip6(uint8_t *f, uint8_t next)
{
	memset(f, 0, 40);
	f[0] = 0x60;
	f[6] = next;
	return 40;
}

static size_t ports(uint8_t *f, uint16_t sport, uint16_t dport)
{
	memset(f, 0, 20);
	f[0] = (uint8_t)(sport >> 8);
	f[1] = (uint8_t)sport;
	f[2] = (uint8_t)(dport >> 8);
	f[3] = (uint8_t)dport;
	return 20;
}

static int parse(const uint8_t *f, size_t n, uint32_t link, struct kobs_ports *p)
{
	struct buf b = { f, n };

	memset(p, 0, sizeof *p);
	return kobs_frame_ports(&b, link, p);
}

static void test_ethernet_ipv4_tcp(void **state)
{
	uint8_t f[128];
	size_t n = 0;
	struct kobs_ports p;

	(void)state;
	n += eth(f, 0x0800);
	n += ip4(f + n, 6, 0);
	n += ports(f + n, 7777, 6666);
	assert_int_equal(parse(f, n, KOBS_LINK_ETH, &p), 1);
	assert_int_equal(p.sport, 7777);
	assert_int_equal(p.dport, 6666);
	/* options in the IP header: IHL 6 */
	n = eth(f, 0x0800);
	n += ip4(f + n, 17, 0);
	f[14] = 0x46;
	memset(f + n, 0, 4);
	n += 4;
	n += ports(f + n, 53, 40000);
	assert_int_equal(parse(f, n, KOBS_LINK_ETH, &p), 1);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.dport, 40000);
	/* cut short before the ports */
	assert_int_equal(parse(f, n - 18, KOBS_LINK_ETH, &p), 0);
}

static void test_vlan_and_ipv6(void **state)
{
	uint8_t f[128];
	size_t n;
	struct kobs_ports p;

	(void)state;
	n = eth(f, 0x8100);
	f[16] = 0x86;
	f[17] = 0xdd;
	n += 4;
	n += ip6(f + n, 17);
	n += ports(f + n, 5000, 5001);
	assert_int_equal(parse(f, n, KOBS_LINK_ETH, &p), 1);
	assert_int_equal(p.sport, 5000);
	assert_int_equal(p.dport, 5001);
	/* a first fragment carries the ports; a later one does not */
	n = ip6(f, 44);
	memset(f + n, 0, 8);
	f[n] = 6;
	n += 8;
	n += ports(f + n, 1, 2);
	assert_int_equal(parse(f, n, KOBS_LINK_L3, &p), 1);
	assert_int_equal(p.dport, 2);
	f[40 + 3] = 0x08; /* offset 1 */
	assert_int_equal(parse(f, n, KOBS_LINK_L3, &p), 0);
}

static void test_not_ports(void **state)
{
	uint8_t f[128];
	size_t n;
	struct kobs_ports p;

	(void)state;
	n = eth(f, 0x0806); /* ARP */
	memset(f + n, 0, 28);
	assert_int_equal(parse(f, n + 28, KOBS_LINK_ETH, &p), 0);
	/* a later IPv4 fragment */
	n = ip4(f, 17, 0x0010);
	n += ports(f + n, 1, 2);
	assert_int_equal(parse(f, n, KOBS_LINK_L3, &p), 0);
	/* an ICMP echo is no error */
	n = ip4(f, 1, 0);
	memset(f + n, 0, 8);
	f[n] = 8;
	assert_int_equal(parse(f, n + 8, KOBS_LINK_L3, &p), 0);
	/* an IPv4 header on an IPv6 ethertype */
	n = eth(f, 0x86dd);
	n += ip4(f + n, 6, 0);
	n += ports(f + n, 1, 2);
	memset(f + n, 0, 40);
	assert_int_equal(parse(f, n + 40, KOBS_LINK_ETH, &p), 0);
}

static void test_icmp_errors_quote_ports(void **state)
{
	uint8_t f[160];
	size_t n;
	struct kobs_ports p;

	(void)state;
	/* port unreachable quoting a UDP datagram 40001 -> 9 */
	n = ip4(f, 1, 0);
	memset(f + n, 0, 8);
	f[n] = 3;
	f[n + 1] = 3;
	n += 8;
	n += ip4(f + n, 17, 0);
	n += ports(f + n, 40001, 9);
	assert_int_equal(parse(f, n, KOBS_LINK_L3, &p), 1);
	assert_int_equal(p.sport, 40001);
	assert_int_equal(p.dport, 9);
	/* ICMPv6 destination unreachable, behind Ethernet */
	n = eth(f, 0x86dd);
	n += ip6(f + n, 58);
	memset(f + n, 0, 8);
	f[n] = 1;
	f[n + 1] = 4;
	n += 8;
	n += ip6(f + n, 17);
	n += ports(f + n, 40002, 10);
	assert_int_equal(parse(f, n, KOBS_LINK_ETH, &p), 1);
	assert_int_equal(p.sport, 40002);
	assert_int_equal(p.dport, 10);
	/* the quote cut before its ports */
	assert_int_equal(parse(f, n - 18, KOBS_LINK_ETH, &p), 0);
}

static void test_link_kinds(void **state)
{
	(void)state;
	assert_int_equal(tr_kobs_link_kind(1), KOBS_LINK_ETH);    /* EN10MB */
	assert_int_equal(tr_kobs_link_kind(113), KOBS_LINK_L3);   /* LINUX_SLL */
	assert_int_equal(tr_kobs_link_kind(276), KOBS_LINK_L3);   /* LINUX_SLL2 */
	assert_int_equal(tr_kobs_link_kind(101), KOBS_LINK_L3);   /* RAW */
	assert_int_equal(tr_kobs_link_kind(0), 0);                /* BSD NULL */
	assert_int_equal(tr_kobs_link_kind(105), 0);              /* 802.11 */
}

static void test_events_and_reasons(void **state)
{
	struct kobs_event e;
	struct tr_kevent k;

	(void)state;
	memset(&e, 0, sizeof e);
	e.ts = 1000;
	e.kind = KOBS_EV_RETRANS;
	e.reason = KOBS_RT_TIMEOUT;
	e.seq = 123456;
	e.family = AF_INET;
	e.sport = 7777;
	e.dport = 6666;
	memcpy(e.saddr, "\x0a\x00\x00\x01", 4);
	memcpy(e.daddr, "\x0a\x00\x00\x02", 4);
	assert_true(tr_kobs_event_convert(&e, 5000, &k));
	assert_int_equal(k.ts, 6000);
	assert_int_equal(k.kind, TR_KEV_RETRANS);
	assert_int_equal(k.seq, 123456);
	assert_int_equal(k.src.family, AF_INET);
	assert_int_equal(k.src.port, 7777);
	assert_int_equal(k.dst.port, 6666);
	assert_memory_equal(k.dst.addr, "\x0a\x00\x00\x02", 4);
	assert_string_equal(tr_kevent_why(&k), "retransmission (timeout)");
	k.reason = TR_RT_FAST;
	assert_string_equal(tr_kevent_why(&k), "fast retransmit");
	k.reason = TR_RT_PROBE;
	assert_string_equal(tr_kevent_why(&k), "tail-loss probe");

	/* a RST for a SYN to a closed port: NO_SOCKET (1) + 1 */
	e.kind = KOBS_EV_RST_SENT;
	e.reason = 2;
	e.syn = 1;
	e.family = AF_INET6;
	memset(e.saddr, 0, 16);
	memcpy(e.saddr, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f\0\0\1", 16);
	assert_true(tr_kobs_event_convert(&e, 0, &k));
	assert_int_equal(k.src.family, AF_INET); /* v4-mapped made IPv4 */
	assert_string_equal(tr_kevent_why(&k), "RST: nothing listens on this port");
	e.syn = 0;
	assert_true(tr_kobs_event_convert(&e, 0, &k));
	assert_string_equal(tr_kevent_why(&k), "RST: no such connection");
	e.reason = 11 + 1; /* TCP_ABORT_ON_CLOSE */
	assert_true(tr_kobs_event_convert(&e, 0, &k));
	assert_string_equal(tr_kevent_why(&k), "RST: close with unread data");
	e.reason = 0; /* a kernel without the reason field */
	assert_true(tr_kobs_event_convert(&e, 0, &k));
	assert_null(tr_kevent_why(&k));
	e.kind = 99;
	assert_false(tr_kobs_event_convert(&e, 0, &k));
	e.kind = KOBS_EV_RST_RECV;
	e.family = 1; /* AF_UNIX */
	assert_false(tr_kobs_event_convert(&e, 0, &k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet_ipv4_tcp),
		cmocka_unit_test(test_vlan_and_ipv6),
		cmocka_unit_test(test_not_ports),
		cmocka_unit_test(test_icmp_errors_quote_ports),
		cmocka_unit_test(test_link_kinds),
		cmocka_unit_test(test_events_and_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
