/* SPDX-License-Identifier: MIT */
/* The harness version. */
#include "vbench/vbench.h"

const char *vb_version(void)
{
    return "0.1.0";
}
