/* The service table: one row per service, in the order they are reported. */
#include "serve/service.h"

#include <string.h>

static const struct service_info service_table[SVC_COUNT] = {
	[SVC_ECHO] = { "echo", 7, "RFC 862: sends back what it receives" },
	[SVC_DISCARD] = { "discard", 9, "RFC 863: reads and drops" },
	[SVC_DAYTIME] = { "daytime", 13, "RFC 867: the date and time as a line" },
	[SVC_QOTD] = { "qotd", 17, "RFC 865: a quote of the day" },
	[SVC_CHARGEN] = { "chargen", 19, "RFC 864: rotating lines of printable characters" },
	[SVC_TIME] = { "time", 37, "RFC 868: seconds since 1900 as 4 bytes" },
	[SVC_UPPER] = { "upper", 12000, "the course's example: text back in upper case" },
};

const struct service_info *serve_service_info(enum service_id id)
{
	return &service_table[id];
}

const char *serve_service_name(enum service_id id)
{
	return service_table[id].name;
}

int serve_service_by_name(const char *name, size_t len)
{
	for (int i = 0; i < SVC_COUNT; i++)
		if (strlen(service_table[i].name) == len && strncmp(service_table[i].name, name, len) == 0)
			return i;
	return -1;
}
