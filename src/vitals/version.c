/* SPDX-License-Identifier: MIT */
/* The library version. */
#include "internal.h"

const char *vt_version(void)
{
    return "0.1.0";
}
