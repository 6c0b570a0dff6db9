/* ss -s (iproute2 misc/ss.c: get_sockstat_line, print_summary). */
#include "sockets/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The value after the word key on line, e.g. "inuse" in "TCP: inuse 5 ...". */
static long summary_field(const char *line, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = strstr(line, key); p; p = strstr(p + 1, key)) {
		long v;
		if ((p == line || p[-1] == ' ') && p[klen] == ' ' && sscanf(p + klen, "%ld", &v) == 1)
			return v;
	}
	return 0;
}

void sockets_summary_parse_sockstat(const char *text, struct sockets_summary *s)
{
	static const struct {
		const char *id;
		size_t off;
	} rows[] = {
		{ "UDP: ", offsetof(struct sockets_summary, udp4) },
		{ "UDP6: ", offsetof(struct sockets_summary, udp6) },
		{ "RAW: ", offsetof(struct sockets_summary, raw4) },
		{ "RAW6: ", offsetof(struct sockets_summary, raw6) },
		{ "TCP6: ", offsetof(struct sockets_summary, tcp6) },
		{ "FRAG: ", offsetof(struct sockets_summary, frag4) },
		{ "FRAG6: ", offsetof(struct sockets_summary, frag6) },
	};
	char line[256];

	while (*text) {
		size_t n = strcspn(text, "\n");
		size_t m = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
		memcpy(line, text, m);
		line[m] = '\0';
		text += n + (text[n] == '\n');
		if (strncmp(line, "sockets: ", 9) == 0) {
			s->socks = summary_field(line, "used");
		} else if (strncmp(line, "TCP: ", 5) == 0) {
			s->tcp4 = summary_field(line, "inuse");
			s->tcp_orphans = summary_field(line, "orphan");
			s->tcp_tws = summary_field(line, "tw");
			s->tcp_total = summary_field(line, "alloc");
		} else {
			for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
				if (strncmp(line, rows[i].id, strlen(rows[i].id)) == 0)
					*(long *)((char *)s + rows[i].off) = summary_field(line, "inuse");
		}
	}
}

int sockets_summary_parse_snmp(const char *text, long *estab)
{
	/* "Tcp: RtoAlgorithm ... CurrEstab ..." then "Tcp: 1 200 ... 5 ...". */
	const char *head = strstr(text, "Tcp: ");
	if (!head || (head != text && head[-1] != '\n'))
		return -1;
	const char *vals = strstr(head + 5, "\nTcp: ");
	if (!vals)
		return -1;
	vals += 6;
	int col = 0, want = -1;
	for (const char *p = head + 5; p < vals - 6;) {
		size_t n = strcspn(p, " \n");
		if (n == 9 && strncmp(p, "CurrEstab", 9) == 0)
			want = col;
		col++;
		p += n;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			break;
	}
	if (want < 0)
		return -1;
	for (int c = 0; c <= want; c++) {
		long v;
		int used;
		if (sscanf(vals, "%ld%n", &v, &used) != 1)
			return -1;
		vals += used;
		if (c == want) {
			*estab = v;
			return 0;
		}
	}
	return -1;
}

int sockets_summary_format(const struct sockets_summary *s,
			   char lines[SOCKETS_SUMMARY_LINES][SOCKETS_SUMMARY_LINE_MAX])
{
	const struct {
		const char *name;
		long v4, v6;
	} rows[] = {
		{ "RAW", s->raw4, s->raw6 },
		{ "UDP", s->udp4, s->udp6 },
		{ "TCP", s->tcp4, s->tcp6 },
		{ "INET", s->raw4 + s->udp4 + s->tcp4, s->raw6 + s->udp6 + s->tcp6 },
		{ "FRAG", s->frag4, s->frag6 },
	};
	int n = 0;

	snprintf(lines[n++], SOCKETS_SUMMARY_LINE_MAX, "Total: %ld", s->socks);
	snprintf(lines[n++], SOCKETS_SUMMARY_LINE_MAX,
		 "TCP:   %ld (estab %ld, closed %ld, orphaned %ld, timewait %ld)",
		 s->tcp_total + s->tcp_tws, s->tcp_estab,
		 s->tcp_total - (s->tcp4 + s->tcp6 - s->tcp_tws), s->tcp_orphans, s->tcp_tws);
	lines[n++][0] = '\0';
	snprintf(lines[n++], SOCKETS_SUMMARY_LINE_MAX, "Transport Total     IP        IPv6");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		snprintf(lines[n++], SOCKETS_SUMMARY_LINE_MAX, "%s\t  %-9ld %-9ld %-9ld", rows[i].name,
			 rows[i].v4 + rows[i].v6, rows[i].v4, rows[i].v6);
	return n;
}

json_t *sockets_summary_json(const struct sockets_summary *s)
{
	return json_pack("{s:s,s:I,s:{s:I,s:I,s:I,s:I,s:I},s:{s:{s:I,s:I},s:{s:I,s:I},"
			 "s:{s:I,s:I},s:{s:I,s:I}}}",
			 "type", "summary", "total", (json_int_t)s->socks,
			 "tcp", "total", (json_int_t)(s->tcp_total + s->tcp_tws),
			 "estab", (json_int_t)s->tcp_estab,
			 "closed", (json_int_t)(s->tcp_total - (s->tcp4 + s->tcp6 - s->tcp_tws)),
			 "orphaned", (json_int_t)s->tcp_orphans, "timewait", (json_int_t)s->tcp_tws,
			 "transport",
			 "raw", "ipv4", (json_int_t)s->raw4, "ipv6", (json_int_t)s->raw6,
			 "udp", "ipv4", (json_int_t)s->udp4, "ipv6", (json_int_t)s->udp6,
			 "tcp", "ipv4", (json_int_t)s->tcp4, "ipv6", (json_int_t)s->tcp6,
			 "frag", "ipv4", (json_int_t)s->frag4, "ipv6", (json_int_t)s->frag6);
}

/* A small /proc file into buf (NUL-ended): 0, or -1 with errno. */
static int summary_slurp(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t at = 0;

	if (fd < 0)
		return -1;
	while (at < n - 1) {
		ssize_t r = read(fd, buf + at, n - 1 - at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		at += (size_t)r;
	}
	close(fd);
	buf[at] = '\0';
	return 0;
}

int sockets_summary_read(struct sockets_summary *s, char *why, size_t whylen)
{
	static char buf[16384];

	memset(s, 0, sizeof(*s));
	if (summary_slurp("/proc/net/sockstat", buf, sizeof(buf)) < 0) {
		snprintf(why, whylen, "cannot read /proc/net/sockstat: %s", strerror(errno));
		return -1;
	}
	sockets_summary_parse_sockstat(buf, s);
	/* No IPv6 in the kernel: no sockstat6, and ss counts zero. */
	if (summary_slurp("/proc/net/sockstat6", buf, sizeof(buf)) == 0)
		sockets_summary_parse_sockstat(buf, s);
	if (summary_slurp("/proc/net/snmp", buf, sizeof(buf)) < 0 ||
	    sockets_summary_parse_snmp(buf, &s->tcp_estab) < 0) {
		snprintf(why, whylen, "cannot read CurrEstab from /proc/net/snmp");
		return -1;
	}
	return 0;
}
