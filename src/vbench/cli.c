/* SPDX-License-Identifier: MIT */
/* vb_main: the command line every suite binary gets, the only part of libvbench that prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "vbench/report_files.h"

typedef struct cli {
    vb_run_options cfg;
    bool list, quiet, verbose, help;
    const char *json, *gbench, *csv, *markdown, *svg, *html;
    const char *profile_kind, *profile_dir;
    const char *exact; /* --vb-exact: one benchmark by its full name (valgrind re-runs) */
    vb__gate_cli gate;
    const char *storage; /* --storage DIR, default .benchmarks */
    const char *save;    /* --save NAME */
    bool autosave;       /* --autosave */
    bool compare;        /* --compare[=N|FILE] */
    const char *compare_which;
    vb_compare_rule rules[8];
    size_t nrules;
} cli;

static const char usage[] =
    "usage: %s [options]\n"
    "Selection:\n"
    "  --list                 list the selected benchmarks and exit\n"
    "  -k PATTERN             full name substring or glob; 'not P', 'P or Q', 'P and Q'\n"
    "  -m MARKEXPR            marks: 'performance and not memory'\n"
    "Measurement:\n"
    "  --smoke                run each body once with its checks, no statistics\n"
    "  --rounds N             fixed rounds (iterations still calibrated)\n"
    "  --max-time S           seconds of measurement per benchmark (default 1.0)\n"
    "  --min-rounds N         at least N rounds (default 5)\n"
    "  --warmup, --no-warmup  warm up before measuring (default on)\n"
    "  --timeout S            kill a benchmark after S seconds (default 300)\n"
    "  --no-fork              run in this process (debugging: no timeout, RSS is the suite's)\n"
    "  --no-memory            skip the heap-counting round\n"
    "  --profile cpu|heap DIR one profile per benchmark under valgrind (callgrind / DHAT)\n"
    "Output:\n"
    "  --sort min|max|mean|median|name   order within each group (default name)\n"
    "  --json FILE            pytest-benchmark JSON\n"
    "  --gbench-json FILE     Google Benchmark JSON\n"
    "  --csv FILE, --markdown FILE\n"
    "  --svg FILE             box plots of every group (pytest-benchmark's histogram)\n"
    "  --html FILE            one self-contained page: table, gate, plots, machine\n"
    "  --quiet, --verbose, --help\n"
    "Regression gate:\n"
    "  --gate                 judge each benchmark against the baseline (exit 1 on regression)\n"
    "  --baseline FILE        the baseline (default benchmarks/baseline.json)\n"
    "  --update-baseline      append this run's passed results to the baseline\n"
    "  --margin X             threshold = baseline x environment factor x X (default 1.2)\n"
    "  --alpha A              significance of the one-sided Mann-Whitney U (default 0.01)\n"
    "  --env-factor kernel|median|none   the environment factor of the gate (default kernel)\n"
    "  --gate-metric time|instructions   instructions: counted under callgrind, 2%% threshold\n"
    "Saved runs:\n"
    "  --save NAME, --autosave  write .benchmarks/<machine>/NNNN_<name|commit>.json\n"
    "  --storage DIR          instead of .benchmarks\n"
    "  --compare[=N|FILE]     compare with the latest saved run (or run N, or FILE)\n"
    "  --compare-fail M:P%%    exit 1 when metric M (min, max, mean, median, stddev,\n"
    "                         peak_rss, heap_peak) grows more than P%% significantly\n"
    "Exit status: 0 passed, 1 a check, limit or regression failed, 2 usage error,\n"
    "3 a crash or timeout (or the harness failed).\n";

/* The value of an option given as "--opt value" or "--opt=value"; NULL when absent. */
static const char *value_of(int argc, char **argv, int *i, const char *name, bool *bad)
{
    const size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) {
        return NULL;
    }
    if (a[n] == '=') {
        return a + n + 1;
    }
    if (a[n] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "vbench: %s needs a value\n", name);
        *bad = true;
        return NULL;
    }
    return argv[++*i];
}

