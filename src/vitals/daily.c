/* SPDX-License-Identifier: MIT */
/* The daily metrics calculator: exact per-day statistics and de-duplicated totals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One sample of a (metric, day) group. */
typedef struct sample {
    int64_t start, end;
    double value;
    uint32_t rank; /* source priority, 0 = highest */
} sample;

typedef struct interval {
    int64_t start, end;
} interval;

/* Reusable buffers of one computation; they grow to the largest group and are reused. */
typedef struct calc {
    const vt_daily_options *opt;
    sample *samples;
    size_t count, cap;
    double *values;
    size_t values_cap;
    interval *covered, *merged;
    size_t covered_cap, merged_cap;
    /* Source ranks by source string, first-seen order for sources the order does not name. */
    char **source_names;
    uint32_t *source_ranks;
    size_t sources, sources_cap;
    uint32_t next_unlisted_rank;
} calc;

static const char *const DEFAULT_PRIORITY[] = {"Watch", "iPhone"};

static void calc_init(calc *c, const vt_daily_options *opt)
{
    memset(c, 0, sizeof *c);
    c->opt = opt;
    c->next_unlisted_rank = (uint32_t)(opt->source_priority ? opt->source_priority_count : 2);
}

static void calc_free(calc *c)
{
    vt__free(c->samples);
    vt__free(c->values);
    vt__free(c->covered);
    vt__free(c->merged);
    for (size_t i = 0; i < c->sources; i++) {
        vt__free(c->source_names[i]);
    }
    vt__free(c->source_names);
    vt__free(c->source_ranks);
}

/* The priority rank of a source name: its position in the order, else first-seen after it. */
static vt_status source_rank(calc *c, const char *name, uint32_t *rank, vt_error *err)
{
    for (size_t i = 0; i < c->sources; i++) {
        if (strcmp(c->source_names[i], name) == 0) {
            *rank = c->source_ranks[i];
            return VT_OK;
        }
    }
    const char *const *order = c->opt->source_priority ? c->opt->source_priority : DEFAULT_PRIORITY;
    const size_t n = c->opt->source_priority ? c->opt->source_priority_count : 2;
    uint32_t r = UINT32_MAX;
    for (size_t i = 0; i < n && r == UINT32_MAX; i++) {
        if (order[i] && strstr(name, order[i])) {
            r = (uint32_t)i;
        }
    }
    if (r == UINT32_MAX) {
        r = c->next_unlisted_rank++;
    }
    size_t cap = c->sources_cap;
    if (vt__grow((void **)&c->source_names, &cap, c->sources + 1, sizeof(char *)) != 0) {
        return vt__nomem(err);
    }
    size_t cap2 = c->sources_cap;
    if (vt__grow((void **)&c->source_ranks, &cap2, c->sources + 1, sizeof(uint32_t)) != 0) {
        return vt__nomem(err);
    }
    c->sources_cap = cap < cap2 ? cap : cap2;
    if (!(c->source_names[c->sources] = vt__strndup(name, strlen(name)))) {
        return vt__nomem(err);
    }
    c->source_ranks[c->sources++] = r;
    *rank = r;
    return VT_OK;
}

static vt_status add_sample(calc *c, int64_t start, int64_t end, double value, uint32_t rank,
                            vt_error *err)
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
    return VT_OK;
}

