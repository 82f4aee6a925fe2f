/* SPDX-License-Identifier: MIT */
/* Running one benchmark in this process: fixtures, calibration, rounds, memory, statistics. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void vb_run_options_init(vb_run_options *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->fork = true;
    cfg->memory = true;
    cfg->precision = -1;
    cfg->repetitions = 1;
    cfg->sort = VB_SORT_NAME;
}

const char *vb_outcome_name(vb_outcome o)
{
    switch (o) {
    case VB_OUTCOME_PASSED:
        return "passed";
    case VB_OUTCOME_FAILED:
        return "failed";
    case VB_OUTCOME_CRASHED:
        return "crashed";
    case VB_OUTCOME_TIMEOUT:
        return "timeout";
    case VB_OUTCOME_ERROR:
        return "error";
    }
    return "unknown";
}

void vb_result_clear(vb_result *r)
{
    if (r) {
        vb__free(r->data);
        vb__free(r->reps);
        memset(r, 0, sizeof *r);
    }
}

/* One benchmark's run: the state handed to the body and the bench it belongs to. */
typedef struct runner {
    const vb_bench *bench;
    vb_state st;
    struct vb__run run;
} runner;

/* Runs one round of `loops` iterations with its per-round fixtures; seconds, or -1 when the
   body failed or did not run its loop. */
static double run_round(void *ctx, uint64_t loops)
{
    runner *rn = ctx;
    const vb_bench_options *o = &rn->bench->opts;
    if (rn->run.failed) {
        return -1;
    }
    if (o->round_setup) {
        o->round_setup(&rn->st);
    }
    vb__round_reset(&rn->st, loops);
    rn->bench->fn(&rn->st);
    if (o->round_teardown) {
        o->round_teardown(&rn->st);
    }
    if (rn->run.failed) {
        return -1;
    }
    if (rn->run.phase != 2) {
        vb__fail(&rn->st, "the body returned before vb_loop() returned false");
        return -1;
    }
    return (double)rn->run.elapsed_ns * 1e-9;
}

static double pick(double cli, double bench, double fallback)
{
    return cli > 0 ? cli : bench > 0 ? bench : fallback;
}

static long long pick_ll(long long cli, long long bench, long long fallback)
{
    return cli > 0 ? cli : bench > 0 ? bench : fallback;
}

double vb__precision_of(const vb_bench_options *o, const vb_run_options *cfg)
{
    if (o->pedantic || o->rounds > 0 || (cfg && cfg->rounds > 0)) {
        return 0;
    }
    if (cfg && cfg->precision >= 0) {
        return cfg->precision;
    }
    return o->precision > 0 ? o->precision : o->precision < 0 ? 0 : VB__DEFAULT_PRECISION;
}

/* Runs the measured rounds into out->data: `rounds` at most (max_time's share), fewer when
   `precision` > 0 and the median is known that well: checked after `min_rounds` rounds, then
   each time the rounds have grown by a quarter. Returns false when a round failed. */
static bool run_rounds(runner *rn, uint64_t iterations, uint64_t rounds, uint64_t min_rounds,
                       double precision, vb_result *out, double **cpu, vb_status *s, vb_error *err)
{
    size_t cap = 0;
    uint64_t check = min_rounds;
    for (uint64_t i = 0; i < rounds; i++) {
        if (out->ndata == cap) {
            /* Grown as needed: max_time over a fast round can mean millions of rounds. */
            cap = cap == 0 ? 64 : 2 * cap;
            cap = (uint64_t)cap > rounds ? (size_t)rounds : cap;
            double *grown = vb__realloc(out->data, cap * sizeof *grown);
            if (!grown) {
                *s = vb__nomem(err);
                return true;
            }
            out->data = grown;
            if (rn->run.cpu) {
                grown = vb__realloc(*cpu, cap * sizeof *grown);
                if (!grown) {
                    *s = vb__nomem(err);
                    return true;
                }
                *cpu = grown;
            }
        }
        const double d = run_round(rn, iterations);
        if (d < 0) {
            return false;
        }
        if (rn->run.cpu) {
            (*cpu)[out->ndata] = (double)rn->run.cpu_elapsed_ns * 1e-9 / (double)iterations;
        }
        out->data[out->ndata++] = d / (double)iterations;
        if (precision > 0 && out->ndata >= check) {
            if (vb__median_precise(out->data, out->ndata, precision)) {
                break;
            }
            check = out->ndata + out->ndata / 4 + 1;
        }
    }
    return true;
}

