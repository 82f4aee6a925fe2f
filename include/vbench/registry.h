/* SPDX-License-Identifier: MIT */
/* The registry of benchmarks and the selection of benchmarks by name (-k) and marks (-m). */
#ifndef VBENCH_REGISTRY_H
#define VBENCH_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "vbench/bench.h"
#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One registered benchmark (one per parameter value). Owned by the registry. */
typedef struct vb_bench {
    char name[128];     /**< "daily[365]" */
    char fullname[256]; /**< "calculator/daily[365]" (group/name), or the name */
    char base[128];     /**< "daily": the name without its parameter */
    vb_fn fn;
    vb_bench_options opts; /**< params / nparams cleared: see param */
    bool has_param;
    long long param;
} vb_bench;

/** The number of registered benchmarks. Not thread-safe against vb_register. */
size_t vb_registry_count(void);
/** The `i`-th registered benchmark in registration order; NULL when out of range. Borrowed:
    valid until the next registration. Not thread-safe against vb_register. */
const vb_bench *vb_registry_get(size_t i);
/**
 * Whether a registration by VB_BENCHMARK (before main(), with nobody to tell) failed. When one
 * did, copies the first failure into `*out` (may be NULL); otherwise clears `*out`. The error
 * is kept by the registry, written before main() and only read afterwards.
 */
bool vb_registry_error(vb_error *out);

/**
 * Whether `fullname` matches the -k expression `pattern`: each term as a glob (fnmatch,
 * when it holds *, ? or [) or as a substring, so "daily[365]" matches itself; "not PATTERN"
 * negates; "A or B" / "A and B" combine. NULL or "" matches everything. Thread-safe.
 */
bool vb_filter_name(const char *pattern, const char *fullname);

/**
 * Evaluates the mark expression `expr` (pytest's -m: mark names, and, or, not, parentheses)
 * against the comma-separated `marks` (NULL: none). Writes the verdict to `*match`. NULL or ""
 * matches. Returns VB_ERR_PARSE with a message for a malformed expression. Thread-safe.
 */
vb_status vb_filter_marks(const char *expr, const char *marks, bool *match, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
