/* SPDX-License-Identifier: MIT */
/* Reports of a suite run: the console table and the results files (JSON, gbench JSON, CSV, MD). */
#ifndef VBENCH_REPORT_H
#define VBENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vbench/error.h"
#include "vbench/runner.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What is known of the machine and the source tree of a run. */
typedef struct vb_machine {
    char datetime[40]; /**< ISO 8601 local time of the start, "2026-11-27T04:15:17.810721" */
    char date_utc[40]; /**< "2026-11-27T04:15:20+00:00" (Google Benchmark's context.date) */
    char host[256];
    char system[64], release[128], machine[64]; /**< uname */
    char cpu_brand[128], cpu_vendor[64];
    char executable[1024];
    int num_cpus;
    double mhz_per_cpu; /**< 0 when unknown */
    char governor[64];  /**< "" when unknown */
    bool cpu_scaling_enabled;
    double load_avg[3]; /**< -1 when unknown */
    char compiler[64];
    bool optimized; /**< every selected benchmark was built with optimisation */
    /* commit_info, from git when available */
    char commit_id[64]; /**< "unversioned" outside git */
    char commit_time[40], author_time[40], branch[128], project[128];
    bool dirty, has_commit;
    double env_factor; /**< environment factor of the run, 0 when not measured */
    double calib_time; /**< seconds of the environment calibration kernel, 0 when not run */
} vb_machine;

/**
 * Fills `m` from uname, /proc, sysfs and `git` (run in the current directory; a missing git or
 * repository gives "unversioned"). Never fails; unknown fields stay empty.
 */
void vb_machine_probe(vb_machine *m);

/** A finished suite: the machine and the results in report order. Borrowed by the writers. */
typedef struct vb_suite {
    const vb_machine *machine;
    const vb_result *results;
    size_t count;
    const vb_config *config;
} vb_suite;

/** Sorts results in place by `key` within their groups (groups by name, then the key). */
void vb_results_sort(vb_result *results, size_t count, vb_sort key);

/** Console options. */
typedef struct vb_console_opts {
    bool color;   /**< highlight best (green) and worst (red) of each column */
    bool verbose; /**< add the confidence interval and the calibration figures */
} vb_console_opts;

/** Writes the header lines (machine, warnings) to `out`. */
void vb_report_console_header(FILE *out, const vb_machine *m, const vb_config *cfg);
/** Writes the pytest-benchmark-style tables, one per group, to `out`. */
void vb_report_console(FILE *out, const vb_suite *suite, const vb_console_opts *opts);
/** The scaled unit of a time in seconds: writes e.g. "12.3456 us" into buf. Returns buf. */
const char *vb_format_time(double seconds, char *buf, size_t size);

/**
 * Builds the warnings of the header into `buf` (one per line, "" when none): governor not
 * `performance`, code built without optimisation, load average above the number of CPUs / 2.
 * Returns the number of warnings.
 */
int vb_machine_warnings(const vb_machine *m, char *buf, size_t size);

/** Writes pytest-benchmark's JSON schema to `path` (jansson). */
vb_status vb_report_json_write(const vb_suite *suite, const char *path, vb_error *err);
/** Writes Google Benchmark's JSON schema to `path` (jansson). */
vb_status vb_report_gbench_write(const vb_suite *suite, const char *path, vb_error *err);
/** Writes one CSV row per benchmark to `path` (pytest-benchmark's --benchmark-csv columns). */
vb_status vb_report_csv_write(const vb_suite *suite, const char *path, vb_error *err);
/** Writes a GitHub-flavoured Markdown table per group to `path`. */
vb_status vb_report_markdown_write(const vb_suite *suite, const char *path, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
