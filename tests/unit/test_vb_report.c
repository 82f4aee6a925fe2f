/* SPDX-License-Identifier: MIT */
/* Tests of the results files: each is written, re-read (jansson for JSON) and checked. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

static void body(vb_state *st)
{
    while (vb_loop(st)) {
    }
}

typedef struct fixture {
    vb_machine m;
    vb_run_options cfg;
    vb_result r[3];
    double data[4];
    char dir[64];
    char path[128];
} fixture;

/* Three hand-made results: one with a parameter and known samples, one plain, one crashed. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    vb_registry_clear();
    const vb_bench_options daily = {
        .group = "calculator", .marks = "performance", .param_name = "days", VB_PARAMS(365)};
    assert_int_equal(vb_register("daily", body, &daily, NULL), VB_OK);
    assert_int_equal(vb_register("plain", body, NULL, NULL), VB_OK);
    assert_int_equal(vb_register("boom", body, NULL, NULL), VB_OK);
    vb_machine_probe(&f->m);
    vb_run_options_init(&f->cfg);
    f->cfg.max_time = 0.5;
    const double samples[4] = {2e-6, 1e-6, 4e-6, 3e-6};
    memcpy(f->data, samples, sizeof samples);
    for (int i = 0; i < 3; i++) {
        f->r[i].bench = vb_registry_get((size_t)i);
        f->r[i].peak_rss = 10 << 20;
        f->r[i].heap_peak = 4096;
        f->r[i].heap_allocs = 2;
        f->r[i].heap_bytes = 128;
        f->r[i].instructions = -1;
    }
    for (int i = 0; i < 2; i++) {
        f->r[i].data = f->data;
        f->r[i].ndata = 4;
        f->r[i].iterations = 1000;
        assert_int_equal(vb_stats_compute(f->data, 4, &f->r[i].stats, NULL), VB_OK);
    }
    f->r[0].items_per_iter = 365;
    f->r[0].ncounters = 1;
    strcpy(f->r[0].counters[0].name, "rows");
    f->r[0].counters[0].value = 7;
    f->r[1].heap_peak = -1; /* n/a */
    f->r[1].heap_allocs = f->r[1].heap_bytes = -1;
    f->r[2].outcome = VB_OUTCOME_CRASHED;
    f->r[2].signal = 11;
    strcpy(f->r[2].msg, "killed by signal 11 | core");
    strcpy(f->dir, "/tmp/vbreportXXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    vb_registry_clear();
    return 0;
}

static json_t *load(const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        fail_msg("%s:%d: %s", path, je.line, je.text);
    }
    return root;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v)) {
        fail_msg("%s is not a number", key);
    }
    return json_number_value(v);
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        fail_msg("%s is not a string", key);
    }
    return json_string_value(v);
}

