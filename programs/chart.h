/* SPDX-License-Identifier: MIT */
/* vitals chart: the series, buckets, axes, SVG and HTML writers shared by its files. */
#ifndef VITALS_CHART_H
#define VITALS_CHART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vitals/vitals.h"

/* Which number of a `vitals daily` row a chart plots for each day. */
typedef enum chart_value {
    CHART_TOTAL, /* the de-duplicated total (cumulative metrics) */
    CHART_MEAN,  /* the mean of the day's samples (levels: heart rate, body mass) */
    CHART_HOURS  /* the sum of the day's durations in minutes, divided by 60 (sleep) */
} chart_value;

/* One chartable metric: its name for vt_daily and how it is shown. */
typedef struct chart_metric {
    char name[64];     /* short name: steps */
    char title[64];    /* Steps */
    const char *unit;  /* the map's unit (count), as vitals daily reports it ("" for none) */
    const char *label; /* how that unit is shown: steps, bpm, h */
    const char *color; /* the line's colour on screen */
    chart_value value;
    int zero_based; /* the value axis starts at 0 (amounts, not levels) */
} chart_metric;

/* One day's plotted value. */
typedef struct chart_day {
    int32_t day;
    double value;
} chart_day;

#define CHART_MAX_UNITS 4

/* The daily values of one metric over the chosen days, ascending by day. */
typedef struct chart_series {
    chart_metric metric;
    chart_day *days;
    size_t count, cap;
    char units[CHART_MAX_UNITS][32]; /* distinct units seen, in first-seen order */
    size_t nunits;
    int more_units; /* more than CHART_MAX_UNITS distinct units */
    char label[96]; /* the unit as shown (steps, bpm, "lb, kg (mixed, not converted)") */
} chart_series;

/*
 * Fills each series with the daily values vt_daily_compute_store gives for its metric and the
 * days of `options` (its `metric` is ignored). `store` serves one worker; more workers (up to
 * `threads`) open `db` again read-only. Returns VT_OK or the first error.
 */
vt_status chart_collect(vt_store *store, const char *db, const vt_daily_options *options,
                        chart_series *series, size_t count, unsigned threads, vt_error *err);
void chart_series_free(chart_series *series);

/* A metric with records in a database: its short name and HK identifier. */
typedef struct chart_held {
    char name[64];
    char identifier[128];
} chart_held;

/* The metrics with records in `store`, by name; *out is allocated (free() it). */
vt_status chart_held_metrics(vt_store *store, chart_held **out, size_t *count, vt_error *err);

/*
 * Fills `out` (up to `max`) with a series for each name, each metric once: a short name or HK
 * identifier of the map, "hrv", a metric held by the database, or "all" for every metric held.
 * No names: the defaults (steps, resting_heart_rate, hrv_sdnn, active_energy, sleep,
 * body_mass). Returns -1 when a name is unknown (*bad) or there are more than `max`.
 */
int chart_select(const char *const *names, size_t n, const chart_held *held, size_t nheld,
                 chart_series *out, size_t max, size_t *count, const char **bad);

/* The span of days each point of a chart summarises. */
typedef enum chart_bucket { CHART_AUTO, CHART_DAY, CHART_WEEK, CHART_MONTH } chart_bucket;

/* Buckets chosen by the range's length: days up to 186, weeks up to 1096, then months. */
chart_bucket chart_bucket_for_range(int32_t from, int32_t to);
/* "day", "week", "month". */
const char *chart_bucket_name(chart_bucket b);
/* The first day of the bucket holding `day` (weeks start on Monday). */
int32_t chart_bucket_start(chart_bucket b, int32_t day);
/* The first day of the next bucket. */
int32_t chart_bucket_next(chart_bucket b, int32_t start);

/* One plotted point: the daily values of a bucket, clipped to the range. */
typedef struct chart_point {
    int32_t from, to; /* first and last day of the bucket within the range */
    uint32_t days;    /* days with a value */
    double mean, p25, p75, min, max;
} chart_point;

/*
 * The points of `series` over [from, to], one per bucket that holds a value; *out is
 * allocated (free() it), NULL when there are none. Returns -1 when out of memory.
 */
