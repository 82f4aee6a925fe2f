/* SPDX-License-Identifier: MIT */
/* Tests of timestamp, date, local day and time-of-day parsing against libc's timegm. */
#define _DEFAULT_SOURCE /* timegm */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../src/vitals/internal.h"
#include "vitals/vitals.h"

static vt_time parse_ok(const char *s)
{
    vt_time t;
    vt_error e;
    assert_int_equal(vt_time_parse(s, strlen(s), &t, &e), VT_OK);
    return t;
}

static void parses_apple_timestamps(void **state)
{
    (void)state;
    /* 2019-10-29 08:06:42 -0700 is 15:06:42 UTC: `date -u -d '2019-10-29 08:06:42 -0700' +%s` */
    vt_time t = parse_ok("2019-10-29 08:06:42 -0700");
    assert_int_equal(t.utc, 1572361602);
    assert_int_equal(t.offset_min, -420);
    t = parse_ok("1970-01-01 00:00:00 +0000");
    assert_int_equal(t.utc, 0);
    t = parse_ok("2016-02-29 23:59:59 +0530");
    assert_int_equal(t.offset_min, 330);
    assert_int_equal(t.utc, 1456790399 - 330 * 60); /* date -u -d "2016-02-29 23:59:59" +%s */
}

static void agrees_with_timegm_over_many_dates(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        struct tm tm = {0};
        tm.tm_year = (int)(x % 200) + 1900 - 1900 + 1;   /* 1901..2100 */
        tm.tm_mon = (int)((x >> 8) % 12);
        tm.tm_mday = (int)((x >> 16) % 28) + 1;
        tm.tm_hour = (int)((x >> 24) % 24);
        tm.tm_min = (int)((x >> 32) % 60);
        tm.tm_sec = (int)((x >> 40) % 60);
        const int off = (int)((x >> 48) % 1441) - 720;
        char buf[64];
        snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %c%02d%02d", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
                 (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
        const int64_t expect = (int64_t)timegm(&tm) - off * 60;
        vt_time t = parse_ok(buf);
        assert_int_equal(t.utc, expect);
        char back[VT_TIME_BUFSZ];
        vt_time_format(t, back);
        assert_string_equal(back, buf);
        /* The local day is the date as written. */
        char day[VT_DAY_BUFSZ];
        vt_day_format(vt_time_local_day(t), day);
        assert_memory_equal(day, buf, 10);
    }
}

static void rejects_anything_else(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "2019-10-29", "2019-10-29 08:06:42", "2019-10-29T08:06:42 -0700",
        "2019-10-29 08:06:42 -07:00", "2019-02-29 08:06:42 -0700", "2019-13-01 00:00:00 +0000",
        "2019-10-29 24:00:00 +0000", "2019-10-29 08:60:00 +0000", "2019-10-29 08:06:42 +1900",
        "2019-10-29 08:06:42 -0700 ", "x019-10-29 08:06:42 -0700", "0000-01-01 00:00:00 +0000",
        "2019-1a-29 08:06:42 -0700",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vt_time t;
        vt_error e;
        assert_int_equal(vt_time_parse(bad[i], strlen(bad[i]), &t, &e), VT_ERR_PARSE);
        assert_non_null(strstr(e.msg, "invalid timestamp"));
    }
    vt_time t;
    assert_int_equal(vt_time_parse("garbage", 7, &t, NULL), VT_ERR_PARSE);
}

/* The reader parses its timestamps through a memo of the last date (vt__time_parse_memo): the
 * same answers as timegm for runs of timestamps of one date, and a bad timestamp that shares
 * a good one's date is still refused. */
static void a_memo_of_the_date_changes_no_answer(void **state)
{
    (void)state;
    vt__date_memo memo;
    memset(&memo, 0, sizeof memo);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        struct tm tm = {0};
        tm.tm_year = (int)(x % 200) + 1;
        tm.tm_mon = (int)((x >> 8) % 12);
        tm.tm_mday = (int)((x >> 16) % 28) + 1;
        for (int k = 0; k < 3; k++) { /* three times of one date, as a record's */
            tm.tm_hour = (int)((x >> (24 + k)) % 24);
            tm.tm_min = (int)((x >> (32 + k)) % 60);
            tm.tm_sec = (int)((x >> (40 + k)) % 60);
            const int off = (int)((x >> (48 + k)) % 1441) - 720;
            char buf[64];
            snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %c%02d%02d", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
            struct tm copy = tm;
            const int64_t expect = (int64_t)timegm(&copy) - off * 60;
            vt_time t;
            assert_int_equal(vt__time_parse_memo(buf, strlen(buf), &t, &memo, NULL), VT_OK);
            assert_int_equal(t.utc, expect);
            assert_int_equal(t.offset_min, off);
            /* The same date with a bad time, a bad offset, cut short: refused. */
            static const char *const tails[] = {" 24:00:00 +0000", " 08:60:00 +0000",
                                                " 08:06:42 +1900", " 08:06:42", " 08-06-42 +0000"};
            char bad[64];
            snprintf(bad, sizeof bad, "%.10s%s", buf, tails[(i + k) % 5]);
            assert_int_equal(vt__time_parse_memo(bad, strlen(bad), &t, &memo, NULL), VT_ERR_PARSE);
        }
    }
}