static vb_status measure(runner *rn, const vb_run_options *cfg, vb_result *out, vb_error *err)
{
    const vb_bench_options *o = &rn->bench->opts;
    uint64_t iterations, rounds, warmup_rounds, min_rounds = 1;
    const int warm = cfg->warmup != VB_DEFAULT ? cfg->warmup : o->warmup;
    if (o->pedantic) {
        iterations = (uint64_t)(o->iterations > 0 ? o->iterations : 1);
        rounds = (uint64_t)pick_ll(cfg->rounds, o->rounds, 1);
        warmup_rounds =
            warm == VB_OFF ? 0 : (uint64_t)(o->warmup_rounds > 0 ? o->warmup_rounds : 0);
    } else {
        vb_calibrate_options p;
        vb_calibrate_options_init(&p);
        p.timer_precision = out->timer_precision;
        p.min_time = o->min_time > 0 ? o->min_time : p.min_time;
        p.max_time = pick(cfg->max_time, o->max_time, p.max_time);
        p.min_rounds = pick_ll(cfg->min_rounds, o->min_rounds, p.min_rounds);
        p.warmup = warm != VB_OFF;
        p.warmup_iterations = o->warmup_iterations > 0 ? o->warmup_iterations : p.warmup_iterations;
        vb_calibrate_result c;
        const vb_status cs = vb_calibrate(&p, run_round, rn, &c, err);
        if (cs != VB_OK) {
            return rn->run.failed ? VB_OK : cs;
        }
        iterations = c.iterations;
        min_rounds = (uint64_t)p.min_rounds;
        rounds = (uint64_t)pick_ll(cfg->rounds, o->rounds, (long long)c.rounds);
        warmup_rounds = c.warmup_rounds < rounds ? c.warmup_rounds : rounds;
    }
    for (uint64_t i = 0; i < warmup_rounds; i++) {
        if (run_round(rn, iterations) < 0) {
            return VB_OK;
        }
    }
    vb_status s = VB_OK;
    double *cpu = NULL;
    const bool ok = run_rounds(rn, iterations, rounds, min_rounds, vb__precision_of(o, cfg), out,
                               &cpu, &s, err);
    if (ok && s == VB_OK && cpu && out->ndata > 0) {
        vb_stats_sort(cpu, out->ndata);
        out->cpu_median = vb_stats_median_sorted(cpu, out->ndata);
    }
    vb__free(cpu);
    if (!ok || s != VB_OK) {
        return s;
    }
    out->iterations = iterations;
    out->warmup_rounds = warmup_rounds;
    return vb_stats_compute(out->data, out->ndata, &out->stats, err);
}

/* The counting round after the measurement: heap counts and hardware counters, so that
   neither touches the timed rounds. */
static void measure_heap(runner *rn, vb_result *out)
{
    const bool heap = vb_heap_available(), hw = vb_hw_available();
    if ((!heap && !hw) || out->iterations == 0) {
        return;
    }
    rn->run.heap_round = heap;
    rn->run.hw_round = hw;
    const double d = run_round(rn, out->iterations);
    rn->run.heap_round = rn->run.hw_round = false;
    const double n = (double)out->iterations;
    if (d >= 0 && hw) {
        double *const fields[VB__HW_EVENTS] = {&out->instructions, &out->cycles,
                                               &out->branch_misses, &out->cache_misses};
        for (int i = 0; i < VB__HW_EVENTS; i++) {
            *fields[i] = rn->run.hw[i] >= 0 ? rn->run.hw[i] / n : -1;
        }
    }
    if (d < 0 || !rn->run.heap_done) {
        return;
    }
    out->heap_allocs = (double)rn->run.heap.allocs / n;
    out->heap_bytes = (double)rn->run.heap.bytes / n;
    out->heap_peak = rn->run.heap.peak_live;
}

