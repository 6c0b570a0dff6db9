/* The tables behind names.h. */
#include "pkt/names.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

const char *pkt_vname_find(const struct vname *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}

static const struct vname ipproto[] = {
	{ 0, "HOPOPT" }, { 1, "ICMP" }, { 2, "IGMP" }, { 4, "IPIP" }, { 6, "TCP" }, { 17, "UDP" },
	{ 41, "IPv6" }, { 43, "Routing" }, { 44, "Fragment" }, { 46, "RSVP" }, { 47, "GRE" },
	{ 50, "ESP" }, { 51, "AH" }, { 58, "ICMPv6" }, { 59, "NoNext" }, { 60, "DstOpts" },
	{ 88, "EIGRP" }, { 89, "OSPF" }, { 103, "PIM" }, { 112, "VRRP" }, { 132, "SCTP" },
	{ 136, "UDPLite" },
};
static const struct vname ipproto_lc[] = {
	{ 1, "icmp" }, { 6, "tcp" }, { 17, "udp" }, { 58, "icmp6" }, { 47, "gre" }, { 50, "esp" },
	{ 51, "ah" }, { 132, "sctp" }, { 2, "igmp" }, { 4, "ipip" }, { 41, "ipv6" }, { 89, "ospf" },
};
const char *pkt_name_ipproto(uint8_t p) { return pkt_vname_find(ipproto, N(ipproto), p); }
const char *pkt_name_ipproto_lc(uint8_t p) { return pkt_vname_find(ipproto_lc, N(ipproto_lc), p); }

static const struct vname ethertypes[] = {
	{ 0x0800, "IPv4" }, { 0x0806, "ARP" }, { 0x86dd, "IPv6" }, { 0x8100, "802.1Q" },
	{ 0x88a8, "802.1ad" }, { 0x8035, "RARP" }, { 0x8847, "MPLS" }, { 0x8848, "MPLS multicast" },
	{ 0x8863, "PPPoE discovery" }, { 0x8864, "PPPoE session" }, { 0x888e, "EAPOL" },
	{ 0x88cc, "LLDP" }, { 0x9000, "Loopback" }, { 0x88f7, "PTP" }, { 0x8809, "Slow protocols" },
};
const char *pkt_name_ethertype(uint16_t t) { return pkt_vname_find(ethertypes, N(ethertypes), t); }

static const struct vname tcpopts[] = {
	{ 0, "eol" }, { 1, "nop" }, { 2, "mss" }, { 3, "wscale" }, { 4, "sackOK" }, { 5, "sack" },
	{ 8, "TS" }, { 19, "md5" }, { 28, "uto" }, { 29, "tcp-ao" }, { 30, "mptcp" },
	{ 34, "tfo" }, { 253, "exp" }, { 254, "exp" },
};
const char *pkt_name_tcpopt(uint8_t k) { return pkt_vname_find(tcpopts, N(tcpopts), k); }

static const struct vname ipopts[] = {
	{ 0, "EOL" }, { 1, "NOP" }, { 7, "RR" }, { 68, "TS" }, { 130, "SEC" }, { 131, "LSRR" },
	{ 137, "SSRR" }, { 136, "SID" }, { 148, "RA" },
};
const char *pkt_name_ipopt(uint8_t t) { return pkt_vname_find(ipopts, N(ipopts), t); }

static const struct vname ip6ext[] = {
	{ 0, "HBH" }, { 43, "srcrt" }, { 44, "frag" }, { 60, "DSTOPT" }, { 51, "AH" },
	{ 135, "mobility" }, { 139, "HIP" }, { 140, "shim6" },
};
const char *pkt_name_ip6ext(uint8_t nh) { return pkt_vname_find(ip6ext, N(ip6ext), nh); }

static const struct vname arpops[] = {
	{ 1, "Request" }, { 2, "Reply" }, { 3, "Reverse Request" }, { 4, "Reverse Reply" },
	{ 8, "InARP Request" }, { 9, "InARP Reply" },
};
const char *pkt_name_arpop(uint16_t op) { return pkt_vname_find(arpops, N(arpops), op); }

static const struct vname icmp4[] = {
	{ 0, "echo reply" }, { 3, "unreachable" }, { 4, "source quench" }, { 5, "redirect" },
	{ 8, "echo request" }, { 9, "router advertisement" }, { 10, "router solicitation" },
	{ 11, "time exceeded" }, { 12, "parameter problem" }, { 13, "timestamp request" },
	{ 14, "timestamp reply" }, { 15, "information request" }, { 16, "information reply" },
	{ 17, "address mask request" }, { 18, "address mask reply" },
};
const char *pkt_name_icmp(uint8_t t) { return pkt_vname_find(icmp4, N(icmp4), t); }

static const struct vname icmp6[] = {
	{ 1, "destination unreachable" }, { 2, "packet too big" }, { 3, "time exceeded" },
	{ 4, "parameter problem" }, { 128, "echo request" }, { 129, "echo reply" },
	{ 130, "multicast listener query" }, { 131, "multicast listener report" },
	{ 132, "multicast listener done" }, { 133, "router solicitation" },
	{ 134, "router advertisement" }, { 135, "neighbor solicitation" },
	{ 136, "neighbor advertisement" }, { 137, "redirect" }, { 143, "multicast listener report v2" },
};
const char *pkt_name_icmp6(uint8_t t) { return pkt_vname_find(icmp6, N(icmp6), t); }

static const struct vname unreach4[] = {
	{ 0, "net unreachable" }, { 1, "host unreachable" }, { 2, "protocol unreachable" },
	{ 3, "port unreachable" }, { 4, "fragmentation needed" }, { 5, "source route failed" },
	{ 6, "net unknown" }, { 7, "host unknown" }, { 9, "net prohibited" },
	{ 10, "host prohibited" }, { 13, "administratively prohibited" },
};
const char *pkt_name_icmp_unreach(uint8_t c) { return pkt_vname_find(unreach4, N(unreach4), c); }

static const struct vname unreach6[] = {
	{ 0, "no route" }, { 1, "administratively prohibited" }, { 2, "beyond scope" },
	{ 3, "address unreachable" }, { 4, "port unreachable" }, { 5, "source address failed policy" },
	{ 6, "reject route" },
};
const char *pkt_name_icmp6_unreach(uint8_t c) { return pkt_vname_find(unreach6, N(unreach6), c); }

static const struct vname sll_pkttypes[] = {
	{ 0, "In" }, { 1, "B" }, { 2, "M" }, { 3, "P" }, { 4, "Out" },
};
const char *pkt_name_sll_pkttype(uint16_t t) { return pkt_vname_find(sll_pkttypes, N(sll_pkttypes), t); }

/* tcpdump prints the letters in bit order, ACK's dot among them: [S.E],
 * [FSRP.UEW]. */
const struct tcp_flag_name pkt_tcp_flag_names[] = {
	{ 0x01, 'F', "FIN" }, { 0x02, 'S', "SYN" }, { 0x04, 'R', "RST" }, { 0x08, 'P', "PSH" },
	{ 0x10, '.', "ACK" }, { 0x20, 'U', "URG" }, { 0x40, 'E', "ECE" }, { 0x80, 'W', "CWR" },
	{ 0x100, 'e', "AE" },
};
const size_t pkt_tcp_flag_count = N(pkt_tcp_flag_names);
