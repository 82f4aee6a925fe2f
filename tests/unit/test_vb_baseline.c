/* SPDX-License-Identifier: MIT */
/* Tests of baseline.json: history and rotation, the p90, normalisation by the environment,
   errors for corrupt files, and concurrent updates under the lock. */
#include <math.h>
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

#include "vb_testing.h"
#include "vbench/vbench.h"

static void body(vb_state *st)
{
    while (vb_loop(st)) {
    }
}

typedef struct fixture {
    char dir[64];
    char path[128];
    vb_machine m;
    double data[8];
    vb_repetition reps[3];
    vb_result r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/vbbaseXXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/baseline.json", f->dir);
    vb_registry_clear();
    assert_int_equal(vb_register("calc", body, &(vb_bench_options){.group = "g"}, NULL), VB_OK);
    memset(&f->m, 0, sizeof f->m);
    strcpy(f->m.datetime, "2026-11-27T00:00:00.000000");
    strcpy(f->m.commit_id, "abc");
    f->m.calib_time = 0.010;
    f->r.bench = vb_registry_get(0);
    f->r.data = f->data;
    f->r.ndata = 8;
    f->r.peak_rss = 1 << 20;
    f->r.heap_peak = -1;
    f->r.instructions = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    vb_registry_clear();
    return 0;
}

/* Gives the result three processes whose medians are 0.99 v, v and 1.01 v seconds per
   iteration, and rounds all equal to v. */
static void set_rounds(fixture *f, double v)
{
    for (int i = 0; i < 8; i++) {
        f->data[i] = v;
    }
    assert_int_equal(vb_stats_compute(f->data, 8, &f->r.stats, NULL), VB_OK);
    for (int k = 0; k < 3; k++) {
        f->reps[k] = (vb_repetition){
            .median = v * (0.99 + 0.01 * k), .rounds = 8, .peak_rss = 1 << 20, .heap_peak = -1};
    }
    f->r.reps = f->reps;
    f->r.nreps = 3;
}

static void update(fixture *f)
{
    const vb_suite suite = {&f->m, &f->r, 1, NULL};
    vb_error e;
    if (vb_baseline_update(f->path, &suite, &e) != VB_OK) {
        fail_msg("update: %s", e.msg);
    }
}

static void missing_file_is_not_found(void **state)
{
    fixture *f = *state;
    vb_baseline *b = NULL;
    vb_error e;
    assert_int_equal(vb_baseline_load(f->path, &b, &e), VB_ERR_NOT_FOUND);
    assert_null(b);
}

static void history_rotates_and_p90(void **state)
{
    fixture *f = *state;
    for (int i = 1; i <= 12; i++) {
        set_rounds(f, i * 1e-6);
        update(f);
    }
    vb_baseline *b = NULL;
    assert_int_equal(vb_baseline_load(f->path, &b, NULL), VB_OK);
    assert_float_equal(vb_baseline_reference_time(b), 0.010, 1e-15);
    vb_baseline_entry e;
    assert_int_equal(vb_baseline_lookup(b, "g/calc", &e, NULL), VB_OK);
    /* The last 10 runs have processes of medians 0.99 k, k and 1.01 k us for k = 3..12: 30
       values, whose 90th percentile by linear interpolation (rank 0.9 x 29 = 26.1, between the
       27th and 28th smallest, 11.11 and 11.88 us) is 11.11 + 0.1 x 0.77 = 11.187 us. */
    assert_int_equal(e.runs, VB_BASELINE_HISTORY);
    assert_true(fabs(e.median_p90 - 11.187e-6) < 1e-12);
    assert_float_equal(e.peak_rss_p90, (double)(1 << 20), 0);
    assert_true(e.heap_peak_p90 < 0);
    assert_true(e.instructions_p90 < 0);
    assert_int_equal(e.nsamples, 10 * 3);
    /* The samples are the processes' medians, not rounds. */
    assert_true(fabs(e.samples[0] - 0.99 * 3e-6) < 1e-15);
    vb_baseline_entry_clear(&e);
    assert_int_equal(vb_baseline_lookup(b, "g/other", &e, NULL), VB_ERR_NOT_FOUND);
    vb_baseline_free(b);
}

