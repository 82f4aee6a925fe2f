/* SPDX-License-Identifier: MIT */
/* Tests of the complexity fits: the scaling exponent and Google Benchmark's best curve. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "vbench/vbench.h"

static void fit_exponent(void **state)
{
    (void)state;
    /* statistics.linear_regression of the logs (Python 3.11): slope 0.9935723396572064. */
    const double sizes[] = {1000, 10000, 100000};
    const double times[] = {2.4e-7, 2.37e-6, 2.33e-5};
    double k;
    assert_int_equal(vb_fit_exponent(sizes, times, 3, &k, NULL), VB_OK);
    assert_float_equal(k, 0.9935723396572064, 1e-12);
    /* Exact powers by construction: t = 3 n^2. */
    const double sq[] = {3e6, 3e8, 3e10};
    assert_int_equal(vb_fit_exponent(sizes, sq, 3, &k, NULL), VB_OK);
    assert_float_equal(k, 2.0, 1e-12);
    vb_error e;
    assert_int_equal(vb_fit_exponent(sizes, times, 1, &k, &e), VB_ERR_INVALID);
    const double same[] = {5, 5};
    assert_int_equal(vb_fit_exponent(same, times, 2, &k, &e), VB_ERR_INVALID);
}

static void fit_complexity(void **state)
{
    (void)state;
    /* Curves by construction: the fit must name the one the times were made from. */
    const double n[] = {64, 256, 1024, 4096, 16384};
    double t[5];
    vb_complexity c;
    double coef, rms;
    for (int i = 0; i < 5; i++) {
        t[i] = 3 * n[i] * n[i];
    }
    assert_int_equal(vb_fit_complexity(n, t, 5, &c, &coef, &rms, NULL), VB_OK);
    assert_int_equal(c, VB_O_N_SQUARED);
    assert_float_equal(coef, 3.0, 1e-9);
    assert_true(rms < 1e-9);
    for (int i = 0; i < 5; i++) {
        t[i] = 5 * n[i] * log2(n[i]);
    }
    assert_int_equal(vb_fit_complexity(n, t, 5, &c, &coef, NULL, NULL), VB_OK);
    assert_int_equal(c, VB_O_N_LOG_N);
    for (int i = 0; i < 5; i++) {
        t[i] = 7 + (i % 2) * 0.01;
    }
    assert_int_equal(vb_fit_complexity(n, t, 5, &c, NULL, NULL, NULL), VB_OK);
    assert_int_equal(c, VB_O_1);
    for (int i = 0; i < 5; i++) {
        t[i] = 2e-9 * n[i];
    }
    assert_int_equal(vb_fit_complexity(n, t, 5, &c, NULL, NULL, NULL), VB_OK);
    assert_int_equal(c, VB_O_N);
    assert_string_equal(vb_complexity_name(VB_O_N_LOG_N), "O(n log n)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_exponent),
        cmocka_unit_test(fit_complexity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
