/* SPDX-License-Identifier: MIT */
/* Tests of the statistics against values computed independently by pytest-benchmark itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vbench/vbench.h"

/* Expected values: computed once with Debian's /usr/bin/python3 (3.11) and
   pytest_benchmark.stats.Stats from python3-pytest-benchmark 3.2.2 (statistics.mean/stdev/
   median, its quartile methods and bisect fences); the median CI with Python's math from the
   order-statistic ranks floor((n - 1.96 sqrt n)/2), ceil(1 + (n + 1.96 sqrt n)/2). Script:
     s = Stats(); [s.update(v) for v in d]
     print(s.min, s.max, s.mean, s.stddev, s.median, s.q1, s.q3, s.iqr, s.ld15iqr, s.hd15iqr,
           s.ops, s.total, sorted(d)[lo-1], sorted(d)[hi-1], s.iqr_outliers, s.stddev_outliers) */
typedef struct expected {
    const char *name;
    double data[16];
    size_t n;
    double v[14]; /* min max mean stddev median q1 q3 iqr ld15 hd15 ops total ci_lo ci_hi */
    uint64_t iqr_outliers, stddev_outliers;
} expected;

static const expected cases[] = {
    {"one",
     {3.5},
     1,
     {3.5, 3.5, 3.5, 0.0, 3.5, 3.5, 3.5, 0.0, 3.5, 3.5, 0.2857142857142857, 3.5, 3.5, 3.5},
     0,
     0},
    {"two",
     {2.0, 1.0},
     2,
     {1.0, 2.0, 1.5, 0.7071067811865476, 1.5, 1.0, 2.0, 1.0, 1.0, 2.0, 0.6666666666666666, 3.0, 1.0,
      2.0},
     0,
     0},
    {"seven",
     {7.0, 1.0, 3.0, 2.0, 9.0, 4.0, 5.5},
     7,
     {1.0, 9.0, 4.5, 2.8431203515386634, 4.0, 2.25, 6.625, 4.375, 1.0, 9.0, 0.2222222222222222,
      31.5, 1.0, 9.0},
     0,
     2},
    {"nine",
     {1.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 20.0},
     9,
     {1.0, 20.0, 5.055555555555555, 5.741539669616311, 3.5, 2.375, 4.625, 2.25, 1.0, 20.0,
      0.1978021978021978, 45.5, 1.0, 20.0},
     1,
     1},
    {"ten",
     {0.9, 1.1, 1.0, 1.2, 0.95, 1.05, 1.3, 0.85, 5.0, 1.15},
     10,
     {0.85, 5.0, 1.45, 1.2549900398011133, 1.0750000000000002, 0.95, 1.2, 0.25, 0.85, 5.0,
      0.6896551724137931, 14.5, 0.85, 5.0},
     1,
     1},
    {"eleven",
     {10, 12, 11, 13, 14, 9, 30, 11.5, 12.5, 10.5, 1},
     11,
     {1.0, 30.0, 12.227272727272727, 6.8277508608751845, 11.5, 10.125, 12.875, 2.75, 9.0, 30.0,
      0.08178438661710037, 134.5, 9.0, 14.0},
     2,
     2},
    {"thirteen",
     {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 100},
     13,
     {5.0, 100.0, 17.384615384615383, 25.061718687866232, 11.0, 7.75, 14.25, 6.5, 5.0, 100.0,
      0.05752212389380531, 226.0, 6.0, 16.0},
     1,
     1},
};

static void matches_pytest_benchmark(void **state)
{
    (void)state;
    static const char *const fields[14] = {"min", "max",   "mean",   "stddev",  "median",
                                           "q1",  "q3",    "iqr",    "ld15iqr", "hd15iqr",
                                           "ops", "total", "ci_low", "ci_high"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        vb_stats s;
        vb_error e;
        assert_int_equal(vb_stats_compute(cases[c].data, cases[c].n, &s, &e), VB_OK);
        const double got[14] = {s.min, s.max,   s.mean,   s.stddev,  s.median,
                                s.q1,  s.q3,    s.iqr,    s.ld15iqr, s.hd15iqr,
                                s.ops, s.total, s.ci_low, s.ci_high};
        for (int f = 0; f < 14; f++) {
            const double want = cases[c].v[f];
            const double tol = 1e-12 * (want < 0 ? -want : want) + 1e-15;
            if (got[f] < want - tol || got[f] > want + tol) {
                fail_msg("%s: %s is %.17g, pytest-benchmark says %.17g", cases[c].name, fields[f],
                         got[f], want);
            }
        }
        assert_int_equal(s.rounds, cases[c].n);
        assert_int_equal(s.iqr_outliers, cases[c].iqr_outliers);
        assert_int_equal(s.stddev_outliers, cases[c].stddev_outliers);
    }
}

static void input_is_not_modified(void **state)
{
    (void)state;
    double d[] = {3, 1, 2};
    vb_stats s;
    assert_int_equal(vb_stats_compute(d, 3, &s, NULL), VB_OK);
    assert_true(d[0] == 3 && d[1] == 1 && d[2] == 2);
}

static void empty_sample_is_an_error(void **state)
{
    (void)state;
    vb_stats s;
    vb_error e;
    const double d[] = {1};
    assert_int_equal(vb_stats_compute(d, 0, &s, &e), VB_ERR_INVALID);
    assert_int_equal(e.code, VB_ERR_INVALID);
    assert_true(strlen(e.msg) > 0);
    assert_int_equal(vb_stats_compute(NULL, 3, &s, NULL), VB_ERR_INVALID);
}

static void percentile_interpolates(void **state)
{
    (void)state;
    /* statistics.quantiles(range(1, 11), n=10, method="inclusive")[8] == 9.1 (Python 3.11);
       [0.0] and [1.0] are the extremes. */
    const double d[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assert_float_equal(vb_stats_percentile_sorted(d, 10, 0.9), 9.1, 1e-12);
    assert_float_equal(vb_stats_percentile_sorted(d, 10, 0.0), 1.0, 1e-12);
    assert_float_equal(vb_stats_percentile_sorted(d, 10, 1.0), 10.0, 1e-12);
    assert_float_equal(vb_stats_percentile_sorted(d, 1, 0.9), 1.0, 1e-12);
    /* statistics.median([1, 2, 3, 4]) == 2.5 */
    assert_float_equal(vb_stats_median_sorted(d, 4), 2.5, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_pytest_benchmark),
        cmocka_unit_test(input_is_not_modified),
        cmocka_unit_test(empty_sample_is_an_error),
        cmocka_unit_test(percentile_interpolates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
