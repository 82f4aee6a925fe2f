/* SPDX-License-Identifier: MIT */
/* Hostile inputs through `vitals import`, each in a forked child: exit 1 with its one-line
 * error, no crash, peak RSS (wait4) under the reader's bound, the database untouched. Large
 * inputs are generated on the fly and streamed through a pipe, never written to disk. */
#define _DEFAULT_SOURCE /* wait4 */
#include <dirent.h>
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
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fingerprint.h"
#include "vitals/vitals.h"

/* The bound asserted on the peak RSS of `vitals import`: the reader's documented bound
 * (docs/architecture.md measures at most 25 MB on any input); it leaves room for SQLite's
 * cache and libxml2's own 10 MB text limit. */
#define RSS_CAP_KIB ((long)VT_READER_MEMORY_BOUND_MIB * 1024)

static char db_path[256], err_path[300];
static uint64_t db_before;
/* Whether the peak RSS means anything here: not under valgrind, whose forked image is
 * counted, nor under AddressSanitizer, whose shadow memory and quarantine inflate both the
 * test (counted in a forked child's ru_maxrss before exec) and the program. */
static int rss_is_meaningful;

/* ---- the database and its fingerprint -------------------------------------------------- */

static void remove_db(const char *path)
{
    fp_remove_db(path);
}

static uint64_t fingerprint(const char *path)
{
    char why[512];
    const uint64_t h = fp_database(path, why, sizeof why);
    if (h == 0) {
        fail_msg("%s: %s", path, why);
    }
    return h;
}

static int64_t count_rows(const char *path, const char *sql)
{
    return fp_scalar(path, sql);
}

static int built_with_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#else
    return 0;
#endif
#else
    return 0;
#endif
}

static int setup(void **state)
{
    (void)state;
    rss_is_meaningful = getenv("VITALS_UNDER_VALGRIND") == NULL && !built_with_asan();
    snprintf(db_path, sizeof db_path, "/tmp/vitals-test-hostile-%ld.db", (long)getpid());
    snprintf(err_path, sizeof err_path, "%s.err", db_path);
    remove_db(db_path);
    vt_store *s;
    vt_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    if (vt_store_open(db_path, NULL, &s, &err) != VT_OK || vt_import(s, path, NULL, NULL, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    vt_store_close(s);
    db_before = fingerprint(db_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_db(db_path);
    remove(err_path);
    return 0;
}

/* ---- running the import in a child ----------------------------------------------------- */

typedef void (*producer_fn)(int fd);

typedef struct outcome {
    int status;       /* from wait4 */
    long maxrss_kib;  /* the child's peak RSS */
    int lines;        /* lines on stderr */
    char first[1024]; /* the first one, without its newline */
} outcome;

/* Writes all of `p[0..n)`; 0 when the reader went away (EPIPE). */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return 0;
        }
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

/* `vitals import INPUT --db DB --quiet` run in `cwd`; when `produce` is given, INPUT is "-"
 * and a second child writes the export into the pipe that is the import's stdin. */
static outcome run_import(const char *cwd, const char *input, const char *db, producer_fn produce)
{
    int pipefd[2] = {-1, -1};
    pid_t writer = -1;
    if (produce) {
        assert_int_equal(pipe(pipefd), 0);
        writer = fork();
        assert_true(writer >= 0);
        if (writer == 0) {
            signal(SIGPIPE, SIG_IGN); /* the import stops reading at its error */
            close(pipefd[0]);
            produce(pipefd[1]);
            close(pipefd[1]);
            _exit(0);
        }
        close(pipefd[1]);
    }
    const pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        const int in = produce ? pipefd[0] : open("/dev/null", O_RDONLY);
        const int out = open("/dev/null", O_WRONLY);
        const int errfd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || errfd < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(errfd, 2) < 0 || (cwd && chdir(cwd) != 0)) {
            _exit(126);
        }
        execl(VITALS_CLI, "vitals", "import", input, "--db", db, "--quiet", (char *)NULL);
        _exit(127);
    }
    if (produce) {
        close(pipefd[0]);
    }
    outcome o;
    memset(&o, 0, sizeof o);
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t got;
    while ((got = wait4(child, &o.status, 0, &ru)) < 0 && errno == EINTR) {
    }
    assert_int_equal(got, child);
    o.maxrss_kib = ru.ru_maxrss;
    if (writer > 0) {
        int ws;
        while (waitpid(writer, &ws, 0) < 0 && errno == EINTR) {
        }
    }
    FILE *f = fopen(err_path, "r");
    assert_non_null(f);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (o.lines++ == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(o.first, sizeof o.first, "%s", line);
        }
    }
    fclose(f);
    return o;
}

