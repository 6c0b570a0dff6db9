/* The library's constructor: the real functions first, then the table of
 * blocking calls, then the log; from then on the hooks record. Kept apart
 * from logfile.c, which call.c writes through: calls go one way
 * (init -> call -> logfile). */
#include <errno.h>

#include "trace/preload/call.h"
#include "trace/preload/logfile.h"
#include "trace/preload/real.h"

__attribute__((constructor)) static void tr_init(void)
{
	int saved = errno;

	tr_real_resolve();
	tr_call_init();
	tr_logfile_open();
	errno = saved;
}