static int cmp_rank_start(const void *a, const void *b)
{
    const sample *x = a, *y = b;
    if (x->rank != y->rank) {
        return x->rank < y->rank ? -1 : 1;
    }
    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Linear interpolation between the order statistics around p (numpy's default, type 7). */
static double percentile(const double *sorted, size_t n, double p)
{
    const double pos = p * (double)(n - 1);
    const size_t lo = (size_t)pos;
    if (lo + 1 >= n) {
        return sorted[n - 1];
    }
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - (double)lo);
}

/* Seconds of [s, e) covered by the sorted disjoint intervals `cov`. */
static int64_t covered_length(const interval *cov, size_t n, int64_t s, int64_t e, size_t *hint)
{
    int64_t total = 0;
    size_t i = *hint;
    while (i < n && cov[i].end <= s) {
        i++;
    }
    *hint = i;
    for (; i < n && cov[i].start < e; i++) {
        const int64_t a = cov[i].start > s ? cov[i].start : s;
        const int64_t b = cov[i].end < e ? cov[i].end : e;
        if (b > a) {
            total += b - a;
        }
    }
    return total;
}

static int point_covered(const interval *cov, size_t n, int64_t t)
{
    for (size_t i = 0; i < n && cov[i].start <= t; i++) {
        if (t >= cov[i].start && t < cov[i].end) {
            return 1;
        }
    }
    return 0;
}

/*
 * The de-duplicated total (docs/metrics.md): sources are taken in priority order; each sample
 * counts for the share of its interval not already covered by a higher-priority source.
 */
static vt_status dedup_total(calc *c, double *total, vt_error *err)
{
    qsort(c->samples, c->count, sizeof *c->samples, cmp_rank_start);
    size_t ncov = 0;
    double sum = 0.0, comp = 0.0;
    size_t i = 0;
    while (i < c->count) {
        const uint32_t rank = c->samples[i].rank;
        size_t j = i, hint = 0;
        for (; j < c->count && c->samples[j].rank == rank; j++) {
            const sample *s = &c->samples[j];
            double share;
            if (s->end > s->start) {
                const int64_t cov = covered_length(c->covered, ncov, s->start, s->end, &hint);
                share = (double)(s->end - s->start - cov) / (double)(s->end - s->start);
            } else {
                share = point_covered(c->covered, ncov, s->start) ? 0.0 : 1.0;
            }
            /* Neumaier summation keeps the total exact to the last bits over many samples. */
            const double v = s->value * share, t = sum + v;
            comp += fabs(sum) >= fabs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        /* Merge this source's intervals (sorted by start) into the covered set. */
        const size_t need = ncov + (j - i);
        if (vt__grow((void **)&c->merged, &c->merged_cap, need, sizeof(interval)) != 0 ||
            vt__grow((void **)&c->covered, &c->covered_cap, need, sizeof(interval)) != 0) {
            return vt__nomem(err);
        }
        size_t a = 0, b = i, m = 0;
        while (a < ncov || b < j) {
            interval next;
            if (b >= j || (a < ncov && c->covered[a].start <= c->samples[b].start)) {
                next = c->covered[a++];
            } else {
                next.start = c->samples[b].start;
                next.end = c->samples[b].end;
                b++;
                if (next.end <= next.start) {
                    continue;
                }
            }
            if (m > 0 && next.start <= c->merged[m - 1].end) {
                if (next.end > c->merged[m - 1].end) {
                    c->merged[m - 1].end = next.end;
                }
            } else {
                c->merged[m++] = next;
            }
        }
        interval *tmp = c->covered;
        c->covered = c->merged;
        c->merged = tmp;
        size_t tcap = c->covered_cap;
        c->covered_cap = c->merged_cap;
        c->merged_cap = tcap;
        ncov = m;
        i = j;
    }
    *total = sum + comp;
    return VT_OK;
}

/* A record type of the computation, with what its rows need, worked out once per type. */
typedef struct type_entry {
    uint32_t type;
    char name[128];
    const char *identifier;
    int cumulative; /* gets a de-duplicated total */
    int category;   /* values are durations in minutes */
} type_entry;

static int is_category(const char *identifier);

static void type_entry_init(type_entry *te, uint32_t type, const char *identifier)
{
    te->type = type;
    te->identifier = identifier;
    vt_metric_name(identifier, te->name, sizeof te->name);
    const vt_metric_info *info = vt_metric_lookup(identifier);
    te->cumulative = info && info->kind == VT_METRIC_CUMULATIVE;
    te->category = is_category(identifier);
}

/* Sorts doubles ascending: quicksort with a median-of-three pivot and insertion sort for
 * short runs; a day's values are few, and glibc's qsort spent most of its time in the
 * comparison callback. */
static void sort_doubles(double *a, size_t n)
{
    while (n > 16) {
        const size_t mid = n / 2;
        double x = a[0], y = a[mid], z = a[n - 1];
        const double pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            if (i >= j) {
                break;
            }
            const double t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller side, loop on the larger: stack depth stays logarithmic. */
        const size_t left = j + 1;
        if (left < n - left) {
            sort_doubles(a, left);
            a += left;
            n -= left;
        } else {
            sort_doubles(a + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        const double v = a[i];
        size_t k = i;
        while (k > 0 && a[k - 1] > v) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = v;
    }
}

/* Computes the row of the group held in c->samples and hands it to fn. */
static vt_status emit_group(calc *c, int32_t day, const type_entry *te, const char *unit,
                            vt_daily_fn fn, void *ctx, vt_error *err)
{
    if (c->count == 0) {
        return VT_OK;
    }
    vt_daily_row row;
    memset(&row, 0, sizeof row);
    row.day = day;
    row.metric = te->name;
    row.identifier = te->identifier;
    row.unit = unit ? unit : "";
    row.count = c->count;
    if (vt__grow((void **)&c->values, &c->values_cap, c->count, sizeof(double)) != 0) {
        return vt__nomem(err);
    }
    double mean = 0.0, m2 = 0.0, sum = 0.0, comp = 0.0;
    for (size_t i = 0; i < c->count; i++) {
        const double v = c->samples[i].value;
        c->values[i] = v;
        /* Welford's update: stable mean and variance in one pass. */
        const double delta = v - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (v - mean);
        const double t = sum + v;
        comp += fabs(sum) >= fabs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    }
    sort_doubles(c->values, c->count);
    row.sum = sum + comp;
    row.mean = mean;
    row.stddev = c->count > 1 ? sqrt(m2 / (double)(c->count - 1)) : 0.0;
    row.min = c->values[0];
    row.max = c->values[c->count - 1];
    row.median = percentile(c->values, c->count, 0.5);
    row.p25 = percentile(c->values, c->count, 0.25);
    row.p75 = percentile(c->values, c->count, 0.75);
    row.p95 = percentile(c->values, c->count, 0.95);
    if (te->cumulative) {
        row.has_total = 1;
        vt_status st = dedup_total(c, &row.total, err);
        if (st != VT_OK) {
            return st;
        }
    }
    c->count = 0;
    return fn(ctx, &row, err);
}

/* Does the identifier pass the metric filter? */
static int metric_selected(const vt_daily_options *o, const char *identifier)
{
    if (!o->metric) {
        return 1;
    }
    char name[128];
    vt_metric_name(identifier, name, sizeof name);
    return strcmp(o->metric, identifier) == 0 || strcmp(o->metric, name) == 0;
}

static int is_category(const char *identifier)
{
    const vt_metric_info *info = vt_metric_lookup(identifier);
    return info ? info->kind == VT_METRIC_CATEGORY
                : strncmp(identifier, "HKCategoryTypeIdentifier", 24) == 0;
}

/* The value a record contributes: its number, or for category samples minutes of duration. */
static int record_value(int category_metric, uint32_t flags, int64_t start, int64_t end,
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

/* ---- Over a table ---- */

static int cmp_type_entry(const void *a, const void *b)
{
    const type_entry *x = a, *y = b;
    const int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->identifier, y->identifier);
}

typedef struct keyed {
    uint64_t key; /* type slot << 32 | (day + 2^31): sorts by metric name, then day */
    uint32_t index;
} keyed;

/* LSD radix sort on the low 48 bits of the key, 16 bits a pass: linear in n. */
static void radix_sort(keyed *a, keyed *tmp, size_t n, size_t *counts)
{
    for (int pass = 0; pass < 3; pass++) {
        const int shift = pass * 16;
        memset(counts, 0, 65537 * sizeof *counts);
        for (size_t i = 0; i < n; i++) {
            counts[((a[i].key >> shift) & 0xffff) + 1]++;
        }
        for (size_t d = 0; d < 65536; d++) {
            counts[d + 1] += counts[d];
        }
        for (size_t i = 0; i < n; i++) {
            tmp[counts[(a[i].key >> shift) & 0xffff]++] = a[i];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

vt_status vt_daily_compute_table(const vt_table *table, const vt_daily_options *options,
                                 vt_daily_fn fn, void *ctx, vt_error *err)
{
    vt_daily_options defaults;
    memset(&defaults, 0, sizeof defaults);
    const vt_daily_options *o = options ? options : &defaults;
    const vt_strpool *pool = vt_table_strings_const(table);
    const size_t n = vt_table_count(table);
    vt_columns col;
    vt_table_slice(table, 0, n, &col);
    vt_status st = VT_OK;
    const uint32_t nstr = vt_strpool_count(pool);
    calc c;
    calc_init(&c, o);
    type_entry *types = NULL;
    size_t ntypes = 0, types_cap = 0;
    /* Per pool id: 0 unseen, 1 seen and not selected, slot + 2 when selected. */
    uint32_t *slot_of = vt__calloc((size_t)nstr + 1, sizeof *slot_of);
    uint32_t *rank_of = vt__calloc((size_t)nstr + 1, sizeof *rank_of); /* source rank + 1 */
    keyed *keys = vt__malloc((n ? n : 1) * sizeof *keys);
    keyed *tmp = vt__malloc((n ? n : 1) * sizeof *tmp);
    size_t *counts = vt__malloc(65537 * sizeof *counts);
    if (!slot_of || !rank_of || !keys || !tmp || !counts) {
        st = vt__nomem(err);
        goto done;
    }
    /* The selected types, ordered by metric name: their slot is their rank in that order. */
    for (size_t i = 0; i < n; i++) {
        const uint32_t t = col.type[i];
        if (t == 0 || t > nstr || slot_of[t]) {
            continue;
        }
        slot_of[t] = 1;
        const char *ident = vt_strpool_get(pool, t, NULL);
        if (!metric_selected(o, ident)) {
            continue;
        }
        if (vt__grow((void **)&types, &types_cap, ntypes + 1, sizeof *types) != 0) {
            st = vt__nomem(err);
            goto done;
        }
        type_entry_init(&types[ntypes++], t, ident);
    }
    qsort(types, ntypes, sizeof *types, cmp_type_entry);
    if (ntypes > 0xffff) {
        st = vt__error(err, VT_ERR_LIMIT, "daily: more than 65535 record types");
        goto done;
    }
    for (size_t i = 0; i < ntypes; i++) {
        slot_of[types[i].type] = (uint32_t)i + 2;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t t = col.type[i];
        const int32_t day = col.day[i];
        if (t == 0 || t > nstr || slot_of[t] < 2 || (o->has_from && day < o->from_day) ||
            (o->has_to && day > o->to_day)) {
            continue;
        }
        keys[m].key =
            ((uint64_t)(slot_of[t] - 2) << 32) | (uint64_t)(uint32_t)((int64_t)day + 2147483648LL);
        keys[m].index = (uint32_t)i;
        m++;
    }
    radix_sort(keys, tmp, m, counts);
    for (size_t i = 0; i < m;) {
        const uint64_t key = keys[i].key;
        const type_entry *te = &types[key >> 32];
        const int category = te->category;
        const char *unit = NULL;
        for (; i < m && keys[i].key == key; i++) {
            const size_t r = keys[i].index;
            double v;
            if (!record_value(category, col.flags[r], col.start[r], col.end[r], col.value[r], &v)) {
                continue;
            }
            const uint32_t src = col.source[r] <= nstr ? col.source[r] : 0;
            if (!rank_of[src]) {
                uint32_t rank = 0;
                if ((st = source_rank(&c, vt_strpool_get(pool, src, NULL), &rank, err)) != VT_OK) {
                    goto done;
                }
                rank_of[src] = rank + 1;
            }
            if (!unit) {
                unit = category ? "min" : vt_strpool_get(pool, col.unit[r], NULL);
            }
            if ((st = add_sample(&c, col.start[r], col.end[r], v, rank_of[src] - 1, err)) !=
                VT_OK) {
                goto done;
            }
        }
        const int32_t day = (int32_t)((int64_t)(uint32_t)key - 2147483648LL);
        if ((st = emit_group(&c, day, te, unit, fn, ctx, err)) != VT_OK) {
            goto done;
        }
    }
done:
    calc_free(&c);
    vt__free(types);
    vt__free(slot_of);
    vt__free(rank_of);
    vt__free(keys);
    vt__free(tmp);
    vt__free(counts);
    return st;
}

/* ---- Over a store: one type at a time, each read in day order through the natural index. */

typedef struct named {
    int64_t id;
    char *text;
} named;

static void free_named(named *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vt__free(a[i].text);
    }
    vt__free(a);
}

/* The names of one kind, in id order, into an array (ids are small and dense). */
typedef struct named_list {
    named *items;
    size_t count, cap;
} named_list;

static vt_status add_named(void *ctx, int64_t id, const char *text, size_t len, vt_error *err)
{
    named_list *l = ctx;
    if (vt__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items) != 0) {
        return vt__nomem(err);
    }
    named *e = &l->items[l->count];
    e->id = id;
    if (!(e->text = vt__strndup(text, len))) {
        return vt__nomem(err);
    }
    l->count++;
    return VT_OK;
}

static vt_status load_named(vt_store *store, vt__store_names_kind kind, named **out, size_t *count,
                            vt_error *err)
{
    named_list l = {NULL, 0, 0};
    const vt_status st = vt__store_names(store, kind, add_named, &l, err);
    *out = l.items;
    *count = l.count;
    return st;
}

/* The position of `id` in rows loaded in id order, or n when absent: binary search. */
static size_t find_pos(const named *a, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (a[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n && a[lo].id == id ? lo : n;
}

static const char *find_named(const named *a, size_t n, int64_t id)
{
    const size_t pos = find_pos(a, n, id);
    return pos < n ? a[pos].text : "";
}

vt_status vt_daily_compute_store(vt_store *store, const vt_daily_options *options, vt_daily_fn fn,
                                 void *ctx, vt_error *err)
{
    vt_daily_options defaults;
    memset(&defaults, 0, sizeof defaults);
    const vt_daily_options *o = options ? options : &defaults;
    named *types = NULL, *sources = NULL, *units = NULL;
    size_t ntypes = 0, nsources = 0, nunits = 0;
    type_entry *sel = NULL;
    size_t nsel = 0;
    uint32_t *ranks = NULL; /* by source position, rank + 1 */
    vt__samples *rows = NULL;
    calc c;
    calc_init(&c, o);
    vt_status st;
    if ((st = load_named(store, VT__NAMES_TYPES, &types, &ntypes, err)) != VT_OK ||
        (st = load_named(store, VT__NAMES_SOURCES, &sources, &nsources, err)) != VT_OK ||
        (st = load_named(store, VT__NAMES_UNITS, &units, &nunits, err)) != VT_OK) {
        goto done;
    }
    if (!(sel = vt__calloc(ntypes ? ntypes : 1, sizeof *sel)) ||
        !(ranks = vt__calloc(nsources ? nsources : 1, sizeof *ranks))) {
        st = vt__nomem(err);
        goto done;
    }
    for (size_t i = 0; i < ntypes; i++) {
        if (metric_selected(o, types[i].text)) {
            type_entry_init(&sel[nsel++], (uint32_t)types[i].id, types[i].text);
        }
    }
    qsort(sel, nsel, sizeof *sel, cmp_type_entry);
    if ((st = vt__samples_open(store, o->has_from, o->from_day, o->has_to, o->to_day, &rows,
                               err)) != VT_OK) {
        goto done;
    }
    for (size_t t = 0; t < nsel; t++) {
        const int category = sel[t].category;
        vt__samples_select(rows, sel[t].type);
        char day_text[VT_DAY_BUFSZ] = "";
        int32_t day = 0;
        const char *unit = NULL;
        vt__sample r;
        int more;
        while ((st = vt__samples_next(rows, &r, &more, err)) == VT_OK && more) {
            if (r.day_len != 10 || memcmp(r.day, day_text, 10) != 0) {
                if ((st = emit_group(&c, day, &sel[t], unit, fn, ctx, err)) != VT_OK) {
                    goto done;
                }
                unit = NULL;
                if ((st = vt_date_parse(r.day, r.day_len, &day, err)) != VT_OK) {
                    goto done;
                }
                memcpy(day_text, r.day, 10);
            }
            double v;
            if (!record_value(category, r.has_value ? VT_RECORD_NUMERIC : 0u, r.start_utc,
                              r.end_utc, r.value, &v)) {
                continue;
            }
            const size_t pos = find_pos(sources, nsources, r.source_id);
            if (pos < nsources && !ranks[pos]) {
                uint32_t rank = 0;
                if ((st = source_rank(&c, sources[pos].text, &rank, err)) != VT_OK) {
                    goto done;
                }
                ranks[pos] = rank + 1;
            }
            if (!unit) {
                unit = category ? "min" : find_named(units, nunits, r.unit_id);
            }
            const uint32_t rank = pos < nsources ? ranks[pos] - 1 : UINT32_MAX - 1;
            if ((st = add_sample(&c, r.start_utc, r.end_utc, v, rank, err)) != VT_OK) {
                goto done;
            }
        }
        if (st != VT_OK) {
            goto done;
        }
        if ((st = emit_group(&c, day, &sel[t], unit, fn, ctx, err)) != VT_OK) {
            goto done;
        }
    }
done:
    vt__samples_close(rows);
    calc_free(&c);
    free_named(types, ntypes);
    free_named(sources, nsources);
    free_named(units, nunits);
    vt__free(sel);
    vt__free(ranks);
    return st;
}