static void pytest_schema(void **state)
{
    fixture *f = *state;
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    snprintf(f->path, sizeof f->path, "%s/r.json", f->dir);
    assert_int_equal(vb_report_json_write(&suite, f->path, NULL), VB_OK);
    json_t *root = load(f->path);
    assert_true(json_is_object(json_object_get(root, "machine_info")));
    assert_string_equal(str(json_object_get(root, "machine_info"), "node"), f->m.host);
    json_t *ci = json_object_get(root, "commit_info");
    assert_true(json_is_object(ci));
    assert_true(json_is_string(json_object_get(ci, "id")));
    assert_true(json_is_boolean(json_object_get(ci, "dirty")));
    assert_string_equal(str(root, "datetime"), f->m.datetime);
    assert_string_equal(str(root, "version"), vb_version());

    json_t *list = json_object_get(root, "benchmarks");
    /* The crashed one has no statistics and is listed under failures instead. */
    assert_int_equal(json_array_size(list), 2);
    json_t *b = json_array_get(list, 0);
    assert_string_equal(str(b, "group"), "calculator");
    assert_string_equal(str(b, "name"), "daily[365]");
    assert_string_equal(str(b, "fullname"), "calculator/daily[365]");
    assert_string_equal(str(b, "param"), "365");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "params"), "days")),
                     365);
    /* What github-action-benchmark's tool 'pytest' reads: fullname, stats.ops, stats.stddev,
       stats.mean, stats.rounds. Expected values from the samples {2, 1, 4, 3} us by hand:
       mean 2.5 us, sample stddev sqrt(5/3) us, ops 4 / 10 us, median 2.5 us. */
    json_t *st = json_object_get(b, "stats");
    assert_float_equal(num(st, "mean"), 2.5e-6, 1e-18);
    assert_float_equal(num(st, "stddev"), 1.2909944487358056e-6, 1e-18);
    assert_float_equal(num(st, "ops"), 400000.0, 1e-6);
    assert_int_equal(json_integer_value(json_object_get(st, "rounds")), 4);
    assert_float_equal(num(st, "median"), 2.5e-6, 1e-18);
    assert_float_equal(num(st, "min"), 1e-6, 1e-18);
    assert_float_equal(num(st, "max"), 4e-6, 1e-18);
    assert_float_equal(num(st, "total"), 1e-5, 1e-18);
    assert_int_equal(json_integer_value(json_object_get(st, "iterations")), 1000);
    assert_true(json_is_string(json_object_get(st, "outliers")));
    const char *keys[] = {
        "q1", "q3", "iqr", "ld15iqr", "hd15iqr", "iqr_outliers", "stddev_outliers"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_non_null(json_object_get(st, keys[i]));
    }
    json_t *data = json_object_get(st, "data");
    assert_int_equal(json_array_size(data), 4);
    assert_float_equal(json_number_value(json_array_get(data, 2)), 4e-6, 1e-18);
    json_t *opt = json_object_get(b, "options");
    assert_float_equal(num(opt, "max_time"), 0.5, 0);
    assert_int_equal(json_integer_value(json_object_get(opt, "min_rounds")), 5);
    assert_float_equal(num(opt, "precision"), 0.01, 0); /* the default: 1% */
    json_t *extra = json_object_get(b, "extra_info");
    assert_int_equal(json_integer_value(json_object_get(extra, "peak_rss_bytes")), 10 << 20);
    assert_int_equal(json_integer_value(json_object_get(extra, "heap_peak_bytes")), 4096);
    assert_float_equal(num(extra, "heap_allocs_per_iter"), 2, 0);
    assert_float_equal(num(extra, "rows"), 7, 0);
    assert_float_equal(num(extra, "items_per_second"), 365 / 2.5e-6, 1e-3);

    json_t *plain = json_array_get(list, 1);
    assert_true(json_is_null(json_object_get(plain, "group")));
    assert_true(json_is_null(json_object_get(plain, "params")));
    assert_true(
        json_is_null(json_object_get(json_object_get(plain, "extra_info"), "heap_peak_bytes")));
    json_t *fails = json_object_get(root, "failures");
    assert_int_equal(json_array_size(fails), 1);
    assert_string_equal(str(json_array_get(fails, 0), "outcome"), "crashed");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(fails, 0), "signal")), 11);
    json_decref(root);
}

static void gbench_schema(void **state)
{
    fixture *f = *state;
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    snprintf(f->path, sizeof f->path, "%s/g.json", f->dir);
    assert_int_equal(vb_report_gbench_write(&suite, f->path, NULL), VB_OK);
    json_t *root = load(f->path);
    json_t *ctx = json_object_get(root, "context");
    const char *keys[] = {"date",     "host_name",   "executable",
                          "num_cpus", "mhz_per_cpu", "cpu_scaling_enabled",
                          "caches",   "load_avg",    "library_build_type"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!json_object_get(ctx, keys[i])) {
            fail_msg("context.%s is missing", keys[i]);
        }
    }
    assert_int_equal(json_integer_value(json_object_get(ctx, "num_cpus")), f->m.num_cpus);
    assert_true(json_is_array(json_object_get(ctx, "caches")));
    assert_int_equal(json_array_size(json_object_get(ctx, "load_avg")), 3);
    json_t *list = json_object_get(root, "benchmarks");
    assert_int_equal(json_array_size(list), 2);
    json_t *b = json_array_get(list, 0);
    assert_string_equal(str(b, "name"), "calculator/daily/365");
    assert_string_equal(str(b, "run_name"), "calculator/daily/365");
    assert_string_equal(str(b, "run_type"), "iteration");
    assert_string_equal(str(b, "time_unit"), "ns");
    assert_int_equal(json_integer_value(json_object_get(b, "repetitions")), 1);
    assert_int_equal(json_integer_value(json_object_get(b, "repetition_index")), 0);
    assert_int_equal(json_integer_value(json_object_get(b, "threads")), 1);
    assert_int_equal(json_integer_value(json_object_get(b, "iterations")), 4000);
    assert_float_equal(num(b, "real_time"), 2500, 1e-9);
    assert_float_equal(num(b, "cpu_time"), 2500, 1e-9);
    assert_float_equal(num(b, "items_per_second"), 365 / 2.5e-6, 1e-3);
    assert_int_equal(json_integer_value(json_object_get(b, "max_bytes_used")), 4096);
    assert_float_equal(num(b, "allocs_per_iter"), 2, 0);
    assert_float_equal(num(b, "rows"), 7, 0);
    assert_string_equal(str(json_array_get(list, 1), "name"), "plain");
    assert_null(json_object_get(json_array_get(list, 1), "max_bytes_used"));
    json_decref(root);
}

