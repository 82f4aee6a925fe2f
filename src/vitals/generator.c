/* SPDX-License-Identifier: MIT */
/* The deterministic health data generator: one day of plausible samples at a time. */
#include <string.h>

#include "gen_internal.h"

/* splitmix64: each day gets its own stream, so a day's content never depends on the others. */
uint64_t vt__gen_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform integer in [lo, hi]. Integer arithmetic only: identical on every machine. */
int64_t vt__gen_range(uint64_t *state, int64_t lo, int64_t hi)
{
    const uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(vt__gen_next(state) % span);
}

void vt_gen_options_default(vt_gen_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->days = 365;
    o->per_day = 100;
    o->start_day = vt_days_from_civil(2020, 1, 1);
    o->offset_min = -420;
    o->metrics = VT_GEN_ALL;
}

static const char *const STRINGS[VT__GEN_S_COUNT] = {
    [VT__GEN_S_STEPS] = "HKQuantityTypeIdentifierStepCount",
    [VT__GEN_S_HR] = "HKQuantityTypeIdentifierHeartRate",
    [VT__GEN_S_ENERGY] = "HKQuantityTypeIdentifierActiveEnergyBurned",
    [VT__GEN_S_DISTANCE] = "HKQuantityTypeIdentifierDistanceWalkingRunning",
    [VT__GEN_S_RESTING] = "HKQuantityTypeIdentifierRestingHeartRate",
    [VT__GEN_S_HRV] = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
    [VT__GEN_S_MASS] = "HKQuantityTypeIdentifierBodyMass",
    [VT__GEN_S_SLEEP] = "HKCategoryTypeIdentifierSleepAnalysis",
    [VT__GEN_S_SYSTOLIC] = "HKQuantityTypeIdentifierBloodPressureSystolic",
    [VT__GEN_S_DIASTOLIC] = "HKQuantityTypeIdentifierBloodPressureDiastolic",
    [VT__GEN_S_WATCH] = "Alice\xe2\x80\x99s Apple Watch",
    [VT__GEN_S_PHONE] = "Alice\xe2\x80\x99s iPhone",
    [VT__GEN_S_SCALE] = "Withings",
    [VT__GEN_S_COUNT_UNIT] = "count",
    [VT__GEN_S_BPM] = "count/min",
    [VT__GEN_S_KCAL] = "kcal",
    [VT__GEN_S_KM] = "km",
    [VT__GEN_S_MS] = "ms",
    [VT__GEN_S_KG] = "kg",
    [VT__GEN_S_MMHG] = "mmHg",
    [VT__GEN_S_WATCH_DEVICE] = "<<HKDevice: 0x283b2a3f0>, name:Apple Watch, manufacturer:Apple "
                               "Inc., model:Watch, hardware:Watch6,1, software:9.0>",
    [VT__GEN_S_PHONE_DEVICE] = "<<HKDevice: 0x281038280>, name:iPhone, manufacturer:Apple Inc., "
                               "model:iPhone, hardware:iPhone14,5, software:16.1>",
    [VT__GEN_S_WATCH_VERSION] = "9.0",
    [VT__GEN_S_PHONE_VERSION] = "16.1",
    [VT__GEN_S_IN_BED] = "HKCategoryValueSleepAnalysisInBed",
    [VT__GEN_S_CORE] = "HKCategoryValueSleepAnalysisAsleepCore",
    [VT__GEN_S_DEEP] = "HKCategoryValueSleepAnalysisAsleepDeep",
    [VT__GEN_S_REM] = "HKCategoryValueSleepAnalysisAsleepREM",
    [VT__GEN_S_AWAKE] = "HKCategoryValueSleepAnalysisAwake",
};

