/* tr_sym_resolve: the frames of a pc= value, the pick of the user's frame
 * among them, and the caches that keep a trace of 100k calls fast: each
 * file is opened once (symbolize_dwfl.c), each (file, address) resolved
 * once, in an open-addressing table. */
#include "trace/symbolize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/symbolize_dwfl.h"

/* Frames read from one value at most (the library writes 8). */
#define SYM_FRAMES_MAX 16

struct sym_module {
	char *path;
	struct tr_sym_mod *mod;  /* NULL: a system library, or unreadable */
};

struct sym_entry {
	bool used;
	uint32_t module;
	uint64_t vaddr;
	struct tr_sym_frame f;
};

struct tr_symbolizer {
	struct sym_module *mods;
	size_t nmods, capmods;
	struct sym_entry *tab;   /* capacity a power of two, at most half full */
	size_t ntab, captab;
};

struct sym_ref {
	const char *path;
	size_t len;
	uint64_t vaddr;
};

struct tr_symbolizer *tr_sym_new(void)
{
	return calloc(1, sizeof(struct tr_symbolizer));
}

void tr_sym_free(struct tr_symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nmods; i++) {
		free(s->mods[i].path);
		tr_sym_mod_close(s->mods[i].mod);
	}
	for (size_t i = 0; i < s->captab; i++)
		if (s->tab[i].used)
			tr_sym_frame_free(&s->tab[i].f);
	free(s->mods);
	free(s->tab);
	free(s);
}

bool tr_sym_system_module(const char *path)
{
	static const char *const prefixes[] = {
		"libc.so", "libc-2.", "libpthread.so", "libpthread-", "libdl.so", "libdl-",
		"librt.so", "librt-", "ld-linux", "ld64.so", "ld.so", "ld-musl", "libc.musl",
		"libstdc++.so", "libgcc_s.so", "libsocklab-trace.so",
	};
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(base, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The frames of val into r; their count, or -1 when a frame is malformed.
 * A list the library cut ends in "..." (record.h): what came before it
 * counts. */
static int parse(const char *val, struct sym_ref *r, int max)
{
	const char *p = val;
	int n = 0;

	while (*p && n < max && strcmp(p, "...") != 0) {
		const char *q, *end = NULL;
		uint64_t v = 0;

		for (q = strstr(p, ":0x"); q && !end; q = strstr(q + 1, ":0x")) {
			size_t nh = 0;

			v = 0;
			while (nh <= 16 && hexval(q[3 + nh]) >= 0)
				v = v << 4 | (uint64_t)hexval(q[3 + nh++]);
			if (nh > 0 && nh <= 16 && (q[3 + nh] == ',' || q[3 + nh] == '\0'))
				end = q + 3 + nh;
			else
				continue;
			if (q == p)
				return -1;
			r[n].path = p;
			r[n].len = (size_t)(q - p);
			r[n].vaddr = v;
			n++;
		}
		if (!end)
			return -1;
		p = *end ? end + 1 : end;
	}
	return n;
}

/* The index of the module path[0..len), added (and opened) when new; -1
 * out of memory. */
static long module_get(struct tr_symbolizer *s, const char *path, size_t len)
{
	struct sym_module *m;

	for (size_t i = 0; i < s->nmods; i++)
		if (strncmp(s->mods[i].path, path, len) == 0 && s->mods[i].path[len] == '\0')
			return (long)i;
	if (s->nmods == s->capmods) {
		size_t cap = s->capmods ? 2 * s->capmods : 8;
		void *v = realloc(s->mods, cap * sizeof *s->mods);

		if (!v)
			return -1;
		s->mods = v;
		s->capmods = cap;
	}
	m = &s->mods[s->nmods];
	m->path = strndup(path, len);
	if (!m->path)
		return -1;
	m->mod = NULL;
	if (m->path[0] == '/' && !tr_sym_system_module(m->path))
		m->mod = tr_sym_mod_open(m->path);
	return (long)s->nmods++;
}

static size_t slot_of(const struct sym_entry *tab, size_t cap, uint32_t module, uint64_t vaddr)
{
	uint64_t h = (vaddr ^ ((uint64_t)module << 48)) * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 20) & (cap - 1);

	while (tab[i].used && !(tab[i].module == module && tab[i].vaddr == vaddr))
		i = (i + 1) & (cap - 1);
	return i;
}

static int table_grow(struct tr_symbolizer *s)
{
	size_t cap = s->captab ? 2 * s->captab : 256;
	struct sym_entry *tab = calloc(cap, sizeof *tab);

	if (!tab)
		return -1;
	for (size_t i = 0; i < s->captab; i++)
		if (s->tab[i].used)
			tab[slot_of(tab, cap, s->tab[i].module, s->tab[i].vaddr)] = s->tab[i];
	free(s->tab);
	s->tab = tab;
	s->captab = cap;
	return 0;
}

/* The frame (module, vaddr), resolved on first sight; NULL out of memory.
 * Valid until the next call. */
static const struct tr_sym_frame *frame_get(struct tr_symbolizer *s, uint32_t module,
					    uint64_t vaddr)
{
	struct sym_entry *e;

	if ((s->ntab + 1) * 2 > s->captab && table_grow(s) < 0)
		return NULL;
	e = &s->tab[slot_of(s->tab, s->captab, module, vaddr)];
	if (e->used)
		return &e->f;
	if (tr_sym_mod_lookup(s->mods[module].mod, vaddr, &e->f) < 0)
		return NULL;
	e->used = true;
	e->module = module;
	e->vaddr = vaddr;
	s->ntab++;
	return &e->f;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? strdup(v) : NULL;
	return v && !*dst ? -1 : 0;
}

int tr_sym_resolve(struct tr_symbolizer *s, const char *val, struct tr_src *src)
{
	struct sym_ref r[SYM_FRAMES_MAX];
	const struct tr_sym_frame *f;
	long pick = -1, nodebug = -1, module[SYM_FRAMES_MAX];
	int n = val ? parse(val, r, SYM_FRAMES_MAX) : -1;

	for (int i = 0; i < n && pick < 0; i++) {
		module[i] = module_get(s, r[i].path, r[i].len);
		if (module[i] < 0)
			return -1;
		if (!s->mods[module[i]].mod)
			continue;
		f = frame_get(s, (uint32_t)module[i], r[i].vaddr);
		if (!f)
			return -1;
		if (!f->found || f->libc_cu)
			continue;
		if (f->file)
			pick = i;
		else if (nodebug < 0)
			nodebug = i;
	}
	if (pick < 0)
		pick = nodebug;
	if (pick < 0)
		return -1;
	/* already in the table: no insertion, nothing moves */
	f = frame_get(s, (uint32_t)module[pick], r[pick].vaddr);
	if (!f || set_str(&src->file, f->file) < 0 || set_str(&src->func, f->func) < 0 ||
	    set_str(&src->module, s->mods[module[pick]].path) < 0)
		return -1;
	src->line = f->line;
	src->offset = f->file ? 0 : f->offset;
	return 0;
}