/* The checks every hostile input must pass. */
static void expect_refused(const char *what, const outcome *o, const char *want)
{
    printf("hostile: %-28s peak RSS %6.1f MiB  %s\n", what, (double)o->maxrss_kib / 1024.0,
           o->first);
    if (WIFSIGNALED(o->status)) {
        fail_msg("%s: killed by signal %d", what, WTERMSIG(o->status));
    }
    if (!WIFEXITED(o->status) || WEXITSTATUS(o->status) != 1) {
        fail_msg("%s: exit status %d, expected 1", what,
                 WIFEXITED(o->status) ? WEXITSTATUS(o->status) : -1);
    }
    if (o->lines != 1) {
        fail_msg("%s: %d lines on stderr, expected one", what, o->lines);
    }
    char full[1100];
    snprintf(full, sizeof full, "vitals: %s", want);
    if (strcmp(o->first, full) != 0) {
        fail_msg("%s:\n  expected: %s\n  got:      %s", what, full, o->first);
    }
    /* ru_maxrss includes what the forked child had before exec, a copy of this test: the
     * bound holds for native builds (the test is a few MB), not under valgrind or ASan. */
    if (rss_is_meaningful && o->maxrss_kib >= RSS_CAP_KIB) {
        fail_msg("%s: peak RSS %ld KiB, over the bound of %ld KiB", what, o->maxrss_kib,
                 RSS_CAP_KIB);
    }
    if (fingerprint(db_path) != db_before) {
        fail_msg("%s changed the database", what);
    }
}

/* ---- the corpus of malformed and hostile files ------------------------------------------ */

/* Every tests/fixtures/bad input: billion laughs, XXE to /etc/passwd, invalid UTF-8, NUL
 * bytes, zip bombs (declared ratio over 1000, and one lying about its size), `../` and
 * absolute entry names, an encrypted zip, an empty file, a truncated zip... */
static void bad_fixtures_fail_cleanly_through_the_cli(void **state)
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
        if (len < 10 || strcmp(e->d_name + len - 9, ".expected") != 0) {
            continue;
        }
        char name[256], exp[2048], want[512] = "";
        snprintf(name, sizeof name, "%.*s", (int)(len - 9), e->d_name);
        snprintf(exp, sizeof exp, "%s/%s", dir, e->d_name);
        FILE *f = fopen(exp, "r");
        assert_non_null(f);
        while (fgets(want, sizeof want, f) && want[0] == '#') {
        }
        fclose(f);
        want[strcspn(want, "\n")] = '\0';
        /* Run from the folder, so the CLI names the input as the expected line does. */
        const outcome o = run_import(dir, name, db_path, NULL);
        expect_refused(name, &o, want);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 28); /* 24 before this test, plus four */
}

/* ---- large inputs made on the fly ------------------------------------------------------- */