vt_status vt__gen_init(vt__gen *g, const vt_gen_options *options, vt_error *err)
{
    memset(g, 0, sizeof *g);
    if (options) {
        g->opt = *options;
    } else {
        vt_gen_options_default(&g->opt);
    }
    if (g->opt.days == 0 && g->opt.target_bytes == 0) {
        return vt__error(err, VT_ERR_INVALID, "generate: --days must be at least 1");
    }
    if (g->opt.per_day == 0 || g->opt.per_day > 1000000) {
        return vt__error(err, VT_ERR_INVALID, "generate: --per-day must be 1 to 1000000");
    }
    if (g->opt.offset_min < -18 * 60 || g->opt.offset_min > 18 * 60) {
        return vt__error(err, VT_ERR_INVALID, "generate: offset must be within +-18 hours");
    }
    if ((g->opt.metrics & VT_GEN_ALL) == 0) {
        return vt__error(err, VT_ERR_INVALID, "generate: no metric selected");
    }
    if (g->opt.shape > VT_GEN_SHAPE_DENSE) {
        return vt__error(err, VT_ERR_INVALID, "generate: unknown shape %u", g->opt.shape);
    }
    if (g->opt.order > VT_GEN_ORDER_TIME) {
        return vt__error(err, VT_ERR_INVALID, "generate: unknown order %u", g->opt.order);
    }
    vt_status st = vt_strpool_new(&g->strings, err);
    for (int i = 0; st == VT_OK && i < VT__GEN_S_COUNT; i++) {
        st = vt_strpool_intern(g->strings, STRINGS[i], strlen(STRINGS[i]), &g->id[i], err);
    }
    /* A day holds at most per_day records plus the fixed daily ones (sleep, rest, mass...). */
    g->cap = (size_t)g->opt.per_day + 32;
    if (st == VT_OK && (!(g->recs = vt__calloc(g->cap, sizeof *g->recs)) ||
                        !(g->scratch = vt__calloc(g->cap, sizeof *g->scratch)))) {
        st = vt__nomem(err);
    }
    if (st != VT_OK) {
        vt__gen_free(g);
    }
    return st;
}

void vt__gen_free(vt__gen *g)
{
    vt_strpool_free(g->strings);
    vt__free(g->recs);
    vt__free(g->scratch);
    g->strings = NULL;
    g->recs = NULL;
    g->scratch = NULL;
}

static const vt_metadata_entry MOTION_CONTEXT[2] = {
    {"HKMetadataKeyHeartRateMotionContext", 35, "0", 1},
    {"HKMetadataKeyHeartRateMotionContext", 35, "1", 1},
};
static const vt_metadata_entry USER_ENTERED = {"HKWasUserEntered", 16, "0", 1};

static vt__gen_rec *add(vt__gen *g, uint32_t type, uint32_t source, uint32_t unit,
                        int64_t start, int64_t end)
{
    if (g->count == g->cap) {
        return NULL; /* never happens: cap covers the plan; callers check anyway */
    }
    vt__gen_rec *r = &g->recs[g->count++];
    memset(r, 0, sizeof *r);
    const int watch = source == g->id[VT__GEN_S_WATCH];
    r->rec.type = type;
    r->rec.source = source;
    r->rec.unit = unit;
    if (source != g->id[VT__GEN_S_SCALE]) {
        if (g->opt.shape != VT_GEN_SHAPE_DENSE) {
            r->rec.device = g->id[watch ? VT__GEN_S_WATCH_DEVICE : VT__GEN_S_PHONE_DEVICE];
        }
        r->rec.source_version = g->id[watch ? VT__GEN_S_WATCH_VERSION : VT__GEN_S_PHONE_VERSION];
    }
    r->rec.start.utc = start;
    r->rec.end.utc = end;
    r->rec.created.utc = end + 5 + (start % 50);
    r->rec.start.offset_min = r->rec.end.offset_min = r->rec.created.offset_min =
        g->opt.offset_min;
    r->rec.flags = VT_RECORD_HAS_CREATED;
    return r;
}

static void numeric(vt__gen_rec *r, int64_t scaled, int decimals)
{
    static const double SCALE[] = {1, 10, 100, 1000, 10000, 100000};
    r->rec.flags |= VT_RECORD_NUMERIC;
    r->scaled = scaled;
    r->decimals = decimals;
    r->rec.value = (double)scaled / SCALE[decimals];
}

