/* SPDX-License-Identifier: MIT */
/* Tests of the vitals command: exit codes, one-line errors, help, and end-to-end results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "vitals/vitals.h"

#define OUT VITALS_TMP_PREFIX "test-cli.out"
#define ERR VITALS_TMP_PREFIX "test-cli.err"
#define DB VITALS_TMP_PREFIX "test-cli.db"

static char out_buf[1 << 20], err_buf[1 << 16];

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f) {
        fclose(f);
    }
}

/* Runs `vitals ARGS`, capturing stdout and stderr; returns the exit code. */
static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s </dev/null", VITALS_CLI, args, OUT, ERR);
    const int status = system(cmd);
    slurp(OUT, out_buf, sizeof out_buf);
    slurp(ERR, err_buf, sizeof err_buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

static void usage_errors_exit_2_with_one_line(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", "bogus", "daily", "daily --db", "daily --db x.db --format xml",
        "daily --db x.db --from 2020-13-01", "generate", "generate --days 0 -o x.xml",
        "generate --days ten -o x.xml", "generate -o a.xml --db b.db", "query --db x.db",
        "generate --metrics steps,nope -o x.xml", "info", "daily --db x.db --unknown",
        "generate --order random -o x.xml",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int rc = run(cases[i]);
        if (rc != 2) {
            fprintf(stderr, "case '%s' exited %d\n", cases[i], rc);
        }
        assert_int_equal(rc, 2);
        assert_string_equal(out_buf, "");
        if (cases[i][0]) { /* bare 'vitals' prints the usage summary instead */
            assert_int_equal(lines(err_buf), 1);
            assert_true(strncmp(err_buf, "vitals", 6) == 0);
        }
    }
}

static void failures_exit_1_with_one_line(void **state)
{
    (void)state;
    assert_int_equal(run("daily --db /nonexistent-dir/health.db"), 1);
    assert_string_equal(err_buf, "vitals: /nonexistent-dir/health.db: unable to open database file\n");
    assert_int_equal(run("generate --days 2 -o /nonexistent-dir/export.xml"), 1);
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "/nonexistent-dir/export.xml"));
    unlink(DB);
    assert_int_equal(run("generate --days 3 --db " DB), 0);
    assert_int_equal(run("query --db " DB " \"SELECT nope FROM records\""), 1);
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "no such column: nope"));
    assert_int_equal(run("daily --db " DB " --metric no_such_metric"), 1);
    assert_int_equal(lines(err_buf), 1);
}

static void help_and_version(void **state)
{
    (void)state;
    static const char *const cmds[] = {"generate", "daily", "query", "info"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char args[64];
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        assert_int_equal(run(args), 0);
        assert_non_null(strstr(out_buf, "usage: vitals "));
        assert_non_null(strstr(out_buf, cmds[i]));
    }
    assert_int_equal(run("--help"), 0);
    assert_non_null(strstr(out_buf, "generate"));
    assert_int_equal(run("--version"), 0);
    assert_non_null(strstr(out_buf, vt_version()));
}

static void daily_json_matches_the_library(void **state)
{
    (void)state;
    unlink(DB);
    assert_int_equal(run("generate --days 20 --per-day 80 --seed 5 --db " DB), 0);
    assert_int_equal(run("daily --db " DB " --metric steps --from 2020-01-03 --to 2020-01-07 "
                         "--format json"),
                     0);
    json_error_t jerr;
    json_t *rows = json_loads(out_buf, 0, &jerr);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 5);
    /* The same computed in process over a generated table. */
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 20;
    o.per_day = 80;
    o.seed = 5;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    assert_int_equal(vt_gen_table(&o, t, NULL), VT_OK);
    size_t idx;
    json_t *row;
    json_array_foreach(rows, idx, row) {
        const char *date = json_string_value(json_object_get(row, "date"));
        int32_t day;
        assert_int_equal(vt_date_parse(date, strlen(date), &day, NULL), VT_OK);
        assert_int_equal(day, vt_days_from_civil(2020, 1, 3) + (int32_t)idx);
        assert_string_equal(json_string_value(json_object_get(row, "metric")), "steps");
        /* Brute force over the table: the day's steps and their sum. */
        const vt_strpool *p = vt_table_strings_const(t);
        vt_columns c;
        vt_table_slice(t, 0, vt_table_count(t), &c);
        double sum = 0;
        json_int_t count = 0;
        for (size_t i = 0; i < c.count; i++) {
            if (c.day[i] == day &&
                strcmp(vt_strpool_get(p, c.type[i], NULL), "HKQuantityTypeIdentifierStepCount") == 0) {
                sum += c.value[i];
                count++;
            }
        }
        assert_int_equal(json_integer_value(json_object_get(row, "count")), count);
        assert_true(json_real_value(json_object_get(row, "sum")) == sum);
        const double total = json_real_value(json_object_get(row, "total"));
        assert_true(total > 0 && total < sum);
    }
    json_decref(rows);
    vt_table_free(t);
    /* CSV: a header and one line per row. */
    assert_int_equal(run("daily --db " DB " --metric heart_rate --format csv"), 0);
    const char *header = "date,metric,count,sum,mean,min,max,stddev,median,p25,p75,p95,total,unit\n";
    assert_true(strncmp(out_buf, header, strlen(header)) == 0);
    assert_int_equal(lines(out_buf), 21);
    /* info lists every type. */
    assert_int_equal(run("info " DB), 0);
    assert_non_null(strstr(out_buf, "HKQuantityTypeIdentifierStepCount"));
    unlink(DB);
    unlink(DB "-wal");
    unlink(DB "-shm");
    unlink(OUT);
    unlink(ERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_errors_exit_2_with_one_line),
        cmocka_unit_test(failures_exit_1_with_one_line),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(daily_json_matches_the_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
