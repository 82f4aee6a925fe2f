/* SPDX-License-Identifier: MIT */
/* vitals chart: the self-contained HTML page, inline SVG and CSS, no script, with a print
 * stylesheet and a table of the plotted values under each chart. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chart.h"

static const char PAGE_CSS[] =
    "body{margin:0;background:#fff;color:#1a1a1a;font:15px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    "header,main,footer{max-width:1200px;margin:0 auto;padding:0 24px}\n"
    "header{padding-top:18px}\n"
    "h1{font-size:26px;margin:0 0 4px}\n"
    ".meta,.caption,.note{color:#555;margin:2px 0}\n"
    ".panel{border-top:1px solid #ddd;padding:14px 0 8px}\n"
    ".panel h2{font-size:19px;margin:0}\n"
    ".panel h2 .u{font-weight:normal;color:#666;font-size:15px}\n"
    ".summary{margin:2px 0 4px}\n"
    "svg.chart{display:block;width:100%;height:auto}\n"
    "p.nodata{color:#555;font-style:italic;margin:10px 0}\n"
    "details{margin:2px 0 0}\n"
    "summary{cursor:pointer;color:#333}\n"
    "table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums;"
    "margin:6px 0}\n"
    "th,td{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "footer{color:#555;font-size:13px;border-top:1px solid #ddd;margin-top:8px;"
    "padding-bottom:24px}\n"
    "@media print{\n"
    "@page{margin:12mm}\n"
    "body{font-size:10.5pt;color:#000}\n"
    "header,main,footer{max-width:none;padding:0}\n"
    ".panel{break-inside:avoid;page-break-inside:avoid}\n"
    ".chart{color:#000!important}\n"
    ".chart text{fill:#000}\n"
    ".chart .band{fill-opacity:.18}\n"
    ".chart .pt{stroke:none}\n"
    ".meta,.caption,.note,footer,p.nodata{color:#000}\n"
    "details{display:none}\n"
    "}\n";

/* What each day of a series holds, said once under its chart. */
static const char *note_of(const chart_metric *m)
{
    if (m->value == CHART_HOURS) {
        return "The durations of all the day's sleep records, by the day they start: in bed, "
               "asleep and awake stages together, as vitals daily sums them, so it can exceed "
               "the time asleep.";
    }
    if (m->value == CHART_TOTAL) {
        return "Where sources overlap in time (an Apple Watch and an iPhone), the day's total "
               "counts them once, the higher-priority source first (the Watch, unless "
               "--priority says otherwise).";
    }
    return NULL;
}

static void write_day(FILE *f, int32_t day)
{
    char buf[VT_DAY_BUFSZ];
    vt_day_format(day, buf);
    fputs(buf, f);
}

/* The days with a value within the range, their mean and the latest. */
static void write_summary(FILE *f, const chart_page *page, const chart_series *s)
{
    size_t n = 0;
    double sum = 0.0;
    const chart_day *latest = NULL;
    for (size_t i = 0; i < s->count; i++) {
        if (s->days[i].day >= page->from && s->days[i].day <= page->to) {
            n++;
            sum += s->days[i].value;
            latest = &s->days[i];
        }
    }
    if (!latest) {
        return;
    }
    char a[64];
    fprintf(f, "<p class=\"summary\">%s day%s with data, mean ",
            chart_format_number((double)n, 0, a, sizeof a), n == 1 ? "" : "s");
    chart_write_amount(f, sum / (double)n, s);
    fputs("; latest ", f);
    write_day(f, latest->day);
    fputs(": ", f);
    chart_write_amount(f, latest->value, s);
    fputs(".</p>\n", f);
}

static void write_period(FILE *f, const chart_page *page, const chart_point *p)
{
    int32_t y, m, d;
    vt_civil_from_days(p->from, &y, &m, &d);
    if (page->bucket == CHART_DAY) {
        write_day(f, p->from);
    } else if (page->bucket == CHART_MONTH && d == 1 &&
               chart_bucket_next(CHART_MONTH, p->from) == p->to + 1) {
        fprintf(f, "%s %d", CHART_MONTHS[(m - 1) % 12], (int)y);
    } else {
        write_day(f, p->from);
        fputs(" to ", f);
        write_day(f, p->to);
    }
}

