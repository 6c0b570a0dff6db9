/* Monotonic and wall-clock time in the units the tools use. */
#ifndef SOCKLAB_CORE_CLOCK_H
#define SOCKLAB_CORE_CLOCK_H

#include <stdint.h>

uint64_t clock_mono_us(void);

#endif
