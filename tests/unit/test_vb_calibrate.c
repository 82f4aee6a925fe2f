/* SPDX-License-Identifier: MIT */
/* Tests of the timer precision and pytest-benchmark's calibration with injected fake clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

/* A clock advancing by a fixed step at every read. */
typedef struct stepping {
    uint64_t t, step;
} stepping;

static uint64_t stepping_now(void *ctx)
{
    stepping *c = ctx;
    c->t += c->step;
    return c->t;
}

/* A clock that ticks by `tick` ns every 40 reads (a coarse timer). */
typedef struct coarse {
    uint64_t reads, tick;
} coarse;

static uint64_t coarse_now(void *ctx)
{
    coarse *c = ctx;
    c->reads++;
    return (c->reads / 40) * c->tick;
}

static void precision_is_the_smallest_step(void **state)
{
    (void)state;
    stepping s = {0, 250};
    const vb_clock clk = {stepping_now, &s};
    assert_float_equal(vb_timer_precision(&clk), 250e-9, 1e-15);
    coarse c = {0, 1000};
    const vb_clock clk2 = {coarse_now, &c};
    assert_float_equal(vb_timer_precision(&clk2), 1000e-9, 1e-15);
    /* The real clock: positive and finer than a millisecond. */
    const double p = vb_timer_precision(vb_clock_monotonic());
    assert_true(p > 0 && p < 1e-3);
}

/* A fake round: `per_iter` seconds per iteration, counting calls. */
typedef struct fake {
    double per_iter;
    uint64_t calls, iterations;
} fake;

static double fake_round(void *ctx, uint64_t loops)
{
    fake *f = ctx;
    f->calls++;
    f->iterations += loops;
    return f->per_iter * (double)loops;
}

static vb_calibrate_options defaults(void)
{
    vb_calibrate_options p;
    vb_calibrate_options_init(&p);
    p.timer_precision = 1e-7;
    p.warmup = 0;
    return p;
}

/* Every options struct of the library has an init function filling the documented defaults. */
static void options_init_fills_the_documented_defaults(void **state)
{
    (void)state;
    vb_calibrate_options c;
    memset(&c, 0xff, sizeof c);
    vb_calibrate_options_init(&c);
    assert_true(c.timer_precision == 0);
    assert_float_equal(c.min_time, 5e-6, 1e-18);
    assert_float_equal(c.max_time, 1.0, 1e-15);
    assert_float_equal(c.calibration_precision, 10, 1e-15);
    assert_int_equal(c.min_rounds, 5);
    assert_true(c.warmup != 0);
    assert_int_equal(c.warmup_iterations, 100000);

    vb_run_options r;
    memset(&r, 0xff, sizeof r);
    vb_run_options_init(&r);
    assert_true(r.fork);
    assert_false(r.smoke);
    assert_true(r.memory);
    assert_int_equal(r.warmup, VB_DEFAULT);
    assert_true(r.max_time == 0 && r.timeout == 0);
    assert_int_equal(r.rounds, 0);
    assert_int_equal(r.repetitions, 1);
    assert_true(r.precision < 0); /* the benchmark's, or 1% */
    assert_null(r.name_filter);

    vb_bench_options b;
    memset(&b, 0xff, sizeof b);
    vb_bench_options_init(&b);
    assert_null(b.group);
    assert_int_equal(b.min_rounds, 0);
    assert_true(b.max_time == 0);

    vb_console_options k;
    memset(&k, 0xff, sizeof k);
    vb_console_options_init(&k);
    assert_false(k.color);
    assert_false(k.verbose);

    vb_gate_options g;
    memset(&g, 0xff, sizeof g);
    vb_gate_options_init(&g);
    assert_float_equal(g.margin, 1.2, 1e-15);
    assert_float_equal(g.alpha, 0.01, 1e-15);
    assert_int_equal(g.metric, VB_GATE_TIME);
}

/* The expected numbers below are worked by hand from the rules in pytest-benchmark's
   fixture.py: target = max(min_time, precision x 10), estimate = target x 5 / 10; loops x10
   until a round reaches the estimate, then ceil(target x loops / duration) until the target. */
static void grows_by_ten_until_the_target(void **state)
{
    (void)state;
    /* 2^-20 s (0.95 us) per iteration, exact in binary: 0.95 us < 2.5 us, then 9.5 us >= 5 us;
       rounds = ceil(1 / (10 x 2^-20)) = ceil(104857.6). */
    fake f = {1.0 / 1048576, 0, 0};
    vb_calibrate_options p = defaults();
    vb_calibrate_result r;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.iterations, 10);
    assert_int_equal(r.rounds, 104858);
    assert_int_equal(r.calib_rounds, 2);
    assert_int_equal(r.warmup_rounds, 0);
}

