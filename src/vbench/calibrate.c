/* SPDX-License-Identifier: MIT */
/* The monotonic clock, the timer's precision and pytest-benchmark's calibration of rounds. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static uint64_t monotonic_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const vb_clock monotonic = {monotonic_now, NULL};

const vb_clock *vb_clock_monotonic(void)
{
    return &monotonic;
}

double vb_timer_precision(const vb_clock *clock)
{
    const uint64_t budget_ns = 10 * 1000 * 1000;
    uint64_t best = 0;
    long points = 0;
    const uint64_t begin = clock->now_ns(clock->ctx);
    uint64_t previous = clock->now_ns(clock->ctx);
    /* The cap on attempts only guards against a clock that never moves. */
    for (long attempts = 0; attempts < 10 * 1000 * 1000; attempts++) {
        if (points >= 5 && clock->now_ns(clock->ctx) - begin >= budget_ns) {
            break;
        }
        uint64_t dt = 0;
        for (int i = 0; i < 10 && dt == 0; i++) {
            const uint64_t t1 = clock->now_ns(clock->ctx);
            const uint64_t t2 = clock->now_ns(clock->ctx);
            dt = t2 - t1;
            if (dt == 0 && i == 9) {
                /* Ten equal pairs: the tick is coarser; measure since the previous point. */
                dt = t2 - previous;
            }
        }
        if (dt == 0) {
            continue;
        }
        best = points == 0 || dt < best ? dt : best;
        points++;
        previous = clock->now_ns(clock->ctx);
    }
    return points ? (double)best * 1e-9 : 1e-9;
}

double vb__monotonic_precision(void)
{
    /* Measured once per process; a forked child inherits the parent's figure. */
    static double precision;
    if (precision <= 0) {
        precision = vb_timer_precision(&monotonic);
    }
    return precision;
}

void vb_calibrate_options_init(vb_calibrate_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_time = 5e-6;
    o->max_time = 1.0;
    o->calibration_precision = 10;
    o->min_rounds = 5;
    o->warmup = 1;
    o->warmup_iterations = 100000;
}

vb_status vb_calibrate(const vb_calibrate_options *p, vb_round_fn run, void *ctx,
                       vb_calibrate_result *out, vb_error *err)
{
    if (!p || !run || !out || !(p->min_time >= 0) || !(p->max_time >= 0) ||
        !(p->calibration_precision > 0) || p->min_rounds < 1 || !(p->timer_precision >= 0)) {
        return vb__error(err, VB_ERR_INVALID, "invalid calibration parameters");
    }
    const double precision =
        p->timer_precision > 0 ? p->timer_precision : vb__monotonic_precision();
    const double target = fmax(p->min_time, precision * p->calibration_precision);
    const double estimate = target * 5 / p->calibration_precision;
    uint64_t loops = 1;
    uint64_t calib_rounds = 0;
    double duration;
    for (;;) {
        duration = run(ctx, loops);
        calib_rounds++;
        if (duration < 0) {
            return vb__error(err, VB_ERR_INTERNAL, "a calibration round failed");
        }
        if (p->warmup && p->warmup_iterations > 0) {
            double spent = 0;
            long long done = 0;
            while (spent < p->max_time && done < p->warmup_iterations) {
                const double d = run(ctx, loops);
                calib_rounds++;
                if (d < 0) {
                    return vb__error(err, VB_ERR_INTERNAL, "a warm-up round failed");
                }
                spent += d;
                duration = fmin(duration, d);
                done += (long long)loops;
            }
        }
        if (duration >= target) {
            break;
        }
        if (duration >= estimate) {
            /* Coarse estimate of the loops that reach the target. */
            loops = (uint64_t)ceil(target * (double)loops / duration);
            if (loops == 1) {
                break;
            }
        } else {
            if (loops > UINT64_MAX / 100) {
                return vb__error(err, VB_ERR_INVALID,
                                 "calibration never reached %g s: is the body empty?", target);
            }
            loops *= 10;
        }
    }
    double rounds = p->max_time > 0 && duration > 0 ? ceil(p->max_time / duration) : 0;
    if (rounds < (double)p->min_rounds) {
        rounds = (double)p->min_rounds;
    }
    if (rounds > 1e9) {
        rounds = 1e9;
    }
    out->iterations = loops;
    out->round_time = duration;
    out->rounds = (uint64_t)rounds;
    out->calib_rounds = calib_rounds;
    out->warmup_rounds = 0;
    if (p->warmup && p->warmup_iterations > 0) {
        uint64_t w = (uint64_t)p->warmup_iterations / loops;
        w = w < 1 ? 1 : w;
        /* Also at most max_time of warm-up: pytest-benchmark's rule alone doubles the time of
           a slow benchmark (one iteration per round: warmup_iterations rounds). */
        const double by_time = duration > 0 ? ceil(p->max_time / duration) : (double)w;
        w = by_time < (double)w ? (uint64_t)(by_time < 1 ? 1 : by_time) : w;
        out->warmup_rounds = w < out->rounds ? w : out->rounds;
    }
    return VB_OK;
}
