/* The --watch loop on libevent: a persistent timer draws, signal events end
 * it. Each draw is compared with the previous one (sockets_diff). */
#include "sockets/watch.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "core/log.h"
#include "core/proc.h"
#include "sockets/filter.h"
#include "sockets/render.h"
#include "sockets/snapshot.h"

struct sockets_watcher {
	const struct sockets_opts *o;
	struct sockets_netlink *nl;
	struct proc *proc;
	struct sockets_list prev, cur, keep; /* keep: cur before the diff */
	unsigned long draws;
	bool tty;
	int status;
};

static void sockets_watch_header(const struct sockets_watcher *w, size_t n,
				 const struct sockets_diff_counts *d)
{
	if (w->o->json) {
		log_out_json(json_pack("{s:s,s:I,s:I,s:I,s:I}", "type", "draw", "draw",
				   (json_int_t)w->draws, "sockets",
				   (json_int_t)n, "appeared", (json_int_t)d->appeared, "went",
				   (json_int_t)d->went));
		return;
	}
	if (w->tty)
		fputs("\033[H\033[2J", stdout); /* home, clear */
	log_out_line("draw %lu, every %.1f s: %zu socket%s, %zu appeared, %zu went", w->draws,
		 (double)w->o->watch_ms / 1000.0, n, n == 1 ? "" : "s", d->appeared, d->went);
}

/* One draw; false when the loop must end. */
static bool sockets_watch_draw(struct sockets_watcher *w)
{
	struct sockets_diff_counts d = { 0, 0 };
	char why[SOCKETS_WHY_MAX];
	size_t unowned, n;

	if (sockets_snapshot(w->nl, w->o, &w->cur, &unowned, why, sizeof(why)) < 0) {
		log_error("%s", why);
		w->status = 1;
		return false;
	}
	sockets_note_unowned(unowned);
	n = w->cur.n;
	w->draws++;
	if (sockets_list_copy(&w->keep, &w->cur) < 0 ||
	    (w->draws > 1 && sockets_diff(&w->prev, &w->cur, &d) < 0)) {
		if (errno == E2BIG)
			log_error("more than %d sockets in two draws; narrow the list with -t, -u, "
				  "-4, -6, -l or --port", SOCKETS_MAX);
		else
			log_error("out of memory");
		w->status = 1;
		return false;
	}
	sockets_list_sort(&w->cur);
	struct sockets_view v;
	sockets_view_from_opts(&v, w->o);
	if (w->o->json) {
		sockets_render_json(&w->cur, w->draws, &v);
		sockets_watch_header(w, n, &d); /* ends the draw */
	} else {
		sockets_watch_header(w, n, &d);
		sockets_render_table(&w->cur, true, &v);
		if (!w->tty)
			log_out_line("%s", "");
	}
	struct sockets_list t = w->prev;
	w->prev = w->keep;
	w->keep = t;
	return !(w->o->count && w->draws >= w->o->count);
}

static void sockets_watch_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct sockets_watcher *w = arg;

	if (!sockets_watch_draw(w))
		proc_exit(w->proc);
}

static void sockets_watch_on_signal(int sig, void *arg)
{
	proc_exit(arg);
}

int sockets_watch(struct sockets_netlink *nl, const struct sockets_opts *o)
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	struct sockets_watcher w = { .o = o, .nl = nl, .tty = isatty(STDOUT_FILENO) == 1 };
	struct event *timer = NULL;
	struct timeval tv = proc_tv_ms(o->watch_ms);

	w.proc = proc_new();
	if (!w.proc) {
		log_error("cannot start the event loop");
		return 1;
	}
	timer = event_new(proc_base(w.proc), -1, EV_PERSIST, sockets_watch_on_timer, &w);
	if (proc_on_signals(w.proc, sigs, 2, sockets_watch_on_signal, w.proc) < 0 || !timer ||
	    event_add(timer, &tv) < 0)
		w.status = 1;
	if (w.status)
		log_error("cannot start the event loop");
	else if (sockets_watch_draw(&w))
		proc_loop(w.proc);

	if (timer)
		event_free(timer);
	proc_free(w.proc);
	sockets_list_free(&w.prev);
	sockets_list_free(&w.cur);
	sockets_list_free(&w.keep);
	return w.status;
}
