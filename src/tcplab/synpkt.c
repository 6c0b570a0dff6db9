/* SYN and SYN-ACK packets (see synpkt.h). */
#include "tcplab/synpkt.h"

#include <string.h>

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t build(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t ipid)
{
	uint8_t *ip = out, *t = out + 20;

	memset(out, 0, TL_SYNPKT_LEN);
	ip[0] = 0x45;
	put16(ip + 2, TL_SYNPKT_LEN);
	put16(ip + 4, ipid);
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, fold(sum16(0, ip, 20)));
	put16(t, sport);
	put16(t + 2, dport);
	put16(t + 4, (uint16_t)(seq >> 16));
	put16(t + 6, (uint16_t)seq);
	put16(t + 8, (uint16_t)(ack >> 16));
	put16(t + 10, (uint16_t)ack);
	t[12] = 6 << 4; /* 24 bytes */
	t[13] = flags;
	put16(t + 14, 64240);
	t[20] = 2;      /* MSS 1460 */
	t[21] = 4;
	put16(t + 22, 1460);
	uint8_t pseudo[12];

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, 24);
	put16(t + 16, fold(sum16(sum16(0, pseudo, 12), t, 24)));
	return TL_SYNPKT_LEN;
}

size_t tl_synpkt(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 uint32_t seq, uint16_t ipid)
{
	return build(out, src, dst, sport, dport, seq, 0, 0x02, ipid); /* SYN */
}

size_t tl_synackpkt(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		    uint32_t seq, uint32_t ack, uint16_t ipid)
{
	return build(out, src, dst, sport, dport, seq, ack, 0x12, ipid); /* SYN, ACK */
}
