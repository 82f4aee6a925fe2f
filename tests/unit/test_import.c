/* SPDX-License-Identifier: MIT */
/* Tests of vt_import and the import commands: the samples stored in full, re-import adds
 * nothing, correlations linked not duplicated, bad inputs leave the database untouched. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/vitals/internal.h"
#include "fingerprint.h"
#include "vitals/vitals.h"

static char db_path[256];

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/vitals-test-import-%ld.db", (long)getpid());
    return 0;
}

static void remove_db(void)
{
    fp_remove_db(db_path);
}

static vt_store *fresh_store(void)
{
    remove_db();
    vt_store *s;
    vt_error err;
    if (vt_store_open(db_path, NULL, &s, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    return s;
}

static int first_int(void *ctx, int n, const char *const *v, const char *const *names)
{
    (void)names;
    *(int64_t *)ctx = n > 0 && v[0] ? strtoll(v[0], NULL, 10) : -1;
    return 1;
}

static int64_t scalar(vt_store *s, const char *sql)
{
    int64_t v = -1;
    vt_error err;
    if (vt_store_query(s, sql, first_int, &v, &err) != VT_OK) {
        fail_msg("%s: %s", sql, err.msg);
    }
    return v;
}

/* Each stored record is in day_samples once (the daily calculator's copy). */
static void days_cover_records(vt_store *s)
{
    assert_int_equal(scalar(s, "SELECT coalesce(sum(count), 0) FROM day_samples"),
                     scalar(s, "SELECT count(*) FROM records"));
}

/* A fingerprint of the whole database content: every row of every table, hashed. */
static uint64_t fingerprint(vt_store *s)
{
    fp_state f;
    memset(&f, 0, sizeof f);
    f.h = 0xcbf29ce484222325u;
    vt_error err;
    assert_int_equal(vt_store_query(s,
                                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "ORDER BY name",
                                    fp_table, &f, &err),
                     VT_OK);
    for (int i = 0; i < f.ntables; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1, 2", f.tables[i]);
        fp_mix(&f.h, f.tables[i]);
        assert_int_equal(vt_store_query(s, sql, fp_row, &f, &err), VT_OK);
    }
    return f.h;
}

static void import_ok(vt_store *s, const char *rel, vt_import_stats *st)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", VITALS_FIXTURES, rel);
    vt_error err;
    if (vt_import(s, path, NULL, st, &err) != VT_OK) {
        fail_msg("%s: %s", rel, err.msg);
    }
}

