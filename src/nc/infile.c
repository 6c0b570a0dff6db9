/* Sending a regular file from its mapping. */
#include "nc/infile.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The part of the file mapped at a time (a multiple of any page size). */
#define INFILE_WINDOW (16 * 1024 * 1024)
/* One send(2) offers this much: large sends mean fewer wake-ups for both
 * ends; the socket takes what fits. */
#define INFILE_SEND (2 * 1024 * 1024)

int nc_infile_open(struct nc_infile *f, int fd)
{
	struct stat st;

	*f = (struct nc_infile){ .fd = fd };
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return -1;
	f->off = lseek(fd, 0, SEEK_CUR); /* the shell may have read some already */
	if (f->off < 0)
		return -1;
	f->size = st.st_size;
	return 0;
}

static void nc_infile_unmap(struct nc_infile *f)
{
	if (f->map)
		munmap(f->map, f->map_len);
	f->map = NULL;
	f->map_len = 0;
}

/* Maps the window that holds f->off. */
static int nc_infile_map(struct nc_infile *f)
{
	off_t start = f->off - f->off % INFILE_WINDOW;
	size_t len = f->size - start < INFILE_WINDOW ? (size_t)(f->size - start) : INFILE_WINDOW;

	nc_infile_unmap(f);
	void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, f->fd, start);
	if (m == MAP_FAILED) {
		f->map_failed = true;
		return -1;
	}
	madvise(m, len, MADV_SEQUENTIAL);
	f->map = m;
	f->map_off = start;
	f->map_len = len;
	return 0;
}

ssize_t nc_infile_send(struct nc_infile *f, int sock)
{
	if (f->off >= f->size) {
		struct stat st;
		if (fstat(f->fd, &st) < 0)
			return -1;
		f->size = st.st_size; /* it may have grown */
		if (f->off >= f->size)
			return 0;
	}
	if ((!f->map || f->off >= f->map_off + (off_t)f->map_len) && nc_infile_map(f) < 0)
		return -1;
	size_t avail = (size_t)(f->map_off + (off_t)f->map_len - f->off);
	ssize_t n = send(sock, f->map + (f->off - f->map_off), avail < INFILE_SEND ? avail : INFILE_SEND,
			 MSG_NOSIGNAL);
	if (n > 0)
		f->off += n;
	return n;
}

void nc_infile_close(struct nc_infile *f)
{
	nc_infile_unmap(f);
	if (f->size > 0)
		lseek(f->fd, f->off, SEEK_SET);
	f->size = 0; /* closed: a second close leaves the offset alone */
}
