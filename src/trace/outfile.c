/* trace's output files: open early without truncating, fill late, and
 * remove what trace created when it failed (outfile.h). */
#include "trace/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

int tr_outfile_open(struct tr_outfile *o, const char *opt, const char *path)
{
	*o = (struct tr_outfile){ .opt = opt, .path = path, .fd = -1 };
	if (!path)
		return 0;
	/* an existing file keeps its contents until trace has the new ones */
	o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (o->fd < 0 && errno == ENOENT) {
		o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
		o->created = o->fd >= 0;
	}
	if (o->fd < 0) {
		log_error_errno(errno, "cannot write '%s' (%s)", path, opt);
		return -1;
	}
	return 0;
}

FILE *tr_outfile_begin(struct tr_outfile *o)
{
	struct stat st;
	FILE *f;

	/* a pipe or a terminal (--svg /dev/stdout) cannot be truncated */
	if (fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(o->fd, 0) < 0) {
		log_error_errno(errno, "cannot write '%s' (%s)", o->path, o->opt);
		return NULL;
	}
	f = fdopen(o->fd, "w");
	if (!f) {
		log_error_errno(errno, "cannot write '%s' (%s)", o->path, o->opt);
		return NULL;
	}
	o->fd = -1; /* the stream owns it now */
	return f;
}

int tr_outfile_finish(struct tr_outfile *o, FILE *f, bool ok)
{
	if (f && fclose(f) != 0 && ok) {
		log_error_errno(errno, "cannot write '%s' (%s)", o->path, o->opt);
		ok = false;
	}
	o->done = ok;
	return ok ? 0 : -1;
}

void tr_outfile_abandon(struct tr_outfile *o)
{
	if (o->fd >= 0) {
		close(o->fd);
		o->fd = -1;
	}
	if (o->created && !o->done) {
		unlink(o->path);
		o->created = false;
	}
}
