/* SPDX-License-Identifier: MIT */
/* Tests of the regression gate's verdicts, the saved runs and --compare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

static void body(vb_state *st)
{
    while (vb_loop(st)) {
    }
}

enum { N = 100 };

typedef struct fixture {
    double base[N];
    double now[N];
    vb_repetition reps[N];
    vb_baseline_entry entry;
    vb_result r;
    vb_gate_options opts;
} fixture;

/* A baseline of 100 processes whose medians spread 1.00 .. 1.05 us; results of processes with
   the same spread x `k`. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    vb_registry_clear();
    assert_int_equal(vb_register("b", body, NULL, NULL), VB_OK);
    assert_int_equal(vb_register("limited", body, &(vb_bench_options){.max_mean_s = 10}, NULL),
                     VB_OK);
    for (int i = 0; i < N; i++) {
        f->base[i] = 1e-6 * (1 + 0.05 * (0.5 + 0.5 * sin(i * 1.7)));
    }
    f->entry.runs = 10;
    f->entry.samples = f->base;
    f->entry.nsamples = N;
    double sorted[N];
    memcpy(sorted, f->base, sizeof sorted);
    vb_stats_sort(sorted, N);
    f->entry.median_p90 = vb_stats_median_sorted(sorted, N);
    f->entry.peak_rss_p90 = 10 << 20;
    f->entry.heap_peak_p90 = -1;
    f->entry.instructions_p90 = -1;
    vb_gate_options_init(&f->opts);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    vb_registry_clear();
    return 0;
}

/* A result of `processes` processes (repetitions) whose medians are baseline values x `k`, each
   of 20 rounds spread around its median. */
static void make_result(fixture *f, double k, size_t processes)
{
    memset(&f->r, 0, sizeof f->r);
    f->r.bench = vb_registry_get(0);
    size_t rounds = 0;
    for (size_t p = 0; p < processes; p++) {
        const double median = f->base[(p * 37) % N] * k;
        f->reps[p] =
            (vb_repetition){.median = median, .rounds = 20, .peak_rss = 10 << 20, .heap_peak = -1};
        for (size_t i = 0; i < 20 && rounds < N; i++) {
            f->now[rounds++] = median * (1 + 0.01 * ((double)i - 9.5) / 10);
        }
    }
    f->r.reps = f->reps;
    f->r.nreps = processes;
    f->r.data = f->now;
    f->r.ndata = rounds;
    assert_int_equal(vb_stats_compute(f->now, rounds, &f->r.stats, NULL), VB_OK);
    f->r.peak_rss = 10 << 20;
    f->r.heap_peak = -1;
    f->r.instructions = -1;
}

/* The peak RSS of every process of the result. */
static void set_rss(fixture *f, int64_t bytes)
{
    f->r.peak_rss = bytes;
    for (size_t p = 0; p < f->r.nreps; p++) {
        f->reps[p].peak_rss = bytes;
    }
}

static void unchanged_passes(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.0, 5);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_int_equal(f->r.outcome, VB_OUTCOME_PASSED);
    assert_true(v.has_baseline);
    assert_float_equal(v.ratio, 1.0, 0.02);
    assert_string_equal(v.metric, "median");
}

static void slowdown_fails_with_ratio_and_p(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.5, 5);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_true(v.regression);
    assert_float_equal(v.ratio, 1.5, 0.05);
    assert_true(v.p < 1e-6);
    assert_int_equal(f->r.outcome, VB_OUTCOME_FAILED);
    assert_non_null(strstr(f->r.msg, "regression"));
    assert_non_null(strstr(f->r.msg, "p = "));
}

static void slower_machine_is_forgiven_by_the_environment_factor(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.5, 5);
    f->opts.env_factor = 1.5;
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_float_equal(v.ratio, 1.0, 0.05);
}

