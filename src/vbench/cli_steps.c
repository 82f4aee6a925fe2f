/* SPDX-License-Identifier: MIT */
/* The suite-level steps vb_main runs around its run loop: the machine, the environment kernel
   and the header before it; after it instruction counts, complexity and the gate, the tables,
   the files, the comparison with a saved run, saving and the baseline update. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Before the tables: instruction counts, complexity and the gate; the worst exit code. */
static int before_tables(vb__cli *c, vb_machine *m, vb_result *results, size_t n)
{
    int code = 0;
    if ((c->gate.gate || c->gate.update) && c->gate.opts.metric == VB_GATE_INSTRUCTIONS &&
        !vb__count_all(stdout, &c->gate, results, n)) {
        c->gate.opts.metric = VB_GATE_TIME;
    }
    vb__complexity_all(stdout, results, n, c->quiet);
    if (c->gate.gate) {
        code = vb__gate_all(stdout, &c->gate, m, results, n, c->quiet);
    }
    return code;
}

/* After the tables, --compare: this run against a saved one; 0, 1 when a --compare-fail rule
 * broke, 3. */
static int compare(const vb__cli *c, const vb_suite *suite)
{
    vb_error e;
    char path[1200];
    size_t failures = 0;
    if (vb_storage_find(c->storage, suite->machine, c->compare_which, path, sizeof path, &e) !=
            VB_OK ||
        vb_compare_print(stdout, suite, path, c->rules, c->nrules, c->gate.opts.alpha, &failures,
                         &e) != VB_OK) {
        fprintf(stderr, "vbench: --compare: %s\n", e.msg);
        return e.code == VB_ERR_NOT_FOUND ? 0 : 3;
    }
    if (failures > 0) {
        printf("--compare-fail: %zu significant regression%s beyond the allowed change\n", failures,
               failures == 1 ? "" : "s");
        return 1;
    }
    return 0;
}

/* --history FILE: appends this run, then prints the lasting steps of every series; 1 when the
   latest run revealed a new regression step, 3 when the file cannot be used. */
static int history(const vb__cli *c, const vb_suite *suite)
{
    vb_error e;
    vb_history *h = NULL;
    if (vb_history_append(c->history, suite, &e) != VB_OK ||
        vb_history_load(c->history, &h, &e) != VB_OK) {
        fprintf(stderr, "vbench: --history: %s\n", e.msg);
        return e.code == VB_ERR_PARSE || e.code == VB_ERR_FORMAT ? 1 : 3;
    }
    vb_history_step *steps = NULL;
    size_t n = 0;
    int code = 0;
    if (vb_history_steps(h, NULL, &steps, &n, &e) != VB_OK) {
        fprintf(stderr, "vbench: --history: %s\n", e.msg);
        code = 3;
    } else if (vb_history_print_steps(c->quiet ? stderr : stdout, h, steps, n) > 0) {
        code = 1;
    }
    vb_history_steps_free(steps);
    vb_history_free(h);
    return code;
}

static int after_tables(const vb__cli *c, const vb_suite *suite)
{
    int code = c->compare ? compare(c, suite) : 0;
    if (c->save || c->autosave) {
        vb_error e;
        char path[1200];
        if (vb_storage_save(c->storage, suite, c->save, path, sizeof path, &e) != VB_OK) {
            fprintf(stderr, "vbench: --save: %s\n", e.msg);
            code = 3;
        } else if (!c->quiet) {
            printf("saved %s\n", path);
        }
    }
    if (c->gate.update) {
        const int ucode = vb__update_baseline(stdout, &c->gate, suite, c->quiet);
        code = ucode > code ? ucode : code;
    }
    return code;
}

/* Whether the run measures (not --smoke, not a run under callgrind): the suite steps, the
   tables and the saved runs need statistics. */
static bool measuring(const vb__cli *c)
{
    return !c->run.smoke && c->run.callgrind_iterations == 0;
}

void vb__cli_begin(const vb__cli *c, const bool *selected, vb_machine *m)
{
    vb__machine_probe_system(m);
    /* The commit goes into the pytest JSON (and the SVG and HTML made from it), saved runs and
       the baseline; git costs time and memory that a run without them need not pay. */
    if (c->json || c->svg || c->html || c->save || c->autosave || c->gate.update) {
        vb__machine_probe_commit(m);
    }
    for (size_t i = 0; i < vb_registry_count(); i++) {
        if (selected[i] && !vb_registry_get(i)->opts.vb__optimized) {
            m->optimized = false;
        }
    }
    /* The environment calibration kernel, at the start of the suite, only for the stored
       baseline (its environment factor and the reference time of a new baseline): it takes
       about 150 ms and maps a buffer of twice the last-level cache (64 MiB here), which would
       otherwise be most of the time to a result and of the peak RSS of a short run. */
    const bool kernel = measuring(c) && (c->gate.gate || c->gate.update);
    if (kernel) {
        vb_envfactor_kernel(11, &m->calib_time, NULL);
        /* The two-thread kernel, for the benchmarks that keep two cores busy. */
        vb_envfactor_kernel_threads(2, 11, &m->calib_time_threads, NULL);
    }
    if (!c->quiet) {
        vb_report_console_header(stdout, m, &c->run);
        if (kernel) {
            printf("calibration kernel: %.2f ms, on two threads %.2f ms\n", m->calib_time * 1e3,
                   m->calib_time_threads * 1e3);
        }
    }
}

static int worst(int a, int b)
{
    return a > b ? a : b;
}

int vb__cli_end(vb__cli *c, vb_machine *m, vb_result *results, size_t n)
{
    int code = measuring(c) ? before_tables(c, m, results, n) : 0;
    vb_results_sort(results, n, c->run.sort);
    const vb_suite suite = {m, results, n, &c->run};
    if (!c->quiet && measuring(c)) {
        vb_console_options co;
        vb_console_options_init(&co);
        co.color = vb__cli_want_color();
        co.verbose = c->verbose;
        vb_report_console(stdout, &suite, &co);
    }
    code = worst(code, vb__cli_exit_code(results, n));
    if (c->history && measuring(c)) {
        code = worst(code, history(c, &suite));
    }
    code = worst(code, vb__cli_write_files(c, &suite));
    if (measuring(c)) {
        code = worst(code, after_tables(c, &suite));
    }
    if (c->profile_kind) {
        code = worst(code, vb__cli_profile(c, results, n));
    }
    if (!c->quiet) {
        printf("%zu benchmark%s, exit %d\n", n, n == 1 ? "" : "s", code);
    }
    for (size_t i = 0; i < n; i++) {
        vb_result_clear(&results[i]);
    }
    return code;
}
