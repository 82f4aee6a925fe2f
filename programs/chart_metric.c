/* SPDX-License-Identifier: MIT */
/* vitals chart: which metrics it charts, and how each is titled, measured and drawn. */
#include <stdlib.h>
#include <string.h>

#include "chart.h"

/* The metrics people look at first, with titles and units for people. */
static const chart_metric FRIENDLY[] = {
    {"steps", "Steps", "count", "steps", "#0072b2", CHART_TOTAL, 1},
    {"resting_heart_rate", "Resting heart rate", "count/min", "bpm", "#d55e00", CHART_MEAN, 0},
    {"hrv_sdnn", "Heart rate variability (SDNN)", "ms", "ms", "#cc79a7", CHART_MEAN, 0},
    {"active_energy", "Active energy", "kcal", "kcal", "#e69f00", CHART_TOTAL, 1},
    {"sleep", "Sleep", "min", "h", "#009e73", CHART_HOURS, 1},
    {"body_mass", "Body mass", "kg", "kg", "#56b4e9", CHART_MEAN, 0},
    {"heart_rate", "Heart rate", "count/min", "bpm", "#d55e00", CHART_MEAN, 0},
    {"walking_heart_rate", "Walking heart rate", "count/min", "bpm", "#d55e00", CHART_MEAN, 0},
    {"bmi", "Body mass index", "count", "", "#56b4e9", CHART_MEAN, 0},
    {"flights", "Flights climbed", "count", "flights", "#0072b2", CHART_TOTAL, 1},
    {"exercise_minutes", "Exercise", "min", "min", "#e69f00", CHART_TOTAL, 1},
    {"vo2max", "VO2 max", "mL/min·kg", "mL/min·kg", "#cc79a7", CHART_MEAN, 0},
};

static const char *const DEFAULTS[] = {"steps", "resting_heart_rate", "hrv_sdnn", "active_energy",
                                       "sleep", "body_mass"};

/* A title from a short name: walking_speed -> Walking speed. */
static void title_of(const char *name, char *title, size_t size)
{
    snprintf(title, size, "%s", name);
    for (char *c = title; *c; c++) {
        *c = *c == '_' ? ' ' : *c;
    }
    if (title[0] >= 'a' && title[0] <= 'z') {
        title[0] = (char)(title[0] - 32);
    }
}

/* The chart of a metric of the map. */
static void resolve_known(const vt_metric_info *info, chart_metric *out)
{
    for (size_t i = 0; i < sizeof FRIENDLY / sizeof FRIENDLY[0]; i++) {
        if (strcmp(FRIENDLY[i].name, info->name) == 0) {
            *out = FRIENDLY[i];
            return;
        }
    }
    /* Any other metric of the map: its name as the title, its kind says what to plot. */
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", info->name);
    title_of(info->name, out->title, sizeof out->title);
    out->unit = info->unit;
    out->label = strcmp(info->unit, "count/min") == 0 ? "bpm" : info->unit;
    out->color = "#0072b2";
    out->value = info->kind == VT_METRIC_CUMULATIVE ? CHART_TOTAL
                 : info->kind == VT_METRIC_CATEGORY ? CHART_HOURS
                                                    : CHART_MEAN;
    out->zero_based = info->kind != VT_METRIC_DISCRETE;
    if (out->value == CHART_HOURS) {
        out->unit = "min";
        out->label = "h";
    }
}

/* The chart of a metric only the database knows: a level, or durations for categories. */
static void resolve_held(const chart_held *h, chart_metric *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", h->name);
    title_of(h->name, out->title, sizeof out->title);
    out->color = "#0072b2";
    const int category = strncmp(h->identifier, "HKCategoryTypeIdentifier", 24) == 0;
    out->value = category ? CHART_HOURS : CHART_MEAN;
    out->zero_based = category;
    out->unit = category ? "min" : "";
    out->label = category ? "h" : "";
}

static int add_series(chart_series *out, size_t max, size_t *count, const chart_metric *m)
{
    for (size_t k = 0; k < *count; k++) {
        if (strcmp(out[k].metric.name, m->name) == 0) {
            return 0; /* listed twice: charted once */
        }
    }
    if (*count == max) {
        return -1;
    }
    memset(&out[*count], 0, sizeof out[*count]);
    out[(*count)++].metric = *m;
    return 0;
}

