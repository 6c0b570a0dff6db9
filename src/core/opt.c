/* Option value parsers: whole strings only, explicit ranges, clear reasons. */
#include "core/opt.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	bool nonzero_fraction = false;

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
			nonzero_fraction |= *end != '0';
			scale /= 10;
		}
	}
	if (*end) {
		*errstr = "not a number of seconds";
		return -1;
	}
	if (whole > max_secs || (whole == max_secs && ms > 0) || whole > UINT64_MAX / 1000 - 1) {
		*errstr = "too large";
		return -1;
	}
	if (whole == 0 && ms == 0 && nonzero_fraction) {
		*errstr = "too small (the unit is 1 ms)";
		return -1;
	}
	*out_ms = whole * 1000 + ms;
	return 0;
}

void opt_getopt_error(int c, char *const argv[], int optind_now, int optopt_now,
		      const struct option *longopts, char *err, size_t errlen)
{
	const char *arg = argv[optind_now - 1];

	if (strncmp(arg, "--", 2) != 0) {
		if (c == ':')
			snprintf(err, errlen, "option -%c needs a value", optopt_now);
		else
			snprintf(err, errlen, "unknown option -%c", optopt_now);
		return;
	}
	size_t n = strcspn(arg + 2, "=");
	const struct option *exact = NULL, *prefix = NULL;
	int nprefix = 0;
	for (const struct option *o = longopts; o->name; o++) {
		if (strncmp(o->name, arg + 2, n) != 0)
			continue;
		if (strlen(o->name) == n)
			exact = o;
		prefix = o;
		nprefix++;
	}
	if (!exact && nprefix == 1)
		exact = prefix; /* getopt_long accepts unique abbreviations */
	if (c == ':')
		snprintf(err, errlen, "option --%.*s needs a value", (int)n, arg + 2);
	else if (exact && exact->has_arg == no_argument && arg[2 + n] == '=')
		snprintf(err, errlen, "option --%s takes no value", exact->name);
	else if (!exact && nprefix > 1)
		snprintf(err, errlen, "ambiguous option --%.*s (%d options start so)", (int)n, arg + 2,
			 nprefix);
	else
		snprintf(err, errlen, "unknown option --%.*s", (int)n, arg + 2);
}
