/* SPDX-License-Identifier: MIT */
/* Writing a benchmark: registration, the timed loop and what a body may call inside it. */
#ifndef VBENCH_BENCH_H
#define VBENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The state of one running benchmark, passed to its body, setup and teardown. Only the harness
 * creates one; the fields are private (they are public only so vb_loop() can be inline).
 * Not thread-safe: a body uses its state from one thread.
 */
typedef struct vb_state {
    uint64_t vb__left;       /* iterations left in the running round */
    struct vb__run *vb__run; /* the harness's private part */
} vb_state;

/** A benchmark body: runs `while (vb_loop(st)) { ... }` once per round. */
typedef void (*vb_fn)(vb_state *st);
/** A fixture setup: runs once, untimed, before calibration. Returns 0, or nonzero to fail. */
typedef int (*vb_setup_fn)(vb_state *st);

/** Tri-state switches of vb_bench_options: 0 keeps the default. */
enum { VB_DEFAULT = 0, VB_ON = 1, VB_OFF = -1 };

/**
 * Per-benchmark options, given as designated initialisers to VB_BENCHMARK. Every field may be
 * left out: 0 / NULL means "the suite's default". Strings are borrowed and must be static.
 */
typedef struct vb_bench_options {
    const char *name;        /**< overrides the function's name */
    const char *group;       /**< the table group, e.g. "calculator"; NULL: none */
    const char *marks;       /**< comma-separated marks, e.g. "performance,memory" */
    const char *param_name;  /**< the parameter's name in the results, default "n" */
    const long long *params; /**< parameter values: one benchmark per value (see VB_PARAMS) */
    size_t nparams;

    vb_setup_fn setup; /**< fixture: once per benchmark before calibration, untimed */
    vb_fn teardown;    /**< fixture: once per benchmark after the last round, untimed */

    /* Pedantic mode: exactly `rounds` x `iterations` after `warmup_rounds`, no calibration,
       `round_setup` / `round_teardown` untimed around every round. */
    int pedantic;
    long long rounds; /**< also usable without pedantic: fixed rounds, calibrated iterations */
    long long iterations;
    long long warmup_rounds;
    vb_fn round_setup;
    vb_fn round_teardown;

    /* Calibration (pytest-benchmark's options). */
    double max_time; /**< at most this many seconds of measurement, default 1.0 */
    /** Measurement stops as soon as the half-width of the median's 95% confidence interval is
        at most this fraction of the median (default 0.01); negative: never early. */
    double precision;
    double min_time;             /**< minimum round time in seconds, default 5e-6 */
    long long min_rounds;        /**< default 5 */
    int warmup;                  /**< VB_ON / VB_OFF; default on */
    long long warmup_iterations; /**< default 100000 */
    double timeout;              /**< seconds before the child is killed, default 300 */
    /** At least this many repetitions, each in its own process, whatever --repetitions says
        (default 1): a benchmark of one round needs several for a test between runs. */
    long long repetitions;

    /* Limits: a result beyond one fails the benchmark (exit 1). 0: no limit. */
    double max_mean_s, max_median_s, max_stddev_s; /**< seconds per iteration */
    double max_rss_mb;                             /**< peak RSS of the benchmark's process, MiB */
    double max_heap_mb; /**< peak live heap during the timed region, MiB */
    /** Address space the benchmark's child may map beyond what it has mapped when it starts,
        MiB (setrlimit RLIMIT_AS in the child; fork mode only; 0: no limit). An allocation
        beyond it fails: the benchmark fails its own check or crashes, is reported so (with
        the limit in its message), and the suite goes on. glibc reserves 64 MiB of address
        space per thread arena: leave room for threads. Meaningless under AddressSanitizer. */
    double max_address_space_mb;
    /** When nonzero, the time limits hold for this parameter value and scale linearly with it
        (a limit for 365 days is x/365 of it for x days). */
    long long limit_param;
    double max_exponent;      /**< complexity: fail if the fitted exponent over params exceeds it */
    double margin;            /**< regression margin over the baseline (default 1.2) */
    /** Threads the benchmark's own code keeps busy (default 1). With 2 or more, the
        stored-baseline gate scales its baseline by the two-thread calibration kernel, which
        slows as the benchmark does when another process holds a core. (Not Google Benchmark's
        "threads", which run the body itself on several threads: its JSON keeps 1.) */
    int threads;
    /** Paired comparison (--paired): the slowdown this benchmark may show before it fails,
        as a fraction (0.10 = 10%); 0: the run's --threshold (default 5%). */
    double threshold;
    int no_valgrind;          /**< VB_ON: skip this benchmark in instruction counting */
    int heap_round;           /**< VB_OFF: skip the extra heap-counting round (long bodies) */
    long long valgrind_param; /**< the parameter value to use under valgrind (0: all) */

    int vb__optimized; /* set by VB_BENCHMARK: was the body compiled with optimisation */
    int vb__end;       /* unused: lets VB_BENCHMARK(fn) take no option */
} vb_bench_options;

/** Zeroes `o` (not NULL): every option then takes the suite's default, as the fields that
    VB_BENCHMARK's designated initialisers leave out do. For vb_register by hand. Thread-safe. */
void vb_bench_options_init(vb_bench_options *o);

/** `VB_PARAMS(30, 365, 1825)` inside VB_BENCHMARK: one benchmark per value, `name[365]`. */
#define VB_PARAMS(...)                                                                             \
    .params = (const long long[]){__VA_ARGS__},                                                    \
    .nparams = sizeof((const long long[]){__VA_ARGS__}) / sizeof(long long)

#ifdef __OPTIMIZE__
#define VB__OPTIMIZED 1
#else
#define VB__OPTIMIZED 0
#endif
#define VB__CAT2(a, b) a##b
#define VB__CAT(a, b)  VB__CAT2(a, b)