static char *slurp(const char *path);

/* Doubles compared in double precision (cmocka 1.1's assert_float_equal works in float). */
static void near(double a, double b, double tolerance)
{
    if (!(fabs(a - b) <= tolerance)) {
        fail_msg("%.17g is not %.17g within %g", a, b, tolerance);
    }
}

/* Three repetitions of calculator/daily[365], by hand: means 1, 2 and 4 us per iteration over
   10 x 100, 20 x 100 and 30 x 200 iterations, peak RSS 1, 3 and 2 MiB. */
static const vb_repetition three_reps[3] = {
    {1e-6, 1e-6, 0.5e-6, 2e-6, 0.1e-6, 0.2e-6, 10, 100, 1 << 20, 1000, 0.5, 0},
    {2e-6, 2e-6, 1.5e-6, 3e-6, 0.2e-6, 0.3e-6, 20, 100, 3 << 20, 3000, 0.6, 0},
    {4e-6, 4e-6, 3.5e-6, 5e-6, 0.3e-6, 0.4e-6, 30, 200, 2 << 20, 2000, 0.7, 0},
};

static void check_entry(json_t *b, const char *name, const char *run_name, const char *type,
                        json_int_t family, json_int_t instance, json_int_t reps)
{
    assert_string_equal(str(b, "name"), name);
    assert_string_equal(str(b, "run_name"), run_name);
    assert_string_equal(str(b, "run_type"), type);
    assert_int_equal(json_integer_value(json_object_get(b, "family_index")), family);
    assert_int_equal(json_integer_value(json_object_get(b, "per_family_instance_index")), instance);
    assert_int_equal(json_integer_value(json_object_get(b, "repetitions")), reps);
    assert_int_equal(json_integer_value(json_object_get(b, "threads")), 1);
    assert_string_equal(str(b, "time_unit"), "ns");
}

/* Writes `suite` as Google Benchmark JSON to `file` in the fixture's folder, gives f->r[0] its
   own (absent) repetitions back, and returns the file re-read. */
static json_t *gbench_written(fixture *f, const vb_suite *suite, const char *file)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, file);
    assert_int_equal(vb_report_gbench_write(suite, f->path, NULL), VB_OK);
    f->r[0].reps = NULL;
    f->r[0].nreps = 0;
    return load(f->path);
}

/* The Google Benchmark JSON of repetitions, re-read field by field: one "iteration" entry per
   repetition, then the aggregates mean, median, stddev and cv as Google Benchmark 1.7.1 writes
   them (the form its compare.py runs a U test on); a family's instances share family_index. */
