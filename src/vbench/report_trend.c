/* SPDX-License-Identifier: MIT */
/* The HTML report's trends: each benchmark's time over the history's runs, with the levels
   between its change points and the change points marked with their commit range. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report_visual.h"
#include "vbench/history.h"

enum { W = 600, H = 150, LEFT = 62, RIGHT = 10, TOP = 22, BOTTOM = 22 };

typedef struct plot {
    double lo, hi; /* the value axis */
    size_t n;      /* points */
} plot;

static double px(const plot *p, size_t i)
{
    return LEFT + (p->n > 1 ? (double)i / (double)(p->n - 1) : 0.5) * (W - LEFT - RIGHT);
}

static double py(const plot *p, double v)
{
    return TOP + (p->hi - v) / (p->hi - p->lo) * (H - TOP - BOTTOM);
}

/* One benchmark's chart: the series, the level of each segment, the change points. */
static void chart(FILE *out, const vb_history *h, const char *name, const double *v,
                  const size_t *runs, size_t n, const vb_history_step *steps, size_t nsteps)
{
    plot p = {v[0], v[0], n};
    for (size_t i = 1; i < n; i++) {
        p.lo = fmin(p.lo, v[i]);
        p.hi = fmax(p.hi, v[i]);
    }
    const double pad = (p.hi - p.lo) * 0.08 + p.hi * 0.01;
    p.lo = fmax(0, p.lo - pad);
    p.hi += pad;
    fputs("<figure class=\"trend\"><svg xmlns=\"http://www.w3.org/2000/svg\" ", out);
    fprintf(out, "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W,
            H, W, H);
    vb__xml_escape(out, name);
    fputs(" over time\">\n<style>text{font:11px sans-serif}</style>\n", out);
    fprintf(out, "<text x=\"%d\" y=\"14\" font-weight=\"bold\">", LEFT);
    vb__xml_escape(out, name);
    fputs("</text>\n", out);
    char lo[32], hi[32];
    vb__format_seconds(p.lo, lo, sizeof lo);
    vb__format_seconds(p.hi, hi, sizeof hi);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
            LEFT, TOP, LEFT, H - BOTTOM, LEFT - 4, TOP + 8, hi, LEFT - 4, H - BOTTOM, lo);
    /* Segment levels and change points of the time series (the steps of a series are in
       index order). */
    size_t start = 0;
    double after = NAN;
    for (;;) {
        const vb_history_step *s = NULL;
        for (size_t j = 0; j < nsteps && !s; j++) {
            if (steps[j].metric == VB_HISTORY_TIME && strcmp(steps[j].name, name) == 0 &&
                steps[j].point.index > start) {
                s = &steps[j];
            }
        }
        const size_t end = s ? s->point.index : n;
        const double level = s ? s->point.before : after;
        if (isfinite(level)) {
            fprintf(out,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
                    px(&p, start), py(&p, level), px(&p, end - 1), py(&p, level));
        }
        if (!s) {
            break;
        }
        const double x = (px(&p, end - 1) + px(&p, end)) / 2;
        const char *color = s->regression ? "#c0392b" : "#1e8449";
        fprintf(out,
                "<g class=\"changepoint\" data-index=\"%zu\"><title>%+.1f%% between %s and %s "
                "(p = %.3f)</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                "stroke=\"%s\" stroke-dasharray=\"4 3\" stroke-width=\"2\"/><text x=\"%.1f\" "
                "y=\"%d\" fill=\"%s\">%+.0f%%</text></g>\n",
                end, s->point.change * 100, s->last_good, s->first_bad, s->point.p, x, TOP, x,
                H - BOTTOM, color, x + 3, TOP + 10, color, s->point.change * 100);
        after = s->point.after;
        start = end;
    }
    fputs("<polyline fill=\"none\" stroke=\"#2e5d9f\" stroke-width=\"1.5\" points=\"", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%.1f,%.1f ", px(&p, i), py(&p, v[i]));
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < n; i++) {
        vb_history_run r;
        char t[32];
        vb__format_seconds(v[i], t, sizeof t);
        vb_history_run_at(h, runs[i], &r, NULL);
        fprintf(out,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#2e5d9f\"><title>%.12s %s: "
                "%s</title></circle>",
                px(&p, i), py(&p, v[i]), r.commit ? r.commit : "", r.date ? r.date : "", t);
    }
    fputs("\n</svg></figure>\n", out);
}

void vb__trend_render(FILE *out, const vb_history *h, const vb_history_step *steps, size_t nsteps)
{
    size_t nnames = 0;
    const char *const *names = vb_history_names(h, &nnames);
    const size_t max = vb_history_runs(h);
    double *v = vb__malloc((max ? max : 1) * sizeof *v);
    size_t *runs = vb__malloc((max ? max : 1) * sizeof *runs);
    if (!v || !runs) {
        vb__free(v);
        vb__free(runs);
        return;
    }
    fprintf(out,
            "<section><h2>Trends</h2><p>Time per iteration of each benchmark over the last %zu "
            "runs, normalised by each run's environment factor. Dashed lines mark lasting "
            "steps (E-divisive means, permutation test); grey lines are the levels between "
            "them.</p>\n<div class=\"trends\">\n",
            max);
    for (size_t i = 0; i < nnames; i++) {
        const size_t n = vb_history_series(h, names[i], VB_HISTORY_TIME, v, runs, max);
        if (n > 0) {
            chart(out, h, names[i], v, runs, n, steps, nsteps);
        }
    }
    fputs("</div></section>\n", out);
    vb__free(v);
    vb__free(runs);
}