static void samples_import_fully_and_once(void **state)
{
    (void)state;
    vt_store *s = fresh_store();
    vt_import_stats st;
    /* The broken-DTD sample: everything it holds, counts from its .expected file. */
    import_ok(s, "apple-health/jshrake-healthkit-to-sqlite/export.zip", &st);
    assert_int_equal(st.records.inserted, 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM records"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM workouts"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM workout_events"), 4);
    assert_int_equal(scalar(s, "SELECT count(*) FROM workout_statistics"), 3);
    assert_int_equal(scalar(s, "SELECT count(*) FROM workout_metadata"), 13);
    assert_int_equal(scalar(s, "SELECT count(*) FROM workout_routes"), 1);
    assert_int_equal(scalar(s, "SELECT count(*) FROM route_points"), 644);
    assert_int_equal(scalar(s, "SELECT count(*) FROM activity_summaries"), 10);
    assert_int_equal(scalar(s, "SELECT count(*) FROM route_points p JOIN workout_routes r "
                               "ON r.ref_id = p.ref_id"),
                     644);
    const uint64_t before = fingerprint(s);
    /* Again: nothing new. */
    import_ok(s, "apple-health/jshrake-healthkit-to-sqlite/export.zip", &st);
    assert_int_equal(st.records.inserted, 0);
    assert_int_equal(st.records.duplicates, 1);
    assert_int_equal(st.items.workouts_duplicate, 1);
    assert_int_equal(st.items.route_points_inserted, 0);
    assert_true(fingerprint(s) == before);

    import_ok(s, "apple-health/dogsheep-healthkit-to-sqlite/export.zip", &st);
    import_ok(s, "apple-health/dogsheep-healthkit-to-sqlite/export.xml", &st);
    /* The same export as XML with inline Locations and as zip with a GPX file. */
    assert_int_equal(st.records.inserted, 0);
    assert_int_equal(scalar(s, "SELECT count(*) FROM records"), 3);
    assert_int_equal(scalar(s, "SELECT count(*) FROM record_metadata"), 6);
    days_cover_records(s);
    import_ok(s, "apple-health/tdda-applehealthdata/export6s3sample.xml", &st);
    assert_int_equal(scalar(s, "SELECT count(*) FROM records"), 18);
    days_cover_records(s);
    assert_int_equal(scalar(s, "SELECT count(*) FROM export_info"), 3);
    assert_int_equal(scalar(s, "SELECT count(DISTINCT locale) FROM export_info"), 2);
    vt_store_close(s);
    remove_db();
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void correlations_link_members_and_duplicates_collapse(void **state)
{
    (void)state;
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE HealthData [\n"
        "<!ELEMENT HealthData ANY>\n]>\n<HealthData locale=\"en_US\">\n"
        " <ExportDate value=\"2020-02-01 10:00:00 +0000\"/>\n"
        " <Record type=\"HKQuantityTypeIdentifierBloodPressureSystolic\" sourceName=\"Cuff\" "
        "unit=\"mmHg\" startDate=\"2020-01-01 10:00:00 +0000\" endDate=\"2020-01-01 10:00:00 "
        "+0000\" value=\"120\"/>\n"
        " <Record type=\"HKQuantityTypeIdentifierBloodPressureDiastolic\" sourceName=\"Cuff\" "
        "unit=\"mmHg\" startDate=\"2020-01-01 10:00:00 +0000\" endDate=\"2020-01-01 10:00:00 "
        "+0000\" value=\"80\"/>\n"
        " <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"Cuff\" "
        "startDate=\"2020-01-01 10:00:00 +0000\" endDate=\"2020-01-01 10:00:00 +0000\">\n"
        "  <MetadataEntry key=\"HKWasUserEntered\" value=\"1\"/>\n"
        "  <Record type=\"HKQuantityTypeIdentifierBloodPressureSystolic\" sourceName=\"Cuff\" "
        "unit=\"mmHg\" startDate=\"2020-01-01 10:00:00 +0000\" endDate=\"2020-01-01 10:00:00 "
        "+0000\" value=\"120\"/>\n"
        "  <Record type=\"HKQuantityTypeIdentifierBloodPressureDiastolic\" sourceName=\"Cuff\" "
        "unit=\"mmHg\" startDate=\"2020-01-01 10:00:00 +0000\" endDate=\"2020-01-01 10:00:00 "
        "+0000\" value=\"80\"/>\n"
        " </Correlation>\n"
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeWalking\" duration=\"30\" "
        "durationUnit=\"min\" sourceName=\"Watch\" startDate=\"2020-01-02 10:00:00 +0000\" "
        "endDate=\"2020-01-02 10:30:00 +0000\"><MetadataEntry key=\"k\" value=\"v\"/></Workout>\n"
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeWalking\" duration=\"30\" "
        "durationUnit=\"min\" sourceName=\"Watch\" startDate=\"2020-01-02 10:00:00 +0000\" "
        "endDate=\"2020-01-02 10:30:00 +0000\"><MetadataEntry key=\"k\" value=\"v\"/></Workout>\n"
        " <Audiogram type=\"HKDataTypeIdentifierAudiogram\" sourceName=\"Health\" "
        "startDate=\"2020-01-03 10:00:00 +0000\">\n"
        "  <SensitivityPoint frequencyValue=\"125\" frequencyUnit=\"Hz\"/>\n"
        "  <SensitivityPoint frequencyValue=\"250\" frequencyUnit=\"Hz\"/>\n"
        " </Audiogram>\n"
        "</HealthData>\n";
    char path[300];
    snprintf(path, sizeof path, "%s.xml", db_path);
    write_file(path, xml);
    vt_store *s = fresh_store();
    vt_import_stats st;
    vt_error err;
    for (int round = 0; round < 2; round++) {
        if (vt_import(s, path, NULL, &st, &err) != VT_OK) {
            fail_msg("%s", err.msg);
        }
        assert_int_equal(scalar(s, "SELECT count(*) FROM records"), 2);
        assert_int_equal(scalar(s, "SELECT count(*) FROM correlations"), 1);
        assert_int_equal(scalar(s, "SELECT count(*) FROM correlation_members m JOIN records r "
                                   "ON r.id = m.record_id"),
                         2);
        assert_int_equal(scalar(s, "SELECT count(*) FROM workouts"), 1);
        assert_int_equal(scalar(s, "SELECT count(*) FROM workout_metadata"), 1);
        assert_int_equal(scalar(s, "SELECT count(*) FROM elements WHERE parent_id IS NULL"), 1);
        assert_int_equal(scalar(s, "SELECT count(*) FROM elements WHERE parent_id IS NOT NULL"), 2);
    }
    assert_int_equal(st.read.summary.correlation_members, 2);
    assert_int_equal(st.items.workouts_duplicate, 2);
    vt_store_close(s);
    remove(path);
    remove_db();
}

/* Records without children may wait in the store to go in several per statement, while a
 * record with metadata goes in at once: the first of two copies of a sample must still win,
 * whichever of them has the metadata, and a re-import must add nothing. */
static void the_first_copy_of_a_sample_wins(void **state)
{
    (void)state;
    const char *plain = " <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Phone\" "
                        "unit=\"count\" startDate=\"2020-01-01 10:0%d:00 +0000\" "
                        "endDate=\"2020-01-01 10:0%d:30 +0000\" value=\"%d\"/>\n";
    const char *with_meta =
        " <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Phone\" "
        "unit=\"count\" startDate=\"2020-01-01 10:0%d:00 +0000\" endDate=\"2020-01-01 "
        "10:0%d:30 +0000\" value=\"%d\"><MetadataEntry key=\"k\" value=\"v\"/></Record>\n";
    char xml[8192];
    size_t n = (size_t)snprintf(xml, sizeof xml,
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<HealthData locale=\"en_US\">\n"
                                " <ExportDate value=\"2020-02-01 10:00:00 +0000\"/>\n");
    /* Sample 1: plain first, then a copy with metadata. Sample 2: the other way round.
     * Samples 3 to 5: plain, so that more records wait around the copies. */
    n += (size_t)snprintf(xml + n, sizeof xml - n, plain, 1, 1, 11);
    n += (size_t)snprintf(xml + n, sizeof xml - n, plain, 3, 3, 33);
    n += (size_t)snprintf(xml + n, sizeof xml - n, with_meta, 2, 2, 22);
    n += (size_t)snprintf(xml + n, sizeof xml - n, with_meta, 1, 1, 11);
    n += (size_t)snprintf(xml + n, sizeof xml - n, plain, 2, 2, 22);
    n += (size_t)snprintf(xml + n, sizeof xml - n, plain, 4, 4, 44);
    n += (size_t)snprintf(xml + n, sizeof xml - n, plain, 5, 5, 55);
    snprintf(xml + n, sizeof xml - n, "</HealthData>\n");
    char path[300];
    snprintf(path, sizeof path, "%s.xml", db_path);
    write_file(path, xml);
    for (int threads = 1; threads <= 2; threads++) {
        vt_store *s = fresh_store();
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.threads = threads;
        vt_import_stats st;
        vt_error err;
        for (int round = 0; round < 2; round++) {
            if (vt_import(s, path, &o, &st, &err) != VT_OK) {
                fail_msg("%s", err.msg);
            }
            assert_int_equal(st.records.inserted, round == 0 ? 5 : 0);
            assert_int_equal(st.records.duplicates, round == 0 ? 2 : 7);
            assert_int_equal(scalar(s, "SELECT count(*) FROM records"), 5);
            assert_int_equal(scalar(s, "SELECT count(*) FROM record_metadata"), 1);
            assert_int_equal(scalar(s, "SELECT r.value FROM record_metadata m JOIN records r "
                                       "ON r.id = m.record_id"),
                             22);
        }
        vt_store_close(s);
        remove_db();
    }
    remove(path);
}

/* Imports every bad input of tests/fixtures/bad into `s`: each must fail and leave the
 * database's fingerprint `before`; gives how many were tried. */
static int each_bad_input_leaves(vt_store *s, uint64_t before, void (*also)(vt_store *))
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/bad", VITALS_FIXTURES);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(d)) != NULL) {
        const size_t len = strlen(e->d_name);
        if (len < 10 || strcmp(e->d_name + len - 9, ".expected") != 0) {
            continue;
        }
        char input[2048];
        snprintf(input, sizeof input, "%s/%.*s", dir, (int)(len - 9), e->d_name);
        vt_import_stats st;
        vt_error err;
        if (vt_import(s, input, NULL, &st, &err) == VT_OK) {
            fail_msg("%s imported without error", input);
        }
        if (fingerprint(s) != before) {
            fail_msg("%s changed the database", input);
        }
        if (also) {
            also(s);
        }
        checked++;
    }
    closedir(d);
    return checked;
}

static void bad_inputs_leave_the_database_untouched(void **state)
{
    (void)state;
    vt_store *s = fresh_store();
    vt_import_stats st;
    import_ok(s, "apple-health/tdda-applehealthdata/export6s3sample.xml", &st);
    assert_true(each_bad_input_leaves(s, fingerprint(s), NULL) >= 20);
    vt_store_close(s);
    remove_db();
}

/* From the 6th record on, every insert into `records` fails inside SQLite ("boom"). */
static void add_boom_trigger(vt_store *s)
{
    vt_error err;
    assert_int_equal(vt_store_query(s,
                                    "CREATE TRIGGER boom BEFORE INSERT ON records WHEN "
                                    "(SELECT count(*) FROM records) >= 6 BEGIN "
                                    "SELECT RAISE(ABORT, 'boom'); END",
                                    NULL, NULL, &err),
                     VT_OK);
}

/* The file is in WAL mode and no rollback journal lies beside it. */
static void wal_and_no_journal(vt_store *s)
{
    char mode[64] = "";
    vt_error err;
    assert_int_equal(vt_store_query(s, "PRAGMA journal_mode", fp_text, mode, &err), VT_OK);
    assert_string_equal(mode, "wal");
    char p[300];
    snprintf(p, sizeof p, "%s-journal", db_path);
    assert_int_not_equal(access(p, F_OK), 0);
}

/* An import into a database that holds no rows writes the file directly (rollback journal,
 * no WAL) when it has the file to itself, and the file holds the same rows as through the
 * WAL; a failure there, in the reader or in SQLite, leaves the empty database as it was. */
static void a_first_import_writes_the_file_directly(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    for (int threads = 1; threads <= 2; threads++) {
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.threads = threads;
        vt_import_stats st;
        vt_error err;
        /* Alone with the file: direct; then back in WAL mode. */
        vt_store *s = fresh_store();
        assert_int_equal(vt_import(s, path, &o, &st, &err), VT_OK);
        assert_int_equal(st.direct, 1);
        assert_true(st.records.inserted > 0);
        wal_and_no_journal(s);
        const uint64_t direct = fingerprint(s);
        /* The database holds rows now: a re-import goes through the WAL and adds nothing. */
        assert_int_equal(vt_import(s, path, &o, &st, &err), VT_OK);
        assert_int_equal(st.direct, 0);
        assert_int_equal(st.records.inserted, 0);
        assert_true(fingerprint(s) == direct);
        vt_store_close(s);
        /* Another connection has the file open (a reader): through the WAL, the same rows. */
        s = fresh_store();
        vt_store *reader;
        assert_int_equal(vt_store_open(db_path, NULL, &reader, &err), VT_OK);
        assert_int_equal(scalar(reader, "SELECT count(*) FROM records"), 0);
        assert_int_equal(vt_import(s, path, &o, &st, &err), VT_OK);
        assert_int_equal(st.direct, 0);
        assert_true(fingerprint(s) == direct);
        assert_true(scalar(reader, "SELECT count(*) FROM records") > 0);
        vt_store_close(reader);
        vt_store_close(s);
        /* A statement failing inside SQLite half-way through a direct import. */
        s = fresh_store();
        const uint64_t empty = fingerprint(s);
        add_boom_trigger(s);
        assert_int_equal(vt_import(s, path, &o, &st, &err), VT_ERR_DB);
        assert_non_null(strstr(err.msg, "boom"));
        assert_int_equal(st.direct, 1);
        assert_true(fingerprint(s) == empty);
        wal_and_no_journal(s);
        vt_store_close(s);
    }
    /* Every bad input of the hostile set, into an empty database. */
    vt_store *s = fresh_store();
    assert_true(each_bad_input_leaves(s, fingerprint(s), wal_and_no_journal) >= 20);
    vt_store_close(s);
    remove_db();
}

/* Runs the CLI with `args` (a shell fragment); gives its exit code and first stderr line. */
static int run_cli(const char *args, char *line, size_t n)
{
    char cmd[2048], errfile[300];
    snprintf(errfile, sizeof errfile, "%s.err", db_path);
    snprintf(cmd, sizeof cmd, "%s %s 2>%s >/dev/null", VITALS_CLI, args, errfile);
    const int rc = system(cmd);
    line[0] = '\0';
    FILE *f = fopen(errfile, "r");
    if (f) {
        if (!fgets(line, (int)n, f)) {
            line[0] = '\0';
        }
        fclose(f);
    }
    remove(errfile);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void cli_exit_codes_and_one_line_errors(void **state)
{
    (void)state;
    char line[512], args[2048];
    remove_db();
    snprintf(args, sizeof args, "import %s/bad/mismatched-tag.xml --db %s", VITALS_FIXTURES,
             db_path);
    assert_int_equal(run_cli(args, line, sizeof line), 1);
    assert_true(strstr(line, "vitals: ") == line);
    assert_non_null(strstr(line, "mismatched-tag.xml:4:11: Opening and ending tag mismatch"));
    assert_int_equal(run_cli("import --db", line, sizeof line), 2);
    assert_int_equal(run_cli("import --help", line, sizeof line), 0);
    assert_int_equal(run_cli("export --help", line, sizeof line), 0);
    assert_int_equal(run_cli("export x.xml --format json", line, sizeof line), 2);
    snprintf(args, sizeof args,
             "import - --db %s < %s/apple-health/tdda-applehealthdata/"
             "export6s3sample.xml",
             db_path, VITALS_FIXTURES);
    assert_int_equal(run_cli(args, line, sizeof line), 0);
    assert_non_null(strstr(line, "vitals: imported -: 15 records (15 new"));
    snprintf(args, sizeof args,
             "import --quiet %s/apple-health/jshrake-healthkit-to-sqlite/"
             "export.zip --db %s",
             VITALS_FIXTURES, db_path);
    assert_int_equal(run_cli(args, line, sizeof line), 0);
    assert_string_equal(line, "");
    snprintf(args, sizeof args, "info %s/apple-health/jshrake-healthkit-to-sqlite/export.zip",
             VITALS_FIXTURES);
    assert_int_equal(run_cli(args, line, sizeof line), 0);
    snprintf(args, sizeof args,
             "export %s/apple-health/dogsheep-healthkit-to-sqlite/export.xml"
             " -o %s.csv",
             VITALS_FIXTURES, db_path);
    assert_int_equal(run_cli(args, line, sizeof line), 0);
    char csv[300];
    snprintf(csv, sizeof csv, "%s.csv", db_path);
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char row[512];
    int rows = 0;
    while (fgets(row, sizeof row, f)) {
        rows++;
    }
    fclose(f);
    remove(csv);
    assert_int_equal(rows, 3); /* header + 2 records */
    remove_db();
}

/* The real exports, each imported by the tests of one and two threads. */
static const char *const SAMPLES[] = {"apple-health/jshrake-healthkit-to-sqlite/export.zip",
                                      "apple-health/dogsheep-healthkit-to-sqlite/export.zip",
                                      "apple-health/dogsheep-healthkit-to-sqlite/export.xml",
                                      "apple-health/tdda-applehealthdata/export6s3sample.xml"};

static void one_and_two_threads_store_the_same(void **state)
{
    (void)state;
    uint64_t fps[2];
    for (int threads = 1; threads <= 2; threads++) {
        vt_store *s = fresh_store();
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.threads = threads;
        for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", VITALS_FIXTURES, SAMPLES[i]);
            vt_import_stats st;
            vt_error err;
            if (vt_import(s, path, &o, &st, &err) != VT_OK) {
                fail_msg("%s: %s", SAMPLES[i], err.msg);
            }
        }
        /* A failure on either thread count leaves the content as it was. */
        char bad[1024];
        snprintf(bad, sizeof bad, "%s/bad/malformed-in-zip.zip", VITALS_FIXTURES);
        const uint64_t before = fingerprint(s);
        assert_int_not_equal(vt_import(s, bad, &o, NULL, NULL), VT_OK);
        assert_true(fingerprint(s) == before);
        fps[threads - 1] = before;
        vt_store_close(s);
    }
    assert_true(fps[0] == fps[1]);
    remove_db();
}

/* A hash of a file's bytes (FNV-1a); 0 when it cannot be read. */
static uint64_t file_hash(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return 0;
    }
    uint64_t h = 0xcbf29ce484222325u;
    int c;
    while ((c = getc(f)) != EOF) {
        h = (h ^ (unsigned char)c) * 0x100000001b3u;
    }
    fclose(f);
    return h;
}

