/* strace's call filter (-e trace=SET) over the recorded calls. Pure. */
#include "trace/callset.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tool.h"

#define CLASS_NET 0x1  /* strace's %network: the socket calls */
#define CLASS_DESC 0x2 /* strace's %desc: calls that take a descriptor */

static const struct {
	const char *name;
	unsigned classes;
} callset_calls[TR_CALLSET_NCALLS] = {
	{ "socket", CLASS_NET },
	{ "bind", CLASS_NET | CLASS_DESC },        { "listen", CLASS_NET | CLASS_DESC },
	{ "accept", CLASS_NET | CLASS_DESC },      { "accept4", CLASS_NET | CLASS_DESC },
	{ "connect", CLASS_NET | CLASS_DESC },     { "shutdown", CLASS_NET | CLASS_DESC },
	{ "close", CLASS_DESC },                   { "setsockopt", CLASS_NET | CLASS_DESC },
	{ "getsockname", CLASS_NET | CLASS_DESC }, { "getpeername", CLASS_NET | CLASS_DESC },
	{ "send", CLASS_NET | CLASS_DESC },        { "sendto", CLASS_NET | CLASS_DESC },
	{ "sendmsg", CLASS_NET | CLASS_DESC },     { "sendmmsg", CLASS_NET | CLASS_DESC },
	{ "recv", CLASS_NET | CLASS_DESC },        { "recvfrom", CLASS_NET | CLASS_DESC },
	{ "recvmsg", CLASS_NET | CLASS_DESC },     { "recvmmsg", CLASS_NET | CLASS_DESC },
	{ "read", CLASS_DESC },                    { "write", CLASS_DESC },
	{ "readv", CLASS_DESC },                   { "writev", CLASS_DESC },
	{ "sendfile", CLASS_DESC },                { "splice", CLASS_DESC },
	{ "select", CLASS_DESC },                  { "poll", CLASS_DESC },
	{ "ppoll", CLASS_DESC },                   { "epoll_wait", CLASS_DESC },
};

const char *tr_callset_name(size_t i)
{
	return i < TR_CALLSET_NCALLS ? callset_calls[i].name : NULL;
}

static int callset_index(const char *name)
{
	for (size_t i = 0; i < TR_CALLSET_NCALLS; i++)
		if (strcmp(callset_calls[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Sets (or clears) the calls one item names; -1 when it names none. */
static int callset_item(struct tr_callset *cs, const char *item, bool value, char *err,
			size_t errlen)
{
	unsigned cls = 0;
	const char *word = item[0] == '%' ? item + 1 : item;

	if (strcmp(word, "network") == 0 || strcmp(word, "net") == 0)
		cls = CLASS_NET;
	else if (strcmp(word, "desc") == 0)
		cls = CLASS_DESC;
	else if (strcmp(item, "all") == 0)
		cls = CLASS_NET | CLASS_DESC;
	if (cls || strcmp(item, "none") == 0) {
		for (size_t i = 0; i < TR_CALLSET_NCALLS; i++)
			if (callset_calls[i].classes & cls)
				cs->on[i] = value;
		return 0;
	}
	if (item[0] == '/') {
		regex_t re;
		int found = 0;

		if (regcomp(&re, item + 1, REG_EXTENDED | REG_NOSUB) != 0) {
			snprintf(err, errlen, "bad regular expression '%s' in -e trace", item + 1);
			return -1;
		}
		for (size_t i = 0; i < TR_CALLSET_NCALLS; i++)
			if (regexec(&re, callset_calls[i].name, 0, NULL, 0) == 0) {
				cs->on[i] = value;
				found = 1;
			}
		regfree(&re);
		if (!found)
			snprintf(err, errlen, "'%s' in -e trace matches no call socklab records", item);
		return found ? 0 : -1;
	}
	int i = callset_index(item);
	if (i < 0) {
		const char *names[TR_CALLSET_NCALLS];
		const char *best;

		for (size_t k = 0; k < TR_CALLSET_NCALLS; k++)
			names[k] = callset_calls[k].name;
		best = tool_closest(item, names, TR_CALLSET_NCALLS);
		if (best)
			snprintf(err, errlen, "unknown call '%s' in -e trace (did you mean %s?)", item,
				 best);
		else
			snprintf(err, errlen,
				 "unknown call '%s' in -e trace (socklab records socket calls: "
				 "%%network, %%desc, or names like connect,send,recv)",
				 item);
		return -1;
	}
	cs->on[i] = value;
	return 0;
}

int tr_callset_parse(struct tr_callset *cs, const char *set, char *err, size_t errlen)
{
	bool invert = set[0] == '!';
	char *copy, *save = NULL;
	int rc = 0;

	memset(cs, 0, sizeof *cs);
	cs->given = true;
	if (invert)
		set++;
	if (!*set) {
		snprintf(err, errlen, "-e trace needs a list of calls (e.g. -e trace=connect,send)");
		return -1;
	}
	copy = strdup(set);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
	     item = strtok_r(NULL, ",", &save)) {
		bool value = true;

		if (item[0] == '!') {
			value = false;
			item++;
		}
		rc = callset_item(cs, item, value, err, errlen);
	}
	free(copy);
	if (invert)
		for (size_t i = 0; i < TR_CALLSET_NCALLS; i++)
			cs->on[i] = !cs->on[i];
	return rc;
}

bool tr_callset_shows(const struct tr_callset *cs, const char *name)
{
	int i;

	if (!cs || !cs->given)
		return true;
	i = callset_index(name);
	/* a call this table does not know yet is shown rather than lost */
	return i < 0 || cs->on[i];
}

static bool callset_row_shown(const struct tr_callset *cs, const struct trace *t,
			      const struct tr_row *r)
{
	if (r->kind == TR_ROW_PACKET || r->index >= t->ncalls)
		return true;
	return tr_callset_shows(cs, t->calls[r->index].name);
}

size_t tr_callset_apply(const struct tr_callset *cs, struct trace *t)
{
	size_t n = 0, shown = 0;
	/* states of dropped rows, waiting for the next kept row; the states are
	 * sorted by row, so what waits and what that row has are adjacent */
	uint32_t wait_first = 0, wait_count = 0;

	for (size_t i = 0; i < t->ncalls; i++)
		if (tr_callset_shows(cs, t->calls[i].name))
			shown++;
	if (!cs || !cs->given)
		return shown;
	for (size_t i = 0; i < t->nrows; i++) {
		struct tr_row r = t->rows[i];

		if (!callset_row_shown(cs, t, &r)) {
			if (r.state_count) {
				if (!wait_count)
					wait_first = r.state_first;
				wait_count += r.state_count;
			}
			continue;
		}
		if (wait_count) {
			r.state_count += wait_count;
			r.state_first = wait_first;
			wait_count = 0;
		}
		t->rows[n++] = r;
	}
	/* states after the last kept row join it: they follow its own */
	if (wait_count && n > 0) {
		if (!t->rows[n - 1].state_count)
			t->rows[n - 1].state_first = wait_first;
		t->rows[n - 1].state_count += wait_count;
	}
	t->nrows = n;
	return shown;
}
