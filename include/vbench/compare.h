/* SPDX-License-Identifier: MIT */
/* --compare: this run against a saved one, metric by metric, and the --compare-fail rules. */
#ifndef VBENCH_COMPARE_H
#define VBENCH_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "vbench/error.h"
#include "vbench/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One metric of a --compare-fail rule, e.g. "mean:20%". */
typedef struct vb_compare_rule {
    char metric[16]; /**< min, max, mean, median, stddev, peak_rss, heap_peak */
    double percent;  /**< allowed growth in % */
} vb_compare_rule;

/** Parses "mean:20%" (the % is optional) into `*rule` (not NULL). VB_ERR_PARSE on junk, NULL
    text or an unknown metric. Thread-safe. */
vb_status vb_compare_rule_parse(const char *text, vb_compare_rule *rule, vb_error *err);

/**
 * Prints the change of each benchmark of `suite` against the saved run `path` (pytest JSON)
 * to `out`: per metric the change in %, a two-sided Mann-Whitney p-value of the rounds when
 * both have data, and a verdict (faster, slower, no change at alpha). Returns the number of
 * rules broken by a significant regression in `*failures`. `rules` may be NULL when `nrules`
 * is 0. Thread-safe when `out` is not shared.
 */
vb_status vb_compare_print(FILE *out, const vb_suite *suite, const char *path,
                           const vb_compare_rule *rules, size_t nrules, double alpha,
                           size_t *failures, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