/* Imports `path` into a fresh file on `threads` threads with a page cache of `cache_kib` (0:
 * the default); gives the closed file's hash, and in `*direct` (may be NULL) whether the
 * import wrote the file directly. */
static uint64_t imported_file_hash(const char *path, int threads, int cache_kib, int pages,
                                   int *direct)
{
    remove_db();
    const vt_store_options so = {0, 0, cache_kib};
    vt_store *s;
    vt_error err;
    if (vt_store_open(db_path, &so, &s, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    vt_import_options o;
    memset(&o, 0, sizeof o);
    o.threads = threads;
    vt_import_stats st;
    if (vt__import(s, path, &o, pages, &st, &err) != VT_OK) {
        fail_msg("%s: %s", path, err.msg);
    }
    if (direct) {
        *direct = st.direct;
    }
    vt_store_close(s);
    const uint64_t h = file_hash(db_path);
    remove_db();
    return h;
}

/* Writes a generated export of `days` days of `shape` beside the database, at `path`. */
static void generated_export(char *path, size_t size, uint32_t days, uint32_t shape)
{
    snprintf(path, size, "%s.gen.xml", db_path);
    vt_gen_options g;
    vt_gen_options_default(&g);
    g.days = days;
    g.shape = shape;
    assert_int_equal(vt_gen_write_file(&g, path, 0, NULL, NULL), VT_OK);
}

/* Not only the same rows: the same bytes, file for file, on the real samples and on
 * generated exports of both shapes (records with metadata and beats, correlations). */
static void one_and_two_threads_write_identical_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", VITALS_FIXTURES, SAMPLES[i]);
        const uint64_t one = imported_file_hash(path, 1, 0, VT__PAGES_MEASURED, NULL);
        assert_true(one != 0);
        assert_true(imported_file_hash(path, 2, 0, VT__PAGES_MEASURED, NULL) == one);
    }
    for (uint32_t shape = VT_GEN_SHAPE_APPLE; shape <= VT_GEN_SHAPE_DENSE; shape++) {
        char path[300];
        generated_export(path, sizeof path, 120, shape);
        const uint64_t one = imported_file_hash(path, 1, 0, VT__PAGES_MEASURED, NULL);
        assert_true(one != 0);
        assert_true(imported_file_hash(path, 2, 0, VT__PAGES_MEASURED, NULL) == one);
        remove(path);
    }
}

