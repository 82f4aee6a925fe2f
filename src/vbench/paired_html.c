/* SPDX-License-Identifier: MIT */
/* The paired comparison as one self-contained HTML page: the table and a forest plot of each
   benchmark's time ratio with its interval against the threshold. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "paired_internal.h"
#include "report_visual.h"

enum { ROW_H = 22, LABEL_W = 330, PLOT_W = 560, PAD = 8 };

static const char *color_of(const vb_paired_bench *b)
{
    if (b->failed || b->missing) {
        return "#888";
    }
    switch (b->time.verdict) {
    case VB_PAIRED_REGRESSION:
        return "#c0392b";
    case VB_PAIRED_IMPROVEMENT:
        return "#1e8449";
    case VB_PAIRED_INCONCLUSIVE:
        return "#d68910";
    default:
        return "#2e5d9f";
    }
}

/* The plot's range of ratios, on a log scale: every interval and the thresholds, within
   [1/4, 4]. */
static void ratio_range(const vb_paired_report *r, double *lo, double *hi)
{
    const double t = 1 + r->options.threshold;
    *lo = 1 / (t * t);
    *hi = t * t;
    for (size_t i = 0; i < r->nbenches; i++) {
        const vb_paired_metric *m = &r->benches[i].time;
        const double a = m->confidence > 0 ? m->low : m->ratio;
        const double z = m->confidence > 0 ? m->high : m->ratio;
        if (m->present && isfinite(a) && isfinite(z)) {
            *lo = fmin(*lo, a);
            *hi = fmax(*hi, z);
        }
    }
    *lo = fmax(*lo / 1.02, 0.25);
    *hi = fmin(*hi * 1.02, 4.0);
}

static double x_of(double ratio, double lo, double hi)
{
    const double v = fmin(fmax(ratio, lo), hi);
    return LABEL_W + (log(v) - log(lo)) / (log(hi) - log(lo)) * PLOT_W;
}

static void forest_plot(FILE *out, const vb_paired_report *r, const vb_paired_bench **order)
{
    double lo, hi;
    ratio_range(r, &lo, &hi);
    const size_t n = r->nbenches;
    const int height = (int)(n * ROW_H) + 3 * PAD + 24;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"forest\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"time ratio of head "
            "to base with intervals\">\n<style>text{font:12px sans-serif}</style>\n",
            LABEL_W + PLOT_W + PAD, height, LABEL_W + PLOT_W + PAD, height);
    const double y_axis = (double)(n * ROW_H) + PAD;
    /* Reference lines: no change, and the threshold. */
    const double refs[] = {1.0, 1 + r->options.threshold, 1 / (1 + r->options.threshold)};
    const char *styles[] = {"stroke:#444", "stroke:#c0392b;stroke-dasharray:4 3",
                            "stroke:#1e8449;stroke-dasharray:4 3"};
    for (size_t k = 0; k < 3; k++) {
        const double x = x_of(refs[k], lo, hi);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" style=\"%s\"/>\n", x,
                PAD / 2, x, y_axis, styles[k]);
    }
    /* Axis ticks at round ratios inside the range. */
    static const double ticks[] = {0.25, 0.5, 0.67, 0.8, 0.9, 0.95, 1.0,
                                   1.05, 1.1, 1.25, 1.5, 2.0, 3.0,  4.0};
    for (size_t k = 0; k < sizeof ticks / sizeof ticks[0]; k++) {
        if (ticks[k] >= lo && ticks[k] <= hi) {
            const double x = x_of(ticks[k], lo, hi);
            fprintf(out,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%+.0f%%</text>\n",
                    x, y_axis, x, y_axis + 4, x, y_axis + 16, (ticks[k] - 1) * 100);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const vb_paired_bench *b = order[i];
        const double y = (double)(i * ROW_H) + PAD + ROW_H / 2.0;
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", LABEL_W - PAD, y + 4);
        vb__xml_escape(out, b->name);
        fputs("</text>\n", out);
        const vb_paired_metric *m = &b->time;
        if (!m->present || !isfinite(m->ratio)) {
            continue;
        }
        const char *c = color_of(b);
        char change[64];
        vb__paired_format_change(m, true, change, sizeof change);
        fprintf(out, "<g class=\"ci\" data-ratio=\"%.6f\" data-low=\"%.6f\" data-high=\"%.6f\">",
                m->ratio, m->low, m->high);
        fprintf(out, "<title>");
        vb__xml_escape(out, b->name);
        fprintf(out, ": %s over %zu pairs</title>", change, b->pairs);
        if (m->confidence > 0) {
            fprintf(out,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"3\"/>",
                    x_of(m->low, lo, hi), y, x_of(m->high, lo, hi), y, c);
        }
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/></g>\n",
                x_of(m->ratio, lo, hi), y, c);
    }
    fputs("</svg>\n", out);
}

