/* SPDX-License-Identifier: MIT */
/* Tests of the Mann-Whitney U test against an independent Python computation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "vb_testing.h"
#include "vbench/vbench.h"

/* Expected values: computed once with Debian's /usr/bin/python3 3.11, a separate Python
   implementation of scipy's asymptotic mannwhitneyu (average ranks, tie correction,
   continuity correction 0.5) using statistics.NormalDist().cdf for the normal tail. */
static const double x[] = {1.1, 1.3, 1.2, 1.5, 1.4, 1.25, 1.35, 1.45};
static const double y[] = {1.0, 1.05, 0.95, 1.12, 0.98, 1.02, 1.08, 1.01, 0.99};

static void separated_samples(void **state)
{
    (void)state;
    double u, p;
    assert_int_equal(vb_mann_whitney(x, 8, y, 9, VB_GREATER, &u, &p, NULL), VB_OK);
    assert_float_equal(u, 71.0, 1e-12);
    assert_float_equal(p, 0.000450467798180032, 1e-12);
    assert_int_equal(vb_mann_whitney(x, 8, y, 9, VB_LESS, &u, &p, NULL), VB_OK);
    assert_float_equal(p, 0.9996822460378765, 1e-12);
    assert_int_equal(vb_mann_whitney(x, 8, y, 9, VB_TWO_SIDED, &u, &p, NULL), VB_OK);
    assert_float_equal(p, 0.000900935596360064, 1e-12);
}

static void tied_samples(void **state)
{
    (void)state;
    const double xt[] = {1, 2, 2, 3, 3, 3, 4};
    const double yt[] = {2, 3, 3, 4, 4, 5, 5, 6};
    double u, p;
    assert_int_equal(vb_mann_whitney(xt, 7, yt, 8, VB_GREATER, &u, &p, NULL), VB_OK);
    assert_float_equal(u, 11.0, 1e-12);
    assert_float_equal(p, 0.9812280255991399, 1e-12);
    assert_int_equal(vb_mann_whitney(xt, 7, yt, 8, VB_LESS, &u, &p, NULL), VB_OK);
    assert_float_equal(p, 0.024942218489962975, 1e-12);
    assert_int_equal(vb_mann_whitney(xt, 7, yt, 8, VB_TWO_SIDED, &u, &p, NULL), VB_OK);
    assert_float_equal(p, 0.04988443697992606, 1e-12);
}

static void identical_and_empty(void **state)
{
    (void)state;
    const double same[] = {2, 2, 2, 2};
    double p = 0;
    assert_int_equal(vb_mann_whitney(same, 4, same, 4, VB_GREATER, NULL, &p, NULL), VB_OK);
    assert_float_equal(p, 1.0, 0);
    vb_error e;
    assert_int_equal(vb_mann_whitney(same, 0, same, 4, VB_GREATER, NULL, &p, &e), VB_ERR_INVALID);
    assert_true(strlen(e.msg) > 0);
}

/* cmocka's assert_float_equal compares floats; these p-values need doubles. */
#define assert_close(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* The exact test of the gate's small samples. Expected values: R 4.2, wilcox.test(x, y,
   alternative = "greater", exact = TRUE)$p.value, and 1 / choose(13, 3) for the bound. */
static void exact_test(void **state)
{
    (void)state;
    double p;
    assert_int_equal(vb__mann_whitney_exact(x, 8, y, 9, &p, NULL), VB_OK);
    assert_close(p, 8.2270670505964617e-05, 1e-15);
    const double x3[] = {1.21, 1.19, 1.30};
    const double y10[] = {1.0, 1.22, 0.97, 1.05, 1.18, 1.02, 0.99, 1.10, 1.25, 1.01};
    assert_int_equal(vb__mann_whitney_exact(x3, 3, y10, 10, &p, NULL), VB_OK);
    assert_close(p, 0.038461538461538464, 1e-15);
    assert_close(vb__mann_whitney_min_p(3, 10), 0.0034965034965034965, 1e-15);
    /* Every x above every y: the smallest p there is. */
    const double hi[] = {2.0, 2.1, 2.2};
    assert_int_equal(vb__mann_whitney_exact(hi, 3, y10, 10, &p, NULL), VB_OK);
    assert_close(p, vb__mann_whitney_min_p(3, 10), 1e-15);
    assert_int_equal(vb__mann_whitney_exact(hi, 0, y10, 10, &p, NULL), VB_ERR_INVALID);
}

/* Against brute force: every way of placing 4 x-values among 10 ranks, counted. */
static void exact_brute_force(void **state)
{
    (void)state;
    const double xs[] = {5, 9, 2, 7};
    const double ys[] = {1, 3, 4, 6, 8, 10};
    /* U of xs: pairs with x greater. */
    int u_obs = 0;
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 6; j++) {
            u_obs += xs[i] > ys[j];
        }
    }
    int at_least = 0, total = 0;
    for (unsigned mask = 0; mask < 1024; mask++) {
        if (__builtin_popcount(mask) != 4) {
            continue;
        }
        /* Ranks 1..10: those in mask are x. U = sum over x of the y-ranks below it. */
        int u = 0, ys_below = 0;
        for (int r = 0; r < 10; r++) {
            if (mask & (1u << r)) {
                u += ys_below;
            } else {
                ys_below++;
            }
        }
        total++;
        at_least += u >= u_obs;
    }
    double p;
    assert_int_equal(vb__mann_whitney_exact(xs, 4, ys, 6, &p, NULL), VB_OK);
    assert_int_equal(total, 210);
    assert_close(p, (double)at_least / (double)total, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_test),          cmocka_unit_test(exact_brute_force),
        cmocka_unit_test(separated_samples),   cmocka_unit_test(tied_samples),
        cmocka_unit_test(identical_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
