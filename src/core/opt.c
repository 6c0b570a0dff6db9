/* Option value parsers: whole strings only, explicit ranges, clear reasons. */
#include "core/opt.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static int opt_digits(const char *s, uint64_t *out, const char **end, const char **errstr)
{
	char *e;

	if (!s || !isdigit((unsigned char)*s)) {
		*errstr = "not a number";
		return -1;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &e, 10);
	if (errno == ERANGE) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	*end = e;
	return 0;
}

int opt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **errstr)
{
	uint64_t v;
	const char *end;

	if (opt_digits(s, &v, &end, errstr) < 0)
		return -1;
	if (*end) {
		*errstr = "not a number";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

int opt_parse_port(const char *s, uint16_t *out, const char **errstr)
{
	uint64_t v;

	if (opt_parse_u64(s, 0, 65535, &v, errstr) < 0) {
		*errstr = "not a port (0-65535)";
		return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

int opt_parse_size(const char *s, uint64_t max, uint64_t *out, const char **errstr)
{
	uint64_t v, mult = 1;
	const char *end;

	if (opt_digits(s, &v, &end, errstr) < 0)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mult = 1024ULL; end++; break;
	case 'm': case 'M': mult = 1024ULL * 1024; end++; break;
	case 'g': case 'G': mult = 1024ULL * 1024 * 1024; end++; break;
	default:
		*errstr = "not a size (a number with an optional k, M or G)";
		return -1;
	}
	if (*end) {
		*errstr = "not a size (a number with an optional k, M or G)";
		return -1;
	}
	if (v > max / mult) {
		*errstr = "too large";
		return -1;
	}
	*out = v * mult;
	return 0;
}

int opt_parse_seconds(const char *s, uint64_t max_secs, uint64_t *out_ms, const char **errstr)
{
	uint64_t whole, ms = 0;
	const char *end;

	if (opt_digits(s, &whole, &end, errstr) < 0)
		return -1;
	if (*end == '.') {
		uint64_t scale = 100;
		end++;
		if (!isdigit((unsigned char)*end)) {
			*errstr = "not a number of seconds";
			return -1;
		}
		for (; isdigit((unsigned char)*end); end++) {
			ms += (uint64_t)(*end - '0') * scale;
			scale /= 10;
		}
	}
	if (*end) {
		*errstr = "not a number of seconds";
		return -1;
	}
	if (whole > max_secs || (whole == max_secs && ms > 0)) {
		*errstr = "too large";
		return -1;
	}
	*out_ms = whole * 1000 + ms;
	return 0;
}
