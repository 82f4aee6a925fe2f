/* SPDX-License-Identifier: MIT */
/* Declarations shared by libvbench's sources and nothing else. */
#ifndef VBENCH_INTERNAL_H
#define VBENCH_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vb_testing.h"
#include "vbench/vbench.h"

#if defined(__GNUC__) || defined(__clang__)
#define VB__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VB__PRINTF(f, a)
#endif

#define VB__HW_EVENTS 4

/* Allocation: every allocation of the library goes through these (vb_alloc.c). */
void *vb__malloc(size_t size);
void *vb__calloc(size_t count, size_t size);
void *vb__realloc(void *ptr, size_t size);
void vb__free(void *ptr);

/* Errors (vb_error.c): fill `err` (may be NULL) and return `code`. */
vb_status vb__error(vb_error *err, vb_status code, const char *fmt, ...) VB__PRINTF(3, 4);
vb_status vb__nomem(vb_error *err);
/* Copies at most size-1 bytes of src into dst, always terminated. */
void vb__strlcpy(char *dst, const char *src, size_t size);
/* Parses a whole decimal string; false on junk or overflow. */
bool vb__parse_ll(const char *s, long long *out);
bool vb__parse_double(const char *s, double *out);

/* The private part of a vb_state (loop.c). */
struct vb__run {
    const vb_clock *clock;
    uint64_t iterations; /* of the running round */
    int phase;           /* 0 before the loop, 1 in it, 2 after it */
    uint64_t start_ns;
    uint64_t pause_start_ns;
    uint64_t paused_ns;
    bool paused;
    uint64_t elapsed_ns; /* of the last round, pauses left out */
    /* The process's CPU time (every thread) around the same loop, pauses left out: read
       only when `cpu` (a benchmark of .threads >= 2), outside the wall clock's span. */
    bool cpu;
    uint64_t cpu_start_ns, cpu_pause_start_ns, cpu_paused_ns, cpu_elapsed_ns;
    bool heap_round; /* count the heap around this round's loop */
    bool heap_done;
    vb_heap_counts heap;
    bool hw_round; /* read the hardware counters around this round's loop */
    double hw[VB__HW_EVENTS];
    bool callgrind; /* toggle callgrind's collection around the loop */
    bool smoke;
    bool has_param;
    long long param;
    void *context;
    bool failed;
    char msg[256];
    double items, bytes;
    vb_counter counters[VB_MAX_COUNTERS];
    size_t ncounters;
};

/* Prepares `run` for a round of `iterations` (loop.c). */
void vb__round_reset(vb_state *st, uint64_t iterations);
/* Marks the benchmark failed with a message (loop.c); the first message wins. */
void vb__fail(vb_state *st, const char *fmt, ...) VB__PRINTF(2, 3);

/* Runs one repetition of a benchmark in a forked child (isolate.c). */
vb_status vb__run_forked(const vb_bench *bench, const vb_run_options *cfg, vb_result *out,
                         vb_error *err);
/* Gives a passed measured result of one process its one repetition, made of its own figures
   (runner.c); VB_ERR_NOMEM. Other results get none. */
vb_status vb__own_repetition(vb_result *r, vb_error *err);

/* The 95% confidence interval of the median of `n` >= 1 sorted values, from order statistics
   (stats.c). */
void vb__median_ci_sorted(const double *sorted, size_t n, double *low, double *high);
/* The early stop of the measurement: whether the half-width of that interval over `n` rounds
   is at most `precision` x the median (stats.c). */
bool vb__median_precise(const double *data, size_t n, double precision);
/* The precision asked of the median when neither the run nor the benchmark says: 1%. */
#define VB__DEFAULT_PRECISION 0.01
/* The precision asked of the median (runner.c): 0 for fixed rounds (pedantic, --rounds,
   .rounds), else the run's (0: no early stop), else the benchmark's (negative: none), else
   VB__DEFAULT_PRECISION. `cfg` NULL: the defaults. */
double vb__precision_of(const vb_bench_options *o, const vb_run_options *cfg);