/* The plotted values as a table: for screen readers, and for anyone who wants the numbers. */
static void write_table(FILE *f, const chart_page *page, const chart_series *s,
                        const chart_point *pts, size_t n)
{
    char buf[64];
    fprintf(f, "<details><summary>The %zu plotted value%s as a table</summary>\n<table>", n,
            n == 1 ? "" : "s");
    if (page->bucket == CHART_DAY) {
        fputs("<thead><tr><th>day</th><th>", f);
        chart_write_escaped(f, s->label);
        fputs("</th></tr></thead><tbody>\n", f);
    } else {
        fprintf(f,
                "<thead><tr><th>%s</th><th>days</th><th>mean</th><th>25th pct</th>"
                "<th>75th pct</th><th>min</th><th>max</th></tr></thead><tbody>\n",
                chart_bucket_name(page->bucket));
    }
    for (size_t i = 0; i < n; i++) {
        const chart_point *p = &pts[i];
        const int dec = chart_decimals_for(p->mean);
        fputs("<tr><td>", f);
        write_period(f, page, p);
        if (page->bucket != CHART_DAY) {
            fprintf(f, "</td><td>%u", (unsigned)p->days);
        }
        const double cols[] = {p->mean, p->p25, p->p75, p->min, p->max};
        const size_t ncols = page->bucket == CHART_DAY ? 1 : 5;
        for (size_t k = 0; k < ncols; k++) {
            fprintf(f, "</td><td>%s", chart_format_number(cols[k], dec, buf, sizeof buf));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></details>\n", f);
}

static int write_panel(FILE *f, const chart_page *page, const chart_series *s)
{
    chart_point *pts = NULL;
    size_t n = 0;
    if (page->has_range && chart_points(s, page->bucket, page->from, page->to, &pts, &n) != 0) {
        return -1;
    }
    fprintf(f, "<section class=\"panel\" id=\"%s\">\n<h2>", s->metric.name);
    chart_write_escaped(f, s->metric.title);
    fputs(" <span class=\"u\">", f);
    if (strcasecmp(s->label, s->metric.title) != 0) {
        chart_write_escaped(f, s->label);
        fputs(s->metric.value == CHART_MEAN ? "" : " ", f);
    }
    fputs(s->metric.value == CHART_MEAN ? "" : "per day", f);
    fputs("</span></h2>\n", f);
    if (n == 0) {
        fputs("<p class=\"nodata\">", f);
        chart_write_no_data(f, page);
        fputs("</p>\n</section>\n", f);
        return 0;
    }
    fputs("<p class=\"caption\">", f);
    chart_write_caption(f, page, s);
    fputs(".</p>\n", f);
    write_summary(f, page, s);
    chart_svg_write(f, page, s, pts, n, 0);
    const char *note = note_of(&s->metric);
    if (note) {
        fprintf(f, "<p class=\"note\">%s</p>\n", note);
    }
    write_table(f, page, s, pts, n);
    fputs("</section>\n", f);
    free(pts);
    return 0;
}

static void write_header(FILE *f, const chart_page *page, int any)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"generator\" content=\"vitals ",
          f);
    chart_write_escaped(f, vt_version());
    fputs("\">\n<title>", f);
    chart_write_escaped(f, page->title);
    fprintf(f, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n<header>\n<h1>", PAGE_CSS,
            CHART_SVG_CSS);
    chart_write_escaped(f, page->title);
    fputs("</h1>\n<p class=\"meta\">", f);
    if (page->has_range) {
        char days[64];
        write_day(f, page->from);
        fputs(" to ", f);
        write_day(f, page->to);
        fprintf(f, " (%s day%s)",
                chart_format_number((double)page->to - page->from + 1, 0, days, sizeof days),
                page->to == page->from ? "" : "s");
        if (any) {
            fprintf(f, ", one point a %s", chart_bucket_name(page->bucket));
        }
        fputs(" &middot; ", f);
    }
    chart_write_escaped(f, page->db_name);
    fputs("</p>\n</header>\n<main>\n", f);
}

static void write_footer(FILE *f)
{
    fputs("</main>\n<footer>\n<p>Each value is the one <code>vitals daily</code> gives for the "
          "day: steps and energy are the day's total with overlapping sources counted once, "
          "heart rate, HRV and body mass the day's mean, sleep the summed durations of the "
          "day's records in hours. Days are local days, by the time a sample starts. Points "
          "are days for ranges up to 186 days, weeks (Monday to Sunday) up to 1,096 days, "
          "months beyond; a week's or month's point is the mean of its days with data. Lines "
          "break over gaps longer than three points and 4% of the range.</p>\n<p>Written by "
          "vitals ",
          f);
    chart_write_escaped(f, vt_version());
    fputs(". This page loads nothing from any network and runs no script.</p>\n</footer>\n"
          "</body>\n</html>\n",
          f);
}

void chart_write_held(FILE *f, const chart_page *page, size_t max)
{
    for (size_t i = 0; i < page->nheld && i < max; i++) {
        fputs(i ? ", " : "", f);
        chart_write_escaped(f, page->held[i].name);
    }
    fputs(page->nheld > max ? ", ..." : "", f);
}

int chart_page_write(FILE *f, const chart_page *page)
{
    int any = 0;
    for (size_t i = 0; i < page->count && !any; i++) {
        for (size_t k = 0; k < page->series[i].count && !any; k++) {
            const int32_t d = page->series[i].days[k].day;
            any = page->has_range && d >= page->from && d <= page->to;
        }
    }
    write_header(f, page, any);
    if (!any) {
        fputs("<p class=\"nodata\" id=\"nodata\">No data to chart: ", f);
        chart_write_escaped(f, page->db_name);
        fputs(" holds no records of ", f);
        for (size_t i = 0; i < page->count; i++) {
            fputs(i == 0 ? "" : i + 1 == page->count ? " or " : ", ", f);
            chart_write_title_lower(f, &page->series[i].metric);
        }
        chart_write_range_phrase(f, page);
        if (page->has_from || page->has_to) {
            fputs(". <code>vitals info</code> lists the days it holds", f);
        } else if (page->nheld) {
            fputs(". It holds ", f);
            chart_write_held(f, page, 40);
            fputs(": <code>vitals chart --metrics all</code> charts every metric it holds", f);
        }
        fputs(".</p>\n", f);
    }
    for (size_t i = 0; i < page->count && any; i++) {
        if (write_panel(f, page, &page->series[i]) != 0) {
            return -1;
        }
    }
    write_footer(f);
    return 0;
}