static void within_margin_or_not_significant_passes(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.15, 5); /* slower, but below the 1.2 margin */
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_true(v.judged);
    assert_true(v.p > 0.01);
    /* 1.5x in one process against 30 of the baseline: the test cannot reach p < 0.01
       (1 / 31 at best), so the benchmark is not judged, and says so. */
    f->entry.nsamples = 30;
    make_result(f, 1.5, 1);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_false(v.judged);
    assert_true(fabs(v.min_p - 1.0 / 31) < 1e-12);
    assert_non_null(strstr(v.msg, "not judged"));
    /* Three processes against the same 30 can (1 / C(33, 3)): judged, and a regression. */
    make_result(f, 1.5, 3);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_true(v.judged);
    assert_true(v.regression);
    f->entry.nsamples = N;
    /* The benchmark's own margin overrides the suite's. */
    make_result(f, 1.5, 5);
    vb_bench copy = *vb_registry_get(0);
    copy.opts.margin = 2.0;
    f->r.bench = &copy;
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
}

/* The rounds of one process never count as samples: a process whose rounds are all far above
   the baseline, among others that are not, is no regression. */
static void rounds_are_not_samples(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.0, 5);
    f->reps[0].median *= 1.6; /* one slow process of five */
    for (size_t i = 0; i < 20; i++) {
        f->now[i] *= 1.6;
    }
    assert_int_equal(vb_stats_compute(f->now, f->r.ndata, &f->r.stats, NULL), VB_OK);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_int_equal(v.processes, 5);
}

static void faster_is_an_improvement(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 0.5, 5);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_true(v.improvement);
}

static void instructions_use_a_tight_threshold(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    f->opts.metric = VB_GATE_INSTRUCTIONS;
    f->entry.instructions_p90 = 1000;
    make_result(f, 1.0, 5);
    f->r.instructions = 1015; /* +1.5% */
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_string_equal(v.metric, "instructions");
    make_result(f, 1.0, 5);
    f->r.instructions = 1100; /* +10% */
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_true(v.regression);
    assert_float_equal(v.ratio, 1.1, 1e-12);
    /* Without a count (no valgrind) the gate judges time. */
    make_result(f, 1.0, 5);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_string_equal(v.metric, "median");
}

static void memory_growth_fails(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.0, 5);
    set_rss(f, 20 << 20);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_true(v.regression);
    assert_string_equal(v.metric, "peak_rss");
}

/* 1.3x the baseline but only 3 MiB more: under the 4 MiB noise floor, not a regression;
   the same ratio with a floor of 2 MiB is one. */
static void memory_noise_floor(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.0, 5);
    set_rss(f, 13 << 20);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_false(v.regression);
    f->opts.memory_floor_mb = 2;
    make_result(f, 1.0, 5);
    set_rss(f, 13 << 20);
    vb_gate_check(&f->entry, &f->opts, &f->r, &v);
    assert_true(v.regression);
    assert_string_equal(v.metric, "peak_rss");
}

static void without_baseline_the_defaults_apply(void **state)
{
    fixture *f = *state;
    vb_verdict v;
    make_result(f, 1.0, 5);
    vb_gate_check(NULL, &f->opts, &f->r, &v);
    assert_false(v.regression);
    assert_false(v.has_baseline);
    f->r.stats.mean = 2.0; /* above the seed's 1 s */
    vb_gate_check(NULL, &f->opts, &f->r, &v);
    assert_true(v.regression);
    make_result(f, 1.0, 5);
    set_rss(f, 200 << 20); /* above the seed's 100 MB */
    vb_gate_check(NULL, &f->opts, &f->r, &v);
    assert_true(v.regression);
    /* Registered limits replace the defaults. */
    make_result(f, 1.0, 5);
    f->r.bench = vb_registry_get(1);
    f->r.stats.mean = 2.0;
    vb_gate_check(NULL, &f->opts, &f->r, &v);
    assert_false(v.regression);
}