static void table(FILE *out, const vb_paired_report *r, const vb_paired_bench **order)
{
    fputs("<table><thead><tr><th>benchmark</th><th class=\"num\">pairs</th>"
          "<th class=\"num\">base</th><th class=\"num\">head</th><th>time change "
          "[interval]</th><th>CPU time change [interval]</th><th>peak RSS</th><th>heap "
          "peak</th><th>verdict</th></tr></thead>"
          "<tbody>\n",
          out);
    for (size_t i = 0; i < r->nbenches; i++) {
        const vb_paired_bench *b = order[i];
        char tb[32], th[32], ct[64], cc[64], cr[32], ch[32], st[96];
        vb__paired_format_time(b->time.base, tb, sizeof tb);
        vb__paired_format_time(b->time.head, th, sizeof th);
        vb__paired_format_change(&b->time, true, ct, sizeof ct);
        vb__paired_format_change(&b->cpu, true, cc, sizeof cc);
        vb__paired_format_change(&b->peak_rss, false, cr, sizeof cr);
        vb__paired_format_change(&b->heap_peak, false, ch, sizeof ch);
        const char *status = vb__paired_bench_status(b, st, sizeof st);
        const bool bad =
            (b->failed && b->head_failed) || vb_paired_bench_verdict(b) == VB_PAIRED_REGRESSION;
        fprintf(out, "<tr%s><td><code>", bad ? " class=\"bad\"" : "");
        vb__xml_escape(out, b->name);
        fprintf(out,
                "</code></td><td class=\"num\">%zu</td><td class=\"num\">%s</td>"
                "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                "<td class=\"num\">%s</td><td class=\"num\">%s</td><td>",
                b->pairs, tb, th, ct, cc, cr, ch);
        vb__xml_escape(out, status);
        if (b->msg[0]) {
            fputs("<div class=\"note\">", out);
            vb__xml_escape(out, b->msg);
            fputs("</div>", out);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

vb_status vb_paired_write_html(const vb_paired_report *r, const char *path, vb_error *err)
{
    const vb_paired_bench **order = vb__paired_row_order(r);
    if (!order) {
        return vb__nomem(err);
    }
    FILE *out = fopen(path, "w");
    if (!out) {
        vb__free((void *)order);
        return vb__error(err, VB_ERR_IO, "%s: %s", path, strerror(errno));
    }
    char summary[256];
    vb__paired_summary(r, summary, sizeof summary);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\">"
          "<title>vbench paired comparison</title><style>\n"
          "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1250px}"
          "h1{font-size:1.4em}table{border-collapse:collapse;margin:0.5em 0;font-size:0.9em}"
          "td,th{padding:3px 6px;border-bottom:1px solid #ddd;text-align:left;"
          "vertical-align:top}.num{text-align:right;font-variant-numeric:tabular-nums;"
          "white-space:nowrap}tr.bad td{background:#fee}.note{font-size:0.85em;color:#555;"
          "max-width:28em}code{font-size:0.95em}svg.forest{max-width:100%;height:auto}"
          ".summary.fail{color:#b00}.summary.pass{color:#070}\n"
          "</style></head><body>\n<h1>Paired comparison</h1>\n",
          out);
    fputs("<p>base <code>", out);
    vb__xml_escape(out, r->base_commit[0] ? r->base_commit : r->base_binary);
    fputs("</code> against head <code>", out);
    vb__xml_escape(out, r->head_commit[0] ? r->head_commit : r->head_binary);
    char passes[96];
    vb__paired_passes(r, passes, sizeof passes);
    fprintf(out,
            "</code>, run in alternation: %zu benchmarks, %s, %.1f min. A benchmark "
            "fails when the whole %.0f%% interval of its change lies above +%.0f%%; it is "
            "unchanged when the %.0f%% interval lies below.</p>\n",
            r->nbenches, passes, r->seconds / 60, vb__paired_change_confidence(&r->options) * 100,
            r->options.threshold * 100, r->options.confidence * 100);
    const bool fail = r->regressions > 0 || r->failures > 0;
    fprintf(out, "<p class=\"summary %s\">", fail ? "fail" : "pass");
    vb__xml_escape(out, summary);
    fputs("</p>\n<section><h2>Time change of head against base</h2>\n", out);
    forest_plot(out, r, order);
    fputs("</section>\n<section><h2>Every benchmark</h2>\n", out);
    table(out, r, order);
    fputs("</section>\n<footer><p>Written by vbench's paired comparison (--paired).</p></footer>\n"
          "</body></html>\n",
          out);
    vb__free((void *)order);
    const bool bad = ferror(out) != 0;
    if (fclose(out) != 0 || bad) {
        return vb__error(err, VB_ERR_IO, "%s: write failed", path);
    }
    return VB_OK;
}
