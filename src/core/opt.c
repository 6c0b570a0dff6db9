/* Option value parsers: whole strings only, explicit ranges, clear reasons. */
#include "core/opt.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tool.h"

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

/* The long option that word ("--name" or "--name=value") names, exactly or
 * by a unique abbreviation as getopt_long accepts; *nprefix counts the
 * options that start so. */
static const struct option *opt_long_named(const char *word, const struct option *longopts,
					   int *nprefix)
{
	size_t n = strcspn(word + 2, "=");
	const struct option *exact = NULL, *prefix = NULL;

	*nprefix = 0;
	for (const struct option *o = longopts; o->name; o++) {
		if (strncmp(o->name, word + 2, n) != 0)
			continue;
		if (strlen(o->name) == n)
			exact = o;
		prefix = o;
		(*nprefix)++;
	}
	if (!exact && *nprefix == 1)
		exact = prefix;
	return exact;
}

/*
 * Which word getopt_long was reading is not in its public state: after an
 * unknown short option in the middle of a cluster ("-xq") optind still points
 * at that cluster, and argv[optind - 1] is the word before it. So the error's
 * kind decides, not the word: a missing value always ends a word (it is the
 * last option of argv[optind - 1]); '?' with optopt 0 is an unknown or
 * ambiguous long option (argv[optind - 1]); '?' with optopt set is a short
 * option, unless argv[optind - 1] is "--name=value" for a long flag whose val
 * is optopt (a value given to a flag).
 */
void opt_getopt_error(int c, char *const argv[], int optind_now, int optopt_now,
		      const struct option *longopts, char *err, size_t errlen)
{
	const char *word = argv[optind_now - 1];
	bool is_long = strncmp(word, "--", 2) == 0 && word[2] != '\0';
	int nprefix = 0;
	const struct option *named = is_long ? opt_long_named(word, longopts, &nprefix) : NULL;
	size_t n = is_long ? strcspn(word + 2, "=") : 0;

	if (c == '?' && optopt_now != 0) {
		bool flag_given_value = named && named->has_arg == no_argument &&
					word[2 + n] == '=' && named->val == optopt_now;
		if (flag_given_value)
			snprintf(err, errlen, "option --%s takes no value", named->name);
		else
			snprintf(err, errlen, "unknown option -%c", optopt_now);
		return;
	}
	if (!is_long) {
		if (c == ':')
			snprintf(err, errlen, "option -%c needs a value", optopt_now);
		else
			snprintf(err, errlen, "unknown option %s", word);
		return;
	}
	if (c == ':')
		snprintf(err, errlen, "option --%.*s needs a value", (int)n, word + 2);
	else if (named && named->has_arg == no_argument && word[2 + n] == '=')
		snprintf(err, errlen, "option --%s takes no value", named->name);
	else if (!named && nprefix > 1)
		snprintf(err, errlen, "ambiguous option --%.*s (%d options start so)", (int)n, word + 2,
			 nprefix);
	else {
		char typed[64];
		snprintf(err, errlen, "unknown option --%.*s", (int)n, word + 2);
		snprintf(typed, sizeof(typed), "%.*s", (int)n, word + 2);
		tool_suggest_option(longopts, typed, err, errlen);
	}
}

enum tool_args opt_getopt_default(int c, char **argv, const struct option *longopts, char *err,
				  size_t errlen)
{
	if (c == 'h')
		return TOOL_ARGS_HELP;
	if (c == TOOL_OPT_VERSION)
		return TOOL_ARGS_VERSION;
	opt_getopt_error(c, argv, optind, optopt, longopts, err, errlen);
	return TOOL_ARGS_USAGE;
}

enum tool_args opt_getopt_habits(int c, char **argv, const struct option *longopts,
				 const struct opt_habit *table, size_t n, const char *anchor,
				 char *err, size_t errlen)
{
	/* '?' with optopt set: an unknown short option (or a flag given a
	 * value, whose optopt is its own val, never a table letter) */
	if (c == '?' && optopt > 0 && optopt < 128)
		for (size_t i = 0; i < n; i++)
			if (table[i].letter == optopt) {
				snprintf(err, errlen, "%s's -%c: %s", anchor, optopt, table[i].answer);
				return TOOL_ARGS_USAGE;
			}
	return opt_getopt_default(c, argv, longopts, err, errlen);
}

enum tool_args opt_no_operands(int argc, char **argv, char *err, size_t errlen)
{
	if (optind >= argc)
		return TOOL_ARGS_OK;
	snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
	return TOOL_ARGS_USAGE;
}

int opt_num_parse(const struct opt_num *table, size_t n, int code, const char *arg, void *cfg,
		  char *err, size_t errlen)
{
	const struct opt_num *o = table;
	const char *why = NULL;
	char small[48];
	uint64_t v = 0;

	while (o < table + n && o->code != code)
		o++;
	if (o == table + n)
		return 0;
	if (o->kind == OPT_NUM_COUNT) {
		opt_parse_u64(arg, o->min, o->max, &v, &why);
	} else if (opt_parse_seconds(arg, o->max, &v, &why) == 0 && v < o->min) {
		snprintf(small, sizeof(small), "too small (at least %g)", (double)o->min / 1000.0);
		why = small;
	}
	if (why) {
		tool_bad_value(err, errlen, o->name, arg, why);
		return -1;
	}
	memcpy((char *)cfg + o->field, &v, sizeof(v));
	return 1;
}
