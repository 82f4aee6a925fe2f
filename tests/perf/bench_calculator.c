/* SPDX-License-Identifier: MIT */
/* Daily metrics benchmarks (the seed's test_calculator_benchmarks). */
#include <string.h>

#include "perf_inputs.h"
#include "vbench/vbench.h"

static int table_for_param(vb_state *st)
{
    vt_table *t = perf_table((uint32_t)vb_param(st), 100);
    vb_set_context(st, t);
    return t ? 0 : 1;
}

typedef struct tally {
    size_t rows;
    double sum, total;
} tally;

static vt_status count_row(void *ctx, const vt_daily_row *row, vt_error *err)
{
    (void)err;
    tally *t = ctx;
    t->rows++;
    t->sum += row->sum;
    t->total += row->has_total ? row->total : 0;
    return VT_OK;
}

/* 7-9 and 10. Every metric of `days` days x 100 records; the seed's limits 0.1 / 0.5 / 2.0 s
 * become 0.5 s for 365 days scaled by days / 365 (and the environment factor); the time must
 * grow at most linearly: fitted exponent <= 1.15 across the three sizes. */
static void daily(vb_state *st)
{
    const vt_table *t = vb_context(st);
    tally y = {0, 0, 0};
    vt_status rc = VT_OK;
    while (vb_loop(st)) {
        memset(&y, 0, sizeof y);
        rc = vt_daily_compute_table(t, NULL, count_row, &y, NULL);
    }
    /* Seven metrics every day (steps, heart rate, energy, distance, resting, HRV, sleep). */
    vb_check(st, rc == VT_OK && y.rows >= (size_t)vb_param(st) * 7, "a row per day and metric");
    vb_set_items(st, (double)vt_table_count(t));
}
VB_BENCHMARK(daily, .group = "calculator", .marks = "performance,calculator", VB_PARAMS(30, 365, 1825),
             .param_name = "days", .setup = table_for_param, .teardown = perf_free_table,
             .max_mean_s = 0.5, .limit_param = 365, .max_exponent = 1.15);

/* 11. All metrics of all types over 1825 days, read from a database file: what `vitals daily`
 * does, loading included. */
static int store_1825(vb_state *st)
{
    return perf_store_fixture(st, 1825, "calculator_1825.db");
}

/* Every metric of the context's store; at least seven rows a day over `days` days. */
static void daily_of_store(vb_state *st, uint32_t days)
{
    vt_store *s = vb_context(st);
    tally y = {0, 0, 0};
    vt_status rc = VT_OK;
    while (vb_loop(st)) {
        memset(&y, 0, sizeof y);
        rc = vt_daily_compute_store(s, NULL, count_row, &y, NULL);
    }
    uint64_t n = 0;
    vt_store_count(s, &n, NULL);
    vb_check(st, rc == VT_OK && y.rows >= (size_t)days * 7, "a row per day and metric");
    vb_set_items(st, (double)n);
}

static void daily_all_metrics_store(vb_state *st)
{
    daily_of_store(st, 1825);
}
VB_BENCHMARK(daily_all_metrics_store, .group = "calculator", .marks = "performance,calculator",
             .setup = store_1825, .teardown = perf_close_store, .max_mean_s = 2.0);

/* 11b. The same at the scale: every metric of 3.65 M records (ten thousand days of
 * the generator's mix, the size of a 1 GB dense export; 30 days in smoke runs), from a
 * database file built once and kept with the suite's inputs, read-only: what `vitals daily`
 * does less the printing. Flat memory: the peak RSS stays under the import's 32 MiB. */
static int store_3_65m(vb_state *st)
{
    vt_store *s = perf_store_cached(vb_is_smoke(st) ? 30 : 36500, 100);
    vb_set_context(st, s);
    return s ? 0 : 1;
}

static void daily_all_metrics_store_3_65m(vb_state *st)
{
    daily_of_store(st, vb_is_smoke(st) ? 30 : 36500);
}
VB_BENCHMARK(daily_all_metrics_store_3_65m, .group = "calculator",
             .marks = "performance,calculator,memory", .setup = store_3_65m,
             .teardown = perf_close_store, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 2.0);

/* 12. De-duplicated daily totals of overlapping iPhone and Watch steps over 1825 days. */
static int steps_1825(vb_state *st)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 1825;
    o.per_day = 100;
    o.metrics = VT_GEN_STEPS;
    vt_table *t = NULL;
    if (vt_table_new(&t, NULL) != VT_OK || vt_gen_table(&o, t, NULL) != VT_OK) {
        vt_table_free(t);
        return 1;
    }
    vb_set_context(st, t);
    return 0;
}

static void dedup_steps(vb_state *st)
{
    const vt_table *t = vb_context(st);
    vt_daily_options opt;
    memset(&opt, 0, sizeof opt);
    opt.metric = "steps";
    tally y = {0, 0, 0};
    vt_status rc = VT_OK;
    while (vb_loop(st)) {
        memset(&y, 0, sizeof y);
        rc = vt_daily_compute_table(t, &opt, count_row, &y, NULL);
    }
    /* iPhone and Watch count the same walks: the de-duplicated total is about half the sum. */
    vb_check(st, rc == VT_OK && y.rows == 1825 && y.total < 0.6 * y.sum && y.total > 0.4 * y.sum,
             "overlapping steps are counted once");
    vb_set_items(st, (double)vt_table_count(t));
}
VB_BENCHMARK(dedup_steps, .group = "calculator", .marks = "performance,calculator",
             .setup = steps_1825, .teardown = perf_free_table, .max_mean_s = 2.0);
