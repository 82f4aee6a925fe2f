/* SPDX-License-Identifier: MIT */
/* libvbench: a benchmark harness for C. Knows nothing of the code it measures. */
#ifndef VBENCH_VBENCH_H
#define VBENCH_VBENCH_H

#include "vbench/baseline.h"
#include "vbench/bench.h"
#include "vbench/calibrate.h"
#include "vbench/compare.h"
#include "vbench/complexity.h"
#include "vbench/envfactor.h"
#include "vbench/error.h"
#include "vbench/gate.h"
#include "vbench/machine.h"
#include "vbench/history.h"
#include "vbench/memory.h"
#include "vbench/paired.h"
#include "vbench/profile.h"
#include "vbench/registry.h"
#include "vbench/report.h"
#include "vbench/report_files.h"
#include "vbench/runner.h"
#include "vbench/stats.h"
#include "vbench/storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The library's version string. */
const char *vb_version(void);

/**
 * The front end of a suite binary: parses the command line (see --help and docs/vbench.md),
 * runs the selected registered benchmarks, prints the table and writes the results files.
 * Returns the exit code: 0 all ran and passed, 1 a check, limit or regression failed, 2 usage
 * error, 3 a benchmark crashed or timed out (or the harness failed). The only libvbench
 * function that prints. Typical use: `int main(int c, char **v) { return vb_main(c, v); }`.
 */
int vb_main(int argc, char **argv);

/** Defines main() as vb_main(). */
#define VB_MAIN()                                                                                  \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return vb_main(argc, argv);                                                                \
    }                                                                                              \
    extern int vb__swallow_semicolon

#ifdef __cplusplus
}
#endif
#endif