/* Two threads write a direct first import's pages behind (store_vfs.c): SQLite's writes reach
 * the file later, from a helper thread. With a page cache of 64 KiB (4 pages) SQLite spills
 * pages all along the import and reads many of them back, some while they still wait in the
 * queue; the file must still be, byte for byte, what one thread writes (which writes its own
 * pages), and the same as with the default cache. */
static void pages_written_behind_read_back_the_same_file(void **state)
{
    (void)state;
    char path[300];
    generated_export(path, sizeof path, 400, VT_GEN_SHAPE_DENSE);
    int direct[3];
    const uint64_t one = imported_file_hash(path, 1, 64, VT__PAGES_MEASURED, &direct[0]);
    assert_true(one != 0);
    assert_true(imported_file_hash(path, 2, 64, VT__PAGES_MEASURED, &direct[1]) == one);
    assert_true(imported_file_hash(path, 2, 0, VT__PAGES_MEASURED, &direct[2]) == one);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(direct[i], 1);
    }
    remove(path);
}

/* On two threads the writer chooses who writes a direct import's pages, itself or the helper
 * (import_pipeline.c, pace_batch), from what it measures of the machine. Each choice forced for
 * the whole import, and the two in turn after every batch (the writer then takes over with
 * pages still queued, and hands back), write the file that one thread writes, byte for byte,
 * with a 64 KiB page cache (pages spilled and read back all along) and the default one. */