static void gbench_repetitions(void **state)
{
    fixture *f = *state;
    f->r[0].reps = (vb_repetition *)three_reps;
    f->r[0].nreps = 3;
    const vb_bench_options fam = {.group = "g", VB_PARAMS(30, 365)};
    assert_int_equal(vb_register("fam", body, &fam, NULL), VB_OK);
    vb_result r[5];
    memcpy(r, f->r, 3 * sizeof *r);
    r[0].bench = vb_registry_get(0);
    r[1].bench = vb_registry_get(1);
    r[2].bench = vb_registry_get(2);
    for (int i = 3; i < 5; i++) {
        r[i] = f->r[1];
        r[i].bench = vb_registry_get((size_t)i);
    }
    const vb_suite suite = {&f->m, r, 5, &f->cfg};
    json_t *root = gbench_written(f, &suite, "reps.json");
    json_t *list = json_object_get(root, "benchmarks");
    assert_int_equal(json_array_size(list), 3 + 4 + 1 + 2);
    const double real[3] = {1000, 2000, 4000};
    const json_int_t iterations[3] = {1000, 2000, 6000};
    const json_int_t rss[3] = {1 << 20, 3 << 20, 2 << 20};
    for (int k = 0; k < 3; k++) {
        json_t *b = json_array_get(list, (size_t)k);
        check_entry(b, "calculator/daily/365", "calculator/daily/365", "iteration", 0, 0, 3);
        assert_int_equal(json_integer_value(json_object_get(b, "repetition_index")), k);
        assert_null(json_object_get(b, "aggregate_name"));
        assert_int_equal(json_integer_value(json_object_get(b, "iterations")), iterations[k]);
        near(num(b, "real_time"), real[k], 1e-9);
        near(num(b, "cpu_time"), real[k], 1e-9);
        assert_int_equal(json_integer_value(json_object_get(b, "peak_rss_bytes")), rss[k]);
        near(num(b, "items_per_second"), 365 / (real[k] * 1e-9), 1e-3);
    }
    /* By hand over 1, 2, 4 us: mean 7/3, median 2, sample stddev sqrt(7/3), cv sqrt(3/7). */
    const char *aggs[4] = {"mean", "median", "stddev", "cv"};
    const double values[4] = {7000.0 / 3, 2000, 1000 * 1.5275252316519468, 0.6546536707079771};
    for (int k = 0; k < 4; k++) {
        json_t *b = json_array_get(list, (size_t)(3 + k));
        char name[64];
        snprintf(name, sizeof name, "calculator/daily/365_%s", aggs[k]);
        check_entry(b, name, "calculator/daily/365", "aggregate", 0, 0, 3);
        assert_string_equal(str(b, "aggregate_name"), aggs[k]);
        assert_string_equal(str(b, "aggregate_unit"), k == 3 ? "percentage" : "time");
        assert_null(json_object_get(b, "repetition_index"));
        assert_int_equal(json_integer_value(json_object_get(b, "iterations")), 3);
        near(num(b, "real_time"), values[k], 1e-9);
        near(num(b, "cpu_time"), values[k], 1e-9);
    }
    /* Without repetitions: one iteration entry, repetitions 1, no aggregates. */
    json_t *plain = json_array_get(list, 7);
    check_entry(plain, "plain", "plain", "iteration", 1, 0, 1);
    assert_int_equal(json_integer_value(json_object_get(plain, "repetition_index")), 0);
    check_entry(json_array_get(list, 8), "g/fam/30", "g/fam/30", "iteration", 2, 0, 1);
    check_entry(json_array_get(list, 9), "g/fam/365", "g/fam/365", "iteration", 2, 1, 1);
    json_decref(root);
}

/* A benchmark whose CPU time was measured (.threads >= 2) writes it as cpu_time: each
   repetition's own CPU median, the aggregates over those; real_time stays the wall time. Without
   repetitions, the result's CPU median. */
static void gbench_cpu_time(void **state)
{
    fixture *f = *state;
    vb_repetition reps[3];
    memcpy(reps, three_reps, sizeof reps);
    const double cpu_us[3] = {1.5, 3, 5};
    for (int k = 0; k < 3; k++) {
        reps[k].cpu_median = cpu_us[k] * 1e-6;
    }
    f->r[0].reps = reps;
    f->r[0].nreps = 3;
    f->r[0].cpu_median = 3e-6;
    f->r[1].cpu_median = 7e-6; /* plain: no repetitions */
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    json_t *root = gbench_written(f, &suite, "cpu.json");
    json_t *list = json_object_get(root, "benchmarks");
    assert_int_equal(json_array_size(list), 3 + 4 + 1);
    const double real[3] = {1000, 2000, 4000};
    for (int k = 0; k < 3; k++) {
        json_t *b = json_array_get(list, (size_t)k);
        near(num(b, "real_time"), real[k], 1e-9);
        near(num(b, "cpu_time"), cpu_us[k] * 1000, 1e-9);
    }
    /* By hand over 1.5, 3, 5 us: mean 19/6, median 3, sample stddev sqrt(37/12) (squared
       deviations 25/9, 1/36, 121/36 sum to 37/6, over n - 1 = 2), cv their quotient. The real
       times' aggregates are gbench_repetitions' (1, 2, 4 us). */
    const double cpu[4] = {19000.0 / 6, 3000, 1000 * sqrt(37.0 / 12), sqrt(37.0 / 12) / (19.0 / 6)};
    const double wall[4] = {7000.0 / 3, 2000, 1000 * sqrt(7.0 / 3), sqrt(7.0 / 3) / (7.0 / 3)};
    for (int k = 0; k < 4; k++) {
        json_t *b = json_array_get(list, (size_t)(3 + k));
        near(num(b, "real_time"), wall[k], 1e-9);
        near(num(b, "cpu_time"), cpu[k], 1e-9);
    }
    json_t *plain = json_array_get(list, 7);
    assert_string_equal(str(plain, "name"), "plain");
    near(num(plain, "real_time"), f->r[1].stats.mean * 1e9, 1e-9);
    near(num(plain, "cpu_time"), 7000, 1e-9);
    json_decref(root);
}