static const char HEAD[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/* A 100 MB attribute value: libxml2 stops at its 10 MB limit. */
static void produce_huge_attribute(int fd)
{
    static char block[64 * 1024];
    memset(block, 'a', sizeof block);
    const char *open_tag = "<HealthData locale=\"en_US\">\n<Record type=\"T\" sourceName=\"";
    if (!write_all(fd, HEAD, strlen(HEAD)) || !write_all(fd, open_tag, strlen(open_tag))) {
        return;
    }
    for (size_t done = 0; done < (100u << 20); done += sizeof block) {
        if (!write_all(fd, block, sizeof block)) {
            return;
        }
    }
    const char *rest = "\" startDate=\"2020-01-01 10:00:00 +0000\" value=\"1\"/>\n</HealthData>\n";
    write_all(fd, rest, strlen(rest));
}

static void a_100_mb_attribute(void **state)
{
    (void)state;
    const outcome o = run_import(NULL, "-", db_path, produce_huge_attribute);
    /* Line 3: the declaration, HealthData, then the Record. */
    expect_refused("100 MB attribute", &o,
                   "-:3:1: a value or text longer than libxml2's "
                   "10 MB limit");
}

/* A million MetadataEntry children in one Record: the reader stops after 100,000. */
static void produce_million_entries(int fd)
{
    const char *open_tag = "<HealthData locale=\"en_US\">\n<Record type=\"T\" sourceName=\"S\" "
                           "startDate=\"2020-01-01 10:00:00 +0000\" value=\"1\">\n";
    if (!write_all(fd, HEAD, strlen(HEAD)) || !write_all(fd, open_tag, strlen(open_tag))) {
        return;
    }
    static const char entry[] = "<MetadataEntry key=\"k\" value=\"v\"/>\n";
    char block[(sizeof entry - 1) * 1000];
    for (size_t i = 0; i < 1000; i++) {
        memcpy(block + i * (sizeof entry - 1), entry, sizeof entry - 1);
    }
    for (int i = 0; i < 1000; i++) {
        if (!write_all(fd, block, sizeof block)) {
            return;
        }
    }
    write_all(fd, "</Record>\n</HealthData>\n", 24);
}

static void a_million_metadata_entries(void **state)
{
    (void)state;
    const outcome o = run_import(NULL, "-", db_path, produce_million_entries);
    /* Entry k is on line 3 + k: the 100,001st, on line 100,004, is one too many. */
    expect_refused("1,000,000 MetadataEntry", &o,
                   "-:100004:33: more than 100000 MetadataEntry in one element");
}

/* Elements nested 100,000 deep: refused at depth 65, not recursed into. */
static void produce_deep_nesting(int fd)
{
    const char *open_tag = "<HealthData locale=\"en_US\">\n";
    if (!write_all(fd, HEAD, strlen(HEAD)) || !write_all(fd, open_tag, strlen(open_tag))) {
        return;
    }
    char block[11 * 1000];
    for (size_t i = 0; i < 1000; i++) {
        memcpy(block + i * 11, "<Audiogram>", 11);
    }
    for (int i = 0; i < 100; i++) {
        if (!write_all(fd, block, sizeof block)) {
            return;
        }
    }
    for (size_t i = 0; i < 1000; i++) {
        memcpy(block + i * 11, "</Audiogram", 11);
    }
    for (int i = 0; i < 100 && write_all(fd, block, sizeof block) && write_all(fd, ">", 1); i++) {
    }
    write_all(fd, "\n</HealthData>\n", 15);
}

static void elements_nested_100000_deep(void **state)
{
    (void)state;
    const outcome o = run_import(NULL, "-", db_path, produce_deep_nesting);
    /* The 64th <Audiogram> is at depth 65 (HealthData is depth 1); it ends at column 11 * 64. */
    expect_refused("100,000 nested elements", &o, "-:3:704: elements nested deeper than 64");
}

/* ---- unusual but valid inputs ---------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        assert_int_equal(fwrite(buf, 1, n, out), n);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void expect_imported(const char *what, const outcome *o)
{
    printf("hostile: %-28s peak RSS %6.1f MiB  imported\n", what, (double)o->maxrss_kib / 1024.0);
    if (!WIFEXITED(o->status) || WEXITSTATUS(o->status) != 0 || o->lines != 0) {
        fail_msg("%s: status %d, stderr: %s", what,
                 WIFEXITED(o->status) ? WEXITSTATUS(o->status) : -1, o->first);
    }
}

/* A Zip64 archive (zip -fz: Zip64 end of central directory, Zip64 extra fields) holding a
 * one-record export imports like any zip: the decision documented in docs/architecture.md. */
static void a_zip64_archive_imports(void **state)
{
    (void)state;
    char dir[1024], db[300];
    snprintf(dir, sizeof dir, "%s/unusual", VITALS_FIXTURES);
    snprintf(db, sizeof db, "%s.zip64.db", db_path);
    remove_db(db);
    const outcome o = run_import(dir, "zip64.zip", db, NULL);
    expect_imported("zip64 archive", &o);
    /* make-bad.py's export: one heart-rate record of 70 count/min. */
    assert_int_equal(count_rows(db, "SELECT count(*) FROM records"), 1);
    assert_int_equal(count_rows(db, "SELECT CAST(value AS INTEGER) FROM records"), 70);
    remove_db(db);
}

/* The reader sniffs content: a .zip holding XML and an .xml holding a zip import in full. */
static void content_not_extension_decides(void **state)
{
    (void)state;
    char from[1024], to[300], db[300];
    snprintf(db, sizeof db, "%s.sniff.db", db_path);
    remove_db(db);
    snprintf(from, sizeof from, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    snprintf(to, sizeof to, "%s.export.zip", db_path);
    copy_file(from, to);
    outcome o = run_import(NULL, to, db, NULL);
    expect_imported(".zip that is XML", &o);
    /* export6s3sample.xml.expected: 15 records. */
    assert_int_equal(count_rows(db, "SELECT count(*) FROM records"), 15);
    remove(to);

    snprintf(from, sizeof from, "%s/apple-health/jshrake-healthkit-to-sqlite/export.zip",
             VITALS_FIXTURES);
    snprintf(to, sizeof to, "%s.export.xml", db_path);
    copy_file(from, to);
    o = run_import(NULL, to, db, NULL);
    expect_imported(".xml that is a zip", &o);
    /* jshrake's export.zip.expected: 1 record, 10 activity summaries, a GPX route. */
    assert_int_equal(count_rows(db, "SELECT count(*) FROM records"), 16);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM activity_summaries"), 10 + 2);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM route_points"), 644);
    remove(to);
    remove_db(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_fixtures_fail_cleanly_through_the_cli),
        cmocka_unit_test(a_100_mb_attribute),
        cmocka_unit_test(a_million_metadata_entries),
        cmocka_unit_test(elements_nested_100000_deep),
        cmocka_unit_test(a_zip64_archive_imports),
        cmocka_unit_test(content_not_extension_decides),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
