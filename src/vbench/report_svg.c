/* SPDX-License-Identifier: MIT */
/* Box plots of benchmark results as SVG, one panel per group (pytest-benchmark's histogram). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "report_visual.h"
#include "vbench/report_files.h"

enum {
    WIDTH = 960,
    LABEL_W = 300,
    PLOT_X = 310,
    PLOT_W = 600,
    ROW_H = 24,
    TITLE_H = 34,
    AXIS_H = 26
};

/* Writes `s` escaped for XML text and attributes. */
void vb__xml_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* A time in seconds with a unit that keeps three significant digits readable. */
void vb__format_seconds(double s, char *buf, size_t size)
{
    const double a = fabs(s);
    if (a < 1e-6) {
        snprintf(buf, size, "%.3g ns", s * 1e9);
    } else if (a < 1e-3) {
        snprintf(buf, size, "%.3g us", s * 1e6);
    } else if (a < 1) {
        snprintf(buf, size, "%.3g ms", s * 1e3);
    } else {
        snprintf(buf, size, "%.3g s", s);
    }
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *vb__json_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Benchmarks of one group that carry statistics (smoke runs and failures may not). */
static int plottable(const json_t *b)
{
    const json_t *st = json_object_get(b, "stats");
    return json_is_object(st) && num(st, "min") > 0 && isfinite(num(st, "max"));
}

/* Distinct groups in order of first appearance. */
static size_t groups_of(const json_t *benchmarks, const char **groups, size_t max)
{
    size_t n = 0, i;
    const json_t *b;
    json_array_foreach(benchmarks, i, b)
    {
        if (!plottable(b)) {
            continue;
        }
        const char *g = vb__json_str(b, "group");
        size_t k = 0;
        while (k < n && strcmp(groups[k], g) != 0) {
            k++;
        }
        if (k == n && n < max) {
            groups[n++] = g;
        }
    }
    return n;
}

static double xpos(double v, double lo, double hi)
{
    const double t = (log10(v) - lo) / (hi - lo);
    return PLOT_X + t * PLOT_W;
}

/* One group's panel at vertical offset `y`; returns its height. */
static int panel(FILE *out, const json_t *benchmarks, const char *group, int y)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t i, rows = 0;
    const json_t *b;
    json_array_foreach(benchmarks, i, b)
    {
        if (!plottable(b) || strcmp(vb__json_str(b, "group"), group) != 0) {
            continue;
        }
        const json_t *st = json_object_get(b, "stats");
        const double a = num(st, "min"), z = num(st, "max");
        lo = fmin(lo, log10(a));
        hi = fmax(hi, log10(z));
        rows++;
    }
    lo = floor(lo * 2) / 2 - 0.1;
    hi = ceil(hi * 2) / 2 + 0.1;
    if (hi - lo < 1) {
        const double mid = (hi + lo) / 2;
        lo = mid - 0.5;
        hi = mid + 0.5;
    }
    const int height = TITLE_H + (int)rows * ROW_H + AXIS_H;
    fprintf(out, "<g class=\"group\" transform=\"translate(0,%d)\">\n", y);
    fprintf(out, "<text x=\"10\" y=\"22\" class=\"title\">");
    vb__xml_escape(out, group[0] ? group : "(no group)");
    fprintf(out, "</text>\n");
    /* Grid lines at 1, 2 and 5 times each power of ten in range. */
    const int axis_y = TITLE_H + (int)rows * ROW_H;
    for (int e = (int)floor(lo); e <= (int)ceil(hi); e++) {
        static const double steps[] = {1, 2, 5};
        for (int k = 0; k < 3; k++) {
            const double v = steps[k] * pow(10, e);
            if (log10(v) < lo || log10(v) > hi) {
                continue;
            }
            const double x = xpos(v, lo, hi);
            fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x,
                    TITLE_H - 4, x, axis_y);
            char label[32];
            vb__format_seconds(v, label, sizeof label);
            fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">%s</text>\n", x, axis_y + 16,
                    label);
        }
    }
    int row = 0;
    json_array_foreach(benchmarks, i, b)
    {
        if (!plottable(b) || strcmp(vb__json_str(b, "group"), group) != 0) {
            continue;
        }
        const json_t *st = json_object_get(b, "stats");
        const int cy = TITLE_H + row * ROW_H + ROW_H / 2;
        const double wl = num(st, "ld15iqr"), wh = num(st, "hd15iqr"), q1 = num(st, "q1"),
                     q3 = num(st, "q3"), med = num(st, "median"), mean = num(st, "mean");
        const double mn = num(st, "min"), mx = num(st, "max");
        const char *outcome = vb__json_str(json_object_get(b, "extra_info"), "outcome");
        const int bad = outcome[0] && strcmp(outcome, "passed") != 0;
        fprintf(out, "<g class=\"bench%s\"><title>", bad ? " failed" : "");
        vb__xml_escape(out, vb__json_str(b, "fullname"));
        char m1[32], m2[32];
        vb__format_seconds(med, m1, sizeof m1);
        vb__format_seconds(mean, m2, sizeof m2);
        fprintf(out, ": median %s, mean %s</title>\n", m1, m2);
        fprintf(out, "<text class=\"label\" x=\"%d\" y=\"%d\">", LABEL_W, cy + 4);
        vb__xml_escape(out, vb__json_str(b, "name"));
        fprintf(out, "</text>\n");
        /* Whiskers at the 1.5 IQR fences, the box from q1 to q3, the median as a bar, the
         * mean as a dot, and the extremes as small ticks. */
        const double xl = xpos(isfinite(wl) && wl > 0 ? wl : mn, lo, hi);
        const double xh = xpos(isfinite(wh) && wh > 0 ? wh : mx, lo, hi);
        fprintf(out, "<line class=\"whisker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", xl,
                cy, xh, cy);
        const double bx = xpos(q1 > 0 ? q1 : mn, lo, hi), bw = xpos(q3 > 0 ? q3 : mx, lo, hi) - bx;
        fprintf(out, "<rect class=\"box\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", bx,
                cy - 7, bw > 1 ? bw : 1, 14);
        fprintf(out, "<line class=\"median\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
                xpos(med, lo, hi), cy - 8, xpos(med, lo, hi), cy + 8);
        fprintf(out, "<circle class=\"mean\" cx=\"%.1f\" cy=\"%d\" r=\"3\"/>\n", xpos(mean, lo, hi),
                cy);
        fprintf(out, "<line class=\"extreme\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
                xpos(mn, lo, hi), cy - 3, xpos(mn, lo, hi), cy + 3);
        fprintf(out, "<line class=\"extreme\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
                xpos(mx, lo, hi), cy - 3, xpos(mx, lo, hi), cy + 3);
        fprintf(out, "</g>\n");
        row++;
    }
    fprintf(out, "</g>\n");
    return height;
}

