/* The trace model: the processes and socket calls the preload library
 * recorded, the packets captured, and the links between them. calllog.c and
 * packets.c fill it, attrib.c ties packets to calls, tcpstate.c derives the
 * TCP states, story.c puts everything into one timeline of rows, and the
 * printers (render_text.c, render_svg.c, render_json.c) only read it. */
#ifndef SOCKLAB_TRACE_MODEL_H
#define SOCKLAB_TRACE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TR_NAME_MAX 16     /* call names: "getpeername" */
#define TR_LABEL_MAX 128   /* lane labels */
#define TR_ADDRSTR_MAX 64  /* "[ffff:...:ffff]:65535" */

/* Every time in the model is CLOCK_REALTIME nanoseconds in [0, TR_TIME_MAX].
 * The bound (2^62 ns: the year 2116) keeps INT64_MAX free to mean "never"
 * and the sum or difference of two times inside int64_t. The call log
 * parser and tr_packet_from_frame refuse times outside it. */
#define TR_TIME_MAX ((int64_t)1 << 62)

/* An IP endpoint; family 0 means none (an unbound or unconnected socket). */
struct tr_endpoint {
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

enum tr_tcp_state {
	TCPS_NONE = 0,
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RCVD,
	TCPS_ESTABLISHED,
	TCPS_FIN_WAIT_1,
	TCPS_FIN_WAIT_2,
	TCPS_CLOSE_WAIT,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_TIME_WAIT,
	TCPS_COUNT
};

struct tr_proc {
	int32_t pid, ppid;
	int64_t t_start;
	char *exe;       /* owned */
	char *cmdline;   /* owned: argv joined by spaces */
	uint32_t lane;   /* index into trace.lanes */
	bool server;     /* started by --server (or a child of it) */
};

/* One argument of a call as the log gave it, unescaped. */
struct tr_arg {
	const char *key, *val;
};

/* A descriptor a select or poll found ready. */
struct tr_ready {
	int32_t fd;
	bool in, out;           /* readable (select lists readable fds only), writable */
};

enum tr_sock_kind { TR_SOCK_NONE = 0, TR_SOCK_STREAM, TR_SOCK_DGRAM, TR_SOCK_OTHER };

/* A call's "key=value ..." arguments (record.h), parsed once by the call
 * log reader (calllog_args.c). All zero: no arguments. */
struct tr_args {
	struct tr_arg *v;       /* every one, in the log's order (owned) */
	size_t n;
	char *text;             /* owns the keys and values */
	/* typed, for the model builders: */
	enum tr_sock_kind sock; /* sock=; TR_SOCK_NONE: absent, the fd is no socket */
	int type;               /* socket's type=: SOCK_STREAM, SOCK_DGRAM, or 0 */
	struct tr_endpoint addr, local, peer; /* family 0: absent or malformed;
					       * v4-mapped made IPv4 */
	int splice_dir;         /* splice dir=: 1 out, -1 in, 0 absent */
	int64_t bytes;          /* mmsg bytes=, 0 when absent or malformed */
	int64_t unread;         /* close unread=, 0 when absent or malformed */
	bool linger0;           /* close linger=0 */
	bool shut_wr;           /* shutdown how= other than SHUT_RD */
	struct tr_ready *ready; /* select/poll ready=, the whole list (owned) */
	size_t nready;
	bool ready_cut;         /* the library could not record it whole (record.h) */
};

/* Where in the program's own code a call was made: the innermost frame of
 * the user's code (not the standard library's, the runtime's or libc's).
 * Filled by the call log reader from the record's src=/pc= (record.h);
 * every pointer NULL and line 0 when unknown. */
struct tr_src {
	char *file;             /* owned: "client.py", "/tmp/client.c" */
	int32_t line;           /* 0: unknown */
	char *func;             /* owned: "send_request", "main", or NULL */
	char *text;             /* owned: the line's text, trimmed; NULL when unreadable */
	char *module;           /* owned: the binary or library of native code */
	uint64_t offset;        /* func+offset (or module+offset) when no line is known */
	bool runtime;           /* made by the language runtime on the line's behalf
				 * (Python's poll for a socket timeout, the
				 * getsockname after accept) */
	char *pycall;           /* owned: the socket method the line calls, when
				 * the line's text names one ("sendall"), or NULL */
	uint32_t first;         /* the first kernel call of the same script-level
				 * call (sendall's sends, recv's poll), or 0 alone */
	uint32_t part, parts;   /* this kernel send is part/parts of a sendall */
};

struct tr_call {
	uint32_t id;            /* 1-based, in order of t_enter */
	int32_t pid, tid;
	char name[TR_NAME_MAX];
	int32_t fd;             /* -1 when the call has none (select, poll) */
	int64_t t_enter, t_exit;/* ns since the epoch; t_exit < 0: never returned */
	int64_t ret;
	int32_t err;            /* errno; 0 when the call succeeded */
	struct tr_args args;    /* owned */
	struct tr_src src;      /* owned */
	/* Filled in by attrib.c: */
	uint32_t lane;
	uint32_t completed_by;  /* packet no; 0 when no packet completed it */
	const char *completed_why; /* "SYN-ACK", "data", "FIN", "RST", ... or NULL */
	bool blocked;           /* the completing packet arrived after t_enter */
	bool threaded;          /* its process made calls from several threads:
				 * the printers name the thread */
};

enum tr_cause {
	TR_CAUSE_UNKNOWN = 0,   /* sent by an end no traced process owns */
	TR_CAUSE_CALL,          /* caused_by holds the call id */
	TR_CAUSE_KERNEL,        /* the kernel sent it on its own */
};

struct tr_packet {
	uint32_t no;            /* 1-based, capture order */
	int64_t ts;             /* ns since the epoch */
	uint8_t proto;          /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 */
	struct tr_endpoint src, dst; /* ICMP errors: the quoted datagram's, reversed
				      * (src is the end that answered) */
	uint16_t flags;         /* TCP flags, enum tcp_flag of pkt/packet.h */
	uint32_t seq, ack;      /* as on the wire */
	uint32_t rseq, rack;    /* relative to the ISNs (tcpdump's relative numbers) */
	bool rel;               /* rseq/rack valid: both ISNs were seen */
	uint32_t len;           /* TCP or UDP payload bytes */
	uint16_t win;
	uint8_t icmp_type, icmp_code; /* for proto ICMP/ICMPv6 */
	/* Filled in by attrib.c: */
	enum tr_cause cause;
	uint32_t caused_by;     /* call id when cause == TR_CAUSE_CALL */
	const char *why;        /* short reason: "connect", "delayed ACK", ... */
	bool why_kernel;        /* the kernel named the reason (a tracepoint),
				 * not trace's rules */
	uint32_t fin_by;        /* a FIN riding on data: the shutdown or close
				 * that added it (caused_by is the send), or 0 */
	uint32_t lane_from, lane_to;
	/* The frame as captured, kept for --pcap. */
	uint8_t *frame;         /* owned */
	uint32_t caplen, wirelen;
};

/* Something the kernel did on its own and said so through a tracepoint
 * (kobs.c, when the kernel observer could be loaded): attribution names
 * the matching packet with it. */
enum tr_kev_kind {
	TR_KEV_RETRANS = 1,     /* reason: enum tr_kev_retrans */
	TR_KEV_RST_SENT,        /* reason: the kernel's enum sk_rst_reason + 1, 0 unknown */
	TR_KEV_RST_RECV,
};

enum tr_kev_retrans {
	TR_RT_OTHER = 0,
	TR_RT_TIMEOUT,          /* the retransmission timer fired (RTO) */
	TR_RT_FAST,             /* duplicate ACKs or SACK (fast retransmit) */
	TR_RT_PROBE,            /* the tail-loss probe timer */
};

struct tr_kevent {
	int64_t ts;             /* ns since the epoch */
	enum tr_kev_kind kind;
	uint32_t reason;
	uint32_t seq;           /* as on the wire: the retransmitted segment's
				 * first byte, the RST's seq (0: unknown) */
	struct tr_endpoint src, dst; /* of the packet the kernel sent; for a
				      * RST received, the receiving end first */
	bool answers_syn;       /* a RST sent in answer to a SYN */
};

struct tr_state {
	int64_t ts;
	uint32_t packet;        /* packet no that caused the change, or 0 */
	uint32_t call;          /* call id that caused it (listen, close), or 0 */
	struct tr_endpoint local, peer; /* peer.family == 0 for a listener */
	uint32_t lane;
	enum tr_tcp_state from, to;
};

struct tr_lane {
	char label[TR_LABEL_MAX]; /* "client: python3 client.py (pid 4242)" */
	char addrs[TR_LABEL_MAX]; /* "127.0.0.1:7777" (local addresses used) */
	int32_t pid;              /* 0: an address no traced process owns */
	struct tr_endpoint addr;  /* for pid 0 lanes */
};

enum tr_row_kind {
	TR_ROW_CALL,       /* a call that did not wait: entry and return in one row */
	TR_ROW_CALL_ENTER, /* a call that waited: its entry ... */
	TR_ROW_CALL_EXIT,  /* ... and its return */
	TR_ROW_PACKET,
};

/* One line of the story, in time order. The states that changed because of
 * this row are states[state_first .. state_first + state_count). */
struct tr_row {
	enum tr_row_kind kind;
	int64_t ts;
	uint32_t index;         /* into calls (CALL*) or packets (PACKET) */
	uint32_t state_first, state_count;
};

struct trace {
	struct tr_proc *procs;
	size_t nprocs;
	struct tr_call *calls;
	size_t ncalls;
	struct tr_packet *packets;
	size_t npackets;
	struct tr_state *states;
	size_t nstates;
	struct tr_lane *lanes;
	size_t nlanes;
	struct tr_row *rows;
	size_t nrows;
	int64_t t0;             /* earliest event: times print relative to it */
	int dlt;                /* link type of the frames, for --pcap */
	struct tr_kevent *kevents; /* in time order; none without the observer */
	size_t nkevents;
};

void trace_free(struct trace *t);

/* Small helpers shared by the model and the printers (model.c). */
const char *tr_tcp_state_name(enum tr_tcp_state s);   /* "SYN_SENT" */
enum tr_tcp_state tr_tcp_state_from_name(const char *s);
/* "127.0.0.1:6666", "[::1]:6666", "-" for none. */
char *tr_endpoint_format(const struct tr_endpoint *e, char *buf, size_t n);
int tr_endpoint_parse(const char *s, struct tr_endpoint *e);
bool tr_endpoint_eq(const struct tr_endpoint *a, const struct tr_endpoint *b);
/* Room for one more element in the array *pv of n elements of size bytes
 * and capacity *cap: doubles it (first elements the first time) when
 * full, refusing a size that would overflow. pv points to the array's
 * pointer. 0, or -1 out of memory (the array is left as it was). */
int tr_grow(void *pv, size_t *cap, size_t n, size_t size, size_t first);
/* v4-mapped IPv6 addresses become IPv4, so both spellings compare equal. */
void tr_endpoint_normalize(struct tr_endpoint *e);
/* Parses s[0..n), an optional '-' and 1 to 19 decimal digits, into *v when
 * it lies in [min, max]. Anything else (a sign '+', spaces, a number that
 * overflows int64_t) is malformed: false. */
bool tr_parse_int(const char *s, size_t n, int64_t min, int64_t max, int64_t *v);
/* Copies src[0..len) into buf (n > 0), undoing %XX escapes; always
 * terminates; returns the bytes written before the terminator. */
size_t tr_unescape(const char *src, size_t len, char *buf, size_t n);
/* The (first) value of key among a call's arguments, unescaped, or NULL
 * (calllog_args.c). */
const char *tr_call_arg(const struct tr_call *c, const char *key);
void tr_args_free(struct tr_args *a);
void tr_src_free(struct tr_src *s);
const struct tr_call *tr_call_by_id(const struct trace *t, uint32_t id);
const struct tr_packet *tr_packet_by_no(const struct trace *t, uint32_t no);

/* One-line descriptions used by the text and SVG printers (describe.c):
 *   call:   "connect(3, 127.0.0.1:6666) = 0", "recv(4, 2048) = 22",
 *           "connect(3, 127.0.0.1:9) = -1 ECONNREFUSED"; entry rows of a
 *           call that waited: "accept4(3) ..."
 *   packet: "S 0:0(0) win 65495", "P. 1:23(22) ack 1", "UDP 12 bytes",
 *           "ICMP port unreachable" (relative numbers when rel) */
char *tr_describe_call(const struct tr_call *c, enum tr_row_kind kind, char *buf, size_t n);
char *tr_describe_packet(const struct tr_packet *p, char *buf, size_t n);
/* "by #8 connect", "kernel: delayed ACK", "untraced peer" */
char *tr_describe_cause(const struct trace *t, const struct tr_packet *p, char *buf, size_t n);
/* "client.py:12" — the file's last path element and the line — into buf
 * (describe_src.c); "" when the call has no source. */
char *tr_src_short(const struct tr_src *s, char *buf, size_t n);
/* "client.py:17  s.send(b"x")" (describe_src.c); "" without a source. */
char *tr_describe_src(const struct tr_call *c, bool with_text, char *buf, size_t n);

#endif
