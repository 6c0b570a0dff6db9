/* Link-layer parsers: Ethernet (VLAN, 802.3/SNAP), Linux cooked v1 and v2,
 * BSD null and OpenBSD loop, raw IP. Each leaves the cursor at the network
 * header and the ethertype that says what it is. */
#include "pkt/packet.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100

/* libpcap DLT_ values, as numbers so the parsers need no pcap.h. */
static const struct {
	int dlt;
	enum link_type lt;
} dlt_map[] = {
	{ 0, LINK_NULL }, { 1, LINK_ETHERNET }, { 12, LINK_RAW }, { 14, LINK_RAW },
	{ 101, LINK_RAW }, { 108, LINK_LOOP }, { 113, LINK_SLL }, { 276, LINK_SLL2 },
	{ 228, LINK_IPV4 }, { 229, LINK_IPV6 },
};

enum link_type pkt_link_from_dlt(int dlt)
{
	for (size_t i = 0; i < sizeof(dlt_map) / sizeof(dlt_map[0]); i++)
		if (dlt_map[i].dlt == dlt)
			return dlt_map[i].lt;
	return LINK_UNKNOWN;
}

static int ether_parse(struct pkt *pkt, struct cursor *c)
{
	struct link_hdr *l = &pkt->link;
	uint16_t type = 0;

	l->addrlen = 6;
	if (rd_bytes(c, l->dst, 6) < 0 || rd_bytes(c, l->src, 6) < 0 || rd_be16(c, &type) < 0)
		return pkt_fail(pkt, c, PERR_TRUNCATED, "ethernet header", NULL);
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		uint16_t tci = 0;
		if (rd_be16(c, &tci) < 0 || rd_be16(c, &type) < 0)
			return pkt_fail(pkt, c, PERR_TRUNCATED, "vlan tag", NULL);
		if (l->nvlan < PKT_VLAN_MAX) {
			l->vlan_tpid[l->nvlan] = 0;
			l->vlan_tci[l->nvlan++] = tci;
		}
	}
	if (type <= 1500) {
		/* 802.3 length: only LLC/SNAP carries an ethertype we follow. */
		uint8_t dsap, ssap, ctl;
		l->llc = true;
		struct cursor s = *c;
		if (rd_u8(&s, &dsap) == 0 && rd_u8(&s, &ssap) == 0 && rd_u8(&s, &ctl) == 0 &&
		    dsap == 0xaa && ssap == 0xaa && ctl == 0x03 && cur_skip(&s, 3) == 0 &&
		    rd_be16(&s, &type) == 0) {
			*c = s;
		} else {
			type = 0;
		}
	}
	l->ethertype = type;
	return 0;
}

static int sll_parse(struct pkt *pkt, struct cursor *c)
{
	struct link_hdr *l = &pkt->link;
	uint16_t halen = 0;

	if (rd_be16(c, &l->sll_pkttype) < 0 || rd_be16(c, &l->sll_hatype) < 0 ||
	    rd_be16(c, &halen) < 0 || rd_bytes(c, l->src, 8) < 0 || rd_be16(c, &l->ethertype) < 0)
		return pkt_fail(pkt, c, PERR_TRUNCATED, "linux cooked header", NULL);
	l->addrlen = (uint8_t)(halen > 8 ? 8 : halen);
	return 0;
}

static int sll2_parse(struct pkt *pkt, struct cursor *c)
{
	struct link_hdr *l = &pkt->link;
	uint8_t pkttype = 0, halen = 0;

	if (rd_be16(c, &l->ethertype) < 0 || cur_skip(c, 2) < 0 || rd_be32(c, &l->sll_ifindex) < 0 ||
	    rd_be16(c, &l->sll_hatype) < 0 || rd_u8(c, &pkttype) < 0 || rd_u8(c, &halen) < 0 ||
	    rd_bytes(c, l->src, 8) < 0)
		return pkt_fail(pkt, c, PERR_TRUNCATED, "linux cooked v2 header", NULL);
	l->sll_pkttype = pkttype;
	l->addrlen = (uint8_t)(halen > 8 ? 8 : halen);
	return 0;
}

static uint16_t family_to_ethertype(uint32_t af)
{
	if (af == 2)
		return ETHERTYPE_IPV4;
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return ETHERTYPE_IPV6;
	return 0;
}

static int null_parse(struct pkt *pkt, struct cursor *c, bool net_order)
{
	struct link_hdr *l = &pkt->link;
	uint32_t af = 0;

	if (!cur_have(c, 4))
		return pkt_fail(pkt, c, PERR_TRUNCATED, "loopback header", NULL);
	if (net_order) {
		rd_be32(c, &af);
	} else {
		/* Host order of the capturing machine: small values tell which. */
		struct cursor s = *c;
		rd_be32(&s, &af);
		if (af > 0xffff)
			rd_le32(c, &af);
		else
			*c = s;
	}
	l->family = af;
	l->ethertype = family_to_ethertype(af);
	return 0;
}

static int raw_parse(struct pkt *pkt, struct cursor *c)
{
	uint8_t v;
	struct cursor s = *c;

	if (rd_u8(&s, &v) < 0)
		return pkt_fail(pkt, c, PERR_TRUNCATED, "ip header", NULL);
	pkt->link.ethertype = (v >> 4) == 6 ? ETHERTYPE_IPV6 : (v >> 4) == 4 ? ETHERTYPE_IPV4 : 0;
	return 0;
}

int pkt_link_parse(struct pkt *pkt, enum link_type lt, struct cursor *c)
{
	const uint8_t *start = c->p;
	int rc;

	pkt->link.type = lt;
	switch (lt) {
	case LINK_ETHERNET: rc = ether_parse(pkt, c); break;
	case LINK_SLL: rc = sll_parse(pkt, c); break;
	case LINK_SLL2: rc = sll2_parse(pkt, c); break;
	case LINK_NULL: rc = null_parse(pkt, c, false); break;
	case LINK_LOOP: rc = null_parse(pkt, c, true); break;
	case LINK_RAW: rc = raw_parse(pkt, c); break;
	case LINK_IPV4: pkt->link.ethertype = ETHERTYPE_IPV4; rc = 0; break;
	case LINK_IPV6: pkt->link.ethertype = ETHERTYPE_IPV6; rc = 0; break;
	default:
		/* Not decoded is not malformed: the frame stays as it is. */
		pkt->link.type = LINK_UNKNOWN;
		return 0;
	}
	pkt->link.hlen = (uint16_t)(c->p - start);
	return rc;
}

int pkt_decode(enum link_type lt, const uint8_t *p, size_t caplen, size_t len, struct pkt *pkt)
{
	struct cursor c = cur_make(p, caplen);

	/* The quoted layers are big and rarely used: cleared when an ICMP
	 * error fills them, not here. */
	memset(pkt, 0, offsetof(struct pkt, quoted));
	memset(&pkt->err, 0, sizeof(pkt->err));
	pkt->data = p;
	pkt->caplen = (uint32_t)caplen;
	pkt->len = (uint32_t)len;
	if (pkt_link_parse(pkt, lt, &c) < 0)
		return -1;
	if (pkt->link.type == LINK_UNKNOWN)
		return 0;
	return pkt_net_parse(pkt, &pkt->net, pkt->link.ethertype, &c, false);
}
