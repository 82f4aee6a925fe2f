/* SPDX-License-Identifier: MIT */
/* The daily metrics calculator (public vt_daily_compute_*): the (metric, day) groups of a
 * table, sorted in linear time, or of a store, read one type at a time in day order; each
 * group's statistics are daily_group.c's. */
#include <stdlib.h>
#include <string.h>

#include "daily_private.h"

/* ---- Over a table ---- */

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
    vt__daily_calc_init(&c, o);
    type_entry *types = NULL;
    size_t ntypes = 0, types_cap = 0;
    /* Per pool id: 0 unseen, 1 seen and not selected, slot + 2 when selected. */
    uint32_t *slot_of = vt__calloc((size_t)nstr + 1, sizeof *slot_of);
    uint32_t *rank_of = vt__calloc((size_t)nstr + 1, sizeof *rank_of); /* by pool id */
    const char **source_of = vt__calloc((size_t)nstr + 1, sizeof *source_of);
    keyed *keys = vt__malloc((n ? n : 1) * sizeof *keys);
    keyed *tmp = vt__malloc((n ? n : 1) * sizeof *tmp);
    size_t *counts = vt__malloc(65537 * sizeof *counts);
    if (!slot_of || !rank_of || !source_of || !keys || !tmp || !counts) {
        st = vt__nomem(err);
        goto done;
    }
    /* The ranks of the table's sources. */
    for (size_t i = 0; i < n; i++) {
        const uint32_t src = col.source[i];
        if (src && src <= nstr && !source_of[src]) {
            source_of[src] = vt_strpool_get(pool, src, NULL);
        }
    }
    if ((st = vt__daily_rank_sources(&c, source_of, (size_t)nstr + 1, rank_of, err)) != VT_OK) {
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
        if (!vt__daily_metric_selected(o, ident)) {
            continue;
        }
        if (vt__grow((void **)&types, &types_cap, ntypes + 1, sizeof *types) != 0) {
            st = vt__nomem(err);
            goto done;
        }
        vt__daily_type_entry_init(&types[ntypes++], t, ident);
    }
    qsort(types, ntypes, sizeof *types, vt__daily_cmp_type_entry);
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
        for (; i < m && keys[i].key == key; i++) {
            const size_t r = keys[i].index;
            double v;
            if (!record_value(category, col.flags[r], col.start[r], col.end[r], col.value[r], &v)) {
                continue;
            }
            const uint32_t src = col.source[r] <= nstr ? col.source[r] : 0;
            const uint32_t rank = source_of[src] ? rank_of[src] : UINT32_MAX - 1;
            const char *unit = category ? "min" : vt_strpool_get(pool, col.unit[r], NULL);
            if ((st = add_sample(&c, col.start[r], col.end[r], v, rank, unit, err)) != VT_OK) {
                goto done;
            }
        }
        const int32_t day = (int32_t)((int64_t)(uint32_t)key - 2147483648LL);
        if ((st = vt__daily_emit_group(&c, day, te, fn, ctx, err)) != VT_OK) {
            goto done;
        }
    }
done:
    vt__daily_calc_free(&c);
    vt__free(types);
    vt__free(slot_of);
    vt__free(rank_of);
    vt__free(source_of);
    vt__free(keys);
    vt__free(tmp);
    vt__free(counts);
    return st;
}

/* ---- Over a store: one type at a time, each read in day order. */

/* The names of one kind by database id (ids are small and dense): "" where there is none. */
typedef struct names {
    char **text;
    size_t count; /* ids 0 .. count-1 */
} names;

static void free_names(names *n)
{
    for (size_t i = 0; i < n->count; i++) {
        vt__free(n->text[i]);
    }
    vt__free(n->text);
    memset(n, 0, sizeof *n);
}

static vt_status add_name(void *ctx, int64_t id, const char *text, size_t len, vt_error *err)
{
    names *n = ctx;
    if (id < 0 || id > VT__MAX_STRING_ID) {
        return vt__error(err, VT_ERR_LIMIT, "daily: a string id out of range (%lld)",
                         (long long)id);
    }
    if ((size_t)id >= n->count) {
        size_t cap = n->count;
        if (vt__grow((void **)&n->text, &cap, (size_t)id + 1, sizeof *n->text) != 0) {
            return vt__nomem(err);
        }
        memset(n->text + n->count, 0, (cap - n->count) * sizeof *n->text);
        n->count = cap;
    }
    vt__free(n->text[id]);
    return (n->text[id] = vt__strndup(text, len)) ? VT_OK : vt__nomem(err);
}

static const char *name_of(const names *n, int64_t id)
{
    return id >= 0 && (size_t)id < n->count && n->text[id] ? n->text[id] : "";
}

/* What the reading of one type needs: its entry, the names, the ranks of sources. */
typedef struct store_pass {
    calc *c;
    const type_entry *te;
    const names *sources, *units;
    const uint32_t *ranks; /* by source id */
    vt_daily_fn fn;
    void *ctx;
} store_pass;

/* Adds one sample read from the store to the group being built. */
static vt_status add_stored(store_pass *p, int64_t start, int64_t end, int has_value, double value,
                            int64_t source_id, int64_t unit_id, vt_error *err)
{
    double v;
    if (!record_value(p->te->category, has_value ? VT_RECORD_NUMERIC : 0u, start, end, value, &v)) {
        return VT_OK;
    }
    const uint32_t rank =
        source_id >= 0 && (size_t)source_id < p->sources->count && p->sources->text[source_id]
            ? p->ranks[source_id]
            : UINT32_MAX - 1; /* a source the store does not name */
    const char *unit = p->te->category ? "min" : name_of(p->units, unit_id);
    return add_sample(p->c, start, end, v, rank, unit, err);
}

