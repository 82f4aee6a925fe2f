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
                if ((st = vt__daily_source_rank(&c, vt_strpool_get(pool, src, NULL), &rank, err)) !=
                    VT_OK) {
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
        if ((st = vt__daily_emit_group(&c, day, te, unit, fn, ctx, err)) != VT_OK) {
            goto done;
        }
    }
done:
    vt__daily_calc_free(&c);
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
    vt__daily_calc_init(&c, o);
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
        if (vt__daily_metric_selected(o, types[i].text)) {
            vt__daily_type_entry_init(&sel[nsel++], (uint32_t)types[i].id, types[i].text);
        }
    }
    qsort(sel, nsel, sizeof *sel, vt__daily_cmp_type_entry);
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
                if ((st = vt__daily_emit_group(&c, day, &sel[t], unit, fn, ctx, err)) != VT_OK) {
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
                if ((st = vt__daily_source_rank(&c, sources[pos].text, &rank, err)) != VT_OK) {
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
        if ((st = vt__daily_emit_group(&c, day, &sel[t], unit, fn, ctx, err)) != VT_OK) {
            goto done;
        }
    }
done:
    vt__samples_close(rows);
    vt__daily_calc_free(&c);
    free_named(types, ntypes);
    free_named(sources, nsources);
    free_named(units, nunits);
    vt__free(sel);
    vt__free(ranks);
    return st;
}
