/* Scenario slowstart (not yet written). */
#include <stdio.h>

#include "tcplab/scen.h"

int tl_sc_slowstart(struct tl_ctx *c, struct tl_verdict *v)
{
	(void)c;
	snprintf(v->line, sizeof v->line, "not implemented yet");
	return 0;
}
