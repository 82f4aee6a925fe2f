/* SPDX-License-Identifier: MIT */
/* The baseline update (what --update-baseline does) killed with SIGKILL mid-write, at
 * delays spread over its own duration: the file is always the old one or the new one,
 * loadable and whole, never a mix or a torn write; later updates still work. */
#include <errno.h>
#include <jansson.h>
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

#include "vb_testing.h"
#include "vbench/vbench.h"

#define ROUNDS 64

static void body(vb_state *st)
{
    while (vb_loop(st)) {
    }
}

typedef struct fixture {
    char dir[64], path[128];
    vb_machine m;
    size_t n;
    vb_result *results;
    double data[ROUNDS];
} fixture;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Many benchmarks with 64 rounds each: a baseline of several MB, which takes a while to
 * write (fewer under valgrind). */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/vbkillXXXXXX");
    if (!f || !mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/baseline.json", f->dir);
    vb_registry_clear();
    f->n = getenv("VITALS_UNDER_VALGRIND") ? 100 : 400;
    for (size_t i = 0; i < f->n; i++) {
        char name[32];
        snprintf(name, sizeof name, "bench_%05zu", i);
        if (vb_register(name, body, &(vb_bench_options){.group = "kill"}, NULL) != VB_OK) {
            return -1;
        }
    }
    for (int i = 0; i < ROUNDS; i++) {
        f->data[i] = 1e-6 * (1.0 + i / 100.0);
    }
    f->results = calloc(f->n, sizeof *f->results);
    for (size_t i = 0; i < f->n; i++) {
        vb_result *r = &f->results[i];
        r->bench = vb_registry_get(i);
        r->outcome = VB_OUTCOME_PASSED;
        r->data = f->data;
        r->ndata = ROUNDS;
        r->peak_rss = 1 << 20;
        r->heap_peak = -1;
        r->instructions = -1;
        if (vb_stats_compute(f->data, ROUNDS, &r->stats, NULL) != VB_OK) {
            return -1;
        }
    }
    strcpy(f->m.datetime, "2026-11-27T00:00:00.000000");
    f->m.calib_time = 0.010;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    const int rc = system(cmd);
    free(f->results);
    free(f);
    vb_registry_clear();
    return rc == 0 ? 0 : -1;
}

static vb_status update(fixture *f, const char *commit)
{
    snprintf(f->m.commit_id, sizeof f->m.commit_id, "%s", commit);
    const vb_suite suite = {&f->m, f->results, f->n, NULL};
    return vb_baseline_update(f->path, &suite, NULL);
}

/* The commit of the newest run of every benchmark, which must be the same for all: "" when
 * the file is not a loadable, whole baseline. */
static void newest_commit(const fixture *f, char *out, size_t size)
{
    out[0] = '\0';
    vb_baseline *b = NULL;
    vb_error e;
    if (vb_baseline_load(f->path, &b, &e) != VB_OK) {
        printf("baseline: %s\n", e.msg);
        return;
    }
    vb_baseline_free(b);
    json_t *root = json_load_file(f->path, 0, NULL);
    json_t *benches = json_object_get(root, "benchmarks");
    if (json_object_size(benches) != f->n) {
        json_decref(root);
        return;
    }
    const char *name, *first = NULL;
    json_t *v;
    json_object_foreach(benches, name, v)
    {
        json_t *h = json_object_get(v, "history");
        const char *c =
            json_string_value(json_object_get(json_array_get(h, json_array_size(h) - 1), "commit"));
        if (!c || (first && strcmp(c, first) != 0)) {
            json_decref(root);
            return;
        }
        first = c;
    }
    snprintf(out, size, "%s", first ? first : "");
    json_decref(root);
}

static void update_killed_mid_write_leaves_old_or_new(void **state)
{
    fixture *f = *state;
    assert_int_equal(update(f, "run-00"), VB_OK);
    /* The time of an update of an existing file: read, append, write, fsync, rename. */
    const double t0 = now();
    assert_int_equal(update(f, "run-0"), VB_OK);
    const double took = now() - t0;
    char have[64], old[64] = "run-0";
    newest_commit(f, have, sizeof have);
    assert_string_equal(have, "run-0");
    static const int percent[] = {5, 30, 60, 80, 90, 95, 100, 105, 110, 120, 150};
    int killed = 0;
    for (size_t i = 0; i < sizeof percent / sizeof percent[0]; i++) {
        char next[64];
        snprintf(next, sizeof next, "run-%zu", i + 1);
        const pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            _exit(update(f, next) == VB_OK ? 0 : 1);
        }
        /* The child's update reads the old file first, as long as the first one took. */
        const double delay = took * percent[i] / 100.0;
        const struct timespec ts = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        const int was_running = kill(pid, SIGKILL) == 0;
        int status;
        while (waitpid(pid, &status, 0) < 0) {
            assert_int_equal(errno, EINTR);
        }
        const int died = WIFSIGNALED(status);
        killed += was_running && died;
        if (!died) {
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        newest_commit(f, have, sizeof have);
        printf("baseline: killed at %3d%% of an update (%.3f s): %s\n", percent[i], delay,
               !died                     ? "had finished, new file"
               : strcmp(have, old) == 0  ? "old file, whole"
               : strcmp(have, next) == 0 ? "new file, whole"
                                         : "TORN");
        if (strcmp(have, old) != 0 && strcmp(have, next) != 0) {
            fail_msg("killed after %.3f s: the baseline is neither %s nor %s", delay, old, next);
        }
        snprintf(old, sizeof old, "%s", have);
    }
    assert_true(killed > 0);
    /* The lock died with its holder: the next update goes through. */
    assert_int_equal(update(f, "last"), VB_OK);
    newest_commit(f, have, sizeof have);
    assert_string_equal(have, "last");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(update_killed_mid_write_leaves_old_or_new, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