int vb__svg_render(FILE *out, const json_t *results)
{
    const json_t *benchmarks = json_object_get(results, "benchmarks");
    const char *groups[256];
    const size_t ngroups = json_is_array(benchmarks) ? groups_of(benchmarks, groups, 256) : 0;
    int height = 40;
    size_t i;
    const json_t *b;
    for (size_t g = 0; g < ngroups; g++) {
        size_t rows = 0;
        json_array_foreach(benchmarks, i, b)
        {
            rows += plottable(b) && strcmp(vb__json_str(b, "group"), groups[g]) == 0;
        }
        height += TITLE_H + (int)rows * ROW_H + AXIS_H + 10;
    }
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"vbench-plot\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
            WIDTH, height, WIDTH, height);
    fputs("<style>.title{font-weight:bold;font-size:14px}.label{text-anchor:end}"
          ".tick{text-anchor:middle;fill:#555;font-size:10px}.grid{stroke:#ddd}"
          ".box{fill:#9ecae1;stroke:#3182bd}.median{stroke:#08306b;stroke-width:2}"
          ".whisker{stroke:#3182bd}.extreme{stroke:#999}.mean{fill:#e6550d}"
          ".failed .box{fill:#fcbba1;stroke:#cb181d}</style>\n",
          out);
    fprintf(out, "<text x=\"10\" y=\"20\" class=\"title\">Time per iteration (log scale): box "
                 "q1-q3, bar median, dot mean, whiskers 1.5 IQR</text>\n");
    int y = 40;
    for (size_t g = 0; g < ngroups; g++) {
        y += panel(out, benchmarks, groups[g], y) + 10;
    }
    if (ngroups == 0) {
        fputs("<text x=\"10\" y=\"34\">No timed results (a smoke run has none).</text>\n", out);
    }
    fputs("</svg>\n", out);
    return (int)ngroups;
}

json_t *vb__results_load(const char *path, vb_error *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        vb__error(err, VB_ERR_PARSE, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_array(json_object_get(root, "benchmarks"))) {
        json_decref(root);
        vb__error(err, VB_ERR_FORMAT, "%s: not a results file (no benchmarks array)", path);
        return NULL;
    }
    return root;
}

vb_status vb_report_svg(const char *results_json, const char *svg_path, vb_error *err)
{
    json_t *root = vb__results_load(results_json, err);
    if (!root) {
        return err ? err->code : VB_ERR_PARSE;
    }
    FILE *out = fopen(svg_path, "w");
    if (!out) {
        json_decref(root);
        return vb__error(err, VB_ERR_IO, "%s: %s", svg_path, strerror(errno));
    }
    vb__svg_render(out, root);
    json_decref(root);
    if (fclose(out) != 0) {
        return vb__error(err, VB_ERR_IO, "%s: %s", svg_path, strerror(errno));
    }
    return VB_OK;
}
