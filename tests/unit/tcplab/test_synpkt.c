/* The flood's SYNs decode as SYNs with good checksums (pkt's own judge). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pkt/packet.h"
#include "tcplab/synpkt.h"

static void test_syn_decodes_with_good_checksums(void **state)
{
	uint8_t b[TL_SYNPKT_LEN];
	struct pkt k;
	uint32_t src = htonl(0x0ae90064), dst = htonl(0x0ae90002); /* 10.233.0.100 → .2 */

	(void)state;
	assert_int_equal(tl_synpkt(b, src, dst, 40001, 5001, 0x12345678, 7), TL_SYNPKT_LEN);
	assert_int_equal(pkt_decode(LINK_RAW, b, sizeof b, sizeof b, &k), 0);
	assert_int_equal(k.net.kind, NET_IP4);
	assert_int_equal(k.net.ip.cks, CKS_GOOD);
	assert_int_equal(k.net.l4, L4_TCP);
	assert_int_equal(k.net.tcp.cks, CKS_GOOD);
	assert_int_equal(k.net.tcp.flags, TCP_SYN);
	assert_int_equal(k.net.tcp.sport, 40001);
	assert_int_equal(k.net.tcp.dport, 5001);
	assert_int_equal(k.net.tcp.seq, 0x12345678);
	assert_int_equal(k.net.tcp.opts[0].mss, 1460);
	assert_memory_equal(k.net.ip.src, &src, 4);
}

static void test_synack_decodes_with_good_checksums(void **state)
{
	uint8_t b[TL_SYNPKT_LEN];
	struct pkt k;
	uint32_t src = htonl(0x0ae90003), dst = htonl(0x0ae90001); /* 10.233.0.3 → .1 */

	(void)state;
	assert_int_equal(tl_synackpkt(b, src, dst, 5001, 40001, 2021824000u, 0xdeadbeef, 9),
			 TL_SYNPKT_LEN);
	assert_int_equal(pkt_decode(LINK_RAW, b, sizeof b, sizeof b, &k), 0);
	assert_int_equal(k.net.ip.cks, CKS_GOOD);
	assert_int_equal(k.net.tcp.cks, CKS_GOOD);
	assert_int_equal(k.net.tcp.flags, TCP_SYN | TCP_ACK);
	assert_int_equal(k.net.tcp.seq, 2021824000u);
	assert_int_equal(k.net.tcp.ack, 0xdeadbeef);
	assert_int_equal(k.net.tcp.sport, 5001);
	assert_int_equal(k.net.tcp.dport, 40001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_decodes_with_good_checksums),
		cmocka_unit_test(test_synack_decodes_with_good_checksums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
