/* SPDX-License-Identifier: MIT */
/* Tests of the Mann-Whitney U test against an independent Python computation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(separated_samples),
        cmocka_unit_test(tied_samples),
        cmocka_unit_test(identical_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
