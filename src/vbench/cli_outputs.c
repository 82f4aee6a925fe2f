/* SPDX-License-Identifier: MIT */
/* What vb_main prints and writes: the list, the results files, the valgrind profiles, the exit
   code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The SVG and HTML reports are made from the pytest-schema JSON: --json's file, or a
   temporary one when --json was not asked for. */
static int visual_files(const vb__cli *c, const vb_suite *suite)
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
    const char *paths[] = {c->svg, c->html};
    for (size_t i = 0; i < 2; i++) {
        if (!paths[i]) {
            continue;
        }
        const vb_status s = i == 0 ? vb_report_svg(json, paths[i], &e)
                                   : vb_report_html_history(json, c->history, paths[i], &e);
        if (s != VB_OK) {
            fprintf(stderr, "vbench: %s\n", e.msg);
            code = 3;
        } else if (!c->quiet) {
            fprintf(stdout, "wrote %s\n", paths[i]);
        }
    }
    if (!c->json) {
        unlink(tmp);
    }
    return code;
}

int vb__cli_write_files(const vb__cli *c, const vb_suite *suite)
{
    const struct {
        const char *path;
        vb_status (*write)(const vb_suite *, const char *, vb_error *);
    } files[] = {{c->json, vb_report_json_write},
                 {c->gbench, vb_report_gbench_write},
                 {c->csv, vb_report_csv_write},
                 {c->markdown, vb_report_markdown_write},
                 {c->gab, vb_report_gab_write}};
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

int vb__cli_profile(const vb__cli *c, const vb_result *results, size_t n)
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

/* Lists the selected benchmarks (--list). */
void vb__cli_list(const bool *selected)
{
    for (size_t i = 0; i < vb_registry_count(); i++) {
        const vb_bench *b = vb_registry_get(i);
        if (selected[i]) {
            printf("%s%s%s\n", b->fullname, b->opts.marks ? "  marks: " : "",
                   b->opts.marks ? b->opts.marks : "");
        }
    }
}

bool vb__cli_want_color(void)
{
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

int vb__cli_exit_code(const vb_result *results, size_t n)
{
    int code = 0;
    for (size_t i = 0; i < n; i++) {
        const vb_outcome o = results[i].outcome;
        const int this = o == VB_OUTCOME_PASSED ? 0 : o == VB_OUTCOME_FAILED ? 1 : 3;
        code = this > code ? this : code;
    }
    return code;
}