static void every_choice_of_page_writer_writes_the_same_file(void **state)
{
    (void)state;
    char path[300];
    generated_export(path, sizeof path, 400, VT_GEN_SHAPE_DENSE);
    const int cache[2] = {64, 0};
    for (int c = 0; c < 2; c++) {
        const uint64_t one = imported_file_hash(path, 1, cache[c], VT__PAGES_MEASURED, NULL);
        assert_true(one != 0);
        const int pages[3] = {VT__PAGES_WRITER, VT__PAGES_HELPER, VT__PAGES_ALTERNATE};
        for (int i = 0; i < 3; i++) {
            int direct = 0;
            assert_true(imported_file_hash(path, 2, cache[c], pages[i], &direct) == one);
            assert_int_equal(direct, 1);
        }
    }
    remove(path);
}

static void a_database_error_mid_import_rolls_everything_back(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        vt_store *s = fresh_store();
        vt_import_stats st;
        import_ok(s, "apple-health/dogsheep-healthkit-to-sqlite/export.xml", &st);
        vt_error err;
        /* The 6th record insert fails inside SQLite, on the writer thread when there is one. */
        add_boom_trigger(s);
        const uint64_t before = fingerprint(s);
        char path[1024];
        snprintf(path, sizeof path, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
                 VITALS_FIXTURES);
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.threads = threads;
        assert_int_equal(vt_import(s, path, &o, &st, &err), VT_ERR_DB);
        assert_non_null(strstr(err.msg, "boom"));
        assert_true(fingerprint(s) == before);
        assert_int_equal(scalar(s, "SELECT count(*) FROM records"), 2);
        vt_store_close(s);
    }
    remove_db();
}

