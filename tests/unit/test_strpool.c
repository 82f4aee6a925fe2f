/* SPDX-License-Identifier: MIT */
/* Tests of string interning: stable ids, lookups, growth, allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vitals/vitals.h"

static void same_bytes_same_id(void **state)
{
    (void)state;
    vt_strpool *p;
    assert_int_equal(vt_strpool_new(&p, NULL), VT_OK);
    uint32_t a, b, c;
    assert_int_equal(vt_strpool_intern(p, "steps", 5, &a, NULL), VT_OK);
    assert_int_equal(vt_strpool_intern(p, "heart", 5, &b, NULL), VT_OK);
    assert_int_equal(vt_strpool_intern(p, "stepsXX", 5, &c, NULL), VT_OK);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(c, a);
    assert_int_equal(vt_strpool_count(p), 2);
    size_t len;
    assert_string_equal(vt_strpool_get(p, b, &len), "heart");
    assert_int_equal(len, 5);
    assert_string_equal(vt_strpool_get(p, 0, NULL), "");
    assert_string_equal(vt_strpool_get(p, 99, NULL), "");
    assert_int_equal(vt_strpool_find(p, "heart", 5), b);
    assert_int_equal(vt_strpool_find(p, "hear", 4), 0);
    /* The empty string is a string like any other. */
    uint32_t e;
    assert_int_equal(vt_strpool_intern(p, "", 0, &e, NULL), VT_OK);
    assert_int_equal(e, 3);
    vt_strpool_free(p);
    vt_strpool_free(NULL);
}

static void many_strings_keep_their_ids_and_pointers(void **state)
{
    (void)state;
    vt_strpool *p;
    assert_int_equal(vt_strpool_new(&p, NULL), VT_OK);
    enum { N = 50000 };
    const char **ptrs = malloc(N * sizeof *ptrs);
    char buf[32];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "source-%d", i);
        uint32_t id;
        assert_int_equal(vt_strpool_intern(p, buf, strlen(buf), &id, NULL), VT_OK);
        assert_int_equal(id, (uint32_t)i + 1);
        ptrs[i] = vt_strpool_get(p, id, NULL);
    }
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "source-%d", i);
        /* Strings never move: pointers taken early stay valid after growth. */
        assert_string_equal(ptrs[i], buf);
        assert_int_equal(vt_strpool_find(p, buf, strlen(buf)), (uint32_t)i + 1);
    }
    free(ptrs);
    vt_strpool_free(p);
}

static int fail_after;
static void *failing_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (fail_after-- <= 0) {
        return NULL;
    }
    return realloc(ptr, size);
}
static void plain_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static void allocation_failures_are_reported(void **state)
{
    (void)state;
    const vt_allocator a = {failing_realloc, plain_free, NULL};
    /* Fail at every possible point of a pool's life; each must fail cleanly. */
    for (int k = 0; k < 40; k++) {
        fail_after = k;
        vt_allocator_set(&a);
        vt_strpool *p = NULL;
        vt_error err;
        vt_status st = vt_strpool_new(&p, &err);
        for (int i = 0; st == VT_OK && i < 300; i++) {
            char buf[16];
            snprintf(buf, sizeof buf, "s%d", i);
            uint32_t id;
            st = vt_strpool_intern(p, buf, strlen(buf), &id, &err);
            if (st == VT_OK) {
                assert_int_equal(id, (uint32_t)i + 1);
            }
        }
        vt_allocator_set(NULL);
        if (st != VT_OK) {
            assert_int_equal(st, VT_ERR_NOMEM);
            assert_string_equal(err.msg, "out of memory");
        }
        vt_strpool_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bytes_same_id),
        cmocka_unit_test(many_strings_keep_their_ids_and_pointers),
        cmocka_unit_test(allocation_failures_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
