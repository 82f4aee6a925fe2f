/* SPDX-License-Identifier: MIT */
/* The environment calibration kernel: how fast this machine is now, for the stored-baseline
   gate's environment factor. */
#ifndef VBENCH_ENVFACTOR_H
#define VBENCH_ENVFACTOR_H

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Runs the environment calibration kernel `runs` times (1 to 101) and writes the median time
 * in seconds to `*seconds` (not NULL): a fixed CPU-bound workload (integer and floating-point
 * arithmetic) then a memory-bound pass over a buffer twice the last-level cache (at least
 * 16 MiB, at most 128 MiB, allocated for the call and freed before it returns). About 15 ms a
 * run on a 2.6 GHz EPYC (two passes of the buffer). VB_ERR_INVALID for a bad `runs` or a NULL
 * `seconds`, VB_ERR_NOMEM when the buffer cannot be had. Thread-safe, but meant to run alone.
 */
vb_status vb_envfactor_kernel(int runs, double *seconds, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
