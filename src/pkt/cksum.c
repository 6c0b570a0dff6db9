/* The Internet checksum (RFC 1071) over cursor ranges, and the IPv4/IPv6
 * pseudo-header sums that TCP, UDP and ICMPv6 cover. */
#include "pkt/packet.h"

uint32_t pkt_cksum_add(uint32_t sum, struct cursor c)
{
	const uint8_t *p = c.p;
	size_t n = c.len, i = 0;
	uint64_t acc = sum;

	for (; i + 1 < n; i += 2)
		acc += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (i < n)
		acc += (uint32_t)(p[i] << 8);
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t pkt_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t pkt_cksum_pseudo(const struct ip_hdr *ip, uint8_t proto, uint32_t len)
{
	size_t alen = ip->version == 6 ? 16 : 4;
	uint32_t sum = pkt_cksum_add(0, cur_make(ip->src, alen));

	sum = pkt_cksum_add(sum, cur_make(ip->routed ? ip->final_dst : ip->dst, alen));
	sum += proto;
	sum += len >> 16;
	sum += len & 0xffff;
	return sum;
}

enum cks_status pkt_cksum_judge(uint32_t sum_all, uint16_t field, const uint32_t *pseudo,
			    uint16_t *calc)
{
	uint64_t s = (uint64_t)sum_all + (uint16_t)~field;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	*calc = (uint16_t)~s;
	if (pkt_cksum_fold(sum_all) == 0xffff) {
		*calc = field;
		return CKS_GOOD;
	}
	/* Linux checksum offload leaves the folded pseudo-header sum for the
	 * NIC (or loopback, which never completes it) to finish. */
	if (pseudo && field == pkt_cksum_fold(*pseudo))
		return CKS_PARTIAL;
	return CKS_BAD;
}
