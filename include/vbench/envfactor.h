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

/**
 * The same kernel on `threads` threads at once (1 to 16), each on its own buffer (twice the
 * last-level cache shared among them, 8 to 64 MiB each), `runs` times; writes the median wall
 * time from the start of the threads to the end of the last. On a machine whose other cores
 * are busy it slows as a multi-threaded benchmark does, which the one-thread kernel cannot see:
 * the gate scales the baseline of a benchmark with `.threads` >= 2 by it. VB_ERR_INVALID,
 * VB_ERR_NOMEM, VB_ERR_INTERNAL when a thread cannot start. Meant to run alone.
 */
vb_status vb_envfactor_kernel_threads(int threads, int runs, double *seconds, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