static void saved_runs_and_compare(void **state)
{
    fixture *f = *state;
    char dir[64] = "/tmp/vbstoreXXXXXX";
    assert_non_null(mkdtemp(dir));
    vb_machine m;
    memset(&m, 0, sizeof m);
    strcpy(m.system, "Linux");
    strcpy(m.machine, "x86_64");
    strcpy(m.compiler, "gcc 12.2.0");
    strcpy(m.commit_id, "abc123");
    char id[64];
    vb_storage_machine_id(&m, id, sizeof id);
    assert_string_equal(id, "Linux-x86_64-gcc12");
    make_result(f, 1.0, 5);
    const vb_suite suite = {&m, &f->r, 1, NULL};
    char p1[512], p2[512], found[512];
    vb_error e;
    assert_int_equal(vb_storage_save(dir, &suite, NULL, p1, sizeof p1, &e), VB_OK);
    assert_non_null(strstr(p1, "/Linux-x86_64-gcc12/0001_abc123.json"));
    assert_int_equal(vb_storage_save(dir, &suite, "my run", p2, sizeof p2, &e), VB_OK);
    assert_non_null(strstr(p2, "/0002_my_run.json"));
    assert_int_equal(vb_storage_find(dir, &m, NULL, found, sizeof found, &e), VB_OK);
    assert_string_equal(found, p2);
    assert_int_equal(vb_storage_find(dir, &m, "1", found, sizeof found, &e), VB_OK);
    assert_string_equal(found, p1);
    assert_int_equal(vb_storage_find(dir, &m, "7", found, sizeof found, &e), VB_ERR_NOT_FOUND);
    assert_int_equal(vb_storage_find(dir, &m, p1, found, sizeof found, &e), VB_OK);

    vb_compare_rule rules[2];
    assert_int_equal(vb_compare_rule_parse("mean:20%", &rules[0], &e), VB_OK);
    assert_string_equal(rules[0].metric, "mean");
    assert_float_equal(rules[0].percent, 20, 0);
    assert_int_equal(vb_compare_rule_parse("peak_rss:5", &rules[1], &e), VB_OK);
    assert_int_equal(vb_compare_rule_parse("speed:5%", &rules[1], &e), VB_ERR_PARSE);
    assert_int_equal(vb_compare_rule_parse("mean", &rules[1], &e), VB_ERR_PARSE);
    assert_int_equal(vb_compare_rule_parse("mean:x%", &rules[1], &e), VB_ERR_PARSE);

    FILE *out = tmpfile();
    size_t failures = 9;
    assert_int_equal(vb_compare_print(out, &suite, p1, rules, 1, 0.01, &failures, &e), VB_OK);
    assert_int_equal(failures, 0);
    make_result(f, 1.5, 5); /* 50% slower, significant */
    const vb_suite slower = {&m, &f->r, 1, NULL};
    assert_int_equal(vb_compare_print(out, &slower, p1, rules, 1, 0.01, &failures, &e), VB_OK);
    assert_int_equal(failures, 1);
    rewind(out);
    char text[2048];
    const size_t len = fread(text, 1, sizeof text - 1, out);
    text[len] = '\0';
    fclose(out);
    assert_non_null(strstr(text, "no change"));
    assert_non_null(strstr(text, "slower"));
    assert_non_null(strstr(text, "mean +50.0%"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Through vb_main: the baseline is created, then gates; a corrupt one is a clear error. */
static void spin(vb_state *st)
{
    volatile unsigned x = 0;
    const long n = vb_has_param(st) ? (long)vb_param(st) : 100;
    while (vb_loop(st)) {
        for (long i = 0; i < n; i++) {
            x = x + (unsigned)i;
        }
    }
}

static int run_main(char **argv)
{
    int argc = 0;
    while (argv[argc]) {
        argc++;
    }
    return vb_main(argc, argv);
}

static void main_gate_and_update(void **state)
{
    (void)state;
    vb_registry_clear();
    assert_int_equal(vb_register("spin", spin, &(vb_bench_options){.group = "g"}, NULL), VB_OK);
    char dir[64] = "/tmp/vbmaingateXXXXXX";
    assert_non_null(mkdtemp(dir));
    char base[128];
    snprintf(base, sizeof base, "%s/sub/baseline.json", dir);
    char *update[] = {"suite",      "--quiet", "--max-time", "0.01", "--update-baseline",
                      "--baseline", base,      NULL};
    assert_int_equal(run_main(update), 0);
    vb_baseline *b = NULL;
    assert_int_equal(vb_baseline_load(base, &b, NULL), VB_OK);
    assert_true(vb_baseline_reference_time(b) > 0);
    vb_baseline_free(b);
    char *gate[] = {"suite",      "--quiet", "--max-time", "0.01", "--gate",
                    "--baseline", base,      "--margin",   "100",  NULL};
    assert_int_equal(run_main(gate), 0);
    FILE *fp = fopen(base, "w");
    fputs("{ broken", fp);
    fclose(fp);
    assert_int_equal(run_main(gate), 1);
    char *bad_env[] = {"suite", "--quiet", "--env-factor", "moon", NULL};
    assert_int_equal(run_main(bad_env), 2);
    char *bad_metric[] = {"suite", "--quiet", "--gate-metric", "cycles", NULL};
    assert_int_equal(run_main(bad_metric), 2);
    char *bad_rule[] = {"suite", "--quiet", "--compare-fail", "speed:3%", NULL};
    assert_int_equal(run_main(bad_rule), 2);
    char *bad_alpha[] = {"suite", "--quiet", "--alpha", "1.5", NULL};
    assert_int_equal(run_main(bad_alpha), 2);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    vb_registry_clear();
}

static void main_checks_the_exponent(void **state)
{
    (void)state;
    /* A linear body over 1000 and 8000: its exponent is near 1, so a maximum of 0.5 fails the
       family and a maximum of 3 passes it. */
    vb_registry_clear();
    assert_int_equal(vb_register("lin", spin,
                                 &(vb_bench_options){.max_exponent = 0.5, VB_PARAMS(1000, 8000)},
                                 NULL),
                     VB_OK);
    assert_int_equal(vb_register("loose", spin,
                                 &(vb_bench_options){.max_exponent = 3, VB_PARAMS(1000, 8000)},
                                 NULL),
                     VB_OK);
    char *strict[] = {"suite", "--quiet", "--max-time", "0.02", "-k", "lin", NULL};
    assert_int_equal(run_main(strict), 1);
    char *loose[] = {"suite", "--quiet", "--max-time", "0.02", "-k", "loose", NULL};
    assert_int_equal(run_main(loose), 0);
    vb_registry_clear();
}

static void kernel_time_is_positive(void **state)
{
    (void)state;
    double t = 0;
    assert_int_equal(vb_envfactor_kernel(3, &t, NULL), VB_OK);
    assert_true(t > 0);
    vb_error e;
    assert_int_equal(vb_envfactor_kernel(0, &t, &e), VB_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unchanged_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(slowdown_fails_with_ratio_and_p, setup, teardown),
        cmocka_unit_test_setup_teardown(slower_machine_is_forgiven_by_the_environment_factor, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(within_margin_or_not_significant_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(rounds_are_not_samples, setup, teardown),
        cmocka_unit_test_setup_teardown(faster_is_an_improvement, setup, teardown),
        cmocka_unit_test_setup_teardown(instructions_use_a_tight_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_growth_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_noise_floor, setup, teardown),
        cmocka_unit_test_setup_teardown(without_baseline_the_defaults_apply, setup, teardown),
        cmocka_unit_test_setup_teardown(saved_runs_and_compare, setup, teardown),
        cmocka_unit_test(main_gate_and_update),
        cmocka_unit_test(main_checks_the_exponent),
        cmocka_unit_test(kernel_time_is_positive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
