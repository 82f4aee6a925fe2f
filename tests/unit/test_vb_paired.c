/* SPDX-License-Identifier: MIT */
/* The paired comparison: the signed-rank interval against R's wilcox.test, the verdicts on
   constructed samples, the reports, and a real alternated run of two builds of a tiny suite. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

/* Under AddressSanitizer the heap is not counted (the harness's malloc is not interposed) and
   the peak RSS is the sanitizer's shadow and quarantine as much as the program's: the memory
   verdicts are only asserted without it. */
#if defined(__SANITIZE_ADDRESS__)
#define MEMORY_MEASURED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMORY_MEASURED 0
#endif
#endif
#ifndef MEMORY_MEASURED
#define MEMORY_MEASURED 1
#endif

/* Expected values: R 4.2 (Debian 12), wilcox.test(d, conf.int = TRUE, exact = TRUE). */
static void test_ci_matches_r(void **state)
{
    (void)state;
    /* wilcox.test(x, y, paired = TRUE, conf.int = TRUE): the depression data of R's manual. */
    const double x[] = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
    const double y[] = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
    double d[9];
    for (int i = 0; i < 9; i++) {
        d[i] = x[i] - y[i];
    }
    vb_shift_ci ci;
    assert_int_equal(vb_signed_rank_ci(d, 9, 0.95, &ci, NULL), VB_OK);
    assert_int_equal(ci.n, 9);
    assert_true(fabs(ci.estimate - 0.46) < 1e-12);
    assert_true(fabs(ci.low - 0.010) < 1e-12);
    assert_true(fabs(ci.high - 0.786) < 1e-12);
    assert_true(ci.confidence >= 0.95);

    const double d12[] = {0.031, -0.012, 0.044, 0.027, 0.019,  0.052,
                          0.008, 0.036,  0.022, 0.041, -0.003, 0.030};
    assert_int_equal(vb_signed_rank_ci(d12, 12, 0.95, &ci, NULL), VB_OK);
    assert_true(fabs(ci.estimate - 0.026) < 1e-12);
    assert_true(fabs(ci.low - 0.012) < 1e-12);
    assert_true(fabs(ci.high - 0.037) < 1e-12);
    assert_int_equal(vb_signed_rank_ci(d12, 12, 0.90, &ci, NULL), VB_OK);
    assert_true(fabs(ci.low - 0.014) < 1e-12);
    assert_true(fabs(ci.high - 0.0355) < 1e-12);
    assert_true(ci.confidence >= 0.90 && ci.confidence < 0.95);

    /* Six pairs: the smallest sample with a 95% interval, which is then [min, max]. */
    const double d6[] = {0.10, 0.12, 0.08, 0.11, 0.09, 0.13};
    assert_int_equal(vb_signed_rank_ci(d6, 6, 0.95, &ci, NULL), VB_OK);
    assert_true(fabs(ci.estimate - 0.105) < 1e-12);
    assert_true(fabs(ci.low - 0.08) < 1e-12 && fabs(ci.high - 0.13) < 1e-12);
    /* 1 - 2 / 2^6 */
    assert_true(fabs(ci.confidence - (1 - 2.0 / 64)) < 1e-12);
}

/* Above 60 differences the normal approximation takes over; R's exact = FALSE interval (which
   it finds by root search between the Walsh averages) agrees within a Walsh step. */
static void test_ci_large_sample(void **state)
{
    (void)state;
    const double d[] = {
        0.0012, 0.0255, -0.0051, 0.0679,  0.0299,  -0.0046, 0.0346,  0.0421,  0.0373, 0.0108,
        0.0654, 0.0317, 0.0014,  -0.0464, 0.0537,  0.0187,  0.0195,  0.0483,  0.0446, 0.0378,
        0.0476, 0.0435, 0.0222,  -0.0397, 0.0386,  0.0183,  0.0153,  -0.0241, 0.0057, 0.0325,
        0.0608, 0.0169, 0.0316,  0.0184,  -0.0213, 0.0076,  0.0082,  0.0182,  0.053,  0.0429,
        0.0151, 0.0124, 0.0409,  0.0367,  -0.0007, -0.0012, 0.0309,  0.0431,  0.0166, 0.0464,
        0.0319, 0.0016, 0.0302,  -0.0139, 0.063,   0.0794,  0.009,   -0.0113, 0.0371, 0.0159,
        0.092,  0.0188, 0.0407,  0.0208,  -0.0023, 0.0257,  -0.0341, 0.064,   0.0246, 0.0852};
    vb_shift_ci ci;
    assert_int_equal(vb_signed_rank_ci(d, 70, 0.95, &ci, NULL), VB_OK);
    assert_true(fabs(ci.low - 0.018555852569491930) < 2e-4);
    assert_true(fabs(ci.high - 0.031301169143591413) < 2e-4);
    assert_true(fabs(ci.estimate - 0.025) < 2e-4);
    assert_true(ci.confidence > 0.945 && ci.confidence < 0.96);
}

