/* SPDX-License-Identifier: MIT */
/* The reader's two XML parsers, the built-in tokenizer (the default) and libxml2 (the
 * reference), store the same databases: every sample export of tests/fixtures (XML, zip, GPX
 * routes, Zip64) and generated exports of both shapes, imported with each parser on one and
 * on two threads, hash to the same rows in every table; and every bad input of
 * tests/fixtures/bad is refused by both with the same status and the same message. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fingerprint.h"
#include "vitals/vitals.h"

static const char DB[] = VITALS_TMP_PREFIX "test-parsers.db";

static vt_status import_with(const char *path, vt_xml_parser parser, int threads,
                             vt_import_stats *stats, vt_error *err)
{
    fp_remove_db(DB);
    vt_store *s;
    vt_status st = vt_store_open(DB, NULL, &s, err);
    if (st != VT_OK) {
        return st;
    }
    vt_import_options o;
    memset(&o, 0, sizeof o);
    o.reader.parser = parser;
    o.threads = threads;
    st = vt_import(s, path, &o, stats, err);
    vt_store_close(s);
    return st;
}

/* Imports `path` with each parser, on one and two threads: the same rows, the same counts. */
static void same_database(const char *path)
{
    for (int threads = 1; threads <= 2; threads++) {
        uint64_t hash[2];
        vt_import_stats stats[2];
        for (int k = 0; k < 2; k++) {
            const vt_xml_parser parser = k ? VT_XML_PARSER_LIBXML2 : VT_XML_PARSER_BUILTIN;
            vt_error err;
            if (import_with(path, parser, threads, &stats[k], &err) != VT_OK) {
                fail_msg("%s (%s): %s", path, k ? "libxml2" : "builtin", err.msg);
            }
            char why[512];
            hash[k] = fp_database(DB, why, sizeof why);
            if (hash[k] == 0) {
                fail_msg("%s: %s", path, why);
            }
        }
        if (hash[0] != hash[1]) {
            fail_msg("%s, %d thread(s): the databases differ", path, threads);
        }
        const vt_export_summary *a = &stats[0].read.summary, *b = &stats[1].read.summary;
        assert_int_equal(a->records, b->records);
        assert_int_equal(a->metadata_entries, b->metadata_entries);
        assert_int_equal(a->beats, b->beats);
        assert_int_equal(a->workouts, b->workouts);
        assert_int_equal(a->route_points, b->route_points);
        assert_int_equal(a->other_elements, b->other_elements);
        assert_int_equal(a->control_chars, b->control_chars);
        assert_int_equal(a->bytes, b->bytes);
        assert_int_equal(stats[0].records.inserted, stats[1].records.inserted);
    }
    fp_remove_db(DB);
}

static void the_samples_give_the_same_databases(void **state)
{
    (void)state;
    static const char *const samples[] = {
        "apple-health/dogsheep-healthkit-to-sqlite/export.xml",
        "apple-health/dogsheep-healthkit-to-sqlite/export.zip",
        "apple-health/dogsheep-healthkit-to-sqlite/zip_contents/apple_health_export/export.xml",
        "apple-health/jshrake-healthkit-to-sqlite/export.zip",
        "apple-health/tdda-applehealthdata/export6s3sample.xml",
        "unusual/zip64.zip",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", VITALS_FIXTURES, samples[i]);
        same_database(path);
    }
}

static void generated_exports_give_the_same_databases(void **state)
{
    (void)state;
    static const struct {
        uint32_t shape, days;
        int zip;
        const char *name;
    } exports[] = {
        {VT_GEN_SHAPE_APPLE, 120, 0, VITALS_TMP_PREFIX "test-parsers-apple.xml"},
        {VT_GEN_SHAPE_DENSE, 120, 0, VITALS_TMP_PREFIX "test-parsers-dense.xml"},
        {VT_GEN_SHAPE_APPLE, 30, 1, VITALS_TMP_PREFIX "test-parsers-apple.zip"},
    };
    for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++) {
        vt_gen_options o;
        vt_gen_options_default(&o);
        o.shape = exports[i].shape;
        o.days = exports[i].days;
        vt_error err;
        assert_int_equal(vt_gen_write_file(&o, exports[i].name, exports[i].zip, NULL, &err), VT_OK);
        same_database(exports[i].name);
        unlink(exports[i].name);
    }
}

/* Every bad input: refused by both parsers, with the same status and message. */
static void bad_inputs_are_refused_alike(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/bad", VITALS_FIXTURES);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(d)) != NULL) {
        const size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || (len > 9 && strcmp(e->d_name + len - 9, ".expected") == 0) ||
            (len > 3 && strcmp(e->d_name + len - 3, ".py") == 0)) {
            continue;
        }
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        vt_error err[2];
        vt_import_stats stats;
        const vt_status a = import_with(path, VT_XML_PARSER_BUILTIN, 2, &stats, &err[0]);
        const vt_status b = import_with(path, VT_XML_PARSER_LIBXML2, 2, &stats, &err[1]);
        if (a == VT_OK || a != b || strcmp(err[0].msg, err[1].msg) != 0) {
            fail_msg("%s:\n  builtin: %s %s\n  libxml2: %s %s", e->d_name, vt_status_name(a),
                     err[0].msg, vt_status_name(b), err[1].msg);
        }
        checked++;
    }
    closedir(d);
    fp_remove_db(DB);
    assert_true(checked >= 28);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_samples_give_the_same_databases),
        cmocka_unit_test(generated_exports_give_the_same_databases),
        cmocka_unit_test(bad_inputs_are_refused_alike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