/* Found by fuzz_time: a leap second on the last day of 9999 folded into year 10000, which
 * vt_time_format cannot show (it printed 9999-01-01), so the round trip failed. */
static void last_second_of_9999_round_trips(void **state)
{
    (void)state;
    vt_time t;
    assert_int_equal(vt_time_parse("9999-12-31 23:59:60 -1800", 25, &t, NULL), VT_ERR_PARSE);
    assert_int_equal(vt_time_parse("9999-12-31 23:59:60 +1800", 25, &t, NULL), VT_ERR_PARSE);
    const char *last = "9999-12-31 23:59:59 -1800";
    assert_int_equal(vt_time_parse(last, 25, &t, NULL), VT_OK);
    char buf[VT_TIME_BUFSZ];
    vt_time_format(t, buf);
    assert_string_equal(buf, last);
    /* A leap second anywhere else still folds into the next minute. */
    vt_time a, b;
    assert_int_equal(vt_time_parse("9999-12-31 23:58:60 +0000", 25, &a, NULL), VT_OK);
    assert_int_equal(vt_time_parse("9999-12-31 23:59:00 +0000", 25, &b, NULL), VT_OK);
    assert_int_equal(a.utc, b.utc);
}

static void dates_and_local_days(void **state)
{
    (void)state;
    int32_t d;
    assert_int_equal(vt_date_parse("1970-01-01", 10, &d, NULL), VT_OK);
    assert_int_equal(d, 0);
    assert_int_equal(vt_date_parse("2000-03-01", 10, &d, NULL), VT_OK);
    assert_int_equal(d, 11017); /* 951868800 / 86400 */
    assert_int_equal(vt_date_parse("1969-12-31", 10, &d, NULL), VT_OK);
    assert_int_equal(d, -1);
    assert_int_equal(vt_date_parse("2019-02-30", 10, &d, NULL), VT_ERR_PARSE);
    assert_int_equal(vt_date_parse("2019-2-3", 8, &d, NULL), VT_ERR_PARSE);
    /* 23:30 at -0700 is 06:30 UTC the next day; the local day is the written one. */
    vt_time t = parse_ok("2020-01-01 23:30:00 -0700");
    char buf[VT_DAY_BUFSZ];
    vt_day_format(vt_time_local_day(t), buf);
    assert_string_equal(buf, "2020-01-01");
    t = parse_ok("2020-01-01 00:30:00 +1400");
    vt_day_format(vt_time_local_day(t), buf);
    assert_string_equal(buf, "2020-01-01");
    int32_t y, m, dd;
    vt_civil_from_days(vt_days_from_civil(2024, 2, 29), &y, &m, &dd);
    assert_int_equal(y * 10000 + m * 100 + dd, 20240229);
}

static int32_t tod(const char *s)
{
    int32_t ms = -1;
    vt_error e;
    assert_int_equal(vt_time_of_day_parse(s, strlen(s), &ms, &e), VT_OK);
    return ms;
}

static void times_of_day(void **state)
{
    (void)state;
    assert_int_equal(tod("6:14:48.94 PM"), ((18 * 60 + 14) * 60 + 48) * 1000 + 940);
    assert_int_equal(tod("00:20:37,80"), (20 * 60 + 37) * 1000 + 800);
    assert_int_equal(tod("12:00:00 AM"), 0);
    assert_int_equal(tod("12:00:01 pm"), (12 * 3600 + 1) * 1000);
    assert_int_equal(tod("23:59:59.999"), 86399999);
    assert_int_equal(tod("6:14 a.m."), (6 * 60 + 14) * 60000);
    assert_int_equal(tod("7:05:01\xe2\x80\xafPM"), ((19 * 60 + 5) * 60 + 1) * 1000);
    static const char *const bad[] = {"", "6", "25:00:00", "13:00:00 PM", "6:1", "6:14:48.",
                                      "6:14:48 XM", "0:00:00 AM", "6:61:00", "noon"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t ms;
        assert_int_equal(vt_time_of_day_parse(bad[i], strlen(bad[i]), &ms, NULL), VT_ERR_PARSE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_apple_timestamps),
        cmocka_unit_test(agrees_with_timegm_over_many_dates),
        cmocka_unit_test(rejects_anything_else),
        cmocka_unit_test(last_second_of_9999_round_trips),
        cmocka_unit_test(a_memo_of_the_date_changes_no_answer),
        cmocka_unit_test(dates_and_local_days),
        cmocka_unit_test(times_of_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
