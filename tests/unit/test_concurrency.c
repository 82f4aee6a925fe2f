/* SPDX-License-Identifier: MIT */
/* Concurrency on one database file (WAL): readers see a consistent snapshot while an import
 * writes; two imports at once either wait for each other or one fails cleanly (one line,
 * VT_ERR_BUSY / exit 1), and nothing is lost or stored twice. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fingerprint.h"
#include "vitals/vitals.h"

static char db_path[256], export_path[256], out_path[300], err_path[300];
static uint64_t export_records; /* Records of the generated export, members included */
static int64_t records_before;  /* rows of `records` before any import */
static uint64_t daily_before;   /* digest of vt_daily_compute_store before */

/* ---- helpers ----------------------------------------------------------------------- */

static vt_status digest_row(void *ctx, const vt_daily_row *row, vt_error *err)
{
    (void)err;
    char line[256];
    snprintf(line, sizeof line, "%d %s %llu %.9g %.9g", row->day, row->metric,
             (unsigned long long)row->count, row->sum, row->median);
    fp_mix(ctx, line);
    return VT_OK;
}

/* The daily metrics of every metric, hashed, computed on a connection of its own. */
static uint64_t daily_digest(void)
{
    vt_store *s;
    vt_error err;
    if (vt_store_open(db_path, NULL, &s, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    uint64_t h = 0xcbf29ce484222325u;
    if (vt_daily_compute_store(s, NULL, digest_row, &h, &err) != VT_OK) {
        fail_msg("daily: %s", err.msg);
    }
    vt_store_close(s);
    return h;
}

static int64_t records_now(void)
{
    return fp_scalar(db_path, "SELECT count(*) FROM records");
}

static int setup(void **state)
{
    (void)state;
    const long pid = (long)getpid();
    snprintf(db_path, sizeof db_path, "/tmp/vitals-test-conc-%ld.db", pid);
    snprintf(export_path, sizeof export_path, "/tmp/vitals-test-conc-%ld.xml", pid);
    snprintf(out_path, sizeof out_path, "%s.out", db_path);
    snprintf(err_path, sizeof err_path, "%s.err", db_path);
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.target_bytes = getenv("VITALS_UNDER_VALGRIND") ? (1u << 20) : (12u << 20);
    vt_gen_xml_stats gs;
    vt_error err;
    if (vt_gen_write_file(&o, export_path, 0, &gs, &err) != VT_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    export_records = gs.records;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fp_remove_db(db_path);
    remove(export_path);
    remove(out_path);
    remove(err_path);
    return 0;
}

/* Each test starts from the same database: the tdda sample imported. */
static void fresh_database(void)
{
    fp_remove_db(db_path);
    char sample[1024];
    snprintf(sample, sizeof sample, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    vt_store *s;
    vt_error err;
    if (vt_store_open(db_path, NULL, &s, &err) != VT_OK ||
        vt_import(s, sample, NULL, NULL, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    vt_store_close(s);
    records_before = records_now();
    daily_before = daily_digest();
}

/* A child's side of a pause: at `at` records, say so on `tell` and wait for a byte on
 * `resume` before going on. */
typedef struct pause_point {
    uint64_t at;
    int tell, resume, done;
} pause_point;

static int at_progress(void *ctx, const vt_read_progress *p)
{
    pause_point *k = ctx;
    if (!k->done && p->records >= k->at) {
        k->done = 1;
        char c = 'k';
        if (write(k->tell, &c, 1) != 1 || read(k->resume, &c, 1) != 1) {
            return 1; /* the parent went away: stop */
        }
    }
    return 0;
}

typedef struct importer {
    pid_t pid;
    int tell[2], resume[2];
} importer;

/* Forks a child importing the export with `busy_ms` of busy timeout (0: the default), that
 * pauses once at `at` records; it exits 0 on success, 10 + the status otherwise and writes
 * its error line to `errfile`. */
static importer start_import(uint64_t at, int busy_ms, const char *errfile)
{
    importer im;
    assert_int_equal(pipe(im.tell), 0);
    assert_int_equal(pipe(im.resume), 0);
    im.pid = fork();
    assert_true(im.pid >= 0);
    if (im.pid == 0) {
        close(im.tell[0]);
        close(im.resume[1]);
        pause_point k = {at, im.tell[1], im.resume[0], at == 0};
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.reader.progress = at_progress;
        o.reader.progress_ctx = &k;
        vt_store_options so;
        memset(&so, 0, sizeof so);
        so.busy_timeout_ms = busy_ms;
        vt_store *s;
        vt_error err;
        vt_error_clear(&err);
        vt_status st = vt_store_open(db_path, &so, &s, &err);
        if (st == VT_OK) {
            st = vt_import(s, export_path, &o, NULL, &err);
            vt_store_close(s);
        }
        FILE *f = fopen(errfile, "w");
        if (f) {
            fprintf(f, "%s\n", err.msg);
            fclose(f);
        }
        _exit(st == VT_OK ? 0 : 10 + (int)st);
    }
    close(im.tell[1]);
    close(im.resume[0]);
    return im;
}

/* Waits until the child reports its pause; 0 when it ended first. */
static int wait_pause(importer *im)
{
    char c;
    ssize_t n;
    while ((n = read(im->tell[0], &c, 1)) < 0 && errno == EINTR) {
    }
    return n == 1;
}

static void resume(importer *im)
{
    assert_int_equal(write(im->resume[1], "g", 1), 1);
}

static int finish(importer *im)
{
    close(im->resume[1]);
    close(im->tell[0]);
    int status;
    while (waitpid(im->pid, &status, 0) < 0) {
        assert_int_equal(errno, EINTR);
    }
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* Runs `vitals daily --db DB --format csv` and hashes its output. */
static uint64_t cli_daily(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s daily --db %s --format csv >%s 2>%s", VITALS_CLI, db_path,
             out_path, err_path);
    const int rc = system(cmd);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
    FILE *f = fopen(out_path, "r");
    assert_non_null(f);
    uint64_t h = 0xcbf29ce484222325u;
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        fp_mix(&h, line);
        lines++;
    }
    fclose(f);
    assert_true(lines > 1);
    return h;
}

/* ---- the tests --------------------------------------------------------------------- */

/* A reader (vt_daily_compute_store on its own connection, and the `vitals daily` program)
 * while an import is half done, then while it runs: the state before, exactly. */
static void readers_see_the_snapshot_before_the_import(void **state)
{
    (void)state;
    fresh_database();
    const uint64_t cli_before = cli_daily();
    importer im = start_import(export_records / 2, 0, err_path);
    assert_true(wait_pause(&im));
    /* Half the export is written in the open transaction (some of it spilled to the WAL). */
    assert_int_equal(records_now(), records_before);
    assert_true(daily_digest() == daily_before);
    assert_true(cli_daily() == cli_before);
    resume(&im);
    /* And while it goes on: every read sees before or after, never a part. */
    int reads = 0, during = 0;
    int64_t seen[2] = {-1, -1};
    for (;;) {
        int status;
        const pid_t done = waitpid(im.pid, &status, WNOHANG);
        const int64_t n = records_now();
        reads++;
        during += done == 0 && n == records_before;
        if (n != records_before && n != seen[0] && n != seen[1]) {
            if (seen[0] >= 0 && seen[1] >= 0) {
                fail_msg("a reader saw %lld records: a third state", (long long)n);
            }
            seen[seen[0] < 0 ? 0 : 1] = n;
        }
        if (done == im.pid) {
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            close(im.resume[1]);
            close(im.tell[0]);
            break;
        }
    }
    const int64_t after = records_now();
    for (int i = 0; i < 2; i++) {
        if (seen[i] >= 0 && seen[i] != after) {
            fail_msg("a reader saw %lld records: neither %lld before nor %lld after",
                     (long long)seen[i], (long long)records_before, (long long)after);
        }
    }
    printf("concurrency: %d reads while the import ran, %d of them before its commit\n", reads,
           during);
    assert_true(records_now() > records_before);
    assert_true(daily_digest() != daily_before);
}

/* Two imports at once, the second with a busy timeout long enough for the first to finish
 * (a minute: valgrind and loaded machines are slow): it waits for the first's commit, then
 * finds every record stored. */
static void two_imports_the_second_waits(void **state)
{
    (void)state;
    fresh_database();
    char err_a[320], err_b[320];
    snprintf(err_a, sizeof err_a, "%s.a", err_path);
    snprintf(err_b, sizeof err_b, "%s.b", err_path);
    importer a = start_import(export_records / 3, 0, err_a);
    assert_true(wait_pause(&a)); /* a holds the write lock now */
    importer b = start_import(0, 60000, err_b);
    const struct timespec wait_ms = {0, 100 * 1000 * 1000};
    nanosleep(&wait_ms, NULL); /* b is waiting for the lock */
    resume(&a);
    assert_int_equal(finish(&a), 0);
    assert_int_equal(finish(&b), 0);
    const int64_t once = records_now();
    /* The same as importing it once in a fresh database. */
    fresh_database();
    importer c = start_import(0, 0, err_a);
    assert_int_equal(finish(&c), 0);
    assert_int_equal(records_now(), once);
    remove(err_a);
    remove(err_b);
}

/* Two imports at once, the second with a 1 ms busy timeout: it fails with VT_ERR_BUSY and
 * one line naming the lock; the first completes; the database holds one import. */
static void two_imports_the_second_fails_cleanly(void **state)
{
    (void)state;
    fresh_database();
    char err_a[320], err_b[320];
    snprintf(err_a, sizeof err_a, "%s.a", err_path);
    snprintf(err_b, sizeof err_b, "%s.b", err_path);
    importer a = start_import(export_records / 3, 0, err_a);
    assert_true(wait_pause(&a));
    importer b = start_import(0, 1, err_b);
    assert_int_equal(finish(&b), 10 + VT_ERR_BUSY);
    FILE *f = fopen(err_b, "r");
    assert_non_null(f);
    char line[512] = "", more[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_null(fgets(more, sizeof more, f)); /* one line */
    fclose(f);
    printf("concurrency: the second import: %s", line);
    assert_non_null(strstr(line, "locked"));
    assert_int_equal(records_now(), records_before);
    resume(&a);
    assert_int_equal(finish(&a), 0);
    const int64_t after = records_now();
    assert_true(after > records_before);
    /* Nothing lost: importing again adds nothing. */
    importer c = start_import(0, 0, err_a);
    assert_int_equal(finish(&c), 0);
    assert_int_equal(records_now(), after);
    remove(err_a);
    remove(err_b);
}

/* The same through the program: two `vitals import` at once, both succeed (the second
 * waited) or one exits 1 with one line; the count is one import's. */
static void two_cli_imports_at_once(void **state)
{
    (void)state;
    fresh_database();
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "%s import %s --db %s --quiet 2>%s.a & p=$!; %s import %s --db %s --quiet 2>%s.b; "
             "b=$?; wait $p; a=$?; echo $a $b >%s",
             VITALS_CLI, export_path, db_path, err_path, VITALS_CLI, export_path, db_path, err_path,
             out_path);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(out_path, "r");
    assert_non_null(f);
    int a = -1, b = -1;
    assert_int_equal(fscanf(f, "%d %d", &a, &b), 2);
    fclose(f);
    printf("concurrency: two vitals import at once: exit %d and %d\n", a, b);
    assert_true((a == 0 || a == 1) && (b == 0 || b == 1) && (a == 0 || b == 0));
    for (int k = 0; k < 2; k++) {
        /* A failed one said why in one line; a successful one said nothing (--quiet). */
        char path[400], line[512] = "", more[512];
        snprintf(path, sizeof path, "%s.%c", err_path, k == 0 ? 'a' : 'b');
        f = fopen(path, "r");
        assert_non_null(f);
        const int has = fgets(line, sizeof line, f) != NULL;
        assert_null(fgets(more, sizeof more, f));
        fclose(f);
        remove(path);
        assert_int_equal(has, (k == 0 ? a : b) == 1);
        if (has) {
            printf("concurrency: %s", line);
            assert_non_null(strstr(line, "locked"));
        }
    }
    const int64_t both = records_now();
    fresh_database();
    importer c = start_import(0, 0, err_path);
    assert_int_equal(finish(&c), 0);
    assert_int_equal(records_now(), both);
}

/* A count of `records` from a new connection with a 1 ms busy timeout: -2 when the file is
 * locked (VT_ERR_BUSY at the open or at the query), -1 on any other error. */
static int64_t records_now_or_busy(void)
{
    vt_store_options so;
    memset(&so, 0, sizeof so);
    so.busy_timeout_ms = 1;
    vt_store *s;
    vt_error err;
    vt_status st = vt_store_open(db_path, &so, &s, &err);
    if (st != VT_OK) {
        return st == VT_ERR_BUSY ? -2 : -1;
    }
    uint64_t n = 0;
    st = vt_store_count(s, &n, &err);
    vt_store_close(s);
    return st == VT_OK ? (int64_t)n : st == VT_ERR_BUSY ? -2 : -1;
}

/* The first import into an empty file writes it directly (rollback journal) when it has the
 * file to itself: a connection opened later waits for it (here, 1 ms: "locked") or sees the
 * empty file, never a part. A connection open before it keeps the import in WAL mode, and
 * reads the empty snapshot while it runs. */
static void a_first_import_into_an_empty_file(void **state)
{
    (void)state;
    for (int reader_first = 0; reader_first <= 1; reader_first++) {
        fp_remove_db(db_path);
        vt_store *reader = NULL;
        vt_error err;
        assert_int_equal(vt_store_open(db_path, NULL, &reader, &err), VT_OK);
        if (!reader_first) {
            vt_store_close(reader);
            reader = NULL;
        } else {
            uint64_t n = 1;
            assert_int_equal(vt_store_count(reader, &n, &err), VT_OK);
            assert_int_equal(n, 0);
        }
        importer im = start_import(export_records / 2, 0, err_path);
        assert_true(wait_pause(&im));
        if (reader) {
            uint64_t n = 1;
            assert_int_equal(vt_store_count(reader, &n, &err), VT_OK);
            assert_int_equal(n, 0);
        }
        const int64_t during = records_now_or_busy();
        printf("concurrency: a first import%s, half done: a new connection %s\n",
               reader_first ? " (a reader open before it)" : "",
               during == -2  ? "finds the file locked"
               : during == 0 ? "sees it empty"
                             : "FAILS");
        assert_true(during == -2 || during == 0);
        resume(&im);
        assert_int_equal(finish(&im), 0);
        const int64_t after = records_now_or_busy();
        assert_true(after > 0);
        if (reader) {
            uint64_t n = 0;
            assert_int_equal(vt_store_count(reader, &n, &err), VT_OK);
            assert_int_equal(n, (uint64_t)after);
            vt_store_close(reader);
        }
        /* Back in WAL mode either way. */
        assert_int_equal(fp_scalar(db_path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
                         1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readers_see_the_snapshot_before_the_import),
        cmocka_unit_test(two_imports_the_second_waits),
        cmocka_unit_test(two_imports_the_second_fails_cleanly),
        cmocka_unit_test(two_cli_imports_at_once),
        cmocka_unit_test(a_first_import_into_an_empty_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
