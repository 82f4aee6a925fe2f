/* SPDX-License-Identifier: MIT */
/* vitals chart: round value ticks, calendar date ticks and numbers written for people. */
#include <math.h>
#include <string.h>

#include "chart.h"

void chart_axis_nice(double lo, double hi, size_t target, chart_axis *axis)
{
    if (!(hi > lo)) {
        /* One value (a single day, a flat series): a band around it. */
        const double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1.0;
        lo -= pad;
        hi += pad;
    }
    if (target < 2) {
        target = 2;
    }
    const double raw = (hi - lo) / (double)target;
    const double mag = pow(10.0, floor(log10(raw)));
    const double r = raw / mag;
    const double nice = r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 2.5 ? 2.5 : r <= 5.0 ? 5.0 : 10.0;
    double step = nice * mag;
    double first = floor(lo / step) * step, last = ceil(hi / step) * step;
    /* Too many ticks can only come from rounding at the edges: double the step. */
    while ((last - first) / step + 1.5 > CHART_MAX_TICKS) {
        step *= 2;
        first = floor(lo / step) * step;
        last = ceil(hi / step) * step;
    }
    axis->nticks = 0;
    for (int k = 0; axis->nticks < CHART_MAX_TICKS; k++) {
        const double t = first + k * step;
        if (t > last + step * 1e-9) {
            break;
        }
        axis->ticks[axis->nticks++] = fabs(t) < step * 1e-9 ? 0.0 : t;
    }
    axis->lo = first;
    axis->hi = axis->ticks[axis->nticks - 1];
    const double digits = -floor(log10(step) + 1e-9);
    axis->decimals = digits > 0 ? (int)digits + (nice == 2.5 && mag < 10 ? 1 : 0) : 0;
}

/* Calendar steps for date ticks, from the finest; `approx` is the step's length in days. */
typedef enum unit { U_DAY, U_WEEK, U_MONTH, U_YEAR } unit;
typedef struct date_step {
    unit unit;
    int32_t n;
    double approx;
} date_step;

static const date_step STEPS[] = {
    {U_DAY, 1, 1},        {U_DAY, 2, 2},       {U_WEEK, 1, 7},       {U_WEEK, 2, 14},
    {U_MONTH, 1, 30.4},   {U_MONTH, 2, 60.9},  {U_MONTH, 3, 91.3},   {U_MONTH, 6, 182.6},
    {U_YEAR, 1, 365.2},   {U_YEAR, 2, 730.5},  {U_YEAR, 5, 1826.2},  {U_YEAR, 10, 3652.4},
    {U_YEAR, 20, 7304.8}, {U_YEAR, 50, 18262}, {U_YEAR, 100, 36524},
};

const char CHART_MONTHS[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Is `day` a tick of the step? Day and week ticks mark whole days, the others boundaries. */
static int is_tick(const date_step *s, int32_t day)
{
    int32_t y, m, d;
    switch (s->unit) {
    case U_DAY:
        return ((int64_t)day % s->n + s->n) % s->n == 0;
    case U_WEEK:
        return chart_bucket_start(CHART_WEEK, day) == day && (((int64_t)day + 3) / 7) % s->n == 0;
    case U_MONTH:
        vt_civil_from_days(day, &y, &m, &d);
        return d == 1 && (m - 1) % s->n == 0;
    case U_YEAR:
    default:
        vt_civil_from_days(day, &y, &m, &d);
        return d == 1 && m == 1 && ((y % s->n) + s->n) % s->n == 0;
    }
}

static void tick_label(const date_step *s, int32_t day, char *buf, size_t size)
{
    int32_t y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    if (s->unit == U_YEAR) {
        snprintf(buf, size, "%d", (int)y);
    } else if (s->unit == U_MONTH) {
        snprintf(buf, size, "%s %d", CHART_MONTHS[(m - 1) % 12], (int)y);
    } else {
        char iso[VT_DAY_BUFSZ];
        vt_day_format(day, iso);
        snprintf(buf, size, "%s", iso);
    }
}

/* Ticks that fit across the chart: short year labels can be closer than full dates. */
static size_t fits(const date_step *s)
{
    return s->unit == U_YEAR ? 12 : s->unit == U_MONTH ? 9 : 8;
}

size_t chart_date_ticks(int32_t from, int32_t to, chart_date_tick *ticks)
{
    const double span = (double)to - from + 1;
    const size_t nsteps = sizeof STEPS / sizeof STEPS[0];
    size_t k = 0;
    /* The finest step whose ticks fit. */
    while (k + 1 < nsteps && span / STEPS[k].approx > (double)fits(&STEPS[k]) - 1) {
        k++;
    }
    const date_step *s = &STEPS[k];
    /* Boundary ticks may sit on the range's end (to + 1); day ticks only on its days. */
    const int32_t last = s->unit == U_DAY || s->unit == U_WEEK ? to : to + 1;
    size_t n = 0;
    for (int32_t day = from; day <= last && n < CHART_MAX_DATE_TICKS; day++) {
        if (is_tick(s, day)) {
            ticks[n].day = day;
            ticks[n].centred = s->unit == U_DAY || s->unit == U_WEEK;
            tick_label(s, day, ticks[n].label, sizeof ticks[n].label);
            n++;
        }
        /* Months and years: jump to the next month's first day (ten years are 120 steps). */
        if (s->unit == U_MONTH || s->unit == U_YEAR) {
            day = chart_bucket_next(CHART_MONTH, chart_bucket_start(CHART_MONTH, day)) - 1;
        }
    }
    return n;
}

int chart_decimals_for(double magnitude)
{
    const double a = fabs(magnitude);
    return a >= 100 ? 0 : a >= 1 ? 1 : a >= 0.01 ? 2 : 3;
}

const char *chart_format_number(double v, int decimals, char *buf, size_t size)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    /* No "-0" or "-0.0": a rounded zero is zero. */
    const char *digits = raw;
    if (raw[0] == '-' && strspn(raw + 1, "0.") == strlen(raw + 1)) {
        digits = raw + 1;
    }
    const int negative = digits[0] == '-';
    const char *p = digits + negative;
    const size_t int_len = strcspn(p, ".");
    size_t o = 0;
    if (negative && o + 1 < size) {
        buf[o++] = '-';
    }
    for (size_t i = 0; p[i] && o + 1 < size; i++) {
        if (i > 0 && i < int_len && (int_len - i) % 3 == 0 && o + 2 < size) {
            buf[o++] = ',';
        }
        buf[o++] = p[i];
    }
    buf[o] = '\0';
    return buf;
}