static void history_is_normalised_to_the_reference(void **state)
{
    fixture *f = *state;
    set_rounds(f, 1e-6);
    update(f);               /* the reference: kernel 10 ms */
    f->m.calib_time = 0.020; /* a machine twice as slow measures twice the time */
    set_rounds(f, 2e-6);
    update(f);
    vb_baseline *b = NULL;
    assert_int_equal(vb_baseline_load(f->path, &b, NULL), VB_OK);
    vb_baseline_entry e;
    assert_int_equal(vb_baseline_lookup(b, "g/calc", &e, NULL), VB_OK);
    assert_int_equal(e.nsamples, 6);
    for (size_t i = 0; i < e.nsamples; i++) {
        assert_true(fabs(e.samples[i] - (0.99 + 0.01 * (double)(i % 3)) * 1e-6) < 1e-15);
    }
    vb_baseline_entry_clear(&e);
    vb_baseline_free(b);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void corrupt_file_is_an_error_and_kept(void **state)
{
    fixture *f = *state;
    write_file(f->path, "{\n  \"schema_version\": 1,\n  oops\n}\n");
    vb_baseline *b = NULL;
    vb_error e;
    assert_int_equal(vb_baseline_load(f->path, &b, &e), VB_ERR_PARSE);
    assert_non_null(strstr(e.msg, f->path));
    assert_int_equal(e.line, 3);
    set_rounds(f, 1e-6);
    const vb_suite suite = {&f->m, &f->r, 1, NULL};
    assert_int_equal(vb_baseline_update(f->path, &suite, &e), VB_ERR_PARSE);
    /* Not silently replaced. */
    FILE *fp = fopen(f->path, "r");
    char buf[128] = "";
    assert_true(fread(buf, 1, sizeof buf - 1, fp) > 0);
    fclose(fp);
    assert_non_null(strstr(buf, "oops"));
    write_file(f->path, "{\"schema_version\": 3, \"benchmarks\": {}}");
    assert_int_equal(vb_baseline_load(f->path, &b, &e), VB_ERR_FORMAT);
    assert_non_null(strstr(e.msg, "schema_version"));
    write_file(f->path, "{\"schema_version\": 2, \"benchmarks\": {\"x\": {\"history\": [1]}}}");
    assert_int_equal(vb_baseline_load(f->path, &b, &e), VB_ERR_FORMAT);
    /* A baseline of the first schema (rounds of one process) asks to be rebuilt. */
    write_file(f->path, "{\"schema_version\": 1, \"benchmarks\": {}}");
    assert_int_equal(vb_baseline_load(f->path, &b, &e), VB_ERR_FORMAT);
    assert_non_null(strstr(e.msg, "--update-baseline"));
}

static void concurrent_updates_are_serialised(void **state)
{
    fixture *f = *state;
    /* Four processes append five runs each to their own benchmark at the same time: with
       the lock and the atomic rename, every run of every process is in the file. */
    const char *names[4] = {"p0", "p1", "p2", "p3"};
    for (int p = 0; p < 4; p++) {
        assert_int_equal(vb_register(names[p], body, NULL, NULL), VB_OK);
    }
    set_rounds(f, 1e-6);
    pid_t pids[4];
    for (int p = 0; p < 4; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            f->r.bench = vb_registry_get((size_t)p + 1);
            const vb_suite suite = {&f->m, &f->r, 1, NULL};
            for (int k = 0; k < 5; k++) {
                if (vb_baseline_update(f->path, &suite, NULL) != VB_OK) {
                    _exit(1);
                }
            }
            _exit(0);
        }
    }
    for (int p = 0; p < 4; p++) {
        int status = 0;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    vb_baseline *b = NULL;
    assert_int_equal(vb_baseline_load(f->path, &b, NULL), VB_OK);
    for (int p = 0; p < 4; p++) {
        vb_baseline_entry e;
        assert_int_equal(vb_baseline_lookup(b, names[p], &e, NULL), VB_OK);
        assert_int_equal(e.runs, 5);
        vb_baseline_entry_clear(&e);
    }
    vb_baseline_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(missing_file_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(history_rotates_and_p90, setup, teardown),
        cmocka_unit_test_setup_teardown(history_is_normalised_to_the_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_file_is_an_error_and_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_updates_are_serialised, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