static void estimates_between_estimate_and_target(void **state)
{
    (void)state;
    /* 0.3 us: 1 -> 0.3 us, 10 -> 3 us (>= 2.5 us, < 5 us) -> ceil(5e-6 x 10 / 3e-6) = 17
       -> 5.1 us >= 5 us. rounds = ceil(1 / 5.1e-6) = 196079. */
    fake f = {3e-7, 0, 0};
    vb_calibrate_options p = defaults();
    vb_calibrate_result r;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.iterations, 17);
    assert_int_equal(r.rounds, 196079);
    assert_int_equal(r.calib_rounds, 3);
}

static void coarse_timer_sets_the_target(void **state)
{
    (void)state;
    /* precision 10 us: target 100 us, estimate 50 us; 2^-20 s per iteration -> 1, 10, 100
       (95.4 us) -> ceil(1e-4 x 100 / 95.4e-6) = 105 (100.1 us). max_time 0.5: rounds =
       ceil(0.5 / (105 x 2^-20)) = ceil(4993.2). */
    fake f = {1.0 / 1048576, 0, 0};
    vb_calibrate_options p = defaults();
    p.timer_precision = 1e-5;
    p.max_time = 0.5;
    vb_calibrate_result r;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.iterations, 105);
    assert_int_equal(r.rounds, 4994);
    assert_int_equal(r.calib_rounds, 4);
}

static void slow_function_gets_min_rounds(void **state)
{
    (void)state;
    /* 0.3 s per call: one iteration; ceil(1 / 0.3) = 4 < min_rounds 5. */
    fake f = {0.3, 0, 0};
    vb_calibrate_options p = defaults();
    vb_calibrate_result r;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.iterations, 1);
    assert_int_equal(r.rounds, 5);
    p.min_rounds = 2;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.rounds, 4);
}

static void warmup_repeats_each_step(void **state)
{
    (void)state;
    /* Warm-up of 1000 iterations: at loops 1, one round plus 1000 warm-up rounds; at loops 10,
       one plus 100. Then warmup_rounds = min(100000, max(1, 1000 / 10)) = 100. */
    fake f = {1e-6, 0, 0};
    vb_calibrate_options p = defaults();
    p.warmup = 1;
    p.warmup_iterations = 1000;
    vb_calibrate_result r;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.iterations, 10);
    assert_int_equal(r.calib_rounds, 1102);
    assert_int_equal(f.calls, 1102);
    assert_int_equal(r.warmup_rounds, 100);
}

static void warmup_of_a_slow_function_is_bounded(void **state)
{
    (void)state;
    /* 0.3 s per call with warm-up: rounds = max(ceil(1 / 0.3), 5) = 5; pytest-benchmark's rule
       gives min(5, max(1, 100000 / 1)) = 5 warm-up rounds, the time bound ceil(1 / 0.3) = 4. */
    fake f = {0.3, 0, 0};
    vb_calibrate_options p = defaults();
    p.warmup = 1;
    vb_calibrate_result r;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, NULL), VB_OK);
    assert_int_equal(r.iterations, 1);
    assert_int_equal(r.rounds, 5);
    assert_int_equal(r.warmup_rounds, 4);
    /* The warm-up inside calibration stops at max_time: 0.3 + 0.3 + 0.3 + 0.3 >= 1. */
    assert_int_equal(r.calib_rounds, 5);
}

static void bad_parameters_are_rejected(void **state)
{
    (void)state;
    fake f = {1e-6, 0, 0};
    vb_calibrate_options p = defaults();
    p.min_rounds = 0;
    vb_calibrate_result r;
    vb_error e;
    assert_int_equal(vb_calibrate(&p, fake_round, &f, &r, &e), VB_ERR_INVALID);
    assert_true(strlen(e.msg) > 0);
    /* A body that takes no time never reaches the target: an error, not a hang. */
    fake zero = {0, 0, 0};
    p = defaults();
    assert_int_equal(vb_calibrate(&p, fake_round, &zero, &r, &e), VB_ERR_INVALID);
}

/* End to end through the runner: the body advances a virtual clock by 1 us per iteration
   (and 5 us while paused, which must not count). */
static uint64_t virtual_ns;

static uint64_t virtual_now(void *ctx)
{
    (void)ctx;
    return virtual_ns;
}

static void virtual_body(vb_state *st)
{
    while (vb_loop(st)) {
        virtual_ns += 1000;
        vb_pause(st);
        virtual_ns += 5000;
        vb_resume(st);
    }
}

