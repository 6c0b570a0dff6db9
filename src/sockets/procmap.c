/* /proc walk for socket owners. Only inodes of the listed sockets are looked
 * up (a sorted index and bsearch), and each process's comm is read at most
 * once, when it turns out to hold one of them. */
#include "sockets/procmap.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sockets_parse_socket_link(const char *target, uint32_t *inode)
{
	static const char prefix[] = "socket:[";
	const char *p;
	uint64_t v = 0;

	if (strncmp(target, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	p = target + sizeof(prefix) - 1;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	if (p[0] != ']' || p[1] != '\0')
		return -1;
	*inode = (uint32_t)v;
	return 0;
}

struct procmap_slot {
	uint32_t inode;
	size_t index; /* into the list */
};

static int procmap_slot_cmp(const void *a, const void *b)
{
	const struct procmap_slot *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A decimal number, nothing else: pids in /proc ("self", "sys" are not
 * processes) and fds in /proc/PID/fd. */
static bool procmap_decimal(const char *name, int32_t *out)
{
	int32_t v = 0;

	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > 100000000)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

static void procmap_read_comm(int piddir, char *comm, size_t n)
{
	int fd = openat(piddir, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t got = -1;

	if (fd >= 0) {
		got = read(fd, comm, n - 1);
		close(fd);
	}
	if (got < 0)
		got = 0;
	comm[got] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* The slots for inode, or NULL. */
static const struct procmap_slot *procmap_find(const struct procmap_slot *slots, size_t n,
					       uint32_t inode, size_t *count)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first slot with slot.inode >= inode */
		size_t mid = lo + (hi - lo) / 2;
		if (slots[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < n && slots[end].inode == inode)
		end++;
	*count = end - lo;
	return end > lo ? &slots[lo] : NULL;
}

static void procmap_scan_process(int piddir, int32_t pid, struct sockets_list *l,
				 const struct procmap_slot *slots, size_t nslots,
				 struct sockets_procmap_stats *st)
{
	char comm[SOCKETS_COMM_MAX];
	bool have_comm = false;
	int fdd = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fdd < 0) {
		if (errno == EACCES || errno == EPERM)
			st->denied++;
		return;
	}
	DIR *d = fdopendir(fdd);
	if (!d) {
		close(fdd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char target[SOCKETS_LINK_MAX];
		int32_t fd;
		uint32_t inode;
		size_t count;

		if (!procmap_decimal(de->d_name, &fd))
			continue;
		ssize_t n = readlinkat(fdd, de->d_name, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (sockets_parse_socket_link(target, &inode) < 0)
			continue;
		const struct procmap_slot *s = procmap_find(slots, nslots, inode, &count);
		if (!s)
			continue;
		if (!have_comm) {
			procmap_read_comm(piddir, comm, sizeof(comm));
			have_comm = true;
		}
		for (size_t i = 0; i < count; i++)
			sockets_entry_add_owner(&l->v[s[i].index], pid, fd, comm);
	}
	closedir(d); /* closes fdd */
}

int sockets_procmap_fill(struct sockets_list *l, const char *proc_root,
			 struct sockets_procmap_stats *st)
{
	struct procmap_slot *slots;
	size_t nslots = 0;

	memset(st, 0, sizeof(*st));
	slots = malloc((l->n ? l->n : 1) * sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		l->v[i].nowners = 0;
		l->v[i].owners_more = 0;
		if (l->v[i].inode)
			slots[nslots++] = (struct procmap_slot){ l->v[i].inode, i };
	}
	if (nslots == 0) {
		free(slots);
		return 0;
	}
	qsort(slots, nslots, sizeof(*slots), procmap_slot_cmp);

	DIR *proc = opendir(proc_root);
	if (!proc) {
		int err = errno;
		free(slots);
		errno = err;
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(proc)) != NULL) {
		int32_t pid;
		if (!procmap_decimal(de->d_name, &pid) || pid == 0)
			continue;
		int piddir = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue; /* it exited */
		st->processes++;
		procmap_scan_process(piddir, pid, l, slots, nslots, st);
		close(piddir);
	}
	closedir(proc);
	free(slots);
	return 0;
}
