/* SPDX-License-Identifier: MIT */
/* Tests of vitals daily's number printing (programs/num_format.c) against printf itself. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "num_format.h"

/* What printf writes, the reference: %.0f for integers under 1e15, else %.6g. */
static void check(double v)
{
    char want[64], got[CLI_NUMBER_BUFSZ];
    snprintf(want, sizeof want, v == floor(v) && fabs(v) < 1e15 ? "%.0f" : "%.6g", v);
    const size_t n = cli_format_number(v, got);
    if (strcmp(want, got) != 0 || n != strlen(want)) {
        fail_msg("%.17g: printf writes '%s', cli_format_number '%s' (%zu)", v, want, got, n);
    }
}

static void hand_picked_numbers(void **state)
{
    (void)state;
    static const double v[] = {0.0,        -0.0,       1.0,        -1.0,        0.5,
                               0.1,        0.0001,     0.00009999995, 0.000123456789, 1e-5,
                               123456.5,   1234567.0,  999999.5,   9999995.0,   9.999995,
                               99999.95,   180.9125,   723.65 / 4, 1e15,        1e15 - 0.5,
                               123456789012.345, 2.5e14,  -2.75,     3.14159265358979, 1.0 / 3,
                               2.0 / 3,    1e6 + 0.5,  100000.5,   0.000100000, 5e-5,
                               NAN,        INFINITY,   -INFINITY,  1e300,       -1e-300,
                               47.0 / 60,  1234.0 / 60, 0.30000000000000004, 1e14 + 0.25,
                               /* exact ties at the sixth digit: to the even digit */
                               123457.5,   999998.5,   100001.5,   154320.625,  12345.25,
                               753666506311972.5};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        check(v[i]);
        check(-v[i]);
    }
}

/* Random doubles of every magnitude the daily rows hold, and numbers of few decimals (the
 * values of exports: 92.7969, 0.321, means of such). */
static void random_numbers(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252u;
    const int n = getenv("VITALS_UNDER_VALGRIND") ? 20000 : 1000000;
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const double unit = (double)(x >> 11) / 9007199254740992.0;
        const int e = (int)((x >> 3) % 24) - 6;
        const double v = unit * pow(10.0, e);
        check(v);
        check(-v);
        /* Short decimals and their ratios: ties to the sixth digit come from these. */
        const double d = (double)(x % 100000000) / pow(10.0, (double)((x >> 40) % 8));
        check(d);
        check(d / (double)(1 + (x >> 50) % 60));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_picked_numbers),
        cmocka_unit_test(random_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
