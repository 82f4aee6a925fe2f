/* SPDX-License-Identifier: MIT */
/* Apple Health timestamps, dates and local days, without the C library's time zone state. */
#include <string.h>

#include "internal.h"

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
int32_t vt_days_from_civil(int32_t y, int32_t m, int32_t d)
{
    y -= m <= 2;
    const int32_t era = (y >= 0 ? y : y - 399) / 400;
    const int32_t yoe = y - era * 400;
    const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void vt_civil_from_days(int32_t z, int32_t *year, int32_t *month, int32_t *day)
{
    z += 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int32_t doe = z - era * 146097;
    const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int32_t mp = (5 * doy + 2) / 153;
    const int32_t d = doy - (153 * mp + 2) / 5 + 1;
    const int32_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = yoe + era * 400 + (m <= 2);
    *month = m;
    *day = d;
}

static int is_leap(int32_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int32_t days_in_month(int32_t y, int32_t m)
{
    static const int8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly `n` ASCII digits at `s`; -1 when any is not a digit. */
static int32_t digits(const char *s, int n)
{
    int32_t v = 0;
    for (int i = 0; i < n; i++) {
        const unsigned c = (unsigned char)s[i] - '0';
        if (c > 9) {
            return -1;
        }
        v = v * 10 + (int32_t)c;
    }
    return v;
}

static vt_status bad(vt_error *err, const char *what, const char *s, size_t len)
{
    const int shown = len > 40 ? 40 : (int)len;
    return vt__error(err, VT_ERR_PARSE, "invalid %s '%.*s%s'", what, shown, s,
                     len > 40 ? "..." : "");
}

static int parse_date(const char *s, int32_t *day)
{
    if (s[4] != '-' || s[7] != '-') {
        return -1;
    }
    const int32_t y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        return -1;
    }
    *day = vt_days_from_civil(y, m, d);
    return 0;
}

vt_status vt_date_parse(const char *s, size_t len, int32_t *day, vt_error *err)
{
    if (len != 10 || parse_date(s, day) != 0) {
        return bad(err, "date (expected YYYY-MM-DD)", s, len);
    }
    return VT_OK;
}

/* The day of 10000-01-01 (vt_days_from_civil(10000, 1, 1)): no timestamp reaches it. */
#define DAY_OF_YEAR_10000 2932897

vt_status vt__time_parse_memo(const char *s, size_t len, vt_time *out, vt__date_memo *memo,
                              vt_error *err)
{
    /* 0123456789012345678901234 */
    /* 2019-10-29 08:06:42 -0700 */
    int32_t day;
    int date_ok;
    if (memo && memo->valid && len == 25 && memcmp(s, memo->date, 10) == 0) {
        day = memo->day; /* the day of the timestamp before, checked then */
        date_ok = 1;
    } else {
        date_ok = len == 25 && parse_date(s, &day) == 0;
        if (date_ok && memo) {
            memcpy(memo->date, s, 10);
            memo->day = day;
            memo->valid = 1;
        }
    }
    if (!date_ok || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != ' ' ||
        (s[20] != '+' && s[20] != '-')) {
        return bad(err, "timestamp (expected YYYY-MM-DD HH:MM:SS +HHMM)", s, len);
    }
    const int32_t hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
    const int32_t oh = digits(s + 21, 2), om = digits(s + 23, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || oh < 0 || oh > 18 ||
        om < 0 || om > 59 || oh * 60 + om > 18 * 60) {
        return bad(err, "timestamp (expected YYYY-MM-DD HH:MM:SS +HHMM)", s, len);
    }
    const int32_t off = (s[20] == '-' ? -1 : 1) * (oh * 60 + om);
    const int64_t local = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss;
    /* A leap second at the end of 9999-12-31 would fold into year 10000, which no
     * timestamp of this format can show (found by fuzz_time: the round trip failed). */
    if (local >= (int64_t)DAY_OF_YEAR_10000 * 86400) {
        return bad(err, "timestamp (expected YYYY-MM-DD HH:MM:SS +HHMM)", s, len);
    }
    out->utc = local - (int64_t)off * 60;
    out->offset_min = (int16_t)off;
    return VT_OK;
}

vt_status vt_time_parse(const char *s, size_t len, vt_time *out, vt_error *err)
{
    return vt__time_parse_memo(s, len, out, NULL, err);
}

static void put2(char *p, int32_t v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

static void put_day(char *p, int32_t day)
{
    int32_t y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999;
    }
    put2(p, y / 100);
    put2(p + 2, y % 100);
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int32_t vt_time_local_day(vt_time t)
{
    return (int32_t)floor_div(t.utc + (int64_t)t.offset_min * 60, 86400);
}

void vt_day_format(int32_t day, char buf[VT_DAY_BUFSZ])
{
    put_day(buf, day);
    buf[10] = '\0';
}

void vt_time_format(vt_time t, char buf[VT_TIME_BUFSZ])
{
    const int64_t local = t.utc + (int64_t)t.offset_min * 60;
    const int64_t day = floor_div(local, 86400);
    const int32_t sec = (int32_t)(local - day * 86400);
    put_day(buf, (int32_t)day);
    buf[10] = ' ';
    put2(buf + 11, sec / 3600);
    buf[13] = ':';
    put2(buf + 14, sec / 60 % 60);
    buf[16] = ':';
    put2(buf + 17, sec % 60);
    buf[19] = ' ';
    const int32_t off = t.offset_min < 0 ? -t.offset_min : t.offset_min;
    buf[20] = t.offset_min < 0 ? '-' : '+';
    put2(buf + 21, off / 60 % 100);
    put2(buf + 23, off % 60);
    buf[25] = '\0';
}

/* Reads 1 or 2 digits; returns how many were read (0 on none). */
static size_t read_1or2(const char *s, size_t len, int32_t *v)
{
    size_t i = 0;
    *v = 0;
    while (i < len && i < 2 && s[i] >= '0' && s[i] <= '9') {
        *v = *v * 10 + (s[i] - '0');
        i++;
    }
    return i;
}

vt_status vt_time_of_day_parse(const char *s, size_t len, int32_t *ms, vt_error *err)
{
    int32_t h, m, sec = 0, frac = 0;
    size_t i = 0, n;
    while (i < len && s[i] == ' ') {
        i++;
    }
    if ((n = read_1or2(s + i, len - i, &h)) == 0) {
        return bad(err, "time of day", s, len);
    }
    i += n;
    if (i >= len || s[i] != ':' || (n = read_1or2(s + i + 1, len - i - 1, &m)) != 2) {
        return bad(err, "time of day", s, len);
    }
    i += 1 + n;
    if (i < len && s[i] == ':') {
        if ((n = read_1or2(s + i + 1, len - i - 1, &sec)) != 2) {
            return bad(err, "time of day", s, len);
        }
        i += 1 + n;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            /* Keep milliseconds: pad or cut the fraction to three digits. */
            int32_t scale = 100, got = 0;
            i++;
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                frac += (s[i] - '0') * scale;
                scale /= 10;
                got++;
                i++;
            }
            if (got == 0) {
                return bad(err, "time of day", s, len);
            }
        }
    }
    while (i < len && (s[i] == ' ' || (unsigned char)s[i] == 0xC2 || (unsigned char)s[i] == 0xA0 ||
                       (unsigned char)s[i] == 0xE2 || (unsigned char)s[i] == 0x80 ||
                       (unsigned char)s[i] == 0xAF)) {
        i++; /* spaces, including U+00A0 and U+202F that newer locales put before AM/PM */
    }
    int pm = -1;
    if (i < len) {
        char letters[4];
        size_t k = 0;
        for (; i < len && k < sizeof letters; i++) {
            const char c = s[i];
            if (c == '.') {
                continue;
            }
            letters[k++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        if (i != len || k != 2 || letters[1] != 'M' || (letters[0] != 'A' && letters[0] != 'P')) {
            return bad(err, "time of day", s, len);
        }
        pm = letters[0] == 'P';
    }
    if (m > 59 || sec > 59) {
        return bad(err, "time of day", s, len);
    }
    if (pm >= 0) {
        if (h < 1 || h > 12) {
            return bad(err, "time of day", s, len);
        }
        h = h % 12 + (pm ? 12 : 0);
    } else if (h > 23) {
        return bad(err, "time of day", s, len);
    }
    *ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
    return VT_OK;
}
