/* SPDX-License-Identifier: MIT */
/* Tests of the columnar table: append, get, slices, copying between pools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vitals/vitals.h"

static vt_record make(vt_table *t, const char *type, const char *source, int64_t start, double v)
{
    vt_record r;
    memset(&r, 0, sizeof r);
    vt_strpool *p = vt_table_strings(t);
    assert_int_equal(vt_strpool_intern(p, type, strlen(type), &r.type, NULL), VT_OK);
    assert_int_equal(vt_strpool_intern(p, source, strlen(source), &r.source, NULL), VT_OK);
    r.start.utc = start;
    r.start.offset_min = -420;
    r.end.utc = start + 60;
    r.end.offset_min = -420;
    r.value = v;
    r.flags = VT_RECORD_NUMERIC;
    return r;
}

static void append_get_and_slice(void **state)
{
    (void)state;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    vt_columns c;
    vt_table_slice(t, 0, 10, &c);
    assert_int_equal(c.count, 0);
    enum { N = 10000 };
    for (int i = 0; i < N; i++) {
        vt_record r = make(t, i % 2 ? "A" : "B", "src", 1000 + i, (double)i * 0.5);
        assert_int_equal(vt_table_append(t, &r, NULL), VT_OK);
    }
    assert_int_equal(vt_table_count(t), N);
    vt_record r;
    vt_table_get(t, 1234, &r);
    assert_int_equal(r.start.utc, 1000 + 1234);
    assert_int_equal(r.start.offset_min, -420);
    assert_true(r.value == 617.0);
    assert_string_equal(vt_strpool_get(vt_table_strings(t), r.type, NULL), "B");
    /* Slices of N cover the table exactly once. */
    size_t seen = 0;
    double sum = 0;
    for (size_t i = 0; i < vt_table_count(t); i += 999) {
        vt_table_slice(t, i, 999, &c);
        assert_true(c.count <= 999);
        for (size_t k = 0; k < c.count; k++) {
            sum += c.value[k];
            assert_int_equal(c.start[k], 1000 + (int64_t)(i + k));
            /* 1000 + i seconds after 1970-01-01T00:00Z at -0700 is still 1969-12-31 local. */
            assert_int_equal(c.day[k], -1);
        }
        seen += c.count;
    }
    assert_int_equal(seen, N);
    assert_true(sum == 0.5 * (double)N * (N - 1) / 2);
    vt_table_slice(t, N + 5, 10, &c);
    assert_int_equal(c.count, 0);
    vt_table_clear(t);
    assert_int_equal(vt_table_count(t), 0);
    vt_table_free(t);
    vt_table_free(NULL);
}

static void append_from_another_pool(void **state)
{
    (void)state;
    vt_table *a, *b;
    assert_int_equal(vt_table_new(&a, NULL), VT_OK);
    assert_int_equal(vt_table_new(&b, NULL), VT_OK);
    /* Give b a different id layout first. */
    uint32_t dummy;
    assert_int_equal(vt_strpool_intern(vt_table_strings(b), "other", 5, &dummy, NULL), VT_OK);
    vt_record r = make(a, "HKQuantityTypeIdentifierStepCount", "Watch", 50, 7);
    assert_int_equal(vt_table_append_from(b, &r, vt_table_strings(a), NULL), VT_OK);
    vt_record got;
    vt_table_get(b, 0, &got);
    assert_int_not_equal(got.type, r.type);
    assert_string_equal(vt_strpool_get(vt_table_strings(b), got.type, NULL),
                        "HKQuantityTypeIdentifierStepCount");
    assert_string_equal(vt_strpool_get(vt_table_strings(b), got.source, NULL), "Watch");
    vt_table_free(a);
    vt_table_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_get_and_slice),
        cmocka_unit_test(append_from_another_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