/**
 * Registers `fn` (declared `static void fn(vb_state *st)` before the macro) with options, e.g.
 * `VB_BENCHMARK(daily, .group = "calculator", .marks = "performance", VB_PARAMS(30, 365));`
 * It defines a function marked `__attribute__((constructor))` that calls vb_register() before
 * main(): the benchmark exists as soon as its object file is linked into the program (objects
 * in a static library are linked only when referenced: put benchmarks in the program's own
 * sources). Compilers without constructors call vb_register() by hand.
 */
#define VB_BENCHMARK(...) VB__BENCHMARK(__VA_ARGS__, .vb__end = 0)
#define VB__BENCHMARK(fn, ...)                                                                     \
    static void VB__CAT(vb__register_, fn)(void) __attribute__((constructor));                     \
    static void VB__CAT(vb__register_, fn)(void)                                                   \
    {                                                                                              \
        const vb_bench_options vb__o = {.vb__optimized = VB__OPTIMIZED, __VA_ARGS__};              \
        vb__register_or_die(#fn, fn, &vb__o);                                                      \
    }                                                                                              \
    extern int vb__swallow_semicolon

/**
 * Registers a benchmark by hand: `name` and its options are copied (the strings inside the
 * options are borrowed and must outlive the program's use of the registry). One benchmark is
 * registered per parameter value. `opts` NULL: every default; `options.name`, when set,
 * replaces `name`. VB_ERR_INVALID for a missing name or function, a name too long or already
 * registered. Not thread-safe: call it before running anything.
 */
vb_status vb_register(const char *name, vb_fn fn, const vb_bench_options *opts, vb_error *err);
/* Used by VB_BENCHMARK: vb_register, remembering a failure for vb_main to report. */
void vb__register_or_die(const char *name, vb_fn fn, const vb_bench_options *opts);

/* ---- Inside a body ----------------------------------------------------------------------
   The functions below take the state the harness handed to the body, setup or teardown (not
   NULL) and are called from the thread that runs it. */

bool vb__loop_edge(vb_state *st);

/**
 * The timed loop: `while (vb_loop(st)) { work }` runs the work the number of iterations the
 * harness chose for this round; the clock runs from the first call to the last.
 */
static inline bool vb_loop(vb_state *st)
{
#if defined(__GNUC__) || defined(__clang__)
    if (__builtin_expect(st->vb__left != 0, 1)) {
#else
    if (st->vb__left != 0) {
#endif
        st->vb__left--;
        return true;
    }
    return vb__loop_edge(st);
}

uint64_t vb__loop_begin(vb_state *st);
bool vb__loop_end(vb_state *st);

/**
 * The timed loop for the smallest bodies: `vb_for(st) { work }` runs the same iterations as
 * `while (vb_loop(st))` with the count in a local variable, which a compiler barrier in the
 * body (vb_do_not_optimize, vb_clobber) does not force to memory: about one cycle less per
 * iteration. A failed vb_check() ends the round at its end rather than at once.
 */
#define vb_for(st)                                                                                 \
    for (uint64_t vb__n = vb__loop_begin(st); vb__n != 0 ? (vb__n--, true) : vb__loop_end(st);)

/** Stops the clock inside the loop (e.g. to rebuild input); vb_resume() restarts it. */
void vb_pause(vb_state *st);
/** Restarts the clock stopped by vb_pause(). */
void vb_resume(vb_state *st);

/** The compiler must assume the memory at `p` is read and written here. */
static inline void vb__escape(const void *p)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "g"(p) : "memory");
#else
    (void)p;
#endif
}

/** Forces the value of `x` to be computed: the compiler cannot drop the work producing it. */
#define vb_do_not_optimize(x)                                                                      \
    do {                                                                                           \
        __typeof__(x) vb__value = (x);                                                             \
        vb__escape(&vb__value);                                                                    \
    } while (0)

/** Forces all pending writes to memory to be done (a compiler barrier). */
static inline void vb_clobber(void)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : : "memory");
#endif
}

/** Items processed per iteration, for the items/s figure. */
void vb_set_items(vb_state *st, double items_per_iteration);
/** Bytes processed per iteration, for the MB/s figure. */
void vb_set_bytes(vb_state *st, double bytes_per_iteration);
/** Sets a named counter reported with the results (at most 16 per benchmark; the name is
    copied, up to 47 bytes; NULL or "" is ignored). The last value set wins. */
void vb_counter_set(vb_state *st, const char *name, double value);

/** The parameter value of this benchmark (0 when it has none). */
long long vb_param(const vb_state *st);
/** Whether this benchmark has a parameter. */
bool vb_has_param(const vb_state *st);
/** The user context pointer set by the setup fixture (NULL before). Owned by the fixture. */
void *vb_context(const vb_state *st);
/** Sets the user context pointer, typically in setup; teardown frees what it points to. */
void vb_set_context(vb_state *st, void *context);
/** The iterations of the running round. */
uint64_t vb_iterations(const vb_state *st);
/** Whether the run is a smoke run (each body once, no statistics). */
bool vb_is_smoke(const vb_state *st);

/**
 * An assertion of the body: when `cond` is false the benchmark is reported failed with `msg`
 * (the run exits 1) and the rest of its rounds are skipped. Evaluates to `cond`, so a body can
 * `if (!vb_check(st, p != NULL, "no result")) return;`.
 */
#define vb_check(st, cond, msg) vb__check((st), (cond) ? true : false, (msg), __FILE__, __LINE__)
bool vb__check(vb_state *st, bool ok, const char *msg, const char *file, int line);
/** Whether a vb_check() of this benchmark has failed. */
bool vb_failed(const vb_state *st);

#ifdef __cplusplus
}
#endif
#endif