int chart_points(const chart_series *series, chart_bucket b, int32_t from, int32_t to,
                 chart_point **out, size_t *count);

/* ---- Axes and numbers (chart_axis.c) ---- */

#define CHART_MAX_TICKS 16

/* A value axis: round tick values covering [lo, hi], and the extended domain. */
typedef struct chart_axis {
    double lo, hi; /* the domain drawn, from the first tick to the last */
    double ticks[CHART_MAX_TICKS];
    size_t nticks;
    int decimals; /* decimals the tick labels need */
} chart_axis;

/* Round ticks, about `target` of them, covering [lo, hi]; lo == hi is widened. */
void chart_axis_nice(double lo, double hi, size_t target, chart_axis *axis);

/* A date tick: its day and its label (2024, Mar 2024, 2024-03-05). */
typedef struct chart_date_tick {
    int32_t day;
    int centred; /* marks the whole day (at its middle), not the boundary before it */
    char label[16];
} chart_date_tick;

#define CHART_MAX_DATE_TICKS 12

/*
 * Ticks on calendar days or boundaries within [from, to + 1), as many as fit across a chart
 * (at most CHART_MAX_DATE_TICKS): every day, week, month, quarter, year, ... Returns their count.
 */
size_t chart_date_ticks(int32_t from, int32_t to, chart_date_tick *ticks);

/* Jan, Feb, ... Dec. */
extern const char CHART_MONTHS[12][4];
/* Formats a value for people: digit groups, `decimals` decimals (1,234.5). */
const char *chart_format_number(double v, int decimals, char *buf, size_t size);
/* Decimals that show a value of this size sensibly (0 for 1234, 1 for 62.3, 2 for 0.53). */
int chart_decimals_for(double magnitude);

/* ---- Writers (chart_svg.c, chart_page.c) ---- */

/* What the writers need to know of the whole page. */
typedef struct chart_page {
    const char *title;
    const char *db_name;  /* the database's file name, shown in the page */
    int has_from, has_to; /* a first and a last day are known (given, or from the data) */
    int has_range;        /* both: points can be placed */
    int32_t from, to;
    chart_bucket bucket;
    const chart_series *series;
    size_t count;
    const chart_held *held; /* what the database holds, named when nothing can be charted */
    size_t nheld;
} chart_page;

/* The CSS of a chart, shared by the page and standalone SVG files. */
extern const char CHART_SVG_CSS[];

/*
 * Writes the SVG of one series and its points (chart_points): a chart, or a sentence saying
 * there is no data. `standalone` adds the XML namespace, the styles and a heading, for a file
 * of its own.
 */
void chart_svg_write(FILE *f, const chart_page *page, const chart_series *series,
                     const chart_point *pts, size_t count, int standalone);
/* " between 2020-01-01 and 2020-02-01", " from 2020-01-01 on", " in this database". */
void chart_write_range_phrase(FILE *f, const chart_page *page);
/* "bmi, heart_rate": the first `max` metrics the database holds, "..." after them. */
void chart_write_held(FILE *f, const chart_page *page, size_t max);
/* A title within a sentence: "Resting heart rate" as "resting heart rate", "VO2 max" kept. */
void chart_write_title_lower(FILE *f, const chart_metric *m);
/* "No data between 2020-01-01 and 2020-02-01." */
void chart_write_no_data(FILE *f, const chart_page *page);
/* "7,412 steps": a value as people read it, with the series' unit when it has one. */
void chart_write_amount(FILE *f, double v, const chart_series *series);
/* "Monthly means of the day's total, sources de-duplicated; shaded: ..." */
void chart_write_caption(FILE *f, const chart_page *page, const chart_series *series);
/* Writes the whole self-contained HTML page. Returns -1 when out of memory. */
int chart_page_write(FILE *f, const chart_page *page);

/* Writes `s` with &, <, >, " and ' escaped for HTML and XML. */
void chart_write_escaped(FILE *f, const char *s);
/* What is plotted for a day: "mean", "total (overlapping sources counted once)"; or "means"... */
const char *chart_value_phrase(const chart_metric *m, int plural);

#endif
