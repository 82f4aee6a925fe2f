/* SPDX-License-Identifier: MIT */
/* Tests of running benchmarks: isolation (crash, hang), checks, fixtures, pedantic mode,
   limits, smoke mode, memory figures of a benchmark allocating a known amount, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

static const vb_bench *add(const char *name, vb_fn fn, const vb_bench_options *o)
{
    vb_error e;
    if (vb_register(name, fn, o, &e) != VB_OK) {
        fail_msg("register %s: %s", name, e.msg);
    }
    return vb_registry_get(vb_registry_count() - 1);
}

static vb_run_options quick(bool fork)
{
    vb_run_options cfg;
    vb_run_options_init(&cfg);
    cfg.fork = fork;
    cfg.max_time = 0.02;
    return cfg;
}

static int reset(void **state)
{
    (void)state;
    vb_registry_clear();
    return 0;
}

static void crasher(vb_state *st)
{
    while (vb_loop(st)) {
        raise(SIGSEGV);
    }
}

static void aborter(vb_state *st)
{
    while (vb_loop(st)) {
        abort();
    }
}

static void crash_is_reported_with_its_signal(void **state)
{
    (void)state;
    const vb_run_options cfg = quick(true);
    vb_result r;
    assert_int_equal(vb_run_bench(add("crash", crasher, NULL), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_CRASHED);
    assert_int_equal(r.signal, SIGSEGV);
    assert_non_null(strstr(r.msg, "signal 11"));
    assert_int_equal(r.ndata, 0);
    vb_result_clear(&r);
    assert_int_equal(vb_run_bench(add("abort", aborter, NULL), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_CRASHED);
    assert_int_equal(r.signal, SIGABRT);
    vb_result_clear(&r);
}

static void hanger(vb_state *st)
{
    while (vb_loop(st)) {
        pause();
    }
}

static void hang_is_killed_at_the_timeout(void **state)
{
    (void)state;
    const vb_bench_options o = {.timeout = 0.5};
    const vb_run_options cfg = quick(true);
    vb_result r;
    assert_int_equal(vb_run_bench(add("hang", hanger, &o), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_TIMEOUT);
    assert_non_null(strstr(r.msg, "timeout"));
    vb_result_clear(&r);
}

static void checker(vb_state *st)
{
    int n = 0;
    while (vb_loop(st)) {
        vb_check(st, ++n < 3, "n stays below 3");
    }
}

static void failed_check_fails_the_benchmark(void **state)
{
    (void)state;
    for (int fork = 0; fork < 2; fork++) {
        const vb_run_options cfg = quick(fork);
        vb_result r;
        const vb_bench *b = vb_registry_count() ? vb_registry_get(0) : add("check", checker, NULL);
        assert_int_equal(vb_run_bench(b, &cfg, &r, NULL), VB_OK);
        assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
        assert_non_null(strstr(r.msg, "n stays below 3"));
        assert_non_null(strstr(r.msg, "test_vb_runner.c:"));
        vb_result_clear(&r);
    }
}

/* Fixtures: setup builds a context, the body uses it, teardown frees it. */
static int teardowns, round_setups, round_teardowns, body_iterations;
static long long seen_param;

static int make_context(vb_state *st)
{
    int *v = malloc(sizeof *v);
    *v = 42;
    vb_set_context(st, v);
    return 0;
}

static void free_context(vb_state *st)
{
    free(vb_context(st));
    teardowns++;
}

static void uses_context(vb_state *st)
{
    const int *v = vb_context(st);
    seen_param = vb_param(st);
    while (vb_loop(st)) {
        body_iterations++;
        vb_check(st, v && *v == 42, "context from setup");
    }
}

static void uses_vb_for(vb_state *st)
{
    vb_for(st)
    {
        body_iterations++;
        vb_clobber();
    }
}

static void count_round_setup(vb_state *st)
{
    (void)st;
    round_setups++;
}

static void count_round_teardown(vb_state *st)
{
    (void)st;
    round_teardowns++;
}

