/* SPDX-License-Identifier: MIT */
/* Reports of a suite run: the console table and the results files (JSON, gbench JSON, CSV, MD). */
#ifndef VBENCH_REPORT_H
#define VBENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vbench/error.h"
#include "vbench/machine.h"
#include "vbench/runner.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A finished suite: the machine and the results in report order. Borrowed by the writers. */
typedef struct vb_suite {
    const vb_machine *machine;
    const vb_result *results;
    size_t count;
    const vb_run_options *options; /**< NULL: the defaults */
} vb_suite;

/** Sorts results in place by `key` within their groups (groups by name, then the key).
    Not thread-safe (qsort has no context: the key is kept in a static during the call). */
void vb_results_sort(vb_result *results, size_t count, vb_sort key);

/** Console options. Fill with vb_console_options_init. */
typedef struct vb_console_options {
    bool color;   /**< highlight best (green) and worst (red) of each column; default off */
    bool verbose; /**< add the confidence interval and the calibration figures; default off */
} vb_console_options;

/** Fills `o` (not NULL) with the defaults: no colour, not verbose. Thread-safe. */
void vb_console_options_init(vb_console_options *o);

/** Writes the header lines (machine, mode, warnings) to `out`; `cfg` NULL leaves out the
    mode. Thread-safe when `out` is not shared. */
void vb_report_console_header(FILE *out, const vb_machine *m, const vb_run_options *cfg);
/** Writes the pytest-benchmark-style tables, one per group, and the list of benchmarks that
    did not pass, to `out`. `opts` NULL: the defaults. Thread-safe when `out` is not shared. */
void vb_report_console(FILE *out, const vb_suite *suite, const vb_console_options *opts);
/** The scaled unit of a time in seconds: writes e.g. "12.3456 us" into `buf` (caller-owned,
    32 bytes suffice). Returns buf. Thread-safe. */
const char *vb_format_time(double seconds, char *buf, size_t size);

/* The writers below read `suite` (not NULL), write the whole file at `path` (replaced when it
   exists) and return VB_ERR_IO when it cannot be written. Thread-safe for distinct paths. */

/** Writes pytest-benchmark's JSON schema to `path` (jansson). */
vb_status vb_report_json_write(const vb_suite *suite, const char *path, vb_error *err);
/** Writes Google Benchmark's JSON schema to `path` (jansson). */
vb_status vb_report_gbench_write(const vb_suite *suite, const char *path, vb_error *err);
/** Writes one CSV row per benchmark to `path` (pytest-benchmark's --benchmark-csv columns). */
vb_status vb_report_csv_write(const vb_suite *suite, const char *path, vb_error *err);
/** Writes a GitHub-flavoured Markdown table per group to `path`. */
vb_status vb_report_markdown_write(const vb_suite *suite, const char *path, vb_error *err);

/**
 * Writes github-action-benchmark's custom format (`tool: customSmallerIsBetter`): per passed
 * benchmark its median time per iteration divided by the run's environment factor (1 when the
 * run has none), so that runs on machines of different speeds form one series.
 */
vb_status vb_report_gab_write(const vb_suite *suite, const char *path, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
