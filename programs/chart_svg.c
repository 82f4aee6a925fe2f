/* SPDX-License-Identifier: MIT */
/* vitals chart: one metric as an SVG line of bucket means over a band, with date and value
 * axes; every point carries its numbers in data-* attributes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

const char CHART_SVG_CSS[] =
    ".chart{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "sans-serif;color:#0072b2}\n"
    ".chart text{fill:#444;font-size:13px}\n"
    ".chart .unit{font-weight:600;fill:#222}\n"
    ".chart .h1{font-size:18px;font-weight:600;fill:#111}\n"
    ".chart .nodata{font-size:15px;fill:#555}\n"
    ".chart .grid{stroke:#e4e4e4;stroke-width:1}\n"
    ".chart .axis{stroke:#888;stroke-width:1}\n"
    ".chart .band{fill:currentColor;fill-opacity:.2;stroke:none}\n"
    ".chart .line{fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round;"
    "stroke-linecap:round}\n"
    ".chart .pt{fill:currentColor;stroke:#fff;stroke-width:1}\n"
    ".chart.dense .pt{stroke:none}\n";

/* The drawing: a 1000-unit-wide view box that the page scales to its width. */
enum { WIDTH = 1000, LEFT = 72, RIGHT = 40, PLOT_H = 190, TOP = 28, BOTTOM = 32, HEADING = 46 };
/* Above this many points, dots shrink and lose their tooltips (the page stays small). */
enum { DENSE = 200 };

typedef struct frame {
    double left, right, top, bottom; /* the plot area */
    int32_t from, to;
    chart_axis axis;
} frame;

static double x_of(const frame *f, double day)
{
    return f->left + (f->right - f->left) * (day - f->from) / ((double)f->to + 1 - f->from);
}

static double y_of(const frame *f, double v)
{
    return f->bottom - (f->bottom - f->top) * (v - f->axis.lo) / (f->axis.hi - f->axis.lo);
}

static double point_x(const frame *f, const chart_point *p)
{
    return x_of(f, ((double)p->from + p->to + 1) / 2.0);
}

/* Where the line breaks: more empty days than 3 buckets and than 4% of the range. */
static int32_t gap_limit(const chart_page *page)
{
    const int32_t bucket = page->bucket == CHART_MONTH ? 31 : page->bucket == CHART_WEEK ? 7 : 1;
    const int32_t share = (page->to - page->from + 1) / 25;
    return 3 * bucket > share ? 3 * bucket : share;
}

void chart_write_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

void chart_write_caption(FILE *f, const chart_page *page, const chart_series *s)
{
    if (page->bucket == CHART_DAY) {
        fprintf(f, "One point a day: the day's %s", chart_value_phrase(&s->metric, 0));
        return;
    }
    fprintf(f,
            "One point a %s: the mean of its days' %s; shaded: the middle half of those days "
            "(25th to 75th percentile)",
            chart_bucket_name(page->bucket), chart_value_phrase(&s->metric, 1));
}

/* The value axis: the points' band (or values), from 0 for amounts. */
static void fit_axis(const chart_page *page, const chart_series *s, const chart_point *pts,
                     size_t n, chart_axis *axis)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        const double a = page->bucket == CHART_DAY ? pts[i].mean : pts[i].p25;
        const double b = page->bucket == CHART_DAY ? pts[i].mean : pts[i].p75;
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    if (s->metric.zero_based) {
        lo = lo > 0 ? 0 : lo;
        hi = hi > 0 ? hi : 1;
    }
    chart_axis_nice(lo, hi, 5, axis);
}

static void write_axes(FILE *f, const frame *fr, const chart_series *s)
{
    char num[64];
    for (size_t i = 0; i < fr->axis.nticks; i++) {
        const double y = y_of(fr, fr->axis.ticks[i]);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                fr->left, fr->right, y, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", fr->left - 8,
                y + 4.5,
                chart_format_number(fr->axis.ticks[i], fr->axis.decimals, num, sizeof num));
    }
    fprintf(f, "<text class=\"unit\" x=\"6\" y=\"%.1f\">", fr->top - 12);
    chart_write_escaped(f, s->label);
    fputs("</text>\n", f);
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", fr->left,
            fr->right, fr->bottom, fr->bottom);
    chart_date_tick ticks[CHART_MAX_DATE_TICKS];
    const size_t nt = chart_date_ticks(fr->from, fr->to, ticks);
    for (size_t i = 0; i < nt; i++) {
        const double x = x_of(fr, ticks[i].day + (ticks[i].centred ? 0.5 : 0.0));
        fprintf(f,
                "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                x, x, fr->bottom, fr->bottom + 5, x, fr->bottom + 21, ticks[i].label);
    }
}