/* A page write that the file system refuses half-way through a first import written directly
 * (the file size limit, as a full disk would): the import fails with an error, on one thread
 * or two, and leaves the database as it was, consistent; reopened, it is still empty, and the
 * same import then goes in whole. */
static void a_page_write_refused_by_the_disk_rolls_the_import_back(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s.fsize.xml", db_path);
    vt_gen_options g;
    vt_gen_options_default(&g);
    g.days = 150;
    vt_gen_xml_stats gs;
    assert_int_equal(vt_gen_write_file(&g, path, 0, &gs, NULL), VT_OK);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit saved;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    for (int threads = 1; threads <= 2; threads++) {
        vt_store *s = fresh_store();
        const uint64_t empty = fingerprint(s);
        /* The schema into the file itself (a new store keeps it in the WAL), then its size. */
        assert_int_equal(scalar(s, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
        struct stat sb;
        assert_int_equal(stat(db_path, &sb), 0);
        /* Room for a few hundred KiB more than the empty schema: the import needs megabytes. */
        struct rlimit lim = saved;
        lim.rlim_cur = (rlim_t)sb.st_size + 512 * 1024;
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.threads = threads;
        vt_import_stats st;
        vt_error err;
        vt_error_clear(&err);
        const vt_status rc = vt_import(s, path, &o, &st, &err);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);

        assert_int_not_equal(rc, VT_OK);
        assert_true(err.msg[0] != '\0');
        assert_int_equal(st.direct, 1);
        assert_true(fingerprint(s) == empty);
        assert_int_equal(
            scalar(s, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"),
            0);
        vt_store_close(s);
        /* Reopened (a hot journal, if one was left, is rolled back): still empty, then the
         * import goes in whole. */
        assert_int_equal(vt_store_open(db_path, NULL, &s, &err), VT_OK);
        assert_true(fingerprint(s) == empty);
        assert_int_equal(vt_import(s, path, &o, &st, &err), VT_OK);
        assert_int_equal(scalar(s, "SELECT count(*) FROM records"), (int64_t)gs.records);
        assert_int_equal(
            scalar(s, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"),
            0);
        vt_store_close(s);
    }
    signal(SIGXFSZ, old_handler);
    remove(path);
    remove_db();
}

/* The same when the statement that fails is one of several rows of metadata, beats or
 * day_samples (they roll the transaction back themselves: no statement journal). */
static void a_failed_child_statement_rolls_everything_back(void **state)
{
    (void)state;
    static const char *const tables[] = {"record_metadata", "record_beats", "day_samples"};
    char path[300];
    snprintf(path, sizeof path, "%s.children.xml", db_path);
    vt_gen_options g;
    vt_gen_options_default(&g);
    g.days = 20;
    assert_int_equal(vt_gen_write_file(&g, path, 0, NULL, NULL), VT_OK);
    for (int threads = 1; threads <= 2; threads++) {
        for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
            vt_store *s = fresh_store();
            vt_import_stats st;
            import_ok(s, "apple-health/dogsheep-healthkit-to-sqlite/export.xml", &st);
            char sql[256];
            snprintf(sql, sizeof sql,
                     "CREATE TRIGGER boom BEFORE INSERT ON %s WHEN (SELECT count(*) FROM %s) >= 20 "
                     "BEGIN SELECT RAISE(ABORT, 'boom'); END",
                     tables[t], tables[t]);
            vt_error err;
            assert_int_equal(vt_store_query(s, sql, NULL, NULL, &err), VT_OK);
            const uint64_t before = fingerprint(s);
            vt_import_options o;
            memset(&o, 0, sizeof o);
            o.threads = threads;
            assert_int_equal(vt_import(s, path, &o, &st, &err), VT_ERR_DB);
            assert_non_null(strstr(err.msg, "boom"));
            assert_true(fingerprint(s) == before);
            /* And the store goes on: without the trigger, the import completes. */
            assert_int_equal(vt_store_query(s, "DROP TRIGGER boom", NULL, NULL, &err), VT_OK);
            if (vt_import(s, path, &o, &st, &err) != VT_OK) {
                fail_msg("%s", err.msg);
            }
            days_cover_records(s);
            vt_store_close(s);
        }
    }
    remove(path);
    remove_db();
}

/* ---- round trip: generate, import, daily metrics ------------------------------------- */

#define MAX_ROWS 4096

typedef struct rows {
    vt_daily_row r[MAX_ROWS];
    char metric[MAX_ROWS][48];
    size_t n;
} rows;

static vt_status keep_row(void *ctx, const vt_daily_row *row, vt_error *err)
{
    rows *rs = ctx;
    (void)err;
    if (rs->n < MAX_ROWS) {
        rs->r[rs->n] = *row;
        snprintf(rs->metric[rs->n], sizeof rs->metric[0], "%s", row->metric);
        rs->n++;
    }
    return VT_OK;
}

static int close_to(double a, double b)
{
    const double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= 1e-9 * (scale > 1 ? scale : 1);
}

static void generated_export_round_trips_to_the_same_daily_metrics(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 45;
    char zpath[300];
    snprintf(zpath, sizeof zpath, "%s.zip", db_path);
    vt_error err;
    assert_int_equal(vt_gen_write_file(&o, zpath, 1, NULL, &err), VT_OK);
    vt_table *t;
    assert_int_equal(vt_table_new(&t, &err), VT_OK);
    assert_int_equal(vt_gen_table(&o, t, &err), VT_OK);
    static rows direct, imported;
    direct.n = imported.n = 0;
    assert_int_equal(vt_daily_compute_table(t, NULL, keep_row, &direct, &err), VT_OK);
    vt_store *s = fresh_store();
    vt_import_stats st;
    if (vt_import(s, zpath, NULL, &st, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(vt_daily_compute_store(s, NULL, keep_row, &imported, &err), VT_OK);
    assert_true(direct.n > 100);
    assert_int_equal(direct.n, imported.n);
    for (size_t i = 0; i < direct.n; i++) {
        const vt_daily_row *a = &direct.r[i], *b = &imported.r[i];
        assert_int_equal(a->day, b->day);
        assert_string_equal(direct.metric[i], imported.metric[i]);
        assert_int_equal(a->count, b->count);
        if (!close_to(a->sum, b->sum) || !close_to(a->mean, b->mean) ||
            !close_to(a->median, b->median) || !close_to(a->max, b->max) ||
            a->has_total != b->has_total || (a->has_total && !close_to(a->total, b->total))) {
            fail_msg("%s day %d: generated sum %.17g total %.17g, imported sum %.17g total %.17g",
                     direct.metric[i], a->day, a->sum, a->total, b->sum, b->total);
        }
    }
    vt_store_close(s);
    vt_table_free(t);
    remove(zpath);
    remove_db();
}

/* Importing an export and then a newer one that overlaps it stores each sample once and gives
 * the daily rows of the newer one imported alone, to the last bit. */
static void overlapping_imports_give_the_daily_rows_of_one(void **state)
{
    (void)state;
    char older[300], newer[300];
    snprintf(older, sizeof older, "%s.older.xml", db_path);
    snprintf(newer, sizeof newer, "%s.newer.xml", db_path);
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 30;
    assert_int_equal(vt_gen_write_file(&o, older, 0, NULL, NULL), VT_OK);
    o.days = 50;
    assert_int_equal(vt_gen_write_file(&o, newer, 0, NULL, NULL), VT_OK);
    static rows alone, both;
    alone.n = both.n = 0;
    vt_error err;
    vt_store *s = fresh_store();
    if (vt_import(s, newer, NULL, NULL, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(vt_daily_compute_store(s, NULL, keep_row, &alone, &err), VT_OK);
    const int64_t records = scalar(s, "SELECT count(*) FROM records");
    vt_store_close(s);
    s = fresh_store();
    vt_import_stats st;
    for (int i = 0; i < 3; i++) {
        if (vt_import(s, i == 0 ? older : newer, NULL, &st, &err) != VT_OK) {
            fail_msg("%s", err.msg);
        }
        days_cover_records(s);
    }
    assert_int_equal(st.records.inserted, 0);
    assert_int_equal(scalar(s, "SELECT count(*) FROM records"), records);
    assert_int_equal(vt_daily_compute_store(s, NULL, keep_row, &both, &err), VT_OK);
    assert_true(alone.n > 100);
    assert_int_equal(both.n, alone.n);
    for (size_t i = 0; i < alone.n; i++) {
        const vt_daily_row *a = &alone.r[i], *b = &both.r[i];
        assert_string_equal(alone.metric[i], both.metric[i]);
        assert_true(a->day == b->day && a->count == b->count && a->sum == b->sum &&
                    a->mean == b->mean && a->stddev == b->stddev && a->median == b->median &&
                    a->p95 == b->p95 && a->has_total == b->has_total && a->total == b->total);
    }
    vt_store_close(s);
    remove(older);
    remove(newer);
    remove_db();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_import_fully_and_once),
        cmocka_unit_test(correlations_link_members_and_duplicates_collapse),
        cmocka_unit_test(the_first_copy_of_a_sample_wins),
        cmocka_unit_test(bad_inputs_leave_the_database_untouched),
        cmocka_unit_test(a_first_import_writes_the_file_directly),
        cmocka_unit_test(cli_exit_codes_and_one_line_errors),
        cmocka_unit_test(one_and_two_threads_store_the_same),
        cmocka_unit_test(one_and_two_threads_write_identical_files),
        cmocka_unit_test(pages_written_behind_read_back_the_same_file),
        cmocka_unit_test(every_choice_of_page_writer_writes_the_same_file),
        cmocka_unit_test(a_database_error_mid_import_rolls_everything_back),
        cmocka_unit_test(a_failed_child_statement_rolls_everything_back),
        cmocka_unit_test(a_page_write_refused_by_the_disk_rolls_the_import_back),
        cmocka_unit_test(generated_export_round_trips_to_the_same_daily_metrics),
        cmocka_unit_test(overlapping_imports_give_the_daily_rows_of_one),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