static void test_ci_too_few_and_invalid(void **state)
{
    (void)state;
    assert_int_equal(vb_signed_rank_min_pairs(0.95), 6);
    assert_int_equal(vb_signed_rank_min_pairs(0.99), 8);
    assert_int_equal(vb_signed_rank_min_pairs(1.5), 0);
    const double d[] = {0.1, 0.2, 0.3, 0.4, 0.5};
    vb_shift_ci ci;
    assert_int_equal(vb_signed_rank_ci(d, 5, 0.95, &ci, NULL), VB_OK);
    assert_true(isnan(ci.low) && isnan(ci.high));
    assert_true(ci.confidence == 0);
    assert_true(fabs(ci.estimate - 0.3) < 1e-12);
    vb_error e;
    assert_int_equal(vb_signed_rank_ci(d, 0, 0.95, &ci, &e), VB_ERR_INVALID);
    assert_int_equal(vb_signed_rank_ci(d, 5, 1.0, &ci, &e), VB_ERR_INVALID);
    const double bad[] = {0.1, NAN};
    assert_int_equal(vb_signed_rank_ci(bad, 2, 0.95, &ci, &e), VB_ERR_INVALID);
    assert_true(strstr(e.msg, "finite") != NULL);
}

/* A benchmark with `n` pairs: base `b` s, head b x factors[i], memory as given. */
static void fill(vb_paired_bench *bench, size_t n, const double *factors, int64_t base_rss,
                 int64_t head_rss)
{
    memset(bench, 0, sizeof *bench);
    snprintf(bench->name, sizeof bench->name, "group/bench");
    bench->base = calloc(n, sizeof *bench->base);
    bench->head = calloc(n, sizeof *bench->head);
    assert_non_null(bench->base);
    assert_non_null(bench->head);
    bench->pairs = bench->capacity = n;
    for (size_t i = 0; i < n; i++) {
        /* The machine drifts from pair to pair; the ratio within a pair does not. */
        const double drift = 1 + 0.3 * (double)(i % 3);
        bench->base[i] = (vb_paired_sample){1e-3 * drift, base_rss, -1, 0};
        bench->head[i] = (vb_paired_sample){1e-3 * drift * factors[i], head_rss, -1, 0};
    }
}

static void drop(vb_paired_bench *b)
{
    free(b->base);
    free(b->head);
}

/* Judges `n` pairs of `factors` with the default options and asserts the time verdict and the
   interval shown: its coverage and its bounds. */
static void assert_time_judged(size_t n, const double *factors, vb_paired_verdict verdict,
                               double coverage, double low, double high)
{
    vb_paired_options o;
    vb_paired_options_init(&o);
    vb_paired_bench b;
    fill(&b, n, factors, 1048576, 1048576);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, verdict);
    assert_true(fabs(b.time.confidence - coverage) < 1e-12);
    assert_true(fabs(b.time.low - low) < 1e-9 && fabs(b.time.high - high) < 1e-9);
    drop(&b);
}

