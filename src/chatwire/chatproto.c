/* Chat datagram parsing and building; every read is bounds-checked. */
#include "chatwire/chatproto.h"

#include <stdio.h>
#include <string.h>

static bool chat_is_ctrl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* A decimal of 1..12 digits ending at a space or LF; advances *p past it. */
static bool chat_parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	size_t digits = 0;

	while (s < end && *s >= '0' && *s <= '9') {
		if (++digits > 12)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		s++;
	}
	if (digits == 0 || (digits > 1 && **p == '0'))
		return false;
	*out = v;
	*p = s;
	return true;
}

static int chat_parse_token(const char **p, const char *end, struct chat_dgram *d)
{
	const char *s = *p;

	if (s < end && *s == '-') {
		d->has_token = false;
		d->token = 0;
		*p = s + 1;
		return CHAT_OK;
	}
	if (end - s < CHAT_TOKEN_HEX)
		return CHAT_E_TOKEN;
	uint64_t v = 0;
	for (int i = 0; i < CHAT_TOKEN_HEX; i++) {
		char c = s[i];
		int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (x < 0)
			return CHAT_E_TOKEN;
		v = v << 4 | (uint64_t)x;
	}
	d->has_token = true;
	d->token = v;
	*p = s + CHAT_TOKEN_HEX;
	return CHAT_OK;
}

int chatwire_dgram_parse(const uint8_t *buf, size_t n, struct chat_dgram *d)
{
	const char *p = (const char *)buf, *end = p + n;

	memset(d, 0, sizeof(*d));
	if (n == 0 || n > CHAT_DGRAM_MAX)
		return CHAT_E_SIZE;
	for (size_t i = 0; i < n; i++)
		if (chat_is_ctrl(buf[i]) && buf[i] != '\n')
			return CHAT_E_CTRL;
	if (end[-1] != '\n')
		return CHAT_E_LF;
	if (n < 5 || memcmp(p, CHAT_MAGIC " ", 5) != 0)
		return CHAT_E_MAGIC;
	p += 5;
	int rc = chat_parse_token(&p, end, d);
	if (rc != CHAT_OK)
		return rc;
	if (p >= end || *p++ != ' ')
		return CHAT_E_TOKEN;
	if (!chat_parse_u64(&p, end, &d->ack) || *p++ != '\n')
		return CHAT_E_NUMBER;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		/* nl exists: the datagram ends with LF */
		if ((size_t)(nl - p) + 1 > CHAT_LINE_MAX)
			return CHAT_E_LINE;
		if (d->n == CHAT_MSGS_MAX)
			return CHAT_E_COUNT;
		struct chat_msg *m = &d->msgs[d->n];
		if (!chat_parse_u64(&p, nl, &m->seq) || p >= nl || *p != ' ')
			return CHAT_E_NUMBER;
		p++;
		if (p >= nl || *p == ' ')
			return CHAT_E_LINE;
		m->line = p;
		m->len = (size_t)(nl - p);
		d->n++;
		p = nl + 1;
	}
	return CHAT_OK;
}

const char *chatwire_parse_error_name(int err)
{
	static const char *const names[] = {
		[CHAT_OK] = "ok",
		[CHAT_E_SIZE] = "bad size",
		[CHAT_E_MAGIC] = "not SLC1",
		[CHAT_E_TOKEN] = "bad token",
		[CHAT_E_NUMBER] = "bad number",
		[CHAT_E_LF] = "missing LF",
		[CHAT_E_LINE] = "bad line",
		[CHAT_E_CTRL] = "control character",
		[CHAT_E_COUNT] = "too many messages",
	};
	return err >= 0 && (size_t)err < sizeof(names) / sizeof(names[0]) ? names[err] : "?";
}

void chatwire_builder_start(struct chat_builder *b, bool has_token, uint64_t token, uint64_t ack)
{
	int k = has_token ? snprintf((char *)b->buf, sizeof(b->buf), CHAT_MAGIC " %016llx %llu\n",
				     (unsigned long long)token, (unsigned long long)ack)
			  : snprintf((char *)b->buf, sizeof(b->buf), CHAT_MAGIC " - %llu\n",
				     (unsigned long long)ack);
	b->len = (size_t)k;
	b->n = 0;
}

/* "<seq> " into num (24 bytes), right-aligned; returns where it starts.
 * The fan-out path formats millions of these: no snprintf. */
static char *chat_format_seq(char num[24], uint64_t seq)
{
	char *p = num + 23;

	*p = ' ';
	do
		*--p = (char)('0' + seq % 10);
	while ((seq /= 10) > 0);
	return p;
}

bool chatwire_builder_add(struct chat_builder *b, uint64_t seq, const char *line, size_t len)
{
	char num[24];
	const char *start = chat_format_seq(num, seq);
	size_t k = (size_t)(num + 24 - start);
	size_t need = k + len + 1;

	if (b->n == CHAT_MSGS_MAX || need > CHAT_LINE_MAX || b->len + need > CHAT_DGRAM_MAX)
		return false;
	memcpy(b->buf + b->len, start, k);
	memcpy(b->buf + b->len + k, line, len);
	b->buf[b->len + need - 1] = '\n';
	b->len += need;
	b->n++;
	return true;
}

bool chatwire_next_word(const char **p, const char *end, struct chat_word *w)
{
	const char *s = *p;

	if (s >= end)
		return false;
	const char *sp = memchr(s, ' ', (size_t)(end - s));
	const char *stop = sp ? sp : end;
	w->p = s;
	w->len = (size_t)(stop - s);
	*p = sp ? sp + 1 : end;
	return w->len > 0;
}

bool chatwire_word_is(const struct chat_word *w, const char *s)
{
	return strlen(s) == w->len && memcmp(w->p, s, w->len) == 0;
}

bool chatwire_valid_name(const char *s, size_t n)
{
	if (n == 0 || n > CHAT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.')))
			return false;
	}
	return true;
}

bool chatwire_valid_text(const char *s, size_t n)
{
	if (n == 0 || n > CHAT_TEXT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (chat_is_ctrl((unsigned char)s[i]))
			return false;
	return true;
}