/* The band of one run of connected points: p75 forward, p25 back; one point is a box. */
static void write_band(FILE *f, const frame *fr, const chart_point *p, size_t n)
{
    if (n == 1) {
        const double x0 = x_of(fr, p->from), x1 = x_of(fr, (double)p->to + 1);
        fprintf(f, "M%.1f %.1fH%.1fV%.1fH%.1fZ", x0, y_of(fr, p->p75), x1, y_of(fr, p->p25), x0);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%c%.1f %.1f", i ? 'L' : 'M', point_x(fr, &p[i]), y_of(fr, p[i].p75));
    }
    for (size_t i = n; i-- > 0;) {
        fprintf(f, "L%.1f %.1f", point_x(fr, &p[i]), y_of(fr, p[i].p25));
    }
    fputc('Z', f);
}

static void write_lines(FILE *f, const chart_page *page, const frame *fr, const chart_point *p,
                        size_t n)
{
    const int32_t limit = gap_limit(page);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0 && page->bucket == CHART_DAY) {
            continue; /* a day's band is its own value */
        }
        fprintf(f, "<path class=\"%s\" d=\"", pass == 0 ? "band" : "line");
        size_t run = 0;
        for (size_t i = 1; i <= n; i++) {
            if (i == n || p[i].from - p[i - 1].to - 1 > limit) {
                if (pass == 0) {
                    write_band(f, fr, p + run, i - run);
                } else {
                    for (size_t k = run; k < i; k++) {
                        fprintf(f, "%c%.1f %.1f", k > run ? 'L' : 'M', point_x(fr, &p[k]),
                                y_of(fr, p[k].mean));
                    }
                }
                run = i;
            }
        }
        fputs("\"/>\n", f);
    }
}

void chart_write_amount(FILE *f, double v, const chart_series *s)
{
    char num[64];
    fputs(chart_format_number(v, chart_decimals_for(v), num, sizeof num), f);
    if (s->label[0]) {
        fputc(' ', f);
        chart_write_escaped(f, s->label);
    }
}

static void write_tooltip(FILE *f, const chart_page *page, const chart_series *s,
                          const chart_point *p)
{
    char from[VT_DAY_BUFSZ], to[VT_DAY_BUFSZ], a[64], b[64];
    vt_day_format(p->from, from);
    vt_day_format(p->to, to);
    fputs("<title>", f);
    if (page->bucket == CHART_DAY) {
        fprintf(f, "%s: ", from);
        chart_write_amount(f, p->mean, s);
    } else {
        const int dec = chart_decimals_for(p->mean);
        fprintf(f, "%s to %s: mean ", from, to);
        chart_write_amount(f, p->mean, s);
        fprintf(f, ", middle half %s to %s, %u day%s",
                chart_format_number(p->p25, dec, a, sizeof a),
                chart_format_number(p->p75, dec, b, sizeof b), (unsigned)p->days,
                p->days == 1 ? "" : "s");
    }
    fputs("</title>", f);
}

static void write_points(FILE *f, const chart_page *page, const chart_series *s, const frame *fr,
                         const chart_point *p, size_t n)
{
    const int dense = n > DENSE;
    for (size_t i = 0; i < n; i++) {
        char from[VT_DAY_BUFSZ], to[VT_DAY_BUFSZ];
        vt_day_format(p[i].from, from);
        vt_day_format(p[i].to, to);
        fprintf(f,
                "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" data-from=\"%s\" "
                "data-to=\"%s\" data-days=\"%u\" data-mean=\"%.10g\" data-p25=\"%.10g\" "
                "data-p75=\"%.10g\" data-min=\"%.10g\" data-max=\"%.10g\">",
                point_x(fr, &p[i]), y_of(fr, p[i].mean), dense ? "1.5" : "3.5", from, to,
                (unsigned)p[i].days, p[i].mean, p[i].p25, p[i].p75, p[i].min, p[i].max);
        if (!dense) {
            write_tooltip(f, page, s, &p[i]);
        }
        fputs("</circle>\n", f);
    }
}

