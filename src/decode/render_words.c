/* The words every printer shares: addresses, checksum verdicts, IP
 * protocol names. A leaf: it calls no other printer. */
#include "decode/render_text.h"

#include "core/color.h"
#include "pkt/names.h"

const char *dec_cks_status_name(enum cks_status s)
{
	static const char *const names[] = { "unverified", "good", "bad", "partial", "none" };
	return names[s];
}

void dec_render_addr(struct outbuf *ob, const struct ip_hdr *ip, const uint8_t *a)
{
	if (ip->version == 6)
		dec_ob_ip6(ob, a);
	else
		dec_ob_ip4(ob, a);
}

void dec_text_cksum(struct outbuf *ob, uint16_t field, enum cks_status st, uint16_t calc)
{
	OB_LIT(ob, "cksum ");
	dec_ob_hex(ob, field, 4);
	switch (st) {
	case CKS_GOOD:
		ob_chr(ob, ' ');
		ob_sgr(ob, COLOR_GREEN);
		OB_LIT(ob, "(correct)");
		ob_sgr(ob, COLOR_RESET);
		break;
	case CKS_BAD:
	case CKS_PARTIAL:
		/* tcpdump's word for both; --verdicts tells an offloaded one apart */
		ob_chr(ob, ' ');
		ob_sgr(ob, st == CKS_BAD ? COLOR_RED : COLOR_YELLOW);
		OB_LIT(ob, "(incorrect -> ");
		dec_ob_hex(ob, calc, 4);
		ob_chr(ob, ')');
		ob_sgr(ob, COLOR_RESET);
		break;
	case CKS_NONE: OB_LIT(ob, " (none)"); break;
	case CKS_UNVERIFIED: OB_LIT(ob, " (unverified)"); break;
	}
}

/* tcpdump's ipproto_values. */
static const struct vname td_ipproto[] = {
	{ 0, "Options" }, { 1, "ICMP" }, { 2, "IGMP" }, { 4, "IPIP" }, { 6, "TCP" }, { 8, "EGP" },
	{ 9, "IGRP" }, { 17, "UDP" }, { 33, "DCCP" }, { 41, "IPv6" }, { 43, "Routing" },
	{ 44, "Fragment" }, { 46, "RSVP" }, { 47, "GRE" }, { 50, "ESP" }, { 51, "AH" },
	{ 55, "Mobile IP" }, { 58, "ICMPv6" }, { 60, "DSTOPTS" }, { 62, "Mobile IP (old)" },
	{ 88, "EIGRP" }, { 89, "OSPF" }, { 103, "PIM" }, { 108, "Compressed IP" }, { 112, "VRRP" },
	{ 113, "PGM" }, { 132, "SCTP" }, { 135, "Mobility" }, { 112, "CARP" },
};

const char *dec_text_ipproto(uint8_t p)
{
	return pkt_vname_find(td_ipproto, sizeof(td_ipproto) / sizeof(td_ipproto[0]), p);
}