static void test_judge(void **state)
{
    (void)state;
    vb_paired_options o;
    vb_paired_options_init(&o);
    assert_true(fabs(o.threshold - 0.05) < 1e-12);
    vb_paired_bench b;
    const int64_t mib = 1048576;

    /* 10% slower in every pair, though the machine's speed varies by 60%. */
    const double slower[] = {1.10, 1.09, 1.11, 1.10, 1.12, 1.08, 1.10, 1.11};
    fill(&b, 8, slower, 20 * mib, 20 * mib);
    vb_paired_judge(&b, &o);
    assert_true(b.time.present);
    assert_int_equal(b.time.verdict, VB_PAIRED_REGRESSION);
    assert_true(b.time.low > 1.05 && b.time.high < 1.13);
    assert_true(fabs(b.time.ratio - 1.10) < 0.01);
    assert_int_equal(b.peak_rss.verdict, VB_PAIRED_UNCHANGED);
    assert_false(b.heap_peak.present); /* -1: not measured */
    assert_int_equal(vb_paired_bench_verdict(&b), VB_PAIRED_REGRESSION);
    /* The same with a 15% threshold of its own: unchanged. */
    b.threshold = 0.15;
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_UNCHANGED);
    drop(&b);

    /* Noise around 1: unchanged; around the threshold: inconclusive. */
    const double same[] = {1.01, 0.99, 1.00, 1.02, 0.98, 1.00, 1.01, 0.99};
    fill(&b, 8, same, 20 * mib, 20 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_UNCHANGED);
    assert_int_equal(vb_paired_bench_verdict(&b), VB_PAIRED_UNCHANGED);
    drop(&b);
    const double edge[] = {1.02, 1.08, 1.04, 1.07, 1.03, 1.06, 1.05, 1.09};
    fill(&b, 8, edge, 20 * mib, 20 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_INCONCLUSIVE);
    drop(&b);
    const double faster[] = {0.80, 0.82, 0.79, 0.81, 0.80, 0.83, 0.81};
    fill(&b, 7, faster, 20 * mib, 20 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_IMPROVEMENT);
    drop(&b);
    /* Six pairs give no 98% interval (2^-6 > 1% in each tail): a change needs seven, so
       six pairs 20% faster are inconclusive; with a change confidence of 90% they suffice. */
    fill(&b, 6, faster, 20 * mib, 20 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_INCONCLUSIVE);
    o.change_confidence = 0.90;
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_IMPROVEMENT);
    o.change_confidence = 0.98;
    drop(&b);

    /* Two builds of one commit once read these five pairs on a busy machine (flat_memory,
       head slower in each): the 90% interval [min, max] lies above +5%, yet no change is found
       before the 98% interval exists; it is shown until then. Two more such pairs make the
       98% interval, [min, max] of seven (coverage 1 - 2/2^7), and it lies above: regression. */
    const double drifted[] = {1.075, 1.080, 1.164, 1.086, 1.083, 1.079, 1.090};
    assert_time_judged(5, drifted, VB_PAIRED_INCONCLUSIVE, 1 - 2.0 / 32, 1.075, 1.164);
    assert_time_judged(7, drifted, VB_PAIRED_REGRESSION, 1 - 2.0 / 128, 1.075, 1.164);

    /* Four pairs cannot give a 90% interval (2^-4 > 5% in each tail): not judged. */
    fill(&b, 4, slower, 20 * mib, 20 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.time.verdict, VB_PAIRED_NOT_JUDGED);
    drop(&b);

    /* Memory: +10% of 20 MiB is a regression (seven pairs, as for time); +300 KiB of 2 MiB
       is above 5% but under the 512 KiB floor. */
    fill(&b, 6, same, 20 * mib, 22 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.peak_rss.verdict, VB_PAIRED_INCONCLUSIVE);
    drop(&b);
    fill(&b, 7, same, 20 * mib, 22 * mib);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.peak_rss.verdict, VB_PAIRED_REGRESSION);
    assert_true(fabs(b.peak_rss.ratio - 1.10) < 1e-9);
    assert_int_equal(vb_paired_bench_verdict(&b), VB_PAIRED_REGRESSION);
    drop(&b);
    fill(&b, 6, same, 2 * mib, 2 * mib + 300 * 1024);
    vb_paired_judge(&b, &o);
    assert_int_equal(b.peak_rss.verdict, VB_PAIRED_UNCHANGED);
    drop(&b);

    /* CPU time, measured on both sides (a benchmark of two threads): judged like the time.
       The wall time is noise around 1, yet the head uses 10% more CPU in every pair: the
       benchmark is a regression on its CPU time, which the status names. */
    fill(&b, 8, same, 20 * mib, 20 * mib);
    assert_false(b.cpu.present); /* 0: not measured */
    for (size_t i = 0; i < 8; i++) {
        b.base[i].cpu = 2e-3 * (1 + 0.2 * (double)(i % 2));
        b.head[i].cpu = b.base[i].cpu * slower[i];
    }
    vb_paired_judge(&b, &o);
    assert_true(b.cpu.present);
    assert_int_equal(b.time.verdict, VB_PAIRED_UNCHANGED);
    assert_int_equal(b.cpu.verdict, VB_PAIRED_REGRESSION);
    assert_true(fabs(b.cpu.ratio - 1.10) < 0.01);
    assert_true(fabs(b.cpu.base - 2.2e-3) < 1e-12); /* median of 2.0 and 2.4 ms, four each */
    assert_int_equal(vb_paired_bench_verdict(&b), VB_PAIRED_REGRESSION);
    /* One pair without it (a base built before the CPU time was measured): not judged on it. */
    b.base[3].cpu = 0;
    vb_paired_judge(&b, &o);
    assert_false(b.cpu.present);
    assert_int_equal(vb_paired_bench_verdict(&b), VB_PAIRED_UNCHANGED);
    drop(&b);

    /* A failed side is not judged. */
    fill(&b, 6, slower, 20 * mib, 20 * mib);
    b.failed = true;
    vb_paired_judge(&b, &o);
    assert_int_equal(vb_paired_bench_verdict(&b), VB_PAIRED_NOT_JUDGED);
    drop(&b);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A report of two benchmarks written in every format and read back. */