/* The timer precision of the monotonic clock, measured once per process (calibrate.c). */
double vb__monotonic_precision(void);

/* vb_machine_probe in two parts (vb_machine.c): everything but the commit, and the commit
   from git (six git processes: vb_main runs them only when a file records the commit). */
void vb__machine_probe_system(vb_machine *m);
void vb__machine_probe_commit(vb_machine *m);

/* Machine facts used by several reports (vb_machine.c). */
const char *vb__cpu_governor(char *buf, size_t size);

/* Hardware counters of the counting round (hwcounters.c): instructions, cycles, branch
   misses, cache misses; -1 for an event that is not available. */
void vb__hw_begin(void);
void vb__hw_end(double counts[VB__HW_EVENTS]);

/* Switches callgrind's collection on or off; nothing outside valgrind (instructions.c). */
void vb__callgrind_toggle(void);

/* The suite-level steps of vb_main after the runs (suite_gate.c). */
typedef enum vb__env_mode { VB__ENV_KERNEL = 0, VB__ENV_MEDIAN, VB__ENV_NONE } vb__env_mode;
typedef struct vb__gate_cli {
    bool gate;             /* --gate: judge against the baseline */
    bool update;           /* --update-baseline */
    const char *baseline;  /* --baseline FILE */
    vb__env_mode env_mode; /* --env-factor */
    vb_gate_options opts;
} vb__gate_cli;

/* Instruction counts of the passed results under callgrind (when the gate wants them). */
/* Returns false when valgrind is missing: the gate then falls back to time. */
bool vb__count_all(FILE *out, const vb__gate_cli *g, vb_result *results, size_t n);
/* Complexity of each family of sized benchmarks; fails those beyond their max_exponent. */
void vb__complexity_all(FILE *out, vb_result *results, size_t n, bool quiet);
/* The gate against the baseline; returns 0, or 3 when the baseline cannot be read. */
int vb__gate_all(FILE *out, const vb__gate_cli *g, vb_machine *m, vb_result *results, size_t n,
                 bool quiet);
/* --update-baseline; returns 0 or 3. */
int vb__update_baseline(FILE *out, const vb__gate_cli *g, const vb_suite *suite, bool quiet);

/* The median per iteration of a result over its processes (repetitions): the median of their
   medians, or the rounds' median for one process (gate.c). */
double vb__result_median(const vb_result *r);
/* The run's environment factor for this result: the two-thread kernel's for a benchmark of
   .threads >= 2 when it was measured, else the kernel's; 1 when the run has none (gate.c). */
double vb__result_env_factor(const vb_result *r, const vb_machine *m);

/* The exact one-sided Mann-Whitney test (mannwhitney.c): P(U >= U of x) when x and y come from
   one distribution, for the gate's small samples of process medians (nx x ny <= 100000). */
vb_status vb__mann_whitney_exact(const double *x, size_t nx, const double *y, size_t ny,
                                 double *p_greater, vb_error *err);
/* The smallest p-value that samples of nx and ny values can give: 1 / C(nx + ny, nx). */
double vb__mann_whitney_min_p(size_t nx, size_t ny);

/* vb_main's paired mode (cli_paired.c). */
#include "vbench/paired.h"
typedef struct vb__paired_cli {
    const char *base_binary; /* --paired BIN: compare with that build (base) */
    vb_paired_options opts;
} vb__paired_cli;
/* The result files a run was asked for. */
typedef struct vb__outputs {
    const char *json, *markdown, *html, *gab;
} vb__outputs;
void vb__paired_cli_init(vb__paired_cli *pc);
/* Consumes a paired option at argv[*i]; true when it was one (then *bad tells whether its
   value was wrong, already reported), false when argv[*i] is something else. */
bool vb__paired_parse(int argc, char **argv, int *i, vb__paired_cli *pc, bool *bad);
/* Runs the selected benchmarks paired with pc->base_binary; the exit code. */
int vb__paired_main(vb__paired_cli *pc, const vb_run_options *cfg, const bool *selected,
                    const vb__outputs *outs, bool quiet);

#endif
