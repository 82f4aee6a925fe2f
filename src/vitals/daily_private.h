/* SPDX-License-Identifier: MIT */
/* The daily calculator's own declarations, shared by daily_group.c (the statistics of one
 * (metric, day) group) and daily.c (the groups of a table or of a store) and nothing else. */
#ifndef VITALS_DAILY_PRIVATE_H
#define VITALS_DAILY_PRIVATE_H

#include <math.h>

#include "internal.h"

/* One sample of a (metric, day) group. */
typedef struct sample {
    int64_t start, end;
    double value;
    uint32_t rank;    /* source priority, 0 = highest */
    const char *unit; /* its unit's name ("min" for category samples) */
} sample;

typedef struct interval {
    int64_t start, end;
} interval;

/* Reusable buffers of one computation; they grow to the largest group and are reused. */
typedef struct calc {
    const vt_daily_options *opt;
    sample *samples;
    size_t count, cap;
    sample *scratch; /* as big as samples, for reordering them */
    size_t scratch_cap;
    double *values;
    size_t values_cap;
    interval *covered, *merged;
    size_t covered_cap, merged_cap;
} calc;

/* A record type of the computation, with what its rows need, worked out once per type. */
typedef struct type_entry {
    uint32_t type;
    char name[128];
    const char *identifier;
    int cumulative; /* gets a de-duplicated total */
    int category;   /* values are durations in minutes */
} type_entry;

/* Starts a computation with these options (borrowed until vt__daily_calc_free). */
void vt__daily_calc_init(calc *c, const vt_daily_options *opt);
void vt__daily_calc_free(calc *c);
/* The priority ranks of the sources `names` (NULL entries skipped): a name holding an entry of
 * the priority list ranks at that entry's position; the others rank after them all, in the
 * byte order of their names (equal names, equal ranks). So the ranks do not depend on the
 * order in which samples come. */
vt_status vt__daily_rank_sources(const calc *c, const char *const *names, size_t n, uint32_t *ranks,
                                 vt_error *err);
/* Computes the row of the group held in c->samples, hands it to fn, and empties the group.
 * The samples are put in one order first (start, end, value, source rank, unit), so that the
 * row does not depend on the order in which they came: the same from a table, from either
 * layout of a store, from one export or from two overlapping ones. */
vt_status vt__daily_emit_group(calc *c, int32_t day, const type_entry *te, vt_daily_fn fn,
                               void *ctx, vt_error *err);
/* What a record type needs, worked out once: its metric name, kind. */
void vt__daily_type_entry_init(type_entry *te, uint32_t type, const char *identifier);
/* Orders type entries by metric name, then identifier: the order of the rows. */
int vt__daily_cmp_type_entry(const void *a, const void *b);
/* Does the identifier pass the metric filter? */
int vt__daily_metric_selected(const vt_daily_options *o, const char *identifier);

/* Adds a sample to the group being built (once per record: inline). */
static inline vt_status add_sample(calc *c, int64_t start, int64_t end, double value, uint32_t rank,
                                   const char *unit, vt_error *err)
{
    if (c->count == c->cap &&
        vt__grow((void **)&c->samples, &c->cap, c->count + 1, sizeof *c->samples) != 0) {
        return vt__nomem(err);
    }
    sample *s = &c->samples[c->count++];
    s->start = start;
    s->end = end < start ? start : end;
    s->value = value;
    s->rank = rank;
    s->unit = unit;
    return VT_OK;
}

/* The value a record contributes: its number, or for category samples minutes of duration. */
static inline int record_value(int category_metric, uint32_t flags, int64_t start, int64_t end,
                               double value, double *out)
{
    if (category_metric) {
        *out = (double)(end - start) / 60.0;
        return 1;
    }
    if ((flags & VT_RECORD_NUMERIC) && isfinite(value)) {
        *out = value;
        return 1;
    }
    return 0;
}

#endif