static void test_reports(void **state)
{
    (void)state;
    vb_paired_options o;
    vb_paired_options_init(&o);
    vb_paired_report r;
    memset(&r, 0, sizeof r);
    snprintf(r.base_commit, sizeof r.base_commit, "aaaa");
    snprintf(r.head_commit, sizeof r.head_commit, "bbbb");
    r.options = o;
    vb_paired_bench benches[2];
    const double slower[] = {1.20, 1.21, 1.19, 1.20, 1.22, 1.18, 1.20};
    const double same[] = {1.01, 0.99, 1.00, 1.02, 0.98, 1.00, 1.01};
    fill(&benches[0], 7, same, 1048576, 1048576);
    snprintf(benches[0].name, sizeof benches[0].name, "a/unchanged");
    fill(&benches[1], 7, slower, 1048576, 1048576);
    snprintf(benches[1].name, sizeof benches[1].name, "b/slower<&>");
    for (int i = 0; i < 2; i++) {
        benches[i].threshold = o.threshold;
        vb_paired_judge(&benches[i], &o);
    }
    r.benches = benches;
    r.nbenches = 2;
    r.passes = 5;
    r.budget_pairs = 3;
    vb_paired_report_count(&r);
    assert_int_equal(r.regressions, 1);

    char path[] = "/tmp/vb-paired-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vb_paired_write_json(&r, path, NULL), VB_OK);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "schema")), "vbench-paired/1");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(root, "summary"), "regressions")), 1);
    assert_int_equal(json_integer_value(json_object_get(root, "passes")), 5);
    assert_int_equal(json_integer_value(json_object_get(root, "budget_pairs")), 3);
    json_t *b1 = json_array_get(json_object_get(root, "benchmarks"), 1);
    assert_string_equal(json_string_value(json_object_get(b1, "name")), "b/slower<&>");
    const json_t *t = json_object_get(b1, "time");
    assert_string_equal(json_string_value(json_object_get(t, "verdict")), "regression");
    assert_true(fabs(json_real_value(json_object_get(t, "ratio")) - 1.20) < 0.01);
    assert_int_equal(json_array_size(json_object_get(json_object_get(b1, "samples"), "head")), 7);
    /* The regression's interval is the 98% one that decided it; the unchanged one's the 90%. */
    assert_true(json_real_value(json_object_get(t, "confidence")) >= 0.98);
    const json_t *t0 =
        json_object_get(json_array_get(json_object_get(root, "benchmarks"), 0), "time");
    assert_true(json_real_value(json_object_get(t0, "confidence")) >= 0.90 &&
                json_real_value(json_object_get(t0, "confidence")) < 0.98);
    const json_t *opts = json_object_get(root, "options");
    assert_true(fabs(json_real_value(json_object_get(opts, "change_confidence")) - 0.98) < 1e-12);
    json_decref(root);

    assert_int_equal(vb_paired_write_markdown(&r, path, NULL), VB_OK);
    const char *md = slurp(path);
    assert_non_null(strstr(md, "**1 regression, 0 improvements"));
    /* Regressions come first. */
    assert_true(strstr(md, "b/slower") < strstr(md, "a/unchanged"));
    assert_non_null(strstr(md, "**REGRESSION (time)**"));
    assert_non_null(strstr(md, "5 passes and 3 pairs in the budget's rest"));
    assert_non_null(strstr(md, "whole 98% interval of its change lies above +5%"));

    assert_int_equal(vb_paired_write_html(&r, path, NULL), VB_OK);
    const char *html = slurp(path);
    assert_non_null(strstr(html, "b/slower&lt;&amp;&gt;"));
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "class=\"ci\""));
    assert_null(strstr(html, "<script"));
    unlink(path);
    for (int i = 0; i < 2; i++) {
        drop(&benches[i]);
    }
}

