/* The ports of a captured frame, for trace's kernel capture filter: the
 * TCP or UDP ports of an IPv4/IPv6 packet, or of the datagram an ICMP
 * error quotes. Written once for the BPF socket filter (KOBS_LOAD is
 * bpf_skb_load_bytes there) and for the unit test (a bounded copy from a
 * buffer): the includer defines KOBS_LOAD(ctx, off, buf, len), 0 on
 * success, and the __u8/__u16/__u32 types. */
#ifndef SOCKLAB_TRACE_BPF_KOBS_PARSE_H
#define SOCKLAB_TRACE_BPF_KOBS_PARSE_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define KOBS_ET_IPV4 0x0800
#define KOBS_ET_IPV6 0x86dd
#define KOBS_ET_VLAN 0x8100
#define KOBS_ET_QINQ 0x88a8
#define KOBS_P_ICMP 1
#define KOBS_P_TCP 6
#define KOBS_P_UDP 17
#define KOBS_P_FRAG6 44
#define KOBS_P_ICMP6 58

struct kobs_ports {
	__u16 sport, dport;
};

/* Steps *off over the IP header of type ethertype to the transport header
 * and gives its protocol. -1 when it is not IP, is cut short, or is a
 * later fragment (which carries no ports). */
static __always_inline int kobs_l4(const void *ctx, __u32 *off, __u16 ethertype, __u8 *proto)
{
	__u8 h[10];

	if (ethertype == KOBS_ET_IPV4) {
		if (KOBS_LOAD(ctx, *off, h, 10) || (h[0] >> 4) != 4 || (h[0] & 0xf) < 5)
			return -1;
		if ((((__u32)h[6] & 0x1f) << 8 | h[7]) != 0)
			return -1;
		*proto = h[9];
		*off += (__u32)(h[0] & 0xf) * 4;
		return 0;
	}
	if (ethertype == KOBS_ET_IPV6) {
		if (KOBS_LOAD(ctx, *off, h, 8) || (h[0] >> 4) != 6)
			return -1;
		*proto = h[6];
		*off += 40;
		if (*proto == KOBS_P_FRAG6) {
			if (KOBS_LOAD(ctx, *off, h, 8))
				return -1;
			if ((((__u32)h[2] << 8 | h[3]) & 0xfff8) != 0)
				return -1;
			*proto = h[0];
			*off += 8;
		}
		return 0;
	}
	return -1;
}

/* 1 and the ports when the frame has some; link is an enum kobs_link. */
static __always_inline int kobs_frame_ports(const void *ctx, __u32 link, struct kobs_ports *out)
{
	__u8 b[4];
	__u32 off = 0;
	__u16 et = 0;
	__u8 proto = 0;

	if (link == KOBS_LINK_ETH) {
		if (KOBS_LOAD(ctx, 12, b, 2))
			return 0;
		et = (__u16)(b[0] << 8 | b[1]);
		off = 14;
		if (et == KOBS_ET_VLAN || et == KOBS_ET_QINQ) {
			if (KOBS_LOAD(ctx, 16, b, 2))
				return 0;
			et = (__u16)(b[0] << 8 | b[1]);
			off = 18;
		}
	} else {
		if (KOBS_LOAD(ctx, 0, b, 1))
			return 0;
		et = (b[0] >> 4) == 4 ? KOBS_ET_IPV4 : (b[0] >> 4) == 6 ? KOBS_ET_IPV6 : 0;
	}
	if (kobs_l4(ctx, &off, et, &proto))
		return 0;
	if (proto == KOBS_P_ICMP || proto == KOBS_P_ICMP6) {
		int err;

		if (KOBS_LOAD(ctx, off, b, 1))
			return 0;
		if (proto == KOBS_P_ICMP)
			err = b[0] == 3 || b[0] == 11 || b[0] == 12;
		else
			err = b[0] >= 1 && b[0] <= 4;
		if (!err)
			return 0;
		/* the quoted datagram follows the 8-byte ICMP header */
		off += 8;
		if (kobs_l4(ctx, &off, proto == KOBS_P_ICMP ? KOBS_ET_IPV4 : KOBS_ET_IPV6, &proto))
			return 0;
	}
	if (proto != KOBS_P_TCP && proto != KOBS_P_UDP)
		return 0;
	if (KOBS_LOAD(ctx, off, b, 4))
		return 0;
	out->sport = (__u16)(b[0] << 8 | b[1]);
	out->dport = (__u16)(b[2] << 8 | b[3]);
	return 1;
}

#endif