void chart_write_range_phrase(FILE *f, const chart_page *page)
{
    char from[VT_DAY_BUFSZ] = "", to[VT_DAY_BUFSZ] = "";
    if (page->has_from) {
        vt_day_format(page->from, from);
    }
    if (page->has_to) {
        vt_day_format(page->to, to);
    }
    if (page->has_from && page->has_to && page->from == page->to) {
        fprintf(f, " on %s", from);
    } else if (page->has_from && page->has_to) {
        fprintf(f, " between %s and %s", from, to);
    } else if (page->has_from) {
        fprintf(f, " from %s on", from);
    } else if (page->has_to) {
        fprintf(f, " up to %s", to);
    } else {
        fputs(" in this database", f);
    }
}

void chart_write_title_lower(FILE *f, const chart_metric *m)
{
    const char *t = m->title;
    if (t[0] >= 'A' && t[0] <= 'Z' && t[1] >= 'a' && t[1] <= 'z') {
        fputc(t[0] + 32, f);
        t++;
    }
    chart_write_escaped(f, t);
}

void chart_write_no_data(FILE *f, const chart_page *page)
{
    fputs("No data", f);
    chart_write_range_phrase(f, page);
    fputc('.', f);
}

static void open_svg(FILE *f, const chart_series *s, int standalone, double height,
                     const char *extra_class)
{
    fprintf(f, "<svg %sclass=\"chart%s\" viewBox=\"0 0 %d %.0f\" ",
            standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "", extra_class, WIDTH, height);
    if (standalone) {
        fprintf(f, "width=\"%d\" height=\"%.0f\" ", WIDTH, height);
    }
    fprintf(f, "style=\"color:%s\" role=\"img\" aria-labelledby=\"t-%s d-%s\" data-metric=\"%s\"",
            s->metric.color, s->metric.name, s->metric.name, s->metric.name);
}

static void write_heading(FILE *f, const chart_page *page, const chart_series *s, int has_data)
{
    fprintf(f, "<style>\n%s</style>\n<text class=\"h1\" x=\"6\" y=\"22\">", CHART_SVG_CSS);
    chart_write_escaped(f, s->metric.title);
    fputs("</text><text x=\"6\" y=\"40\">", f);
    if (has_data) {
        chart_write_caption(f, page, s);
    }
    fputs("</text>\n", f);
}

void chart_svg_write(FILE *f, const chart_page *page, const chart_series *s, const chart_point *pts,
                     size_t n, int standalone)
{
    const double head = standalone ? HEADING : 0;
    if (n == 0) {
        open_svg(f, s, standalone, head + 70, " empty");
        fputs(">\n", f);
        fprintf(f, "<title id=\"t-%s\">", s->metric.name);
        chart_write_escaped(f, s->metric.title);
        fprintf(f, "</title><desc id=\"d-%s\">", s->metric.name);
        chart_write_no_data(f, page);
        fputs("</desc>\n", f);
        if (standalone) {
            write_heading(f, page, s, 0);
        }
        fprintf(f, "<text class=\"nodata\" x=\"%d\" y=\"%.0f\">", LEFT, head + 40);
        chart_write_no_data(f, page);
        fputs("</text>\n</svg>\n", f);
        return;
    }
    frame fr;
    fr.left = LEFT;
    fr.right = WIDTH - RIGHT;
    fr.top = head + TOP;
    fr.bottom = fr.top + PLOT_H;
    fr.from = page->from;
    fr.to = page->to;
    fit_axis(page, s, pts, n, &fr.axis);
    open_svg(f, s, standalone, fr.bottom + BOTTOM, n > DENSE ? " dense" : "");
    /* The axes' mapping, for readers that check where each point is drawn. */
    char from[VT_DAY_BUFSZ], to[VT_DAY_BUFSZ];
    vt_day_format(page->from, from);
    vt_day_format(page->to, to);
    fprintf(f,
            " data-bucket=\"%s\" data-from=\"%s\" data-to=\"%s\" data-left=\"%.1f\" "
            "data-right=\"%.1f\" data-y0=\"%.10g\" data-y1=\"%.10g\" data-bottom=\"%.1f\" "
            "data-top=\"%.1f\">\n",
            chart_bucket_name(page->bucket), from, to, fr.left, fr.right, fr.axis.lo, fr.axis.hi,
            fr.bottom, fr.top);
    fprintf(f, "<title id=\"t-%s\">", s->metric.name);
    chart_write_escaped(f, s->metric.title);
    fprintf(f, "</title><desc id=\"d-%s\">", s->metric.name);
    chart_write_caption(f, page, s);
    fputs("</desc>\n", f);
    if (standalone) {
        write_heading(f, page, s, 1);
    }
    write_axes(f, &fr, s);
    write_lines(f, page, &fr, pts, n);
    write_points(f, page, s, &fr, pts, n);
    fputs("</svg>\n", f);
}