static bool parse_sort(const char *v, vb_sort *out)
{
    static const struct {
        const char *name;
        vb_sort key;
    } keys[] = {{"name", VB_SORT_NAME},
                {"min", VB_SORT_MIN},
                {"max", VB_SORT_MAX},
                {"mean", VB_SORT_MEAN},
                {"median", VB_SORT_MEDIAN}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(v, keys[i].name) == 0) {
            *out = keys[i].key;
            return true;
        }
    }
    return false;
}

static bool positive_ll(const char *opt, const char *v, long long *out)
{
    if (!vb__parse_ll(v, out) || *out < 1) {
        fprintf(stderr, "vbench: %s wants a positive integer, not '%s'\n", opt, v);
        return false;
    }
    return true;
}

static bool positive_double(const char *opt, const char *v, double *out)
{
    if (!vb__parse_double(v, out) || !(*out > 0)) {
        fprintf(stderr, "vbench: %s wants a positive number, not '%s'\n", opt, v);
        return false;
    }
    return true;
}

/* Parses the command line into `c`; false on a usage error (already reported). */
static bool parse(int argc, char **argv, cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        bool bad = false;
        if (strcmp(a, "--list") == 0) {
            c->list = true;
        } else if (strcmp(a, "--smoke") == 0) {
            c->cfg.smoke = true;
        } else if (strcmp(a, "--warmup") == 0) {
            c->cfg.warmup = VB_ON;
        } else if (strcmp(a, "--no-warmup") == 0) {
            c->cfg.warmup = VB_OFF;
        } else if (strcmp(a, "--no-fork") == 0) {
            c->cfg.fork = false;
        } else if (strcmp(a, "--no-memory") == 0) {
            c->cfg.memory = false;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = true;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            c->verbose = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            c->help = true;
        } else if ((v = value_of(argc, argv, &i, "-k", &bad))) {
            c->cfg.name_filter = v;
        } else if ((v = value_of(argc, argv, &i, "-m", &bad))) {
            c->cfg.mark_filter = v;
        } else if ((v = value_of(argc, argv, &i, "--rounds", &bad))) {
            if (!positive_ll(a, v, &c->cfg.rounds)) {
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--min-rounds", &bad))) {
            if (!positive_ll(a, v, &c->cfg.min_rounds)) {
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--max-time", &bad))) {
            if (!positive_double(a, v, &c->cfg.max_time)) {
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--timeout", &bad))) {
            if (!positive_double(a, v, &c->cfg.timeout)) {
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--sort", &bad))) {
            if (!parse_sort(v, &c->cfg.sort)) {
                fprintf(stderr, "vbench: --sort wants min, max, mean, median or name\n");
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--json", &bad))) {
            c->json = v;
        } else if ((v = value_of(argc, argv, &i, "--gbench-json", &bad))) {
            c->gbench = v;
        } else if ((v = value_of(argc, argv, &i, "--csv", &bad))) {
            c->csv = v;
        } else if ((v = value_of(argc, argv, &i, "--markdown", &bad))) {
            c->markdown = v;
        } else if ((v = value_of(argc, argv, &i, "--svg", &bad))) {
            c->svg = v;
        } else if ((v = value_of(argc, argv, &i, "--html", &bad))) {
            c->html = v;
        } else if ((v = value_of(argc, argv, &i, "--profile", &bad))) {
            c->profile_kind = v;
            if (i + 1 >= argc) {
                fprintf(stderr, "vbench: --profile needs a kind (cpu or heap) and a directory\n");
                return false;
            }
            c->profile_dir = argv[++i];
            if (strcmp(v, "cpu") != 0 && strcmp(v, "heap") != 0) {
                fprintf(stderr, "vbench: --profile wants cpu or heap, not '%s'\n", v);
                return false;
            }
        } else if (strcmp(a, "--gate") == 0) {
            c->gate.gate = true;
        } else if (strcmp(a, "--update-baseline") == 0) {
            c->gate.update = true;
        } else if (strcmp(a, "--autosave") == 0) {
            c->autosave = true;
        } else if (strcmp(a, "--compare") == 0) {
            c->compare = true;
        } else if (strncmp(a, "--compare=", 10) == 0) {
            c->compare = true;
            c->compare_which = a + 10;
        } else if ((v = value_of(argc, argv, &i, "--baseline", &bad))) {
            c->gate.baseline = v;
        } else if ((v = value_of(argc, argv, &i, "--storage", &bad))) {
            c->storage = v;
        } else if ((v = value_of(argc, argv, &i, "--save", &bad))) {
            c->save = v;
        } else if ((v = value_of(argc, argv, &i, "--margin", &bad))) {
            if (!positive_double(a, v, &c->gate.opts.margin)) {
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--alpha", &bad))) {
            if (!positive_double(a, v, &c->gate.opts.alpha) || c->gate.opts.alpha >= 1) {
                fprintf(stderr, "vbench: --alpha wants a probability between 0 and 1\n");
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--env-factor", &bad))) {
            if (strcmp(v, "kernel") == 0) {
                c->gate.env_mode = VB__ENV_KERNEL;
            } else if (strcmp(v, "median") == 0) {
                c->gate.env_mode = VB__ENV_MEDIAN;
            } else if (strcmp(v, "none") == 0) {
                c->gate.env_mode = VB__ENV_NONE;
            } else {
                fprintf(stderr, "vbench: --env-factor wants kernel, median or none\n");
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--gate-metric", &bad))) {
            if (strcmp(v, "time") == 0) {
                c->gate.opts.metric = VB_GATE_TIME;
            } else if (strcmp(v, "instructions") == 0) {
                c->gate.opts.metric = VB_GATE_INSTRUCTIONS;
            } else {
                fprintf(stderr, "vbench: --gate-metric wants time or instructions\n");
                return false;
            }
        } else if ((v = value_of(argc, argv, &i, "--compare-fail", &bad))) {
            vb_error e;
            if (c->nrules == sizeof c->rules / sizeof c->rules[0]) {
                fprintf(stderr, "vbench: too many --compare-fail rules\n");
                return false;
            }
            if (vb_compare_rule_parse(v, &c->rules[c->nrules], &e) != VB_OK) {
                fprintf(stderr, "vbench: %s\n", e.msg);
                return false;
            }
            c->nrules++;
            c->compare = true;
        } else if ((v = value_of(argc, argv, &i, "--vb-exact", &bad))) {
            c->exact = v;
        } else if ((v = value_of(argc, argv, &i, "--vb-callgrind", &bad))) {
            if (!positive_ll(a, v, &c->cfg.callgrind_iterations)) {
                return false;
            }
        } else {
            if (!bad) {
                fprintf(stderr, "vbench: unknown option '%s' (try --help)\n", a);
            }
            return false;
        }
        if (bad) {
            return false;
        }
    }
    return true;
}

/* Marks each registered benchmark selected or not; returns how many are, -1 on a bad -m. */
static long select_benches(const cli *c, bool *selected)
{
    long count = 0;
    for (size_t i = 0; i < vb_registry_count(); i++) {
        const vb_bench *b = vb_registry_get(i);
        bool marks = true;
        vb_error e;
        if (vb_filter_marks(c->cfg.mark_filter, b->opts.marks, &marks, &e) != VB_OK) {
            fprintf(stderr, "vbench: %s\n", e.msg);
            return -1;
        }
        selected[i] = marks && vb_filter_name(c->cfg.name_filter, b->fullname) &&
                      (!c->exact || strcmp(c->exact, b->fullname) == 0);
        count += selected[i];
    }
    return count;
}

static bool want_color(void)
{
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

static int exit_code(const vb_result *results, size_t n)
{
    int code = 0;
    for (size_t i = 0; i < n; i++) {
        switch (results[i].outcome) {
        case VB_OUTCOME_PASSED:
            break;
        case VB_OUTCOME_FAILED:
            code = code < 1 ? 1 : code;
            break;
        case VB_OUTCOME_CRASHED:
        case VB_OUTCOME_TIMEOUT:
        case VB_OUTCOME_ERROR:
            code = 3;
            break;
        }
    }
    return code;
}

/* The SVG and HTML reports are made from the pytest-schema JSON: --json's file, or a
   temporary one when --json was not asked for. */
static int visual_files(const cli *c, const vb_suite *suite)
{
    char tmp[] = "/tmp/vbench-results-XXXXXX";
    const char *json = c->json;
    vb_error e;
    if (!json) {
        const int fd = mkstemp(tmp);
        if (fd < 0 || close(fd) != 0 || vb_report_json_write(suite, tmp, &e) != VB_OK) {
            fprintf(stderr, "vbench: cannot write a temporary results file for --svg/--html\n");
            unlink(tmp);
            return 3;
        }
        json = tmp;
    }
    int code = 0;
    const struct {
        const char *path;
        vb_status (*write)(const char *, const char *, vb_error *);
    } files[] = {{c->svg, vb_report_svg}, {c->html, vb_report_html}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!files[i].path) {
            continue;
        }
        if (files[i].write(json, files[i].path, &e) != VB_OK) {
            fprintf(stderr, "vbench: %s\n", e.msg);
            code = 3;
        } else if (!c->quiet) {
            fprintf(stdout, "wrote %s\n", files[i].path);
        }
    }
    if (!c->json) {
        unlink(tmp);
    }
    return code;
}

static int write_files(const cli *c, const vb_suite *suite)
{
    struct {
        const char *path;
        vb_status (*write)(const vb_suite *, const char *, vb_error *);
    } files[] = {{c->json, vb_report_json_write},
                 {c->gbench, vb_report_gbench_write},
                 {c->csv, vb_report_csv_write},
                 {c->markdown, vb_report_markdown_write}};
    int code = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        vb_error e;
        if (files[i].path && files[i].write(suite, files[i].path, &e) != VB_OK) {
            fprintf(stderr, "vbench: %s\n", e.msg);
            code = 3;
        } else if (files[i].path && !c->quiet) {
            fprintf(stdout, "wrote %s\n", files[i].path);
        }
    }
    if (c->svg || c->html) {
        code = visual_files(c, suite) > code ? 3 : code;
    }
    return code;
}

/* Writes the profiles; returns 3 when one could not be made (0 when valgrind is missing:
   then it says so and skips). */
static int profile(const cli *c, const vb_result *results, size_t n)
{
    if (!vb_valgrind_available()) {
        fprintf(stderr, "vbench: --profile: valgrind is not installed; skipping profiles\n");
        return 0;
    }
    int code = 0;
    const vb_profile_kind kind =
        strcmp(c->profile_kind, "cpu") == 0 ? VB_PROFILE_CPU : VB_PROFILE_HEAP;
    for (size_t i = 0; i < n; i++) {
        if (results[i].outcome != VB_OUTCOME_PASSED) {
            continue;
        }
        /* A small fixed iteration count: valgrind runs code 20 to 100 times slower. */
        long long iters = results[i].iterations > 0 ? (long long)results[i].iterations : 1;
        iters = iters > 1000 ? 1000 : iters;
        char path[1200];
        vb_error e;
        if (vb_profile_bench(results[i].bench, kind, c->profile_dir, iters, path, sizeof path,
                             &e) != VB_OK) {
            fprintf(stderr, "vbench: --profile: %s\n", e.msg);
            code = 3;
        } else if (!c->quiet) {
            printf("profile of %s: %s\n", results[i].bench->fullname, path);
        }
    }
    return code;
}

/* Instruction counts, complexity and the gate, before the tables; the worst exit code. */
static int suite_steps(cli *c, vb_machine *m, vb_result *results, size_t n)
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

/* --save / --autosave, --compare and --update-baseline, after the tables. */
static int saved_runs(const cli *c, const vb_suite *suite)
{
    int code = 0;
    vb_error e;
    char path[1200];
    if (c->compare) {
        size_t failures = 0;
        if (vb_storage_find(c->storage, suite->machine, c->compare_which, path, sizeof path, &e) !=
                VB_OK ||
            vb_compare_print(stdout, suite, path, c->rules, c->nrules, c->gate.opts.alpha,
                             &failures, &e) != VB_OK) {
            fprintf(stderr, "vbench: --compare: %s\n", e.msg);
            code = e.code == VB_ERR_NOT_FOUND ? 0 : 3;
        } else if (failures > 0) {
            printf("--compare-fail: %zu significant regression%s beyond the allowed change\n",
                   failures, failures == 1 ? "" : "s");
            code = 1;
        }
    }
    if (c->save || c->autosave) {
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

int vb_main(int argc, char **argv)
{
    vb_error reg;
    if (vb_registry_error(&reg)) {
        fprintf(stderr, "vbench: registration failed: %s\n", reg.msg);
        return 3;
    }
    cli c;
    memset(&c, 0, sizeof c);
    vb_run_options_init(&c.cfg);
    vb_gate_options_init(&c.gate.opts);
    c.gate.baseline = "benchmarks/baseline.json";
    c.storage = ".benchmarks";
    if (!parse(argc, argv, &c)) {
        return 2;
    }
    if (c.help) {
        printf(usage, argc > 0 ? argv[0] : "suite");
        return 0;
    }
    const size_t total = vb_registry_count();
    bool *selected = vb__calloc(total, sizeof *selected);
    vb_result *results = vb__calloc(total, sizeof *results);
    if (!selected || !results) {
        fprintf(stderr, "vbench: out of memory\n");
        vb__free(selected);
        vb__free(results);
        return 3;
    }
    int code = 0;
    const long nsel = select_benches(&c, selected);
    if (nsel < 0) {
        code = 2;
    } else if (c.list) {
        for (size_t i = 0; i < total; i++) {
            const vb_bench *b = vb_registry_get(i);
            if (selected[i]) {
                printf("%s%s%s\n", b->fullname, b->opts.marks ? "  marks: " : "",
                       b->opts.marks ? b->opts.marks : "");
            }
        }
    } else {
        vb_machine m;
        vb_machine_probe(&m);
        for (size_t i = 0; i < total; i++) {
            if (selected[i] && !vb_registry_get(i)->opts.vb__optimized) {
                m.optimized = false;
            }
        }
        const bool measuring = !c.cfg.smoke && c.cfg.callgrind_iterations == 0;
        if (measuring) {
            /* The environment calibration kernel, at the start of the suite. */
            vb_envfactor_kernel(11, &m.calib_time, NULL);
        }
        if (!c.quiet) {
            vb_report_console_header(stdout, &m, &c.cfg);
            if (measuring) {
                printf("calibration kernel: %.2f ms\n", m.calib_time * 1e3);
            }
        }
        const bool progress = !c.quiet && isatty(STDERR_FILENO);
        size_t n = 0;
        for (size_t i = 0; i < total; i++) {
            if (!selected[i]) {
                continue;
            }
            const vb_bench *b = vb_registry_get(i);
            if (progress) {
                fprintf(stderr, "\r\x1b[K[%zu/%ld] %s", n + 1, nsel, b->fullname);
                fflush(stderr);
            }
            vb_error e;
            if (vb_run_bench(b, &c.cfg, &results[n], &e) != VB_OK && !c.quiet) {
                fprintf(stderr, "%svbench: %s\n", progress ? "\r\x1b[K" : "", e.msg);
            }
            if (c.cfg.smoke && !c.quiet) {
                printf("%-8s %s%s%s\n", vb_outcome_name(results[n].outcome), b->fullname,
                       results[n].msg[0] ? ": " : "", results[n].msg);
            }
            n++;
        }
        if (progress) {
            fprintf(stderr, "\r\x1b[K");
        }
        if (measuring) {
            code = suite_steps(&c, &m, results, n);
        }
        vb_results_sort(results, n, c.cfg.sort);
        const vb_suite suite = {&m, results, n, &c.cfg};
        if (!c.quiet && !c.cfg.smoke && c.cfg.callgrind_iterations == 0) {
            vb_console_options co;
            vb_console_options_init(&co);
            co.color = want_color();
            co.verbose = c.verbose;
            vb_report_console(stdout, &suite, &co);
        }
        const int rcode = exit_code(results, n);
        code = rcode > code ? rcode : code;
        const int fcode = write_files(&c, &suite);
        code = fcode > code ? fcode : code;
        if (measuring) {
            const int scode = saved_runs(&c, &suite);
            code = scode > code ? scode : code;
        }
        if (c.profile_kind) {
            const int pcode = profile(&c, results, n);
            code = pcode > code ? pcode : code;
        }
        if (!c.quiet) {
            printf("%zu benchmark%s, exit %d\n", n, n == 1 ? "" : "s", code);
        }
        for (size_t i = 0; i < n; i++) {
            vb_result_clear(&results[i]);
        }
    }
    vb__free(selected);
    vb__free(results);
    return code;
}
