/* --svg from a scenario: the picture of its samples and of its captured
 * connection written to the file the option names, said in the narrative
 * and as a JSON "svg" object. */
#ifndef SOCKLAB_TCPLAB_SVGOUT_H
#define SOCKLAB_TCPLAB_SVGOUT_H

#include <stdint.h>

#include "tcplab/cap.h"
#include "tcplab/rec.h"
#include "tcplab/scen.h"

/* Nothing without --svg. sm: the sender's samples (or NULL); cap and
 * port: the capture and the sender's port of the connection (or NULL).
 * 0, or -1 after the error line (the file could not be written); c->svg
 * says which. */
int tl_svg_report(struct tl_ctx *c, const struct tl_samples *sm, const struct tl_cap *cap,
		  uint16_t port);

#endif