static void fixtures_and_pedantic_rounds(void **state)
{
    (void)state;
    teardowns = round_setups = round_teardowns = body_iterations = 0;
    const vb_bench_options o = {.setup = make_context,
                                .teardown = free_context,
                                .pedantic = 1,
                                .rounds = 7,
                                .iterations = 3,
                                .warmup_rounds = 2,
                                .round_setup = count_round_setup,
                                .round_teardown = count_round_teardown,
                                VB_PARAMS(365)};
    vb_run_options cfg = quick(false);
    cfg.memory = false;
    vb_result r;
    assert_int_equal(vb_run_bench(add("ped", uses_context, &o), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_int_equal(r.ndata, 7);
    assert_int_equal(r.iterations, 3);
    assert_int_equal(r.warmup_rounds, 2);
    assert_int_equal(round_setups, 9);
    assert_int_equal(round_teardowns, 9);
    assert_int_equal(body_iterations, 27);
    assert_int_equal(teardowns, 1);
    assert_int_equal(seen_param, 365);
    vb_result_clear(&r);
}

static void vb_for_runs_the_same_iterations(void **state)
{
    (void)state;
    body_iterations = 0;
    const vb_bench_options o = {.pedantic = 1, .rounds = 7, .iterations = 3, .warmup_rounds = 2};
    vb_run_options cfg = quick(false);
    cfg.memory = false;
    vb_result r;
    assert_int_equal(vb_run_bench(add("for", uses_vb_for, &o), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_int_equal(r.ndata, 7);
    assert_int_equal(body_iterations, 27);
    assert_true(r.stats.min > 0);
    vb_result_clear(&r);
    /* Calibrated: passes, and is timed. */
    cfg = quick(true);
    assert_int_equal(vb_run_bench(add("for2", uses_vb_for, NULL), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_true(r.iterations >= 1 && r.ndata >= 5);
    vb_result_clear(&r);
}

static int failing_setup(vb_state *st)
{
    (void)st;
    return 1;
}

static void failed_setup_and_missing_loop(void **state)
{
    (void)state;
    const vb_bench_options o = {.setup = failing_setup};
    const vb_run_options cfg = quick(false);
    vb_result r;
    body_iterations = 0;
    assert_int_equal(vb_run_bench(add("bad_setup", uses_context, &o), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
    assert_non_null(strstr(r.msg, "setup"));
    assert_int_equal(body_iterations, 0);
    vb_result_clear(&r);
    assert_int_equal(vb_run_bench(add("no_loop", count_round_setup, NULL), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
    assert_non_null(strstr(r.msg, "vb_loop"));
    vb_result_clear(&r);
}

static int setup_with_failed_check(vb_state *st)
{
    make_context(st);
    vb_check(st, false, "the dataset is empty");
    return 0;
}

static void teardown_runs_after_a_failed_check_in_setup(void **state)
{
    (void)state;
    teardowns = body_iterations = 0;
    const vb_bench_options o = {.setup = setup_with_failed_check, .teardown = free_context};
    const vb_run_options cfg = quick(false);
    vb_result r;
    assert_int_equal(vb_run_bench(add("setup_check", uses_context, &o), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
    assert_non_null(strstr(r.msg, "the dataset is empty"));
    assert_int_equal(body_iterations, 0);
    assert_int_equal(teardowns, 1);
    vb_result_clear(&r);
}

static void smoke_runs_each_body_once(void **state)
{
    (void)state;
    vb_run_options cfg = quick(false);
    cfg.smoke = true;
    body_iterations = 0;
    vb_result r;
    assert_int_equal(
        vb_run_bench(add("smoke", uses_context,
                         &(vb_bench_options){.setup = make_context, .teardown = free_context}),
                     &cfg, &r, NULL),
        VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_int_equal(body_iterations, 1);
    assert_int_equal(r.ndata, 0);
    assert_true(r.smoke);
    vb_result_clear(&r);
}

/* Repetitions: each setup appends its process id to a file, so the test sees which process
   ran each repetition; the body crashes in the process that finds `crash_at` ids before it. */
static char pid_file[64];
static int crash_at = -1;
static int my_index;

static int note_pid(vb_state *st)
{
    (void)st;
    FILE *f = fopen(pid_file, "a+");
    if (!f) {
        return 1;
    }
    rewind(f);
    long pid;
    my_index = 0;
    while (fscanf(f, "%ld", &pid) == 1) {
        my_index++;
    }
    fprintf(f, "%ld\n", (long)getpid());
    return fclose(f) != 0;
}

static void spin_or_crash(vb_state *st)
{
    volatile unsigned x = 0;
    while (vb_loop(st)) {
        if (my_index == crash_at) {
            raise(SIGSEGV);
        }
        for (int i = 0; i < 100; i++) {
            x = x + (unsigned)i;
        }
    }
}

/* The process ids the setups wrote, in order; returns how many. */
static int read_pids(long *pids, int cap)
{
    FILE *f = fopen(pid_file, "r");
    int n = 0;
    while (f && n < cap && fscanf(f, "%ld", &pids[n]) == 1) {
        n++;
    }
    if (f) {
        fclose(f);
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void repetitions_run_each_in_its_own_process(void **state)
{
    (void)state;
    snprintf(pid_file, sizeof pid_file, "%spids", VITALS_TMP_PREFIX);
    unlink(pid_file);
    crash_at = -1;
    /* The benchmark asks for 3; the run's 1 does not lower it. */
    const vb_bench_options o = {.setup = note_pid, .repetitions = 3};
    const vb_bench *b = add("reps", spin_or_crash, &o);
    vb_run_options cfg = quick(true);
    vb_result r;
    assert_int_equal(vb_run_bench(b, &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_int_equal(r.nreps, 3);
    long pids[8];
    assert_int_equal(read_pids(pids, 8), 3);
    for (int i = 0; i < 3; i++) {
        assert_true(pids[i] != (long)getpid());
        for (int j = 0; j < i; j++) {
            assert_true(pids[i] != pids[j]);
        }
    }
    /* The rounds of the three processes, pooled; the statistics are those of the pool. */
    size_t rounds = 0;
    int64_t peak = -1;
    for (size_t i = 0; i < r.nreps; i++) {
        assert_true(r.reps[i].rounds >= 5);
        assert_true(r.reps[i].min <= r.reps[i].median && r.reps[i].median <= r.reps[i].max);
        assert_true(r.reps[i].wall_time > 0);
        rounds += r.reps[i].rounds;
        peak = r.reps[i].peak_rss > peak ? r.reps[i].peak_rss : peak;
    }
    assert_int_equal(r.ndata, rounds);
    assert_int_equal(r.stats.rounds, rounds);
    assert_int_equal(r.peak_rss, peak);
    double *sorted = malloc(r.ndata * sizeof *sorted);
    memcpy(sorted, r.data, r.ndata * sizeof *sorted);
    qsort(sorted, r.ndata, sizeof *sorted, cmp_double);
    const double median =
        r.ndata % 2 ? sorted[r.ndata / 2] : (sorted[r.ndata / 2 - 1] + sorted[r.ndata / 2]) / 2;
    assert_float_equal(r.stats.median, median, 0);
    assert_float_equal(r.stats.min, sorted[0], 0);
    free(sorted);
    /* The first repetition's own rounds lead the pool. */
    assert_true(r.data[0] >= r.reps[0].min && r.data[0] <= r.reps[0].max);
    vb_result_clear(&r);

    /* The run's count wins when larger; without fork they all run in this process. */
    unlink(pid_file);
    cfg = quick(false);
    cfg.repetitions = 4;
    assert_int_equal(vb_run_bench(b, &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_int_equal(r.nreps, 4);
    assert_int_equal(read_pids(pids, 8), 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pids[i], (long)getpid());
    }
    vb_result_clear(&r);

    /* A smoke run has no statistics: one process whatever the count. */
    unlink(pid_file);
    cfg = quick(true);
    cfg.smoke = true;
    assert_int_equal(vb_run_bench(b, &cfg, &r, NULL), VB_OK);
    assert_int_equal(read_pids(pids, 8), 1);
    assert_int_equal(r.nreps, 0);
    vb_result_clear(&r);
    unlink(pid_file);
}

static void a_crash_in_a_later_repetition_fails_the_benchmark(void **state)
{
    (void)state;
    snprintf(pid_file, sizeof pid_file, "%spids", VITALS_TMP_PREFIX);
    unlink(pid_file);
    crash_at = 1; /* the second process */
    const vb_bench_options o = {.setup = note_pid};
    vb_run_options cfg = quick(true);
    cfg.repetitions = 3;
    vb_result r;
    assert_int_equal(vb_run_bench(add("crash2", spin_or_crash, &o), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_CRASHED);
    assert_int_equal(r.signal, SIGSEGV);
    assert_non_null(strstr(r.msg, "repetition 2 of 3: killed by signal 11"));
    long pids[8];
    assert_int_equal(read_pids(pids, 8), 2); /* the third never ran */
    assert_int_equal(r.nreps, 1);
    assert_int_equal(r.ndata, r.reps[0].rounds);
    vb_result_clear(&r);
    crash_at = -1;
    unlink(pid_file);
}

static void spin(vb_state *st)
{
    volatile unsigned x = 0;
    while (vb_loop(st)) {
        for (int i = 0; i < 100; i++) {
            x = x + (unsigned)i;
        }
    }
}

static void limits_fail_the_benchmark(void **state)
{
    (void)state;
    const vb_run_options cfg = quick(true);
    vb_result r;
    const vb_bench_options tight = {.max_mean_s = 1e-15};
    assert_int_equal(vb_run_bench(add("tight", spin, &tight), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
    assert_non_null(strstr(r.msg, "max_mean_s"));
    assert_true(r.ndata > 0);
    vb_result_clear(&r);
    const vb_bench_options loose = {.max_mean_s = 10, .max_rss_mb = 4096};
    assert_int_equal(vb_run_bench(add("loose", spin, &loose), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    vb_result_clear(&r);
}

static void limits_scale_with_the_parameter(void **state)
{
    (void)state;
    /* A limit of 1 s given for 365 days is 30/365 s for 30 days. */
    const vb_bench_options o = {.max_mean_s = 1.0, .limit_param = 365, VB_PARAMS(30)};
    const vb_bench *b = add("scaled", spin, &o);
    vb_result r;
    memset(&r, 0, sizeof r);
    r.bench = b;
    r.ndata = 1;
    r.heap_peak = r.peak_rss = -1;
    r.stats.mean = 0.09; /* above 30/365 = 0.0822 */
    assert_false(vb_check_limits(&r));
    assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
    r.outcome = VB_OUTCOME_PASSED;
    r.msg[0] = '\0';
    r.stats.mean = 0.08;
    assert_true(vb_check_limits(&r));
}

/* Known amounts: 4 MiB allocated and freed per iteration; 32 MiB touched. */
enum { HEAP_BYTES = 4 << 20, RSS_BYTES = 32 << 20 };

static void allocate_known(vb_state *st)
{
    while (vb_loop(st)) {
        char *p = malloc(HEAP_BYTES);
        vb_check(st, p != NULL, "malloc");
        if (p) {
            p[0] = 1;
            /* The pointer must escape, or clang removes the malloc/free pair. */
            vb_do_not_optimize(p);
        }
        free(p);
    }
}

static void touch_known(vb_state *st)
{
    while (vb_loop(st)) {
        char *p = malloc(RSS_BYTES);
        if (!vb_check(st, p != NULL, "malloc")) {
            return;
        }
        memset(p, 1, RSS_BYTES);
        vb_do_not_optimize(p);
        free(p);
    }
}

static void nothing(vb_state *st)
{
    while (vb_loop(st)) {
        vb_clobber();
    }
}

static void memory_of_a_known_allocation(void **state)
{
    (void)state;
    const vb_run_options cfg = quick(true);
    vb_result r;
    assert_int_equal(vb_run_bench(add("heap", allocate_known, NULL), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    if (!vb_heap_available()) {
        assert_true(r.heap_peak == -1);
        vb_result_clear(&r);
        skip();
    }
    /* Tolerance: exactly one allocation of 4 MiB per iteration; the live peak is the block's
       usable size, at most a page above the request. */
    assert_float_equal(r.heap_allocs, 1.0, 1e-9);
    assert_float_equal(r.heap_bytes, (double)HEAP_BYTES, 1e-6);
    assert_true(r.heap_peak >= HEAP_BYTES);
    assert_true(r.heap_peak <= HEAP_BYTES + 4096);
    vb_result_clear(&r);

    vb_result base, big;
    assert_int_equal(vb_run_bench(add("rss_base", nothing, NULL), &cfg, &base, NULL), VB_OK);
    assert_int_equal(vb_run_bench(add("rss_big", touch_known, NULL), &cfg, &big, NULL), VB_OK);
    assert_int_equal(big.outcome, VB_OUTCOME_PASSED);
    assert_true(base.peak_rss > 0);
    /* Tolerance: the 32 MiB touched, within -1 / +4 MiB of the empty benchmark's peak. */
    const int64_t extra = big.peak_rss - base.peak_rss;
    if (extra < RSS_BYTES - (1 << 20) || extra > RSS_BYTES + (4 << 20)) {
        fail_msg("peak RSS grew by %lld bytes for %d touched", (long long)extra, RSS_BYTES);
    }
    assert_true(big.heap_peak >= RSS_BYTES);
    vb_result_clear(&base);
    vb_result_clear(&big);
}

/* .heap_round = VB_OFF skips the counting round: no heap figures, the timing unchanged. */
static void heap_round_can_be_skipped(void **state)
{
    (void)state;
    if (!vb_heap_available()) {
        skip();
    }
    const vb_run_options cfg = quick(true);
    const vb_bench_options off = {.heap_round = VB_OFF};
    vb_result on_r, off_r;
    assert_int_equal(vb_run_bench(add("heap_on", allocate_known, NULL), &cfg, &on_r, NULL), VB_OK);
    assert_int_equal(vb_run_bench(add("heap_off", allocate_known, &off), &cfg, &off_r, NULL),
                     VB_OK);
    assert_int_equal(off_r.outcome, VB_OUTCOME_PASSED);
    assert_true(on_r.heap_peak >= HEAP_BYTES);
    assert_true(off_r.heap_peak == -1 && off_r.heap_allocs == -1);
    assert_true(off_r.stats.rounds > 0 && off_r.peak_rss > 0);
    vb_result_clear(&on_r);
    vb_result_clear(&off_r);
}

static void counters_and_throughput(vb_state *st)
{
    while (vb_loop(st)) {
        vb_clobber();
    }
    vb_set_items(st, 10);
    vb_set_bytes(st, 4096);
    vb_counter_set(st, "rows", 3);
    vb_counter_set(st, "rows", 5);
    vb_counter_set(st, "pages", 2);
}

static void counters_come_back_from_the_child(void **state)
{
    (void)state;
    const vb_run_options cfg = quick(true);
    vb_result r;
    assert_int_equal(vb_run_bench(add("counters", counters_and_throughput, NULL), &cfg, &r, NULL),
                     VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    assert_float_equal(r.items_per_iter, 10, 0);
    assert_float_equal(r.bytes_per_iter, 4096, 0);
    assert_int_equal(r.ncounters, 2);
    assert_string_equal(r.counters[0].name, "rows");
    assert_float_equal(r.counters[0].value, 5, 0);
    assert_true(r.ndata >= 5);
    assert_true(r.stats.min > 0);
    /* Hardware counters: counted when the CPU offers them, "n/a" (-1) otherwise (a VM). */
    if (vb_hw_available()) {
        assert_true(r.instructions > 0);
    } else {
        assert_true(r.instructions == -1 && r.cycles == -1 && r.cache_misses == -1);
    }
    vb_result_clear(&r);
}

static int run_main(int n, ...)
{
    char *argv[16];
    argv[0] = "suite";
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i + 1] = va_arg(ap, char *);
    }
    va_end(ap);
    argv[n + 1] = NULL;
    return vb_main(n + 1, argv);
}

static void main_exit_codes(void **state)
{
    (void)state;
    add("good", nothing, &(vb_bench_options){.marks = "fast"});
    add("check", checker, &(vb_bench_options){.marks = "bad"});
    add("crash", crasher, &(vb_bench_options){.marks = "worse"});
    assert_int_equal(run_main(4, "--quiet", "--max-time=0.01", "-m", "fast"), 0);
    assert_int_equal(run_main(4, "--quiet", "--max-time=0.01", "-m", "fast or bad"), 1);
    assert_int_equal(run_main(2, "--quiet", "--smoke"), 3);
    assert_int_equal(run_main(2, "--quiet", "--bogus"), 2);
    assert_int_equal(run_main(2, "--quiet", "--rounds"), 2);
    assert_int_equal(run_main(3, "--quiet", "--rounds", "zero"), 2);
    assert_int_equal(run_main(3, "--quiet", "-m", "fast and"), 2);
    assert_int_equal(run_main(3, "--quiet", "--sort", "fastest"), 2);
    assert_int_equal(run_main(4, "--quiet", "--profile", "disk", "/tmp"), 2);
    assert_int_equal(run_main(2, "--list", "-k=good"), 0);
    /* Every kind of option: a valid value is accepted (--list then exits 0), a bad one is a
       usage error. */
    assert_int_equal(run_main(14, "--list", "-q", "--sort=mean", "--env-factor", "none",
                              "--gate-metric=instructions", "--compare-fail", "mean:10%",
                              "--alpha=0.05", "--margin", "1.5", "--no-warmup", "--compare=3",
                              "--min-rounds=7"),
                     0);
    assert_int_equal(run_main(3, "--list", "--alpha", "1"), 2);
    assert_int_equal(run_main(3, "--list", "--alpha", "0"), 2);
    assert_int_equal(run_main(2, "--list", "--margin=-1"), 2);
    assert_int_equal(run_main(2, "--list", "--max-time=0"), 2);
    assert_int_equal(run_main(3, "--list", "--env-factor", "kernels"), 2);
    assert_int_equal(run_main(2, "--list", "--gate-metric=cycles"), 2);
    assert_int_equal(run_main(3, "--list", "--compare-fail", "speed:10%"), 2);
    assert_int_equal(run_main(2, "--list", "--compare-fail"), 2);
    assert_int_equal(run_main(3, "--list", "--profile", "cpu"), 2);
    assert_int_equal(run_main(2, "--list", "--list=yes"), 2);
    assert_int_equal(run_main(2, "--list", "--min-rounds=-2"), 2);
}

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Burns `ns` of this thread's CPU time. */
static void burn(uint64_t ns)
{
    const uint64_t c0 = thread_cpu_ns();
    uint64_t x = 1;
    while (thread_cpu_ns() - c0 < ns) {
        for (int i = 0; i < 1000; i++) {
            x = x * 6364136223846793005u + (uint64_t)i;
        }
        vb_do_not_optimize(x);
    }
}

/* Per iteration: 4 ms of CPU timed, 20 ms of CPU paused, 10 ms asleep timed. */
static void cpu_and_sleep(vb_state *st)
{
    while (vb_loop(st)) {
        burn(4000000u);
        vb_pause(st);
        burn(20000000u);
        vb_resume(st);
        const struct timespec ten_ms = {0, 10000000};
        nanosleep(&ten_ms, NULL);
    }
}

/* Runs burn(ns) in a child process and waits for it. */
static void burn_in_child(uint64_t ns)
{
    const pid_t pid = fork();
    if (pid == 0) {
        burn(ns);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
}

/* The CPU time of the children this process has waited for, in seconds. */
static double children_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The most CPU time a child that burns nothing costs (fork, exit, wait) over three tries: a
   fraction of a millisecond natively, far more under valgrind, whose child checks for leaks
   as it exits. */
static double idle_child_cpu_s(void)
{
    double most = 0;
    for (int i = 0; i < 3; i++) {
        const double before = children_cpu_s();
        burn_in_child(0);
        const double s = children_cpu_s() - before;
        most = s > most ? s : most;
    }
    return most;
}

/* Per iteration: 6 ms of CPU in a child waited for while timed, 20 ms in one waited for while
   paused. */
static void cpu_in_children(vb_state *st)
{
    while (vb_loop(st)) {
        burn_in_child(6000000u);
        vb_pause(st);
        burn_in_child(20000000u);
        vb_resume(st);
    }
}

/* Runs `bench` (forked or not), asserts it passed, and gives its result (vb_result_clear). */
static vb_result run_passed(const vb_bench *bench, bool fork_it)
{
    const vb_run_options cfg = quick(fork_it);
    vb_result r;
    assert_int_equal(vb_run_bench(bench, &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    return r;
}

/* A benchmark declared to keep two threads busy gets its CPU time measured, pauses left out,
   in this process and from a forked child; another benchmark gets none. */
static void cpu_time_of_threaded_benchmarks(void **state)
{
    (void)state;
    vb_bench_options o;
    vb_bench_options_init(&o);
    o.threads = 2;
    o.pedantic = VB_ON;
    o.rounds = 3;
    const vb_bench *threaded = add("threaded", cpu_and_sleep, &o);
    o.threads = 0;
    const vb_bench *plain = add("plain", cpu_and_sleep, &o);
    for (int fork_it = 0; fork_it < 2; fork_it++) {
        vb_result r = run_passed(threaded, fork_it == 1);
        /* At least the 4 ms burnt while timed; without the paused 20 ms. */
        assert_true(r.cpu_median >= 0.004);
        assert_true(r.cpu_median < 0.014);
        /* The wall time also holds the 10 ms asleep, which uses no CPU. */
        assert_true(r.stats.median >= r.cpu_median + 0.009);
        assert_true(r.nreps == 1 && r.reps[0].cpu_median == r.cpu_median);
        vb_result_clear(&r);
        r = run_passed(plain, fork_it == 1);
        assert_true(r.cpu_median == 0);
        vb_result_clear(&r);
    }
    /* The CPU time of the children it waited for counts (an import in a child process), but
       not while paused. */
    o.threads = 2;
    const vb_bench *children = add("children", cpu_in_children, &o);
    /* A round holds the timed child's 6 ms and what a child costs anyway; the paused child
       would add 20 ms and that cost again. */
    const double child_cost = idle_child_cpu_s();
    for (int fork_it = 0; fork_it < 2; fork_it++) {
        vb_result r = run_passed(children, fork_it == 1);
        assert_true(r.cpu_median >= 0.0059);
        assert_true(r.cpu_median < 0.016 + 2 * child_cost);
        vb_result_clear(&r);
    }
    /* Three repetitions: the median of the three processes' medians. */
    vb_run_options cfg = quick(true);
    cfg.repetitions = 3;
    vb_result r;
    assert_int_equal(vb_run_bench(threaded, &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.nreps, 3);
    double v[3] = {r.reps[0].cpu_median, r.reps[1].cpu_median, r.reps[2].cpu_median};
    for (int i = 0; i < 3; i++) {
        assert_true(v[i] >= 0.004 && v[i] < 0.014);
    }
    const double lo = v[0] < v[1] ? v[0] : v[1], hi = v[0] < v[1] ? v[1] : v[0];
    const double mid = v[2] < lo ? lo : v[2] > hi ? hi : v[2];
    assert_true(r.cpu_median == mid);
    vb_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(crash_is_reported_with_its_signal, reset),
        cmocka_unit_test_setup(hang_is_killed_at_the_timeout, reset),
        cmocka_unit_test_setup(failed_check_fails_the_benchmark, reset),
        cmocka_unit_test_setup(fixtures_and_pedantic_rounds, reset),
        cmocka_unit_test_setup(vb_for_runs_the_same_iterations, reset),
        cmocka_unit_test_setup(failed_setup_and_missing_loop, reset),
        cmocka_unit_test_setup(teardown_runs_after_a_failed_check_in_setup, reset),
        cmocka_unit_test_setup(smoke_runs_each_body_once, reset),
        cmocka_unit_test_setup(repetitions_run_each_in_its_own_process, reset),
        cmocka_unit_test_setup(a_crash_in_a_later_repetition_fails_the_benchmark, reset),
        cmocka_unit_test_setup(limits_fail_the_benchmark, reset),
        cmocka_unit_test_setup(limits_scale_with_the_parameter, reset),
        cmocka_unit_test_setup(memory_of_a_known_allocation, reset),
        cmocka_unit_test_setup(heap_round_can_be_skipped, reset),
        cmocka_unit_test_setup(counters_come_back_from_the_child, reset),
        cmocka_unit_test_setup(main_exit_codes, reset),
        cmocka_unit_test_setup(cpu_time_of_threaded_benchmarks, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
