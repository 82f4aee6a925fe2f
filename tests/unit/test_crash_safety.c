/* SPDX-License-Identifier: MIT */
/* Crash safety of the import: a forked child importing a generated export is killed with
 * SIGKILL at several points; the database must then open, pass integrity_check, hold
 * exactly what it held before, and take the import again in full. Twice: into a database
 * that holds a small real export (the import goes through the WAL), and into an empty one
 * (the import writes the file directly, with a rollback journal). */
#include <errno.h>
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

static char db_path[256], export_path[256], scratch_path[256], pristine_path[256];
static uint64_t records_total; /* top-level Records of the generated export */
static uint64_t fp_before, fp_after;
static double import_seconds;
static int start_empty; /* the group running: 1 the database starts empty */

static uint64_t fingerprint(const char *path)
{
    char why[512];
    const uint64_t h = fp_database(path, why, sizeof why);
    if (h == 0) {
        fail_msg("%s: %s", path, why);
    }
    return h;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        assert_int_equal(fwrite(buf, 1, n, out), n);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Imports in this process; returns vt_import_stats.direct. */
static int import_in_process(const char *db, const char *path)
{
    vt_store *s;
    vt_error err;
    vt_import_stats stats;
    if (vt_store_open(db, NULL, &s, &err) != VT_OK || vt_import(s, path, NULL, &stats, &err) != 0) {
        fail_msg("import %s into %s: %s", path, db, err.msg);
    }
    vt_store_close(s);
    return stats.direct;
}

/* The database before: a small real export, or nothing (`empty`). The export to kill:
 * generated, 24 MB (2 MB under valgrind, where every forked child runs 20-50 times slower).
 * The database after: the same start with the full export imported, in a scratch copy,
 * timed. */
static int setup(int empty)
{
    start_empty = empty;
    const long pid = (long)getpid();
    snprintf(db_path, sizeof db_path, "/tmp/vitals-test-crash-%ld.db", pid);
    snprintf(scratch_path, sizeof scratch_path, "/tmp/vitals-test-crash-%ld-scratch.db", pid);
    snprintf(export_path, sizeof export_path, "/tmp/vitals-test-crash-%ld.xml", pid);
    snprintf(pristine_path, sizeof pristine_path, "/tmp/vitals-test-crash-%ld-pristine.db", pid);
    fp_remove_db(db_path);
    fp_remove_db(scratch_path);
    char sample[1024];
    snprintf(sample, sizeof sample, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    vt_store *s;
    vt_error err;
    if (vt_store_open(db_path, NULL, &s, &err) != VT_OK ||
        (!empty && vt_import(s, sample, NULL, NULL, &err) != VT_OK)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    vt_store_close(s); /* checkpoints: the database is one file now */
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.target_bytes = getenv("VITALS_UNDER_VALGRIND") ? (2u << 20) : (24u << 20);
    vt_gen_xml_stats gs;
    if (vt_gen_write_file(&o, export_path, 0, &gs, &err) != VT_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    records_total = gs.records;
    char why[512];
    fp_before = fp_database(db_path, why, sizeof why);
    copy_file(db_path, scratch_path);
    copy_file(db_path, pristine_path);
    const double t0 = now();
    const int direct = import_in_process(scratch_path, export_path);
    import_seconds = now() - t0;
    if (direct != empty) {
        fprintf(stderr, "setup: the import into %s database was %s\n",
                empty ? "an empty" : "a non-empty", direct ? "direct" : "through the WAL");
        return -1;
    }
    fp_after = fp_database(scratch_path, why, sizeof why);
    fp_remove_db(scratch_path);
    return fp_before && fp_after && fp_before != fp_after ? 0 : -1;
}

static int setup_sample(void **state)
{
    (void)state;
    return setup(0);
}

static int setup_empty(void **state)
{
    (void)state;
    return setup(1);
}

static int teardown(void **state)
{
    (void)state;
    fp_remove_db(db_path);
    fp_remove_db(scratch_path);
    remove(pristine_path);
    remove(export_path);
    return 0;
}

/* ---- the child --------------------------------------------------------------------- */

typedef struct kill_point {
    uint64_t at; /* records; 0: never signal */
    int fd;      /* where to say "reached" */
} kill_point;

/* Called every 256 KiB of XML: at the kill point, tells the parent and waits for the end. */
static int at_progress(void *ctx, const vt_read_progress *p)
{
    const kill_point *k = ctx;
    if (k->at && p->records >= k->at) {
        if (write(k->fd, "k", 1) != 1) {
            _exit(3);
        }
        for (;;) {
            pause();
        }
    }
    return 0;
}

/* Forks a child importing the export into the database; it writes one byte into `fd` when
 * it has read `at` records (0: never). */
static pid_t start_import(uint64_t at, int fd)
{
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        kill_point k = {at, fd};
        vt_import_options o;
        memset(&o, 0, sizeof o);
        o.reader.progress = at_progress;
        o.reader.progress_ctx = &k;
        vt_store *s;
        vt_error err;
        if (vt_store_open(db_path, NULL, &s, &err) != VT_OK) {
            _exit(4);
        }
        const vt_status st = vt_import(s, export_path, &o, NULL, &err);
        vt_store_close(s);
        _exit(st == VT_OK ? 0 : 5);
    }
    return pid;
}

static void kill_and_reap(pid_t pid)
{
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        assert_int_equal(errno, EINTR);
    }
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* ---- the tests --------------------------------------------------------------------- */

/* Killed after 1%, 25%, 50%, 90% and 98% of the records: the parser stops at the point,
 * the second thread goes on inserting what was queued; SIGKILL lands mid-transaction. */
static void killed_after_n_records_the_store_is_as_before(void **state)
{
    (void)state;
    static const int percent[] = {1, 25, 50, 90, 98};
    for (size_t i = 0; i < sizeof percent / sizeof percent[0]; i++) {
        const uint64_t at = records_total * (uint64_t)percent[i] / 100;
        int p[2];
        assert_int_equal(pipe(p), 0);
        const pid_t pid = start_import(at ? at : 1, p[1]);
        close(p[1]);
        char c;
        ssize_t n;
        while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR) {
        }
        close(p[0]);
        if (n != 1) {
            kill_and_reap(pid);
            fail_msg("the import ended before record %llu", (unsigned long long)at);
        }
        kill_and_reap(pid);
        const uint64_t h = fingerprint(db_path);
        printf("crash (%s): killed after %3d%% of the records (%7llu): intact, %s\n",
               start_empty ? "empty, direct" : "sample, WAL", percent[i], (unsigned long long)at,
               h == fp_before ? "as before" : "CHANGED");
        if (h != fp_before) {
            fail_msg("killed after %llu records: the database changed", (unsigned long long)at);
        }
    }
}

/* Killed after measured fractions of the import's own time, the last ones around the
 * commit: the database is either as before or holds the whole import, nothing between.
 * Where a kill lands depends on the machine's load; each is reported. */
static void killed_after_delays_the_store_is_before_or_after(void **state)
{
    (void)state;
    static const int percent[] = {10, 50, 80, 90, 94, 97, 99, 100, 102, 105};
    int killed = 0;
    for (size_t i = 0; i < sizeof percent / sizeof percent[0]; i++) {
        const pid_t pid = start_import(0, -1);
        const double delay = import_seconds * percent[i] / 100.0;
        const struct timespec ts = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        int status;
        /* The child may finish at any moment, also between a check and the kill: SIGKILL
         * it anyway and see from its status whether the signal or its own exit ended it. */
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0) {
            assert_int_equal(errno, EINTR);
        }
        const int done = !WIFSIGNALED(status);
        if (done) {
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        } else {
            assert_int_equal(WTERMSIG(status), SIGKILL);
        }
        const uint64_t h = fingerprint(db_path);
        printf("crash (%s): killed at %3d%% of the import time (%.3f s): %s\n",
               start_empty ? "empty, direct" : "sample, WAL", percent[i], delay,
               done             ? "had finished"
               : h == fp_before ? "as before"
               : h == fp_after  ? "complete"
                                : "TORN");
        if (h != fp_before && h != fp_after) {
            fail_msg("killed after %.3f s: the database is neither as before nor complete", delay);
        }
        killed += done == 0;
        if (h == fp_after) {
            /* Back to the start, so that the next kill hits an import that writes. */
            fp_remove_db(db_path);
            copy_file(pristine_path, db_path);
        }
    }
    /* Timing decides where each kill lands; at least one must have hit a running import. */
    assert_true(killed > 0);
}

/* After all the kills, the import runs to the end and gives what a clean import gives. */
static void after_the_kills_the_import_completes(void **state)
{
    (void)state;
    assert_int_equal(import_in_process(db_path, export_path), start_empty);
    assert_true(fingerprint(db_path) == fp_after);
    /* And once more: nothing twice, and through the WAL (the database holds rows now). */
    assert_int_equal(import_in_process(db_path, export_path), 0);
    assert_true(fingerprint(db_path) == fp_after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(killed_after_n_records_the_store_is_as_before),
        cmocka_unit_test(killed_after_delays_the_store_is_before_or_after),
        cmocka_unit_test(after_the_kills_the_import_completes),
    };
    const int failed =
        cmocka_run_group_tests_name("into a database with a sample", tests, setup_sample, teardown);
    return failed +
           cmocka_run_group_tests_name("into an empty database", tests, setup_empty, teardown);
}
