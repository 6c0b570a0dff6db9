/* One-dash long options and transport names. */
#include "echolib/optcompat.h"

#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

int echo_one_dash_long(int argc, char *const argv[], const char *const names[], char **out)
{
	int n = 0, rewrite = 1;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *const *name = NULL;

		if (i > 0 && rewrite && strcmp(a, "--") == 0)
			rewrite = 0;
		if (i > 0 && rewrite && a[0] == '-' && a[1] != '-') {
			for (name = names; *name; name++) {
				size_t len = strlen(*name + 1); /* "-ip" */
				if (strncmp(a, *name + 1, len) == 0 && (a[len] == '\0' || a[len] == '='))
					break;
			}
		}
		if (!name || !*name) {
			out[n++] = argv[i];
			continue;
		}
		out[n++] = (char *)*name;
		size_t len = strlen(*name + 1);
		if (a[len] == '=')
			out[n++] = argv[i] + len + 1;
	}
	out[n] = NULL;
	return n;
}

int echo_parse_transport(const char *s, int *proto, const char **errstr)
{
	if (s && strcasecmp(s, "tcp") == 0) {
		*proto = IPPROTO_TCP;
		return 0;
	}
	if (s && strcasecmp(s, "udp") == 0) {
		*proto = IPPROTO_UDP;
		return 0;
	}
	*errstr = "not TCP or UDP";
	return -1;
}
