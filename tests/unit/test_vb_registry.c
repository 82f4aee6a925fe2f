/* SPDX-License-Identifier: MIT */
/* Tests of registration (the macro and by hand), parameters and the -k / -m filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

static void by_macro(vb_state *st)
{
    while (vb_loop(st)) {
        vb_clobber();
    }
}
VB_BENCHMARK(by_macro, .group = "calculator", .marks = "performance, memory",
             VB_PARAMS(30, 365, 1825), .param_name = "days");

static void plain(vb_state *st)
{
    while (vb_loop(st)) {
    }
}
VB_BENCHMARK(plain);

static const vb_bench *find(const char *fullname)
{
    for (size_t i = 0; i < vb_registry_count(); i++) {
        if (strcmp(vb_registry_get(i)->fullname, fullname) == 0) {
            return vb_registry_get(i);
        }
    }
    return NULL;
}

static void macro_registers_before_main(void **state)
{
    (void)state;
    vb_error e;
    memset(&e, 0x55, sizeof e);
    assert_false(vb_registry_error(&e));
    assert_int_equal(e.code, VB_OK);
    assert_string_equal(e.msg, "");
    assert_int_equal(vb_registry_count(), 4);
    const vb_bench *b = find("calculator/by_macro[365]");
    assert_non_null(b);
    assert_string_equal(b->name, "by_macro[365]");
    assert_string_equal(b->base, "by_macro");
    assert_true(b->has_param);
    assert_int_equal(b->param, 365);
    assert_string_equal(b->opts.param_name, "days");
    assert_non_null(find("calculator/by_macro[30]"));
    assert_non_null(find("calculator/by_macro[1825]"));
    const vb_bench *p = find("plain");
    assert_non_null(p);
    assert_false(p->has_param);
    assert_null(vb_registry_get(99));
}

static void duplicates_and_bad_input_are_rejected(void **state)
{
    (void)state;
    vb_error e;
    const vb_bench_options o = {.group = "calculator"};
    assert_int_equal(vb_register("fresh", by_macro, &o, &e), VB_OK);
    assert_non_null(find("calculator/fresh"));
    assert_int_equal(vb_register("fresh", by_macro, &o, &e), VB_ERR_INVALID);
    assert_non_null(strstr(e.msg, "twice"));
    /* The same full name as one the macro registered. */
    assert_int_equal(vb_register("by_macro[30]", by_macro, &o, &e), VB_ERR_INVALID);
    assert_int_equal(vb_register(NULL, by_macro, NULL, &e), VB_ERR_INVALID);
    assert_int_equal(vb_register("x", NULL, NULL, &e), VB_ERR_INVALID);
    const vb_bench_options bad = {.nparams = 2};
    assert_int_equal(vb_register("y", plain, &bad, &e), VB_ERR_INVALID);
}

/* What VB_BENCHMARK does before main(): a failure is kept, as an error struct, for vb_main. */
static void registration_failure_is_kept_for_vb_main(void **state)
{
    (void)state;
    vb_registry_clear();
    assert_false(vb_registry_error(NULL));
    const vb_bench_options o = {.group = "g"};
    vb__register_or_die("twin", plain, &o);
    assert_false(vb_registry_error(NULL));
    vb__register_or_die("twin", plain, &o);
    vb__register_or_die(NULL, plain, &o); /* a second failure: the first one is kept */
    vb_error e;
    assert_true(vb_registry_error(&e));
    assert_int_equal(e.code, VB_ERR_INVALID);
    assert_non_null(strstr(e.msg, "g/twin is registered twice"));
    vb_registry_clear();
    assert_false(vb_registry_error(&e));
    assert_int_equal(e.code, VB_OK);
    assert_int_equal(vb_registry_count(), 0);
}

static void name_filter(void **state)
{
    (void)state;
    const char *n = "calculator/daily[365]";
    assert_true(vb_filter_name(NULL, n));
    assert_true(vb_filter_name("", n));
    assert_true(vb_filter_name("daily", n));
    assert_false(vb_filter_name("weekly", n));
    assert_true(vb_filter_name("not weekly", n));
    assert_false(vb_filter_name("not daily", n));
    assert_true(vb_filter_name("calculator/*", n));
    assert_false(vb_filter_name("store/*", n));
    assert_true(vb_filter_name("weekly or daily", n));
    assert_false(vb_filter_name("daily and not 365", n));
    assert_true(vb_filter_name("daily and not 1825", n));
    assert_true(vb_filter_name("*daily?365?", n));
    assert_true(vb_filter_name("daily[365]", n)); /* brackets of a full name, literally */
    assert_false(vb_filter_name("daily[30]", n));
}

static void mark_filter(void **state)
{
    (void)state;
    bool m = false;
    vb_error e;
    const char *marks = "performance, database";
    assert_int_equal(vb_filter_marks("performance", marks, &m, &e), VB_OK);
    assert_true(m);
    assert_int_equal(vb_filter_marks("memory", marks, &m, &e), VB_OK);
    assert_false(m);
    assert_int_equal(vb_filter_marks("performance and not memory", marks, &m, &e), VB_OK);
    assert_true(m);
    assert_int_equal(vb_filter_marks("performance and not database", marks, &m, &e), VB_OK);
    assert_false(m);
    assert_int_equal(vb_filter_marks("(memory or database) and performance", marks, &m, &e), VB_OK);
    assert_true(m);
    /* "data" is not "database": marks match whole. */
    assert_int_equal(vb_filter_marks("data", marks, &m, &e), VB_OK);
    assert_false(m);
    assert_int_equal(vb_filter_marks("not performance", NULL, &m, &e), VB_OK);
    assert_true(m);
    assert_int_equal(vb_filter_marks("", marks, &m, &e), VB_OK);
    assert_true(m);
    assert_int_equal(vb_filter_marks("performance and", marks, &m, &e), VB_ERR_PARSE);
    assert_non_null(strstr(e.msg, "performance and"));
    assert_int_equal(vb_filter_marks("(performance", marks, &m, &e), VB_ERR_PARSE);
    assert_int_equal(vb_filter_marks("performance memory", marks, &m, &e), VB_ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(macro_registers_before_main),
        cmocka_unit_test(duplicates_and_bad_input_are_rejected),
        cmocka_unit_test(registration_failure_is_kept_for_vb_main),
        cmocka_unit_test(name_filter),
        cmocka_unit_test(mark_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
