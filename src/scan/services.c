/* The services table. */
#include "scan/services.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/limits.h"

void scan_services_init(struct scan_services *s)
{
	memset(s, 0, sizeof(*s));
}

int scan_services_add(struct scan_services *s, int proto, uint16_t port, const char *name)
{
	if (s->n == s->cap) {
		if (s->cap >= SCAN_SERVICES_MAX)
			return -1;
		size_t cap = s->cap ? s->cap * 2 : 256;
		if (cap > SCAN_SERVICES_MAX)
			cap = SCAN_SERVICES_MAX;
		struct scan_service *e = realloc(s->e, cap * sizeof(*e));
		if (!e)
			return -1;
		s->e = e;
		s->cap = cap;
	}
	struct scan_service *e = &s->e[s->n++];
	e->port = port;
	e->proto = (uint8_t)proto;
	e->seq = (uint32_t)s->n;
	snprintf(e->name, sizeof(e->name), "%s", name);
	s->sorted = 0;
	return 0;
}

static int service_cmp(const void *a, const void *b)
{
	const struct scan_service *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return 0;
}

static int service_cmp_seq(const void *a, const void *b)
{
	const struct scan_service *x = a, *y = b;
	int c = service_cmp(a, b);

	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Sorted by (protocol, port, order added); the first name of a port wins. */
static void services_sort(struct scan_services *s)
{
	if (s->sorted)
		return;
	if (s->n > 1)
		qsort(s->e, s->n, sizeof(*s->e), service_cmp_seq);
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++)
		if (w == 0 || service_cmp(&s->e[w - 1], &s->e[i]) != 0)
			s->e[w++] = s->e[i];
	s->n = w;
	s->sorted = 1;
}

int scan_services_load(struct scan_services *s)
{
	struct servent *se;
	int rc = 0;

	setservent(1);
	while ((se = getservent()) != NULL) {
		int proto;
		if (strcmp(se->s_proto, "tcp") == 0)
			proto = IPPROTO_TCP;
		else if (strcmp(se->s_proto, "udp") == 0)
			proto = IPPROTO_UDP;
		else
			continue;
		if (scan_services_add(s, proto, ntohs((uint16_t)se->s_port), se->s_name) < 0) {
			rc = -1;
			break;
		}
	}
	endservent();
	services_sort(s);
	return rc;
}

const char *scan_services_name(struct scan_services *s, int proto, uint16_t port)
{
	struct scan_service key = { .port = port, .proto = (uint8_t)proto };

	services_sort(s);
	if (s->n == 0)
		return NULL;
	struct scan_service *e = bsearch(&key, s->e, s->n, sizeof(*s->e), service_cmp);
	if (!e) {
		/* IANA assigns a port for both; /etc/services often lists one. */
		key.proto = proto == IPPROTO_UDP ? IPPROTO_TCP : IPPROTO_UDP;
		e = bsearch(&key, s->e, s->n, sizeof(*s->e), service_cmp);
	}
	return e ? e->name : NULL;
}

void scan_services_free(struct scan_services *s)
{
	free(s->e);
	scan_services_init(s);
}
