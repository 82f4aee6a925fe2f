/* SPDX-License-Identifier: MIT */
/* Tests of the error helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vitals/vitals.h"

static void status_names_are_distinct(void **state)
{
    (void)state;
    assert_string_equal(vt_status_name(VT_OK), "VT_OK");
    assert_string_equal(vt_status_name(VT_ERR_PARSE), "VT_ERR_PARSE");
    assert_string_equal(vt_status_name((vt_status)999), "VT_ERR_UNKNOWN");
    for (int a = VT_OK; a <= VT_ERR_INTERNAL; a++) {
        for (int b = a + 1; b <= VT_ERR_INTERNAL; b++) {
            assert_string_not_equal(vt_status_name((vt_status)a), vt_status_name((vt_status)b));
        }
    }
}

static void clear_resets_everything(void **state)
{
    (void)state;
    vt_error e;
    memset(&e, 0xab, sizeof e);
    vt_error_clear(&e);
    assert_int_equal(e.code, VT_OK);
    assert_string_equal(e.msg, "");
    assert_int_equal(e.line, 0);
    vt_error_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_names_are_distinct),
        cmocka_unit_test(clear_resets_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
