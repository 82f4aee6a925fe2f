/* SPDX-License-Identifier: MIT */
/* Numbers and instants of the export: a fast exact decimal parser with a strtod fallback,
 * and the ISO 8601 instants of GPX files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Powers of ten exactly representable as doubles. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int fallback(const char *s, size_t len, double *out)
{
    char buf[128];
    if (len >= sizeof buf) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    const double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v)) {
        return 0;
    }
    *out = v;
    return 1;
}

/*
 * Clinger's fast path: when the digits, read as an integer, fit in 53 bits (at most 15
 * significant digits) and the decimal exponent is within +-22, `m * 10^e` or `m / 10^e` is
 * one correctly rounded IEEE operation on two exact operands, so the result equals strtod's.
 * Apple writes values such as "72", "0.4971749504535062", "22.5312": the long ones (16-17
 * digits) go to strtod, which is exact always.
 */
int vt__parse_decimal(const char *s, size_t len, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (len == 0) {
        return 0;
    }
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t m = 0;
    int digits = 0, frac = 0, any = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (m || s[i] != '0') {
            digits++;
        }
        m = m * 10 + (uint64_t)(s[i] - '0');
        any = 1;
        i++;
        if (digits > 15) {
            return fallback(s, len, out);
        }
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (m || s[i] != '0') {
                digits++;
            }
            m = m * 10 + (uint64_t)(s[i] - '0');
            frac++;
            any = 1;
            i++;
            if (digits > 15) {
                return fallback(s, len, out);
            }
        }
    }
    if (!any) {
        return 0;
    }
    int exp10 = -frac;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        return fallback(s, len, out); /* rare in exports: leave it to strtod */
    }
    if (i != len) {
        return 0;
    }
    double v = (double)m;
    if (exp10 < -22) {
        return fallback(s, len, out);
    }
    if (exp10 < 0) {
        v /= pow10_exact[-exp10];
    }
    *out = neg ? -v : v;
    return 1;
}

static int num(const char *s, int n, int32_t *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

int vt__parse_iso_ms(const char *s, size_t len, int64_t *out)
{
    int32_t y, mo, d, h, mi, sec;
    if (len < 19 || !num(s, 4, &y) || s[4] != '-' || !num(s + 5, 2, &mo) || s[7] != '-' ||
        !num(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !num(s + 11, 2, &h) ||
        s[13] != ':' || !num(s + 14, 2, &mi) || s[16] != ':' || !num(s + 17, 2, &sec)) {
        return 0;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return 0;
    }
    size_t i = 19;
    int64_t ms = 0;
    if (i < len && (s[i] == '.' || s[i] == ',')) {
        int64_t scale = 100;
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            ms += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
    }
    int32_t off_min = 0;
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int32_t oh, om = 0;
        const int sign = s[i] == '-' ? -1 : 1;
        if (i + 3 > len || !num(s + i + 1, 2, &oh)) {
            return 0;
        }
        i += 3;
        if (i < len && s[i] == ':') {
            i++;
        }
        if (i + 2 <= len && num(s + i, 2, &om)) {
            i += 2;
        }
        off_min = sign * (oh * 60 + om);
    }
    if (i != len) {
        return 0;
    }
    const int64_t days = vt_days_from_civil(y, mo, d);
    const int64_t secs = ((days * 24 + h) * 60 + mi) * 60 + sec - (int64_t)off_min * 60;
    *out = secs * 1000 + ms;
    return 1;
}
