/* SPDX-License-Identifier: MIT */
/* A sink for the reader's fuzz targets: touches every byte of every item it is given, so
 * ASan sees any pointer into freed or foreign memory, and checks the string ids. */
#ifndef VITALS_FUZZ_SINK_H
#define VITALS_FUZZ_SINK_H

#include "vitals/vitals.h"

/** A sink whose ctx is `*sum` (a running checksum that keeps the reads alive). */
vt_sink fuzz_sink(uint64_t *sum);

#endif
