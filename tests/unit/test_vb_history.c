/* SPDX-License-Identifier: MIT */
/* Change points (E-divisive means) on series with known steps, and the history file: appending
   runs, the steps with their commit range, alerting once, the trends in the HTML report. */
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

#include "vbench/vbench.h"

/* Deterministic noise in [-1, 1]: a fixed sequence, independent of the code under test. */
static double noise(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return ((double)((*state >> 8) & 0xffff) / 32767.5) - 1;
}

/* `n` values at `level` with relative noise `amp`, from `start` on. */
static void level(double *x, size_t start, size_t n, double lvl, double amp, uint32_t *s)
{
    for (size_t i = start; i < start + n; i++) {
        x[i] = lvl * (1 + amp * noise(s));
    }
}

static void test_one_step(void **state)
{
    (void)state;
    double x[30];
    uint32_t s = 7;
    level(x, 0, 15, 1.0, 0.02, &s);
    level(x, 15, 15, 1.2, 0.02, &s);
    vb_changepoint cp[4];
    size_t n = 0;
    assert_int_equal(vb_changepoints(x, 30, NULL, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cp[0].index, 15);
    assert_true(cp[0].p <= 0.05);
    assert_true(fabs(cp[0].change - 0.2) < 0.03);
    assert_true(fabs(cp[0].before - 1.0) < 0.02 && fabs(cp[0].after - 1.2) < 0.03);
}

static void test_two_steps(void **state)
{
    (void)state;
    double x[36];
    uint32_t s = 11;
    level(x, 0, 12, 1.0, 0.02, &s);
    level(x, 12, 12, 1.3, 0.02, &s);
    level(x, 24, 12, 1.0, 0.02, &s);
    vb_changepoint cp[4];
    size_t n = 0;
    assert_int_equal(vb_changepoints(x, 36, NULL, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cp[0].index, 12);
    assert_int_equal(cp[1].index, 24);
    assert_true(cp[0].change > 0.25 && cp[1].change < -0.2);
}

/* Noise, a single bad night and a two-night blip are not lasting steps. */
static void test_no_false_steps(void **state)
{
    (void)state;
    vb_changepoint cp[4];
    size_t n = 0;
    for (uint32_t seed = 1; seed <= 5; seed++) {
        double x[40];
        uint32_t s = seed;
        level(x, 0, 40, 1.0, 0.05, &s);
        assert_int_equal(vb_changepoints(x, 40, NULL, cp, 4, &n, NULL), VB_OK);
        assert_int_equal(n, 0);
    }
    double x[30];
    uint32_t s = 3;
    level(x, 0, 30, 1.0, 0.02, &s);
    x[20] = 1.6;
    assert_int_equal(vb_changepoints(x, 30, NULL, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 0);
    /* Three bad nights at the end: a step, lasting to now. (Two bad nights may make a step of
       three points with the night after them: the history only alerts for a step that still
       holds, see test_history_blip.) */
    x[20] = 1.0;
    x[27] = x[28] = x[29] = 1.6;
    assert_int_equal(vb_changepoints(x, 30, NULL, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cp[0].index, 27);
}

/* A 2% step in 0.2% noise is real but below the 5% that matters; min_change decides. */
static void test_min_change(void **state)
{
    (void)state;
    double x[30];
    uint32_t s = 5;
    level(x, 0, 15, 1.0, 0.002, &s);
    level(x, 15, 15, 1.02, 0.002, &s);
    vb_changepoint cp[4];
    size_t n = 0;
    assert_int_equal(vb_changepoints(x, 30, NULL, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 0);
    vb_changepoint_options o;
    vb_changepoint_options_init(&o);
    o.min_change = 0.01;
    assert_int_equal(vb_changepoints(x, 30, &o, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cp[0].index, 15);
    /* Too short a series for two segments of three, and bad input. */
    assert_int_equal(vb_changepoints(x, 5, NULL, cp, 4, &n, NULL), VB_OK);
    assert_int_equal(n, 0);
    vb_error e;
    x[3] = NAN;
    assert_int_equal(vb_changepoints(x, 30, NULL, cp, 4, &n, &e), VB_ERR_INVALID);
}

static char path[64];
static char html_path[64];
static char json_path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/vb-history-%ld.json", (long)getpid());
    snprintf(html_path, sizeof html_path, "/tmp/vb-history-%ld.html", (long)getpid());
    snprintf(json_path, sizeof json_path, "/tmp/vb-history-%ld-results.json", (long)getpid());
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char lock[80];
    snprintf(lock, sizeof lock, "%s.lock", path);
    unlink(path);
    unlink(lock);
    unlink(html_path);
    unlink(json_path);
    return 0;
}

/* Appends a run of one benchmark at `seconds` per iteration, on a machine `factor` times slower
   than the reference. */
static void append_run(int night, double seconds, double factor)
{
    vb_bench b;
    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "daily");
    snprintf(b.fullname, sizeof b.fullname, "calculator/daily");
    double data[3] = {seconds * factor, seconds * factor, seconds * factor};
    vb_result r;
    memset(&r, 0, sizeof r);
    r.bench = &b;
    r.outcome = VB_OUTCOME_PASSED;
    r.data = data;
    r.ndata = 3;
    r.stats.median = seconds * factor;
    r.peak_rss = 10 << 20;
    r.heap_peak = -1;
    vb_machine m;
    memset(&m, 0, sizeof m);
    snprintf(m.commit_id, sizeof m.commit_id, "c0ffee%02d00000000000000000000000000000000", night);
    snprintf(m.datetime, sizeof m.datetime, "2026-11-%02dT02:00:00", night);
    snprintf(m.host, sizeof m.host, "runner");
    m.env_factor = factor;
    const vb_suite suite = {&m, &r, 1, NULL};
    vb_error e;
    assert_int_equal(vb_history_append(path, &suite, &e), VB_OK);
}

static void test_history_steps(void **state)
{
    (void)state;
    uint32_t s = 9;
    /* Eight good nights on machines of varying speed, the environment factor taking it out. */
    for (int night = 1; night <= 8; night++) {
        append_run(night, 1e-3 * (1 + 0.01 * noise(&s)), 1 + 0.3 * (night % 2));
    }
    /* Two slower nights: not yet a lasting step to alert for. */
    append_run(9, 1.25e-3, 1.0);
    append_run(10, 1.26e-3, 1.3);
    vb_history *h = NULL;
    assert_int_equal(vb_history_load(path, &h, NULL), VB_OK);
    assert_int_equal(vb_history_runs(h), 10);
    size_t nn = 0;
    const char *const *names = vb_history_names(h, &nn);
    assert_int_equal(nn, 1);
    assert_string_equal(names[0], "calculator/daily");
    double v[16];
    size_t runs[16];
    assert_int_equal(vb_history_series(h, "calculator/daily", VB_HISTORY_TIME, v, runs, 16), 10);
    assert_true(fabs(v[1] - 1e-3) < 2e-5); /* divided by its factor of 1.3 */
    vb_history_step *steps = NULL;
    size_t n = 0;
    assert_int_equal(vb_history_steps(h, NULL, &steps, &n, NULL), VB_OK);
    for (size_t i = 0; i < n; i++) {
        assert_false(steps[i].fresh);
    }
    vb_history_steps_free(steps);
    vb_history_free(h);

    /* The third slow night makes it a step, fresh tonight, named by its commit range. */
    append_run(11, 1.24e-3, 1.0);
    assert_int_equal(vb_history_load(path, &h, NULL), VB_OK);
    assert_int_equal(vb_history_steps(h, NULL, &steps, &n, NULL), VB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(steps[0].name, "calculator/daily");
    assert_int_equal(steps[0].metric, VB_HISTORY_TIME);
    assert_int_equal(steps[0].run, 8);
    assert_string_equal(steps[0].first_bad, "c0ffee090000");
    assert_string_equal(steps[0].last_good, "c0ffee080000");
    assert_true(steps[0].regression && steps[0].latest && steps[0].fresh);
    assert_true(steps[0].point.change > 0.2);
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(vb_history_print_steps(devnull, h, steps, n), 1);
    vb_history_steps_free(steps);
    vb_history_free(h);

    /* The next night the step is still there, but no longer news: no second alert. */
    append_run(12, 1.25e-3, 1.0);
    assert_int_equal(vb_history_load(path, &h, NULL), VB_OK);
    assert_int_equal(vb_history_steps(h, NULL, &steps, &n, NULL), VB_OK);
    assert_int_equal(n, 1);
    assert_false(steps[0].fresh);
    assert_int_equal(vb_history_print_steps(devnull, h, steps, n), 0);
    fclose(devnull);
    vb_history_steps_free(steps);
    vb_history_free(h);
}

/* Bad nights that pass (one, two, in a row or apart) never raise an alert, whatever the
   change points of the noise; a real step alerts once. */
static void test_history_blip(void **state)
{
    (void)state;
    const double nights[] = {1.00, 1.01, 0.99, 1.00, 1.02, 0.98, 1.00, 1.01, 1.60,
                             1.00, 0.99, 1.00, 1.55, 1.62, 1.00, 1.01, 0.99, 1.00,
                             1.00, 1.58, 1.00, 1.30, 1.31, 1.29, 1.30, 1.32};
    size_t alerts = 0, alert_night = 0;
    FILE *devnull = fopen("/dev/null", "w");
    for (size_t i = 0; i < sizeof nights / sizeof nights[0]; i++) {
        append_run((int)i + 1, 1e-3 * nights[i], 1.0);
        vb_history *h = NULL;
        assert_int_equal(vb_history_load(path, &h, NULL), VB_OK);
        vb_history_step *steps = NULL;
        size_t n = 0;
        assert_int_equal(vb_history_steps(h, NULL, &steps, &n, NULL), VB_OK);
        const size_t fresh = vb_history_print_steps(devnull, h, steps, n);
        if (fresh > 0) {
            alerts += fresh;
            alert_night = i;
        }
        vb_history_steps_free(steps);
        vb_history_free(h);
    }
    fclose(devnull);
    /* Only the step at night 21 (index 21), on the third night of the new level. */
    assert_int_equal(alerts, 1);
    assert_int_equal(alert_night, 23);
}

/* The HTML report of a run with the history shows the trend and the change point. */
static void test_history_html(void **state)
{
    (void)state;
    for (int night = 1; night <= 12; night++) {
        append_run(night, night <= 6 ? 1e-3 : 1.5e-3, 1.0);
    }
    vb_bench b;
    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "daily");
    snprintf(b.fullname, sizeof b.fullname, "calculator/daily");
    double data[3] = {1.5e-3, 1.5e-3, 1.5e-3};
    vb_result r;
    memset(&r, 0, sizeof r);
    r.bench = &b;
    r.outcome = VB_OUTCOME_PASSED;
    r.data = data;
    r.ndata = 3;
    assert_int_equal(vb_stats_compute(data, 3, &r.stats, NULL), VB_OK);
    r.iterations = 1;
    r.peak_rss = r.heap_peak = -1;
    vb_machine m;
    memset(&m, 0, sizeof m);
    snprintf(m.commit_id, sizeof m.commit_id, "unversioned");
    const vb_suite suite = {&m, &r, 1, NULL};
    assert_int_equal(vb_report_json_write(&suite, json_path, NULL), VB_OK);
    assert_int_equal(vb_report_html_history(json_path, path, html_path, NULL), VB_OK);
    FILE *f = fopen(html_path, "r");
    assert_non_null(f);
    static char buf[1 << 17];
    const size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "<h2>Trends</h2>"));
    assert_non_null(strstr(buf, "class=\"changepoint\" data-index=\"6\""));
    assert_null(strstr(buf, "<script"));
    /* An unreadable history is an error. */
    FILE *bad = fopen(path, "w");
    fputs("{\"schema_version\": 1, \"runs\": [", bad);
    fclose(bad);
    vb_error e;
    assert_int_equal(vb_report_html_history(json_path, path, html_path, &e), VB_ERR_PARSE);
    assert_non_null(strstr(e.msg, path));
    bad = fopen(path, "w");
    fputs("{\"schema_version\": 7, \"runs\": []}", bad);
    fclose(bad);
    vb_history *h = NULL;
    assert_int_equal(vb_history_load(path, &h, &e), VB_ERR_FORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_step),
        cmocka_unit_test(test_two_steps),
        cmocka_unit_test(test_no_false_steps),
        cmocka_unit_test(test_min_change),
        cmocka_unit_test_setup_teardown(test_history_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_blip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_html, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
