/* SPDX-License-Identifier: MIT */
/* Visual reports made from a results file: an SVG of box plots and a self-contained HTML page. */
#ifndef VBENCH_REPORT_FILES_H
#define VBENCH_REPORT_FILES_H

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Reads a pytest-benchmark JSON results file (as written by --json) and writes box plots of
 * the time per iteration, one panel per group on a log scale (box q1-q3, median, mean, 1.5 IQR
 * whiskers, extremes), like pytest-benchmark's --benchmark-histogram. Thread-safe.
 */
vb_status vb_report_svg(const char *results_json, const char *svg_path, vb_error *err);

/**
 * Reads the same file and writes one self-contained HTML page (no scripts, no external
 * resources): the summary, the machine, a table of every benchmark with its memory figures and
 * its gate (thresholds, baseline, ratio, p-value, verdict when the run has them), the plots
 * inline, and the failures. Thread-safe.
 */
vb_status vb_report_html(const char *results_json, const char *html_path, vb_error *err);

/**
 * The same page with a trends section from the history file `history` (vbench/history.h; NULL:
 * none): each benchmark's time over the runs with its lasting steps marked. An unreadable
 * history is an error, and then nothing is written. Thread-safe.
 */
vb_status vb_report_html_history(const char *results_json, const char *history,
                                 const char *html_path, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