static void runner_uses_the_injected_clock(void **state)
{
    (void)state;
    vb_registry_clear();
    const vb_bench_options o = {.max_time = 0.01, .warmup = VB_OFF};
    assert_int_equal(vb_register("virtual", virtual_body, &o, NULL), VB_OK);
    vb_run_options cfg;
    vb_run_options_init(&cfg);
    cfg.memory = false;
    cfg.precision = 0; /* no early stop: max_time's share of rounds */
    const vb_clock clk = {virtual_now, NULL};
    vb_result r;
    assert_int_equal(vb_run_bench_inprocess(vb_registry_get(0), &cfg, &clk, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    /* The virtual clock never moves by itself: precision falls back to 1 ns, the target is
       5 us, so 1 -> 10 iterations (10 us); rounds = ceil(0.01 / 1e-5) = 1000. */
    assert_int_equal(r.iterations, 10);
    assert_int_equal(r.ndata, 1000);
    assert_float_equal(r.stats.mean, 1e-6, 1e-15);
    assert_float_equal(r.stats.stddev, 0, 1e-15);
    vb_result_clear(&r);
    /* With the default precision (1%) rounds that never vary pin the median down at once: the
       measurement stops at the first check, after min_rounds (5) rounds. */
    cfg.precision = -1;
    assert_int_equal(vb_run_bench_inprocess(vb_registry_get(0), &cfg, &clk, &r, NULL), VB_OK);
    assert_int_equal(r.ndata, 5);
    assert_int_equal(r.nreps, 1);
    assert_int_equal(r.reps[0].rounds, 5);
    vb_result_clear(&r);
    vb_registry_clear();
}

/* The early stop on a virtual clock. Every body call takes 1 us per iteration, except every
   fourth call (calls 3, 7, 11...), which takes 1.5 us. Calibration makes calls 0 (1 iteration,
   1 us, below the estimate 2.5 us) and 1 (10 iterations, 10 us: the 5 us target), so measured
   round j is slow when j % 4 == 1: among the first n rounds floor((n + 2) / 4) are slow. */
static long pattern_calls;

static void pattern_body(vb_state *st)
{
    const uint64_t per_iteration = pattern_calls++ % 4 == 3 ? 1500 : 1000;
    while (vb_loop(st)) {
        virtual_ns += per_iteration;
    }
}

static size_t pattern_rounds(const vb_bench_options *o, double precision)
{
    vb_registry_clear();
    assert_int_equal(vb_register("pattern", pattern_body, o, NULL), VB_OK);
    vb_run_options cfg;
    vb_run_options_init(&cfg);
    cfg.memory = false;
    cfg.precision = precision;
    const vb_clock clk = {virtual_now, NULL};
    vb_result r;
    pattern_calls = 0;
    assert_int_equal(vb_run_bench_inprocess(vb_registry_get(0), &cfg, &clk, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_int_equal(r.iterations, 10);
    const size_t n = r.ndata;
    assert_int_equal(r.stats.rounds, n);
    vb_result_clear(&r);
    vb_registry_clear();
    return n;
}

static void measurement_stops_when_the_median_is_precise(void **state)
{
    (void)state;
    /* Checks come after 5 rounds, then each time the rounds grew by a quarter (n + n/4 + 1):
       5, 7, 9, 12, 16, 21... The interval's upper rank ceil(1 + (n + 1.96 sqrt n) / 2) must
       fall on a fast round (1 us, the median) for the interval to be [1 us, 1 us]:
         n = 16: rank ceil(12.92) = 13 > 16 - 4 = 12 fast rounds: [1, 1.5] us, 25% > 1%;
         n = 21: rank ceil(15.99) = 16 <= 21 - 5 = 16 fast rounds: [1, 1] us. Stop at 21. */
    const vb_bench_options o = {.max_time = 0.01, .warmup = VB_OFF};
    assert_int_equal(pattern_rounds(&o, -1), 21);
    /* A precision of 30% takes [1, 1.5] us (half-width 25% of the median) at the first check. */
    assert_int_equal(pattern_rounds(&o, 0.3), 5);
    /* 0 switches the early stop off: ceil(0.01 / 10 us) = 1000 rounds. */
    assert_int_equal(pattern_rounds(&o, 0), 1000);
    /* The benchmark's own precision applies when the run does not set one; negative is off. */
    const vb_bench_options loose = {.max_time = 0.01, .warmup = VB_OFF, .precision = 0.3};
    assert_int_equal(pattern_rounds(&loose, -1), 5);
    const vb_bench_options never = {.max_time = 0.01, .warmup = VB_OFF, .precision = -1};
    assert_int_equal(pattern_rounds(&never, -1), 1000);
    /* Fixed rounds always run to the last. */
    const vb_bench_options fixed = {.max_time = 0.01, .warmup = VB_OFF, .rounds = 40};
    assert_int_equal(pattern_rounds(&fixed, -1), 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(precision_is_the_smallest_step),
        cmocka_unit_test(options_init_fills_the_documented_defaults),
        cmocka_unit_test(grows_by_ten_until_the_target),
        cmocka_unit_test(estimates_between_estimate_and_target),
        cmocka_unit_test(coarse_timer_sets_the_target),
        cmocka_unit_test(slow_function_gets_min_rounds),
        cmocka_unit_test(warmup_repeats_each_step),
        cmocka_unit_test(warmup_of_a_slow_function_is_bounded),
        cmocka_unit_test(bad_parameters_are_rejected),
        cmocka_unit_test(runner_uses_the_injected_clock),
        cmocka_unit_test(measurement_stops_when_the_median_is_precise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