/* The pytest JSON keeps each repetition's figures in extra_info.repetitions; CSV and the console
   show the count. */
static void repetitions_in_pytest_json_csv_and_console(void **state)
{
    fixture *f = *state;
    f->r[0].reps = (vb_repetition *)three_reps;
    f->r[0].nreps = 3;
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    snprintf(f->path, sizeof f->path, "%s/r.json", f->dir);
    assert_int_equal(vb_report_json_write(&suite, f->path, NULL), VB_OK);
    json_t *root = load(f->path);
    json_t *b = json_array_get(json_object_get(root, "benchmarks"), 0);
    json_t *reps = json_object_get(json_object_get(b, "extra_info"), "repetitions");
    assert_int_equal(json_array_size(reps), 3);
    for (size_t k = 0; k < 3; k++) {
        json_t *p = json_array_get(reps, k);
        const vb_repetition *e = &three_reps[k];
        near(num(p, "median"), e->median, 0);
        near(num(p, "mean"), e->mean, 0);
        near(num(p, "min"), e->min, 0);
        near(num(p, "max"), e->max, 0);
        near(num(p, "stddev"), e->stddev, 0);
        near(num(p, "iqr"), e->iqr, 0);
        assert_int_equal(json_integer_value(json_object_get(p, "rounds")), e->rounds);
        assert_int_equal(json_integer_value(json_object_get(p, "iterations")), e->iterations);
        assert_int_equal(json_integer_value(json_object_get(p, "peak_rss")), e->peak_rss);
        assert_int_equal(json_integer_value(json_object_get(p, "heap_peak")), e->heap_peak);
        near(num(p, "wall_time"), e->wall_time, 0);
    }
    json_t *plain = json_array_get(json_object_get(root, "benchmarks"), 1);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(plain, "extra_info"), "repetitions")), 0);
    json_decref(root);

    snprintf(f->path, sizeof f->path, "%s/r.csv", f->dir);
    assert_int_equal(vb_report_csv_write(&suite, f->path, NULL), VB_OK);
    const char *csv = slurp(f->path);
    assert_non_null(strstr(csv, ",outcome,repetitions\n"));
    assert_non_null(strstr(csv, ",passed,3\nplain,"));

    snprintf(f->path, sizeof f->path, "%s/console.txt", f->dir);
    FILE *out = fopen(f->path, "w");
    vb_report_console(out, &suite, NULL);
    fclose(out);
    const char *txt = slurp(f->path);
    assert_non_null(strstr(txt, "  Reps  Rounds  "));
    assert_non_null(strstr(txt, "     3       4  ")); /* 3 repetitions, the 4 pooled rounds */
    f->r[0].reps = NULL;
    f->r[0].nreps = 0;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char buf[8192];
    const size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void csv_and_markdown(void **state)
{
    fixture *f = *state;
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    snprintf(f->path, sizeof f->path, "%s/r.csv", f->dir);
    assert_int_equal(vb_report_csv_write(&suite, f->path, NULL), VB_OK);
    const char *csv = slurp(f->path);
    assert_true(strncmp(csv,
                        "name,param,min,max,mean,stddev,median,iqr,outliers,ops,rounds,"
                        "iterations,",
                        63) == 0);
    assert_non_null(strstr(csv, "\ncalculator/daily[365],365,1e-06,4e-06,2.5e-06,"));
    assert_non_null(strstr(csv, "\nboom,,"));
    assert_non_null(strstr(csv, ",crashed,0\n"));
    snprintf(f->path, sizeof f->path, "%s/r.md", f->dir);
    /* The first result was judged by the gate: its change against the baseline is shown. */
    f->r[0].gated = true;
    f->r[0].gate_ratio = 1.25;
    f->r[0].gate_p = 0.003;
    f->r[0].gate_threshold = 1.2;
    snprintf(f->r[0].gate_metric, sizeof f->r[0].gate_metric, "median");
    snprintf(f->r[0].gate_verdict, sizeof f->r[0].gate_verdict, "regression");
    assert_int_equal(vb_report_markdown_write(&suite, f->path, NULL), VB_OK);
    const char *md = slurp(f->path);
    assert_non_null(strstr(md, "| vs baseline | Outcome |"));
    assert_non_null(strstr(md, "| +25.0% median (p = 0.003) regression |"));
    assert_non_null(strstr(md, "| no baseline |"));
    assert_non_null(strstr(md, "### calculator"));
    assert_non_null(strstr(md, "| `daily[365]` | 1.0000 us | 2.5000 us | 2.5000 us |"));
    assert_non_null(strstr(md, "crashed: killed by signal 11 \\| core |"));
}

