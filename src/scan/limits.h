/* Every bound of socklab scan in one place: lists, buffers, timers, windows. */
#ifndef SOCKLAB_SCAN_LIMITS_H
#define SOCKLAB_SCAN_LIMITS_H

#define SCAN_ERR_MAX 256          /* one error line */
#define SCAN_SPEC_MAX 16384       /* a -p argument, bytes */
#define SCAN_NAME_MAX 64          /* a service name in -p */
#define SCAN_TARGETS_MAX 256      /* HOST arguments */
#define SCAN_HOSTS_MAX 65536      /* hosts after ranges, CIDR blocks and -iL: a /16 */
#define SCAN_SPECS_MAX 65536      /* target specs: HOST arguments and -iL's words */
#define SCAN_EXCLUDES_MAX 256     /* --exclude specs */
#define SCAN_V6_HOST_BITS 16      /* the largest IPv6 block expanded: a /112 */
#define SCAN_HOST_MAX 255         /* a host name */
#define SCAN_SERVICES_MAX 20000   /* entries read from /etc/services */

#define SCAN_BANNER_MAX 256       /* raw banner bytes kept per port */
#define SCAN_BANNER_SHOW 60       /* escaped characters in the table's BANNER column */
#define SCAN_BANNER_GAP_MS 50     /* after the first banner bytes, wait this long for more */
#define SCAN_BANNER_TIMEOUT_MS 1000 /* default --banner-timeout */

#define SCAN_RETRIES_MAX 10       /* --retries, and the adaptive raise */
#define SCAN_TCP_RETRIES 1        /* default probes after the first, TCP */
#define SCAN_UDP_RETRIES 2        /* default probes after the first, UDP */

/* Timeouts (RFC 6298 estimator): initial, and the bounds (nmap -T4's floor). */
#define SCAN_RTO_INIT_MS 1000
#define SCAN_RTO_MIN_MS 100
#define SCAN_RTO_MAX_MS 3000      /* default --max-rtt-timeout */
#define SCAN_RTO_LIMIT_S 60       /* the largest --max-rtt-timeout accepted */
#define SCAN_HOST_TIMEOUT_MAX_S (7 * 24 * 3600) /* the largest --host-timeout */
#define SCAN_DELAY_MAX_S 3600     /* the largest --scan-delay */

/* TCP: connects in flight (adaptive between MIN and the open-file limit). */
#define SCAN_TCP_WINDOW_INIT 256
#define SCAN_TCP_WINDOW_MIN 16
#define SCAN_TCP_WINDOW_MAX 16384
#define SCAN_FD_RESERVE 64        /* descriptors left for stdio, the loop, the -oG file */
#define SCAN_TCP_BATCH 1024       /* probes started per turn of the event loop */
#define SCAN_TCP_POOL 64          /* refused sockets kept for the next connect */
#define SCAN_TCP_STALL_MS 10      /* pause when the kernel has no local port or descriptor */
#define SCAN_TCP_STALL_MAX 3000   /* stalls in a row before the scan gives up */

/* UDP: probes in flight, sends between two reads of the socket. */
#define SCAN_UDP_INFLIGHT_MAX 4096
#define SCAN_UDP_BATCH 32
#define SCAN_UDP_RCVBUF (4 << 20)
#define SCAN_UDP_RATE_MIN 1       /* probes per second: never slower */
#define SCAN_UDP_RATE_MAX 1000000 /* --rate's largest value */
#define SCAN_UDP_SEND_TRIES 8     /* sends that fail with a stale ICMP error */
#define SCAN_UDP_READS 1024       /* datagrams read per wake-up */
#define SCAN_UDP_STALL_MAX 3000   /* 1 ms waits for send buffer room before giving up */

/* UDP behind an ICMP rate limit (scan/icmplim.h). */
#define SCAN_LIM_SPAN_US 10000        /* probes this close together see the same bucket */
#define SCAN_LIM_QUIET_US 1200000     /* Linux's slowest default refill (1 s), and a margin */
#define SCAN_LIM_WAIT_FIRST_US 100000 /* the first wait for tokens, doubled until one comes */
#define SCAN_LIM_WAIT_MAX_US 20000000 /* canaries silent this long: the target stopped */
#define SCAN_LIM_AIM 3                /* tokens a batch waits for, once the rate is known */
#define SCAN_LIM_BATCH 512            /* ports per batch */
#define SCAN_LIM_CANARIES 2           /* known-closed ports at the end of a batch */

/* TCP scans of this many ports and more run on several threads (one per
 * CPU, at most SCAN_TCP_WORKERS), each with its own loop and part of the
 * list: on loopback the kernel's TCP work in connect() is the bottleneck,
 * and it runs on the calling CPU. */
#define SCAN_TCP_WORKERS 4
#define SCAN_TCP_SPLIT_MIN 4096

#define SCAN_PROGRESS_MS 250      /* progress line refresh */

#endif