static int by_start(const void *a, const void *b)
{
    const vt__gen_rec *x = a, *y = b;
    if (x->rec.start.utc != y->rec.start.utc) {
        return x->rec.start.utc < y->rec.start.utc ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts `n` records by by_start (a total order: the result is the only sorted one) with a
 * merge sort through `scratch`: no allocation a day, where qsort allocates its own buffer (a
 * day is generated once per type in the type order). */
static void sort_by_start(vt__gen_rec *a, vt__gen_rec *scratch, size_t n)
{
    if (n < 2) {
        return;
    }
    const size_t half = n / 2;
    sort_by_start(a, scratch, half);
    sort_by_start(a + half, scratch, n - half);
    if (by_start(&a[half - 1], &a[half]) <= 0) {
        return; /* already in order */
    }
    memcpy(scratch, a, half * sizeof *a);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) {
        a[k++] = by_start(&a[j], &scratch[i]) < 0 ? a[j++] : scratch[i++];
    }
    while (i < half) {
        a[k++] = scratch[i++];
    }
}

int vt__gen_pass_used(const vt__gen *g, uint32_t pass)
{
    /* The metric of each record type, by its string id (blood pressure: both). */
    static const uint32_t METRIC[VT__GEN_TYPE_COUNT] = {
        [VT__GEN_S_STEPS] = VT_GEN_STEPS,           [VT__GEN_S_HR] = VT_GEN_HEART_RATE,
        [VT__GEN_S_ENERGY] = VT_GEN_ACTIVE_ENERGY,  [VT__GEN_S_DISTANCE] = VT_GEN_DISTANCE,
        [VT__GEN_S_RESTING] = VT_GEN_RESTING_HR,    [VT__GEN_S_HRV] = VT_GEN_HRV,
        [VT__GEN_S_MASS] = VT_GEN_BODY_MASS,        [VT__GEN_S_SLEEP] = VT_GEN_SLEEP,
        [VT__GEN_S_SYSTOLIC] = VT_GEN_BLOOD_PRESSURE, [VT__GEN_S_DIASTOLIC] = VT_GEN_BLOOD_PRESSURE,
    };
    return g->opt.order == VT_GEN_ORDER_TIME || (g->opt.metrics & METRIC[pass]) != 0;
}

/* Spreads `n` samples over the waking hours (07:00-23:00 local) of the day. */
static int64_t slot_start(uint64_t *rng, int64_t midnight, uint32_t i, uint32_t n)
{
    const int64_t span = 16 * 3600;
    const int64_t width = span / (n ? n : 1);
    return midnight + 7 * 3600 + (int64_t)i * width + vt__gen_range(rng, 0, width > 60 ? width - 60 : 0);
}

void vt__gen_day(vt__gen *g, uint32_t day_index)
{
    const vt_gen_options *o = &g->opt;
    const int32_t day = o->start_day + (int32_t)day_index;
    uint64_t rng = vt__hash_mix(o->seed, (uint64_t)day_index + 1);
    const int64_t midnight = (int64_t)day * 86400 - (int64_t)o->offset_min * 60;
    const uint32_t m = o->metrics;
    g->count = 0;
    g->day_index = day_index;

    /* Fixed daily samples first, then the rest of per_day spread over the mix by weight. */
    uint32_t fixed = 0;
    const int mass_day = (m & VT_GEN_BODY_MASS) && day_index % 7 == 0;
    const int bp_day = (m & VT_GEN_BLOOD_PRESSURE) && day_index % 7 == 3;
    fixed += (m & VT_GEN_RESTING_HR) ? 1u : 0u;
    fixed += (m & VT_GEN_HRV) ? 2u : 0u;
    fixed += (m & VT_GEN_SLEEP) ? 5u : 0u;
    fixed += mass_day ? 1u : 0u;
    fixed += bp_day ? 2u : 0u;
    const uint32_t rest = o->per_day > fixed ? o->per_day - fixed : 0;
    const uint32_t w_steps = (m & VT_GEN_STEPS) ? 40u : 0u, w_hr = (m & VT_GEN_HEART_RATE) ? 35u : 0u,
                   w_energy = (m & VT_GEN_ACTIVE_ENERGY) ? 15u : 0u,
                   w_dist = (m & VT_GEN_DISTANCE) ? 10u : 0u;
    const uint32_t w_all = w_steps + w_hr + w_energy + w_dist;
    uint32_t n_steps = 0, n_hr = 0, n_energy = 0, n_dist = 0;
    if (w_all) {
        n_steps = rest * w_steps / w_all / 2; /* pairs: one iPhone and one Watch sample */
        n_energy = rest * w_energy / w_all;
        n_dist = rest * w_dist / w_all;
        n_hr = rest - 2 * n_steps - n_energy - n_dist; /* whatever is left keeps the total */
        if (!(m & VT_GEN_HEART_RATE)) {
            n_energy += (m & VT_GEN_ACTIVE_ENERGY) ? n_hr : 0;
            n_dist += !(m & VT_GEN_ACTIVE_ENERGY) && (m & VT_GEN_DISTANCE) ? n_hr : 0;
            n_steps += !(m & (VT_GEN_ACTIVE_ENERGY | VT_GEN_DISTANCE)) ? n_hr / 2 : 0;
            n_hr = 0;
        }
    }
    const uint32_t watch = g->id[VT__GEN_S_WATCH], phone = g->id[VT__GEN_S_PHONE];
    vt__gen_rec *r;
    /* Steps: the iPhone counts a walk, the Watch counts the same walk over an overlapping
     * interval, as real exports have; a naive daily sum double counts them. */
    for (uint32_t i = 0; i < n_steps; i++) {
        const int64_t s = slot_start(&rng, midnight, i, n_steps);
        const int64_t len = vt__gen_range(&rng, 300, 900);
        const int64_t steps = vt__gen_range(&rng, 20, 1500);
        if ((r = add(g, g->id[VT__GEN_S_STEPS], phone, g->id[VT__GEN_S_COUNT_UNIT], s, s + len))) {
            numeric(r, steps, 0);
        }
        const int64_t ws = s + vt__gen_range(&rng, 30, 180);
        if ((r = add(g, g->id[VT__GEN_S_STEPS], watch, g->id[VT__GEN_S_COUNT_UNIT], ws,
                     ws + len - vt__gen_range(&rng, 0, 120)))) {
            numeric(r, steps + vt__gen_range(&rng, -steps / 10, steps / 10), 0);
        }
    }
    for (uint32_t i = 0; i < n_hr; i++) {
        const int64_t s = slot_start(&rng, midnight, i, n_hr);
        if ((r = add(g, g->id[VT__GEN_S_HR], watch, g->id[VT__GEN_S_BPM], s, s))) {
            numeric(r, vt__gen_range(&rng, 52, 165), 0);
            r->rec.metadata = &MOTION_CONTEXT[vt__gen_range(&rng, 0, 1)];
            r->rec.metadata_count = 1;
        }
    }
    for (uint32_t i = 0; i < n_energy; i++) {
        const int64_t s = slot_start(&rng, midnight, i, n_energy);
        if ((r = add(g, g->id[VT__GEN_S_ENERGY], watch, g->id[VT__GEN_S_KCAL], s,
                     s + vt__gen_range(&rng, 60, 600)))) {
            numeric(r, vt__gen_range(&rng, 100, 45000), 3);
        }
    }
    for (uint32_t i = 0; i < n_dist; i++) {
        const int64_t s = slot_start(&rng, midnight, i, n_dist);
        if ((r = add(g, g->id[VT__GEN_S_DISTANCE], i % 2 ? watch : phone, g->id[VT__GEN_S_KM], s,
                     s + vt__gen_range(&rng, 120, 900)))) {
            numeric(r, vt__gen_range(&rng, 1000, 1200000), 5);
        }
    }
    if (m & VT_GEN_RESTING_HR) {
        const int64_t s = midnight + 6 * 3600 + vt__gen_range(&rng, 0, 3600);
        if ((r = add(g, g->id[VT__GEN_S_RESTING], watch, g->id[VT__GEN_S_BPM], s, s + 86000))) {
            numeric(r, vt__gen_range(&rng, 48, 68), 0);
        }
    }
    for (uint32_t i = 0; (m & VT_GEN_HRV) && i < 2; i++) {
        const int64_t s = midnight + (i ? 22 * 3600 : 3 * 3600) + vt__gen_range(&rng, 0, 3000);
        if ((r = add(g, g->id[VT__GEN_S_HRV], watch, g->id[VT__GEN_S_MS], s, s + 60))) {
            numeric(r, vt__gen_range(&rng, 150000, 1200000), 4);
            r->beats = 3 + (uint32_t)vt__gen_range(&rng, 0, 3);
        }
    }
    if (mass_day) {
        const int64_t s = midnight + 7 * 3600 + vt__gen_range(&rng, 0, 1800);
        if ((r = add(g, g->id[VT__GEN_S_MASS], g->id[VT__GEN_S_SCALE], g->id[VT__GEN_S_KG], s, s))) {
            numeric(r, 7000 + (int64_t)(day_index % 200) - 100 + vt__gen_range(&rng, -15, 15), 2);
            r->rec.metadata = &USER_ENTERED;
            r->rec.metadata_count = 1;
        }
    }
    if (bp_day) {
        const int64_t s = midnight + 8 * 3600 + vt__gen_range(&rng, 0, 1800);
        if ((r = add(g, g->id[VT__GEN_S_SYSTOLIC], phone, g->id[VT__GEN_S_MMHG], s, s))) {
            numeric(r, vt__gen_range(&rng, 105, 135), 0);
            r->in_correlation = 1;
        }
        if ((r = add(g, g->id[VT__GEN_S_DIASTOLIC], phone, g->id[VT__GEN_S_MMHG], s, s))) {
            numeric(r, vt__gen_range(&rng, 65, 88), 0);
            r->in_correlation = 1;
        }
    }
    if (m & VT_GEN_SLEEP) {
        /* The night before: in bed from about 23:00, then core, deep, REM and a short wake. */
        static const int stages[5] = {VT__GEN_S_IN_BED, VT__GEN_S_CORE, VT__GEN_S_DEEP,
                                      VT__GEN_S_REM, VT__GEN_S_AWAKE};
        int64_t t = midnight - 3600 + vt__gen_range(&rng, -1800, 1800);
        const int64_t bed_start = t;
        for (int i = 0; i < 5; i++) {
            const int64_t len = i == 0 ? 0 : vt__gen_range(&rng, 1200, 7200);
            const int64_t s = i == 0 ? bed_start : t;
            const int64_t e = i == 0 ? bed_start + 8 * 3600 : t + len;
            if ((r = add(g, g->id[VT__GEN_S_SLEEP], watch, 0, s, e))) {
                r->rec.flags |= VT_RECORD_CATEGORY;
                r->rec.category = g->id[stages[i]];
            }
            if (i > 0) {
                t += len;
            }
        }
    }
    for (size_t i = 0; i < g->count; i++) {
        g->recs[i].seq = (uint32_t)i;
    }
    sort_by_start(g->recs, g->scratch, g->count);
}

vt_status vt_gen_records(const vt_gen_options *options, const vt_sink *sink, vt_error *err)
{
    vt__gen g;
    vt_status st = vt__gen_init(&g, options, err);
    if (st != VT_OK) {
        return st;
    }
    const uint32_t passes = vt__gen_passes(&g);
    for (uint32_t p = 0; st == VT_OK && p < passes; p++) {
        for (uint32_t d = 0; st == VT_OK && vt__gen_pass_used(&g, p) && d < g.opt.days; d++) {
            vt__gen_day(&g, d);
            for (size_t i = 0; st == VT_OK && i < g.count && sink->record; i++) {
                if (vt__gen_in_pass(&g, p, &g.recs[i])) {
                    st = sink->record(sink->ctx, &g.recs[i].rec, g.strings, err);
                }
            }
        }
    }
    vt__gen_free(&g);
    return st;
}

static vt_status table_record(void *ctx, const vt_record *rec, const vt_strpool *strings,
                              vt_error *err)
{
    return vt_table_append_from(ctx, rec, strings, err);
}

vt_status vt_gen_table(const vt_gen_options *options, vt_table *table, vt_error *err)
{
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = table;
    sink.record = table_record;
    return vt_gen_records(options, &sink, err);
}

vt_status vt_gen_store(const vt_gen_options *options, vt_store *store, vt_insert_stats *stats,
                       vt_error *err)
{
    vt_status st = vt_store_begin(store, err);
    if (st != VT_OK) {
        return st;
    }
    vt_insert_stats local = {0, 0};
    const vt_sink sink = vt_store_sink(store, &local);
    if ((st = vt_gen_records(options, &sink, err)) != VT_OK) {
        vt_store_rollback(store);
        return st;
    }
    if ((st = vt_store_commit(store, err)) == VT_OK && stats) {
        stats->inserted += local.inserted;
        stats->duplicates += local.duplicates;
    }
    return st;
}
