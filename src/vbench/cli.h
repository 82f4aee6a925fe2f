/* SPDX-License-Identifier: MIT */
/* The parts of vb_main, the harness's front end: its parsed command line and the steps that
   cli.c runs around the benchmarks (cli_steps.c) and the files it writes (cli_outputs.c). */
#ifndef VBENCH_CLI_H
#define VBENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "internal.h"

/* The command line of a suite binary. */
typedef struct vb__cli {
    vb_run_options run;
    bool list, quiet, verbose, help;
    const char *json, *gbench, *csv, *markdown, *svg, *html, *gab;
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
    vb__paired_cli paired; /* --paired BASE_BINARY and its options */
    const char *history;   /* --history FILE: append the run, find the lasting steps */
} vb__cli;

/* The --help text, a printf format taking the program's name (cli_usage.c). */
extern const char vb__cli_usage[];
/* The rest of the --help text, plain text (cli_usage.c). */
extern const char vb__cli_usage_more[];

/* Prints the full names (and marks) of the selected benchmarks: --list. */
void vb__cli_list(const bool *selected);
/* Whether the console table may use colour: a terminal, NO_COLOR unset, TERM not dumb. */
bool vb__cli_want_color(void);
/* The exit code of the outcomes: 0 all passed, 1 one failed, 3 one crashed or timed out. */
int vb__cli_exit_code(const vb_result *results, size_t n);
/* Before the run loop: probes the machine into `m`, runs the environment kernel when the run
   measures, prints the header (cli_steps.c). */
void vb__cli_begin(const vb__cli *c, const bool *selected, vb_machine *m);
/* After the run loop: instruction counts, complexity and the gate, the tables, the files,
   --compare, --save and --update-baseline, the profiles; clears the results and returns the
   exit code (cli_steps.c). */
int vb__cli_end(vb__cli *c, vb_machine *m, vb_result *results, size_t n);
/* The results files (--json, --gbench-json, --csv, --markdown, --svg, --html); 0 or 3. */
int vb__cli_write_files(const vb__cli *c, const vb_suite *suite);
/* The profiles of --profile; 0, or 3 when one could not be made. */
int vb__cli_profile(const vb__cli *c, const vb_result *results, size_t n);

#endif