static void unwritable_path_is_an_error(void **state)
{
    fixture *f = *state;
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    vb_error e;
    assert_int_equal(vb_report_json_write(&suite, "/nonexistent/dir/r.json", &e), VB_ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/dir/r.json"));
    assert_int_equal(vb_report_csv_write(&suite, "/nonexistent/dir/r.csv", &e), VB_ERR_IO);
}

static void console_table(void **state)
{
    fixture *f = *state;
    const vb_suite suite = {&f->m, f->r, 3, &f->cfg};
    snprintf(f->path, sizeof f->path, "%s/console.txt", f->dir);
    FILE *out = fopen(f->path, "w");
    const vb_console_options co = {false, true};
    vb_report_console(out, &suite, &co);
    fclose(out);
    const char *txt = slurp(f->path);
    assert_non_null(strstr(txt, "benchmark 'calculator': 1 tests (times in us)"));
    assert_non_null(strstr(txt, "daily[365]"));
    assert_non_null(strstr(txt, "2.5000"));
    assert_non_null(strstr(txt, "10.0 MiB"));
    assert_non_null(strstr(txt, "crashed  boom: killed by signal 11"));
    char buf[32];
    assert_string_equal(vb_format_time(1.5e-9, buf, sizeof buf), "1.5000 ns");
    assert_string_equal(vb_format_time(2.5e-3, buf, sizeof buf), "2.5000 ms");
    assert_string_equal(vb_format_time(3, buf, sizeof buf), "3.0000 s");
}

static void sorting_keeps_groups_and_orders_params_by_value(void **state)
{
    (void)state;
    vb_registry_clear();
    const vb_bench_options o = {.group = "g", VB_PARAMS(365, 30, 1825)};
    assert_int_equal(vb_register("daily", body, &o, NULL), VB_OK);
    assert_int_equal(vb_register("a_first", body, NULL, NULL), VB_OK);
    vb_result r[4];
    memset(r, 0, sizeof r);
    for (int i = 0; i < 4; i++) {
        r[i].bench = vb_registry_get((size_t)i);
        r[i].stats.mean = 1.0 / (i + 1);
    }
    vb_results_sort(r, 4, VB_SORT_NAME);
    assert_string_equal(r[0].bench->fullname, "a_first"); /* no group sorts first */
    assert_string_equal(r[1].bench->fullname, "g/daily[30]");
    assert_string_equal(r[2].bench->fullname, "g/daily[365]");
    assert_string_equal(r[3].bench->fullname, "g/daily[1825]");
    vb_results_sort(r, 4, VB_SORT_MEAN);
    assert_string_equal(r[1].bench->fullname, "g/daily[1825]"); /* mean 1/3 is the smallest */
}

static void header_warnings(void **state)
{
    (void)state;
    vb_machine m;
    memset(&m, 0, sizeof m);
    m.num_cpus = 2;
    strcpy(m.governor, "powersave");
    m.optimized = false;
    m.load_avg[0] = 5.0;
    char buf[1024];
    assert_int_equal(vb_machine_warnings(&m, buf, sizeof buf), 3);
    assert_non_null(strstr(buf, "governor is 'powersave'"));
    assert_non_null(strstr(buf, "without optimisation"));
    assert_non_null(strstr(buf, "load average 5.00 on 2 CPUs"));
    strcpy(m.governor, "performance");
    m.optimized = true;
    m.load_avg[0] = 0.5;
    assert_int_equal(vb_machine_warnings(&m, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    m.governor[0] = '\0'; /* unknown, as in a VM: no warning */
    assert_int_equal(vb_machine_warnings(&m, buf, sizeof buf), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pytest_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(gbench_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(gbench_repetitions, setup, teardown),
        cmocka_unit_test_setup_teardown(gbench_cpu_time, setup, teardown),
        cmocka_unit_test_setup_teardown(repetitions_in_pytest_json_csv_and_console, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(csv_and_markdown, setup, teardown),
        cmocka_unit_test_setup_teardown(unwritable_path_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(console_table, setup, teardown),
        cmocka_unit_test(sorting_keeps_groups_and_orders_params_by_value),
        cmocka_unit_test(header_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