vb_status vb_run_bench_inprocess(const vb_bench *bench, const vb_run_options *cfg,
                                 const vb_clock *clock, vb_result *out, vb_error *err)
{
    vb_run_options defaults;
    if (!cfg) {
        vb_run_options_init(&defaults);
        cfg = &defaults;
    }
    memset(out, 0, sizeof *out);
    out->bench = bench;
    out->smoke = cfg->smoke || cfg->callgrind_iterations > 0;
    out->peak_rss = out->rss_growth = out->heap_peak = -1;
    out->heap_allocs = out->heap_bytes = -1;
    out->instructions = out->cycles = out->branch_misses = out->cache_misses = -1;

    runner rn;
    memset(&rn, 0, sizeof rn);
    rn.bench = bench;
    rn.st.vb__run = &rn.run;
    rn.run.clock = clock ? clock : vb_clock_monotonic();
    rn.run.smoke = cfg->smoke;
    rn.run.cpu = bench->opts.threads >= 2;
    rn.run.has_param = bench->has_param;
    rn.run.param = bench->param;
    out->timer_precision = clock ? vb_timer_precision(clock) : vb__monotonic_precision();

    const uint64_t t0 = rn.run.clock->now_ns(rn.run.clock->ctx);
    vb_rss_reset_peak();
    const int64_t rss_before = vb_rss_current();
    vb_status s = VB_OK;
    const vb_bench_options *o = &bench->opts;
    if (o->setup && o->setup(&rn.st) != 0) {
        vb__fail(&rn.st, "setup of %s failed", bench->fullname);
    } else {
        if (rn.run.failed) {
            /* A vb_check of the setup failed: nothing to measure, but the teardown still
               frees what the setup made. */
        } else if (cfg->callgrind_iterations > 0) {
            rn.run.callgrind = true;
            if (run_round(&rn, (uint64_t)cfg->callgrind_iterations) >= 0) {
                out->iterations = (uint64_t)cfg->callgrind_iterations;
            }
            rn.run.callgrind = false;
        } else if (cfg->smoke) {
            if (run_round(&rn, 1) >= 0) {
                out->iterations = 1;
            }
        } else {
            s = measure(&rn, cfg, out, err);
            if (s == VB_OK && !rn.run.failed && cfg->memory && o->heap_round != VB_OFF) {
                measure_heap(&rn, out);
            }
        }
        if (o->teardown) {
            o->teardown(&rn.st);
        }
    }
    const int64_t rss_after = vb_rss_current();
    out->peak_rss = vb_rss_peak();
    out->rss_growth = rss_before >= 0 && rss_after >= 0 ? rss_after - rss_before : -1;
    out->wall_time = (double)(rn.run.clock->now_ns(rn.run.clock->ctx) - t0) * 1e-9;
    out->items_per_iter = rn.run.items;
    out->bytes_per_iter = rn.run.bytes;
    out->ncounters = rn.run.ncounters;
    memcpy(out->counters, rn.run.counters, sizeof out->counters);

    if (s != VB_OK) {
        out->outcome = VB_OUTCOME_ERROR;
        vb__strlcpy(out->msg, err ? err->msg : vb_status_name(s), sizeof out->msg);
        return s;
    }
    if (rn.run.failed) {
        out->outcome = VB_OUTCOME_FAILED;
        vb__strlcpy(out->msg, rn.run.msg, sizeof out->msg);
        return VB_OK;
    }
    out->outcome = VB_OUTCOME_PASSED;
    vb_check_limits(out);
    return vb__own_repetition(out, err);
}

vb_status vb__own_repetition(vb_result *r, vb_error *err)
{
    if (r->outcome != VB_OUTCOME_PASSED || r->smoke || r->ndata == 0) {
        return VB_OK;
    }
    r->reps = vb__malloc(sizeof *r->reps);
    if (!r->reps) {
        return vb__nomem(err);
    }
    const vb_stats *s = &r->stats;
    const vb_repetition one = {s->median,   s->mean,      s->min,       s->max,
                               s->stddev,   s->iqr,       s->rounds,    r->iterations,
                               r->peak_rss, r->heap_peak, r->wall_time, r->cpu_median};
    r->reps[0] = one;
    r->nreps = 1;
    return VB_OK;
}

/* The limit for this parameter value: limits given for limit_param scale linearly. */
static double scaled(const vb_bench *b, double limit)
{
    if (b->opts.limit_param > 0 && b->has_param) {
        return limit * (double)b->param / (double)b->opts.limit_param;
    }
    return limit;
}

bool vb_check_limits(vb_result *r)
{
    if (r->outcome != VB_OUTCOME_PASSED || !r->bench) {
        return r->outcome == VB_OUTCOME_PASSED;
    }
    const vb_bench_options *o = &r->bench->opts;
    const double mib = 1024.0 * 1024.0;
    char buf[192] = "";
    if (!r->smoke && r->ndata > 0) {
        if (o->max_mean_s > 0 && r->stats.mean > scaled(r->bench, o->max_mean_s)) {
            snprintf(buf, sizeof buf, "mean %.6g s > max_mean_s %.6g s", r->stats.mean,
                     scaled(r->bench, o->max_mean_s));
        } else if (o->max_median_s > 0 && r->stats.median > scaled(r->bench, o->max_median_s)) {
            snprintf(buf, sizeof buf, "median %.6g s > max_median_s %.6g s", r->stats.median,
                     scaled(r->bench, o->max_median_s));
        } else if (o->max_stddev_s > 0 && r->stats.stddev > scaled(r->bench, o->max_stddev_s)) {
            snprintf(buf, sizeof buf, "stddev %.6g s > max_stddev_s %.6g s", r->stats.stddev,
                     scaled(r->bench, o->max_stddev_s));
        }
    }
    if (!buf[0] && o->max_rss_mb > 0 && r->peak_rss >= 0 &&
        (double)r->peak_rss / mib > o->max_rss_mb) {
        snprintf(buf, sizeof buf, "peak RSS %.1f MiB > max_rss_mb %.1f", (double)r->peak_rss / mib,
                 o->max_rss_mb);
    }
    if (!buf[0] && o->max_heap_mb > 0 && r->heap_peak >= 0 &&
        (double)r->heap_peak / mib > o->max_heap_mb) {
        snprintf(buf, sizeof buf, "heap peak %.1f MiB > max_heap_mb %.1f",
                 (double)r->heap_peak / mib, o->max_heap_mb);
    }
    if (buf[0]) {
        r->outcome = VB_OUTCOME_FAILED;
        snprintf(r->msg, sizeof r->msg, "limit exceeded: %s", buf);
        return false;
    }
    return true;
}