/* A benchmark of the schedule's tests: `pairs` pairs that took `seconds` in all, decided
   (time unchanged, no memory measured) or not (time inconclusive). */
static void sched_bench(vb_paired_bench *b, size_t pairs, double seconds, bool undecided)
{
    memset(b, 0, sizeof *b);
    b->pairs = pairs;
    b->seconds = seconds;
    b->time.present = true;
    b->time.verdict = undecided ? VB_PAIRED_INCONCLUSIVE : VB_PAIRED_UNCHANGED;
}

/* Asserts that the schedule after `elapsed` seconds is exactly `want` (`nwant` indices). */
static void assert_schedule(const vb_paired_report *r, const vb_paired_options *o, double elapsed,
                            const size_t *want, size_t nwant, bool whole)
{
    size_t order[8];
    assert_true(r->nbenches <= 8);
    bool got_whole = !whole;
    const size_t k = vb_paired_schedule(r, o, elapsed, order, &got_whole);
    assert_int_equal(k, nwant);
    assert_int_equal(got_whole, whole);
    for (size_t i = 0; i < nwant; i++) {
        assert_int_equal(order[i], want[i]);
    }
}

/* The schedule: whole passes while they fit the budget; then what is left of it, pair by pair,
   to the undecided benchmarks whose next pair still fits, cheapest first. */
static void test_schedule(void **state)
{
    (void)state;
    vb_paired_options o;
    vb_paired_options_init(&o);
    o.min_pairs = 5;
    o.max_pairs = 30;
    o.time_budget = 100;
    vb_paired_bench b[5];
    vb_paired_report r;
    memset(&r, 0, sizeof r);
    r.benches = b;
    r.nbenches = 5;
    /* Next pairs: #0 10 s, #1 decided, #2 1 s, #3 30 s, #4 1 s (a tie with #2). */
    sched_bench(&b[0], 6, 60, true);
    sched_bench(&b[1], 6, 6, false);
    sched_bench(&b[2], 6, 6, true);
    sched_bench(&b[3], 6, 180, true);
    sched_bench(&b[4], 6, 6, true);

    /* A whole pass costs 42 s: it fits after 58 s, in suite order. */
    assert_schedule(&r, &o, 58, (const size_t[]){0, 2, 3, 4}, 4, true);
    /* After 80 s it does not: #2, #4 and #0 fit one after the other (92 s), #3 not (122 s). */
    assert_schedule(&r, &o, 80, (const size_t[]){2, 4, 0}, 3, false);
    /* After 97.5 s only the two cheapest fit (99.5 s); after 99.5 s nothing does: the end. */
    assert_schedule(&r, &o, 97.5, (const size_t[]){2, 4}, 2, false);
    assert_schedule(&r, &o, 99.5, NULL, 0, false);
    /* No budget: whole passes, however long the run has been. */
    o.time_budget = 0;
    assert_schedule(&r, &o, 1e6, (const size_t[]){0, 2, 3, 4}, 4, true);
    o.time_budget = 100;
    /* A benchmark below min_pairs gets its pairs past the budget, and so does the whole pass. */
    sched_bench(&b[3], 4, 120, true);
    assert_schedule(&r, &o, 150, (const size_t[]){0, 2, 3, 4}, 4, true);
    /* At max_pairs a benchmark is done even though undecided; done ones never come back. */
    sched_bench(&b[3], 30, 900, true);
    sched_bench(&b[0], 30, 300, true);
    assert_schedule(&r, &o, 99, (const size_t[]){2}, 1, false);
    sched_bench(&b[2], 6, 6, false);
    sched_bench(&b[4], 6, 6, false);
    assert_schedule(&r, &o, 0, NULL, 0, true);
}

