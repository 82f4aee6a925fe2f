/* SPDX-License-Identifier: MIT */
/* The performance suite binary: every bench_*.c linked into one vb_main. */
#include "vbench/vbench.h"

VB_MAIN();
