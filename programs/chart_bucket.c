/* SPDX-License-Identifier: MIT */
/* vitals chart: days, weeks or months as the plotted points, with the statistics of each. */
#include <stdlib.h>
#include <string.h>

#include "chart.h"

chart_bucket chart_bucket_for_range(int32_t from, int32_t to)
{
    const int64_t days = (int64_t)to - from + 1;
    return days <= 186 ? CHART_DAY : days <= 1096 ? CHART_WEEK : CHART_MONTH;
}

const char *chart_bucket_name(chart_bucket b)
{
    return b == CHART_WEEK ? "week" : b == CHART_MONTH ? "month" : "day";
}

int32_t chart_bucket_start(chart_bucket b, int32_t day)
{
    if (b == CHART_WEEK) {
        /* Day 0, 1970-01-01, was a Thursday: Monday is weekday 0. */
        const int32_t weekday = (int32_t)((((int64_t)day + 3) % 7 + 7) % 7);
        return day - weekday;
    }
    if (b == CHART_MONTH) {
        int32_t y, m, d;
        vt_civil_from_days(day, &y, &m, &d);
        return vt_days_from_civil(y, m, 1);
    }
    return day;
}

int32_t chart_bucket_next(chart_bucket b, int32_t start)
{
    if (b == CHART_WEEK) {
        return start + 7;
    }
    if (b == CHART_MONTH) {
        int32_t y, m, d;
        vt_civil_from_days(start, &y, &m, &d);
        return m == 12 ? vt_days_from_civil(y + 1, 1, 1) : vt_days_from_civil(y, m + 1, 1);
    }
    return start + 1;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear interpolation between order statistics, as vitals daily's percentiles (type 7). */
static double percentile(const double *sorted, size_t n, double p)
{
    const double pos = p * (double)(n - 1);
    const size_t lo = (size_t)pos;
    if (lo + 1 >= n) {
        return sorted[n - 1];
    }
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - (double)lo);
}

static void summarise(double *values, size_t n, chart_point *p)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += values[i];
    }
    qsort(values, n, sizeof *values, cmp_double);
    p->days = (uint32_t)n;
    p->mean = sum / (double)n;
    p->min = values[0];
    p->max = values[n - 1];
    p->p25 = percentile(values, n, 0.25);
    p->p75 = percentile(values, n, 0.75);
}

int chart_points(const chart_series *s, chart_bucket b, int32_t from, int32_t to, chart_point **out,
                 size_t *count)
{
    *out = NULL;
    *count = 0;
    if (s->count == 0) {
        return 0;
    }
    /* At most one point per day with a value; the values of one bucket at a time. */
    chart_point *pts = malloc(s->count * sizeof *pts);
    double *values = malloc(s->count * sizeof *values);
    if (!pts || !values) {
        free(pts);
        free(values);
        return -1;
    }
    size_t n = 0, i = 0;
    while (i < s->count) {
        const int32_t day = s->days[i].day;
        if (day < from || day > to) {
            i++;
            continue;
        }
        const int32_t start = chart_bucket_start(b, day);
        const int32_t next = chart_bucket_next(b, start);
        size_t k = 0;
        for (; i < s->count && s->days[i].day < next && s->days[i].day <= to; i++) {
            values[k++] = s->days[i].value;
        }
        chart_point *p = &pts[n++];
        p->from = start < from ? from : start;
        p->to = next - 1 > to ? to : next - 1;
        summarise(values, k, p);
    }
    free(values);
    if (n == 0) {
        free(pts);
        return 0;
    }
    *out = pts;
    *count = n;
    return 0;
}
