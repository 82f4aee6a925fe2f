/* SPDX-License-Identifier: MIT */
/* A benchmark that exhausts memory under `.max_address_space_mb` (setrlimit RLIMIT_AS in its
 * child) is reported as failed, with the limit in its message, and the suite goes on. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

#define BLOCK      (1u << 20)
#define MAX_BLOCKS 256 /* 256 MiB: the most any benchmark here asks for */

/* Allocates and touches 1 MiB blocks until malloc fails (or 256 MiB), then frees them. */
static void hog_checked(vb_state *st)
{
    static char *blocks[MAX_BLOCKS];
    while (vb_loop(st)) {
        size_t n = 0;
        while (n < MAX_BLOCKS && (blocks[n] = malloc(BLOCK)) != NULL) {
            memset(blocks[n], 1, BLOCK);
            n++;
        }
        const int exhausted = n < MAX_BLOCKS;
        while (n > 0) {
            free(blocks[--n]);
        }
        if (!vb_check(st, !exhausted, "out of memory")) {
            return;
        }
    }
}

/* Does not check: 128 MiB written through whatever malloc gave, NULL included. */
static void hog_unchecked(vb_state *st)
{
    void *(*volatile alloc)(size_t) = malloc;
    while (vb_loop(st)) {
        char *p = alloc(128u * BLOCK);
        memset(p, 1, 128u * BLOCK);
        vb_clobber();
        free(p);
    }
}

/* Well within the limit: 8 MiB. */
static void modest(vb_state *st)
{
    void *(*volatile alloc)(size_t) = malloc;
    while (vb_loop(st)) {
        char *p = alloc(8u * BLOCK);
        if (!vb_check(st, p != NULL, "no memory")) {
            return;
        }
        memset(p, 1, 8u * BLOCK);
        vb_clobber();
        free(p);
    }
}

static void nothing(vb_state *st)
{
    while (vb_loop(st)) {
        vb_clobber();
    }
}

/* RLIMIT_AS does not bind under AddressSanitizer (its allocator maps from a reservation made
 * at start), and valgrind manages the address space itself: the hogs would then take real
 * memory, up to 256 MiB. Skipped there. */
static int limit_is_meaningful(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 0;
#else
    return getenv("VITALS_UNDER_VALGRIND") == NULL;
#endif
#else
    return getenv("VITALS_UNDER_VALGRIND") == NULL;
#endif
}

static const vb_bench *add(const char *name, vb_fn fn, double limit_mb)
{
    vb_error e;
    if (vb_register(name, fn, &(vb_bench_options){.group = "mem", .max_address_space_mb = limit_mb},
                    &e) != VB_OK) {
        fail_msg("register %s: %s", name, e.msg);
    }
    return vb_registry_get(vb_registry_count() - 1);
}

static void a_benchmark_out_of_memory_fails_alone(void **state)
{
    (void)state;
    if (!limit_is_meaningful()) {
        skip();
    }
    vb_registry_clear();
    vb_run_options cfg;
    vb_run_options_init(&cfg);
    cfg.fork = true;
    cfg.max_time = 0.02;
    vb_result r;
    /* Checked: its own vb_check fails, the limit is named. */
    assert_int_equal(vb_run_bench(add("hog_checked", hog_checked, 64), &cfg, &r, NULL), VB_OK);
    printf("memory limit: hog_checked: %s: %s\n", vb_outcome_name(r.outcome), r.msg);
    assert_int_equal(r.outcome, VB_OUTCOME_FAILED);
    assert_non_null(strstr(r.msg, "out of memory"));
    assert_non_null(strstr(r.msg, "address-space limit 64 MiB"));
    vb_result_clear(&r);
    /* Unchecked: malloc's NULL is written to, the child dies of SIGSEGV. */
    assert_int_equal(vb_run_bench(add("hog_unchecked", hog_unchecked, 64), &cfg, &r, NULL), VB_OK);
    printf("memory limit: hog_unchecked: %s: %s\n", vb_outcome_name(r.outcome), r.msg);
    assert_int_equal(r.outcome, VB_OUTCOME_CRASHED);
    assert_non_null(strstr(r.msg, "address-space limit 64 MiB"));
    vb_result_clear(&r);
    /* Within its limit a benchmark passes: the limit is on top of what the child had. */
    assert_int_equal(vb_run_bench(add("modest", modest, 64), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    vb_result_clear(&r);
    /* Without a limit, the checked hog gets its 256 MiB. */
    assert_int_equal(vb_run_bench(add("hog_free", hog_checked, 0), &cfg, &r, NULL), VB_OK);
    assert_int_equal(r.outcome, VB_OUTCOME_PASSED);
    vb_result_clear(&r);
    vb_registry_clear();
}

/* The whole suite through vb_main: the hogs fail, the benchmarks after them run and pass,
 * the exit code says a benchmark crashed (3), the JSON report has every outcome. */
static void the_suite_goes_on(void **state)
{
    (void)state;
    if (!limit_is_meaningful()) {
        skip();
    }
    vb_registry_clear();
    add("a_hog_checked", hog_checked, 64);
    add("b_hog_unchecked", hog_unchecked, 64);
    add("c_after", nothing, 0);
    add("d_modest", modest, 64);
    char json[] = "/tmp/vb-memlimit-XXXXXX";
    const int fd = mkstemp(json);
    assert_true(fd >= 0);
    close(fd);
    char *argv[] = {"suite", "--quiet", "--max-time=0.02", "--json", json, NULL};
    assert_int_equal(vb_main(5, argv), 3);
    json_t *root = json_load_file(json, 0, NULL);
    unlink(json);
    assert_non_null(root);
    /* The benchmarks after the hogs ran and passed, with their statistics. */
    json_t *benches = json_object_get(root, "benchmarks");
    assert_int_equal(json_array_size(benches), 2);
    size_t i;
    json_t *b;
    json_array_foreach(benches, i, b)
    {
        const char *name = json_string_value(json_object_get(b, "name"));
        const char *outcome =
            json_string_value(json_object_get(json_object_get(b, "extra_info"), "outcome"));
        assert_true(name && (strstr(name, "c_after") || strstr(name, "d_modest")));
        assert_string_equal(outcome, "passed");
    }
    /* The hogs are listed as failures, each with the limit in its message. */
    json_t *failures = json_object_get(root, "failures");
    assert_int_equal(json_array_size(failures), 2);
    int seen = 0;
    json_array_foreach(failures, i, b)
    {
        const char *name = json_string_value(json_object_get(b, "fullname"));
        const char *outcome = json_string_value(json_object_get(b, "outcome"));
        const char *msg = json_string_value(json_object_get(b, "message"));
        assert_true(name && outcome && msg);
        assert_string_equal(outcome, strstr(name, "a_hog") ? "failed" : "crashed");
        assert_non_null(strstr(msg, "address-space limit 64 MiB"));
        seen++;
    }
    json_decref(root);
    assert_int_equal(seen, 2);
    vb_registry_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_benchmark_out_of_memory_fails_alone),
        cmocka_unit_test(the_suite_goes_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
