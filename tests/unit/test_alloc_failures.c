/* SPDX-License-Identifier: MIT */
/* Allocation failures everywhere: the reader, the import and the store are run with the
 * k-th allocation of libvitals failing, for every k of a clean run. Each run must end
 * cleanly: success with the clean run's result, or VT_ERR_NOMEM with a message; no crash,
 * and (under make asan / make valgrind) no leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vitals/vitals.h"

/* Atomic: the two-thread import allocates on both threads. */
static _Atomic long calls, fail_at = -1, failed;

static void *counting_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (calls++ == fail_at) {
        failed++;
        return NULL;
    }
    return realloc(ptr, size);
}

static void counting_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static const vt_allocator counting = {counting_realloc, counting_free, NULL};

typedef struct outcome {
    vt_status st;
    uint64_t records, items;
    char msg[256];
} outcome;

typedef outcome (*scenario_fn)(void);

/* Runs `run` clean, then once per allocation it made with that allocation failing. */
static void every_allocation_fails_once(const char *what, scenario_fn run)
{
    vt_allocator_set(&counting);
    calls = 0;
    fail_at = -1;
    const outcome clean = run();
    const long total = calls;
    if (clean.st != VT_OK) {
        vt_allocator_set(NULL);
        fail_msg("%s: the clean run failed: %s", what, clean.msg);
    }
    long nomem = 0, ok = 0;
    for (long k = 0; k < total; k++) {
        calls = 0;
        failed = 0;
        fail_at = k;
        if (getenv("ALLOC_DEBUG")) {
            fprintf(stderr, "%s: failing allocation %ld\n", what, k);
        }
        const outcome o = run();
        if (o.st == VT_OK) {
            /* A failure the code could absorb: the result must be the clean one. */
            if (o.records != clean.records || o.items != clean.items) {
                vt_allocator_set(NULL);
                fail_msg("%s: allocation %ld failed, the run succeeded with other counts", what, k);
            }
            ok++;
        } else if (o.st == VT_ERR_NOMEM && o.msg[0]) {
            nomem++;
        } else {
            vt_allocator_set(NULL);
            fail_msg("%s: allocation %ld failed: %s (%s)", what, k, vt_status_name(o.st), o.msg);
        }
    }
    vt_allocator_set(NULL);
    printf("alloc: %s: %ld allocations, each failed once: %ld runs VT_ERR_NOMEM, %ld absorbed\n",
           what, total, nomem, ok);
    assert_true(total > 10);
    assert_true(nomem > 0);
}

/* ---- the scenarios ------------------------------------------------------------------ */

static vt_status count_record(void *ctx, const vt_record *rec, const vt_strpool *strings,
                              vt_error *err)
{
    (void)rec;
    (void)strings;
    (void)err;
    ((outcome *)ctx)->records++;
    return VT_OK;
}

static vt_status count_workout(void *ctx, const vt_workout *w, const vt_strpool *strings,
                               vt_error *err)
{
    (void)w;
    (void)strings;
    (void)err;
    ((outcome *)ctx)->items++;
    return VT_OK;
}

static outcome read_file(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/%s", VITALS_FIXTURES, rel);
    outcome o;
    memset(&o, 0, sizeof o);
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = &o;
    sink.record = count_record;
    sink.workout = count_workout;
    vt_error err;
    vt_error_clear(&err);
    o.st = vt_read_export(path, NULL, &sink, NULL, &err);
    snprintf(o.msg, sizeof o.msg, "%s", err.msg);
    return o;
}

static outcome read_xml_sample(void)
{
    return read_file("dogsheep-healthkit-to-sqlite/export.xml");
}

static outcome read_zip_sample(void)
{
    return read_file("jshrake-healthkit-to-sqlite/export.zip");
}

static int first_int(void *ctx, int n, const char *const *v, const char *const *names)
{
    (void)names;
    *(uint64_t *)ctx = n > 0 && v[0] ? strtoull(v[0], NULL, 10) : 0;
    return 1;
}

/* Opens a store in memory, imports on `threads` threads, counts. On one thread the order of
 * allocations is fixed; on two it may vary a little between runs, which does not matter:
 * whichever allocation fails, the run must end cleanly. */
static outcome import_sample(const char *rel, int threads)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/%s", VITALS_FIXTURES, rel);
    outcome o;
    memset(&o, 0, sizeof o);
    vt_error err;
    vt_error_clear(&err);
    vt_store *s = NULL;
    o.st = vt_store_open(":memory:", NULL, &s, &err);
    if (o.st == VT_OK) {
        vt_import_options io;
        memset(&io, 0, sizeof io);
        io.threads = threads;
        o.st = vt_import(s, path, &io, NULL, &err);
    }
    if (o.st == VT_OK) {
        /* The counts of a successful run: read with the real allocator's help only. */
        const long saved = fail_at;
        fail_at = -1;
        o.st = vt_store_query(s, "SELECT count(*) FROM records", first_int, &o.records, &err);
        if (o.st == VT_OK) {
            o.st =
                vt_store_query(s, "SELECT count(*) FROM route_points", first_int, &o.items, &err);
        }
        fail_at = saved;
    }
    vt_store_close(s);
    snprintf(o.msg, sizeof o.msg, "%s", err.msg);
    return o;
}

static outcome import_zip_sample(void)
{
    return import_sample("jshrake-healthkit-to-sqlite/export.zip", 1);
}

static outcome import_xml_sample(void)
{
    return import_sample("tdda-applehealthdata/export6s3sample.xml", 1);
}

static outcome import_zip_sample_two_threads(void)
{
    return import_sample("jshrake-healthkit-to-sqlite/export.zip", 2);
}

static void reader_survives_every_allocation_failure(void **state)
{
    (void)state;
    every_allocation_fails_once("read export.xml", read_xml_sample);
    every_allocation_fails_once("read export.zip", read_zip_sample);
}

static void import_survives_every_allocation_failure(void **state)
{
    (void)state;
    every_allocation_fails_once("import export.xml", import_xml_sample);
    every_allocation_fails_once("import export.zip", import_zip_sample);
    every_allocation_fails_once("import export.zip, 2 threads", import_zip_sample_two_threads);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reader_survives_every_allocation_failure),
        cmocka_unit_test(import_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