/* At a sample of day `text`: when it is not the day of the group being built (`day_text`,
 * `day`), that group's row goes out and a new group begins. */
static vt_status next_day(store_pass *p, const char *text, size_t len, char *day_text, int32_t *day,
                          vt_error *err)
{
    if (len == 10 && memcmp(text, day_text, 10) == 0) {
        return VT_OK;
    }
    vt_status st = vt__daily_emit_group(p->c, *day, p->te, p->fn, p->ctx, err);
    if (st == VT_OK && (st = vt_date_parse(text, len, day, err)) == VT_OK) {
        memcpy(day_text, text, 10);
    }
    return st;
}

/* One type through day_samples: each row's packed samples, the rows of a day together. */
static vt_status pass_days(store_pass *p, vt__samples *rows, vt_error *err)
{
    char day_text[VT_DAY_BUFSZ] = "";
    int32_t day = 0;
    vt__day_row_view row;
    int more;
    vt_status st;
    while ((st = vt__samples_next_packed(rows, &row, &more, err)) == VT_OK && more) {
        if ((st = next_day(p, row.day, row.day_len, day_text, &day, err)) != VT_OK) {
            return st;
        }
        vt__day_sample smp;
        int got;
        while ((got = vt__day_next(&row.samples, &smp)) == 1) {
            if ((st = add_stored(p, smp.start, smp.end, smp.has_value, smp.value, smp.source_id,
                                 smp.unit_id, err)) != VT_OK) {
                return st;
            }
        }
        if (got < 0) {
            return vt__error(err, VT_ERR_FORMAT, "daily: a row of day_samples of %.10s is damaged",
                             row.day);
        }
    }
    return st == VT_OK ? vt__daily_emit_group(p->c, day, p->te, p->fn, p->ctx, err) : st;
}

/* One type through `records` (a store of schema 1, opened read-only). */
static vt_status pass_records(store_pass *p, vt__samples *rows, vt_error *err)
{
    char day_text[VT_DAY_BUFSZ] = "";
    int32_t day = 0;
    vt__sample r;
    int more;
    vt_status st;
    while ((st = vt__samples_next(rows, &r, &more, err)) == VT_OK && more) {
        if ((st = next_day(p, r.day, r.day_len, day_text, &day, err)) != VT_OK) {
            return st;
        }
        if ((st = add_stored(p, r.start_utc, r.end_utc, r.has_value, r.value, r.source_id,
                             r.unit_id, err)) != VT_OK) {
            return st;
        }
    }
    return st == VT_OK ? vt__daily_emit_group(p->c, day, p->te, p->fn, p->ctx, err) : st;
}

vt_status vt_daily_compute_store(vt_store *store, const vt_daily_options *options, vt_daily_fn fn,
                                 void *ctx, vt_error *err)
{
    vt_daily_options defaults;
    memset(&defaults, 0, sizeof defaults);
    const vt_daily_options *o = options ? options : &defaults;
    names types = {NULL, 0}, sources = {NULL, 0}, units = {NULL, 0};
    type_entry *sel = NULL;
    size_t nsel = 0;
    uint32_t *ranks = NULL;
    vt__samples *rows = NULL;
    const int packed = vt__store_has_days(store);
    calc c;
    vt__daily_calc_init(&c, o);
    vt_status st;
    if ((st = vt__store_names(store, VT__NAMES_TYPES, add_name, &types, err)) != VT_OK ||
        (st = vt__store_names(store, VT__NAMES_SOURCES, add_name, &sources, err)) != VT_OK ||
        (st = vt__store_names(store, VT__NAMES_UNITS, add_name, &units, err)) != VT_OK) {
        goto done;
    }
    if (!(sel = vt__calloc(types.count ? types.count : 1, sizeof *sel)) ||
        !(ranks = vt__calloc(sources.count ? sources.count : 1, sizeof *ranks))) {
        st = vt__nomem(err);
        goto done;
    }
    if ((st = vt__daily_rank_sources(&c, (const char *const *)sources.text, sources.count, ranks,
                                     err)) != VT_OK) {
        goto done;
    }
    for (size_t i = 0; i < types.count; i++) {
        if (types.text[i] && vt__daily_metric_selected(o, types.text[i])) {
            vt__daily_type_entry_init(&sel[nsel++], (uint32_t)i, types.text[i]);
        }
    }
    qsort(sel, nsel, sizeof *sel, vt__daily_cmp_type_entry);
    st =
        vt__samples_open(store, packed, o->has_from, o->from_day, o->has_to, o->to_day, &rows, err);
    for (size_t t = 0; st == VT_OK && t < nsel; t++) {
        store_pass p = {&c, &sel[t], &sources, &units, ranks, fn, ctx};
        vt__samples_select(rows, sel[t].type);
        st = packed ? pass_days(&p, rows, err) : pass_records(&p, rows, err);
    }
done:
    vt__samples_close(rows);
    vt__daily_calc_free(&c);
    free_names(&types);
    free_names(&sources);
    free_names(&units);
    vt__free(sel);
    vt__free(ranks);
    return st;
}