/* Two builds of tests/perf/paired_fixture.c, alternated for real: the same build against
   itself shows no regression; the build doing twice the work with twice the memory is caught
   on time, peak RSS and heap peak. */
static void test_run_two_builds(void **state)
{
    (void)state;
    const char *names[] = {"fixture/spin", "fixture/touch", "fixture/absent", "fixture/cpu"};
    vb_paired_options o;
    vb_paired_options_init(&o);
    o.max_time = 0.02;
    o.max_pairs = 8;
    vb_paired_report *r = NULL;
    vb_error e;
    assert_int_equal(
        vb_paired_run(PAIRED_BASE, PAIRED_BASE, names, NULL, 1, &o, NULL, NULL, &r, &e), VB_OK);
    assert_int_equal(r->nbenches, 1);
    assert_int_equal(r->regressions, 0);
    assert_int_equal(r->failures, 0);
    assert_true(r->benches[0].pairs >= 5 && r->benches[0].pairs <= 8);
    assert_true(r->benches[0].time.present);
    assert_false(r->benches[0].cpu.present); /* one thread: no CPU time */
    assert_true(r->benches[0].peak_rss.present);
    vb_paired_report_free(r);

    /* Seven pairs at most, the fewest of a 98% interval, are enough to see twice the work and
       twice the memory. */
    o.max_pairs = 7;
    assert_int_equal(
        vb_paired_run(PAIRED_BASE, PAIRED_SLOW, names, NULL, 3, &o, NULL, NULL, &r, &e), VB_OK);
    assert_int_equal(r->benches[0].time.verdict, VB_PAIRED_REGRESSION);
    assert_true(r->benches[0].time.ratio > 1.5);
    assert_true(r->benches[2].missing);
    if (MEMORY_MEASURED) {
        assert_int_equal(r->benches[1].peak_rss.verdict, VB_PAIRED_REGRESSION);
        assert_int_equal(r->benches[1].heap_peak.verdict, VB_PAIRED_REGRESSION);
        assert_true(r->benches[1].heap_peak.ratio > 1.8);
        assert_int_equal(r->regressions, 2);
    } else {
        assert_false(r->benches[1].heap_peak.present);
        assert_true(r->regressions >= 1);
    }
    vb_paired_report_free(r);

    /* A benchmark of two threads is judged on its CPU time too: the head burning twice the CPU
       in the same wall time is a regression of its CPU time, and the reports say so. */
    assert_int_equal(
        vb_paired_run(PAIRED_BASE, PAIRED_SLOW, names + 3, NULL, 1, &o, NULL, NULL, &r, &e), VB_OK);
    const vb_paired_bench *c = &r->benches[0];
    assert_true(c->cpu.present);
    assert_int_equal(c->cpu.verdict, VB_PAIRED_REGRESSION);
    assert_true(c->cpu.ratio > 1.5 && c->cpu.ratio < 2.5);
    assert_true(c->time.ratio < 1.3);
    assert_true(c->base[0].cpu > 0 && c->base[0].cpu < c->base[0].median);
    assert_int_equal(r->regressions, 1);
    char md[] = "/tmp/vb-paired-cpu-XXXXXX";
    const int fd = mkstemp(md);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vb_paired_write_markdown(r, md, &e), VB_OK);
    assert_non_null(strstr(slurp(md), "REGRESSION (CPU time)"));
    unlink(md);
    vb_paired_report_free(r);

    assert_int_equal(
        vb_paired_run("/nonexistent/suite", PAIRED_BASE, names, NULL, 1, &o, NULL, NULL, &r, &e),
        VB_ERR_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/suite"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ci_matches_r),
        cmocka_unit_test(test_ci_large_sample),
        cmocka_unit_test(test_ci_too_few_and_invalid),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_reports),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_run_two_builds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
