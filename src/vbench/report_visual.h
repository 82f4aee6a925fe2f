/* SPDX-License-Identifier: MIT */
/* Shared by report_svg.c and report_html.c: rendering helpers over a results JSON document. */
#ifndef VBENCH_REPORT_VISUAL_H
#define VBENCH_REPORT_VISUAL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "vbench/error.h"

/* Loads a pytest-benchmark results file; NULL with `err` filled when unreadable. */
json_t *vb__results_load(const char *path, vb_error *err);
/* Writes the box-plot SVG of `results` to `out`; returns the number of groups drawn. */
int vb__svg_render(FILE *out, const json_t *results);
/* Writes `s` escaped for XML. */
void vb__xml_escape(FILE *out, const char *s);
/* Formats seconds with a scaled unit (ns, us, ms, s). */
void vb__format_seconds(double s, char *buf, size_t size);
/* The string member `key` of `o`, "" when absent. */
const char *vb__json_str(const json_t *o, const char *key);

/* Writes the trends section of the HTML report: each benchmark's time series of the history
   with its levels and change points (report_trend.c). */
struct vb_history;
struct vb_history_step;
void vb__trend_render(FILE *out, const struct vb_history *h, const struct vb_history_step *steps,
                      size_t nsteps);

#endif
