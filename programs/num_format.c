/* SPDX-License-Identifier: MIT */
/* Numbers as vitals daily prints them: %.0f for integers, %.6g otherwise, without printf's
 * cost (a few hundred instructions a number, most of vitals daily's time). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "num_format.h"

/* 10^-4 .. 10^15, the bounds of the exponents printed without snprintf (10^-4 .. 10^-1 are the
 * doubles nearest to them). */
static const double BOUND[] = {1e-4, 1e-3, 1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                               1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/* Powers of ten exactly representable as doubles. */
static const double P10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Writes the decimal digits of n (> 0 or 0) backwards from `end`; gives the first. */
static char *digits_back(uint64_t n, char *end)
{
    do {
        *--end = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    return end;
}

static size_t fallback(double v, char *out, int integral)
{
    const int n = snprintf(out, CLI_NUMBER_BUFSZ, integral ? "%.0f" : "%.6g", v);
    return n > 0 ? (size_t)n : 0;
}

size_t cli_format_number(double v, char *out)
{
    const double a = fabs(v);
    if (!isfinite(v)) {
        return fallback(v, out, 0);
    }
    if (v == floor(v) && a < 1e15) {
        if (v == 0.0 && signbit(v)) {
            return fallback(v, out, 1); /* "-0" */
        }
        char buf[24];
        char *p = digits_back((uint64_t)a, buf + sizeof buf);
        if (v < 0) {
            *--p = '-';
        }
        const size_t n = (size_t)(buf + sizeof buf - p);
        memcpy(out, p, n);
        out[n] = '\0';
        return n;
    }
    if (a < 1e-4 || a >= 1e15) {
        return fallback(v, out, 0);
    }
    /* The exponent x with 10^x <= a < 10^(x+1), then a scaled to six digits before the point:
     * m, one correctly rounded multiplication or division by an exact power of ten, and the
     * sign of its error, exact by a fused multiply-add. */
    int x = -4;
    while (x < 14 && a >= BOUND[x + 5]) {
        x++;
    }
    double m, error;
    if (5 - x >= 0) {
        m = a * P10[5 - x];
        error = fma(a, P10[5 - x], -m); /* the exact product less m */
    } else {
        m = a / P10[x - 5];
        error = fma(-m, P10[x - 5], a); /* (the exact quotient less m) times the divisor */
    }
    if (m < 99999.5) {
        return fallback(v, out, 0); /* x misjudged at a boundary (10^-k is not exact) */
    }
    /* m is a multiple of its ulp u (at most 2^-33 here), and so is m - whole - 0.5, while m is
     * within u / 2 of the exact value: m's fraction decides unless it is exactly one half;
     * then the error's sign does, and a true tie goes to the even digit, as printf does. */
    const double whole = floor(m), half = m - whole - 0.5;
    const int up = half > 0 || (half == 0 && (error > 0 || (error == 0 && fmod(whole, 2) != 0)));
    uint64_t d = (uint64_t)whole + (uint64_t)up;
    if (d >= 1000000) {
        d /= 10;
        x++;
    }
    /* %g: fixed notation for -4 <= x < 6, else d.ddddde+XX; trailing zeros dropped. */
    char digits[8];
    digits_back(d, digits + 6);
    int last = 5;
    while (last > 0 && digits[last] == '0') {
        last--;
    }
    char *o = out;
    if (v < 0) {
        *o++ = '-';
    }
    if (x >= 6) {
        *o++ = digits[0];
        if (last > 0) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)last);
            o += last;
        }
        *o++ = 'e';
        *o++ = '+';
        *o++ = (char)('0' + x / 10);
        *o++ = (char)('0' + x % 10);
    } else if (x >= 0) {
        memcpy(o, digits, (size_t)x + 1);
        o += x + 1;
        if (last > x) {
            *o++ = '.';
            memcpy(o, digits + x + 1, (size_t)(last - x));
            o += last - x;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++) {
            *o++ = '0';
        }
        memcpy(o, digits, (size_t)last + 1);
        o += last + 1;
    }
    *o = '\0';
    return (size_t)(o - out);
}