static const chart_held *find_held(const chart_held *held, size_t nheld, const char *name)
{
    for (size_t i = 0; i < nheld; i++) {
        if (strcmp(held[i].name, name) == 0 || strcmp(held[i].identifier, name) == 0) {
            return &held[i];
        }
    }
    return NULL;
}

/* Every metric held: the defaults first, in their order, then the others by name. */
static int select_all(const chart_held *held, size_t nheld, chart_series *out, size_t max,
                      size_t *count)
{
    chart_metric m;
    for (size_t i = 0; i < sizeof DEFAULTS / sizeof DEFAULTS[0]; i++) {
        if (find_held(held, nheld, DEFAULTS[i])) {
            resolve_known(vt_metric_lookup(DEFAULTS[i]), &m);
            if (add_series(out, max, count, &m) != 0) {
                return -1;
            }
        }
    }
    for (size_t i = 0; i < nheld; i++) {
        const vt_metric_info *info = vt_metric_lookup(held[i].identifier);
        if (info) {
            resolve_known(info, &m);
        } else {
            resolve_held(&held[i], &m);
        }
        if (add_series(out, max, count, &m) != 0) {
            return -1;
        }
    }
    return 0;
}

int chart_select(const char *const *names, size_t n, const chart_held *held, size_t nheld,
                 chart_series *out, size_t max, size_t *count, const char **bad)
{
    *count = 0;
    *bad = NULL;
    if (n == 0) {
        names = DEFAULTS;
        n = sizeof DEFAULTS / sizeof DEFAULTS[0];
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "all") == 0) {
            if (select_all(held, nheld, out, max, count) != 0) {
                return -1;
            }
            continue;
        }
        chart_metric m;
        const vt_metric_info *info =
            vt_metric_lookup(strcmp(names[i], "hrv") == 0 ? "hrv_sdnn" : names[i]);
        const chart_held *h = info ? NULL : find_held(held, nheld, names[i]);
        if (info) {
            resolve_known(info, &m);
        } else if (h) {
            resolve_held(h, &m);
        } else {
            *bad = names[i];
            return -1;
        }
        if (add_series(out, max, count, &m) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Collects the rows of the held-metrics query. */
typedef struct held_list {
    chart_held *items;
    size_t count, cap;
    int nomem;
} held_list;

static int add_held(void *ctx, int ncols, const char *const *values, const char *const *names)
{
    held_list *l = ctx;
    (void)names;
    if (ncols < 2 || !values[0] || !values[1]) {
        return 0;
    }
    if (l->count == l->cap) {
        const size_t cap = l->cap ? l->cap * 2 : 32;
        chart_held *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            l->nomem = 1;
            return 1;
        }
        l->items = items;
        l->cap = cap;
    }
    snprintf(l->items[l->count].name, sizeof l->items[l->count].name, "%s", values[0]);
    snprintf(l->items[l->count].identifier, sizeof l->items[l->count].identifier, "%s", values[1]);
    l->count++;
    return 0;
}

vt_status chart_held_metrics(vt_store *store, chart_held **out, size_t *count, vt_error *err)
{
    held_list l = {NULL, 0, 0, 0};
    const vt_status st = vt_store_query(
        store,
        "SELECT t.metric, t.identifier FROM types t"
        " WHERE EXISTS (SELECT 1 FROM records r WHERE r.type_id = t.id) ORDER BY t.metric",
        add_held, &l, err);
    if (st != VT_OK || l.nomem) {
        free(l.items);
        *out = NULL;
        *count = 0;
        if (st == VT_OK && err) {
            vt_error_clear(err);
            err->code = VT_ERR_NOMEM;
            snprintf(err->msg, sizeof err->msg, "chart: out of memory");
        }
        return st != VT_OK ? st : VT_ERR_NOMEM;
    }
    *out = l.items;
    *count = l.count;
    return VT_OK;
}

const char *chart_value_phrase(const chart_metric *m, int plural)
{
    switch (m->value) {
    case CHART_TOTAL:
        return plural ? "totals (overlapping sources counted once)"
                      : "total (overlapping sources counted once)";
    case CHART_HOURS:
        return "summed durations";
    case CHART_MEAN:
    default:
        return plural ? "means" : "mean";
    }
}
