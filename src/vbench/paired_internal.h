/* SPDX-License-Identifier: MIT */
/* Helpers shared by the paired comparison's judge, run and reports. */
#ifndef VBENCH_PAIRED_INTERNAL_H
#define VBENCH_PAIRED_INTERNAL_H

#include <stddef.h>

#include "vbench/paired.h"

/* Seconds per iteration with a unit: "3.4 ms"; "-" when not positive. */
void vb__paired_format_time(double s, char *buf, size_t size);
/* A metric's change in %, with its interval when `interval`: "+4.1% [+2.0%, +6.3%]". */
void vb__paired_format_change(const vb_paired_metric *m, bool interval, char *buf, size_t size);
/* The benchmark's verdict in words ("REGRESSION (time)", "unchanged", "new"...); may use buf. */
const char *vb__paired_bench_status(const vb_paired_bench *b, char *buf, size_t size);
/* The benchmarks in report order (regressions first); owned by the caller (vb__free). */
const vb_paired_bench **vb__paired_row_order(const vb_paired_report *r);
/* "5 passes", or "5 passes and 31 pairs in the budget's rest" */
void vb__paired_passes(const vb_paired_report *r, char *buf, size_t size);
/* The coverage a change needs: change_confidence, or confidence when that is higher. */
double vb__paired_change_confidence(const vb_paired_options *o);
/* "1 regression, 0 improvements, ..." */
void vb__paired_summary(const vb_paired_report *r, char *buf, size_t size);

#endif
