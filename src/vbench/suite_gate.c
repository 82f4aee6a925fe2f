/* SPDX-License-Identifier: MIT */
/* The suite-level steps of vb_main after the runs: instruction counts, complexity, the gate
   against the baseline and its update. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

enum { VALGRIND_ITERATIONS = 10 };

bool vb__count_all(FILE *out, const vb__gate_cli *g, vb_result *results, size_t n)
{
    (void)g;
    if (vb_hw_available()) {
        /* The counting round already read the hardware counters. */
        fprintf(out, "instructions: from the CPU's hardware counters\n");
        return true;
    }
    if (!vb_valgrind_available()) {
        fprintf(out, "instructions: valgrind is not installed and the CPU offers no counters; "
                     "the gate uses time\n");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        vb_result *r = &results[i];
        const vb_bench *b = r->bench;
        if (r->outcome != VB_OUTCOME_PASSED || !b || b->opts.no_valgrind == VB_ON ||
            (b->opts.valgrind_param > 0 && b->has_param && b->param != b->opts.valgrind_param)) {
            continue;
        }
        double per_iter;
        vb_error e;
        if (vb_count_instructions(b, VALGRIND_ITERATIONS, &per_iter, &e) == VB_OK) {
            r->instructions = per_iter;
        } else {
            fprintf(out, "instructions: %s\n", e.msg);
        }
    }
    return true;
}

/* Whether a and b are sizes of the same benchmark family. */
static bool same_family(const vb_bench *a, const vb_bench *b)
{
    const char *ga = a->opts.group ? a->opts.group : "", *gb = b->opts.group ? b->opts.group : "";
    return a->has_param && b->has_param && strcmp(a->base, b->base) == 0 && strcmp(ga, gb) == 0;
}

void vb__complexity_all(FILE *out, vb_result *results, size_t n, bool quiet)
{
    bool *done = vb__calloc(n, sizeof *done);
    double *sizes = vb__calloc(n, sizeof *sizes), *times = vb__calloc(n, sizeof *times);
    if (!done || !sizes || !times) {
        vb__free(done);
        vb__free(sizes);
        vb__free(times);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const vb_bench *b = results[i].bench;
        if (done[i] || !b || !b->has_param || results[i].ndata == 0) {
            continue;
        }
        size_t k = 0;
        for (size_t j = i; j < n; j++) {
            if (!done[j] && results[j].bench && results[j].ndata > 0 &&
                same_family(b, results[j].bench) && results[j].bench->param > 0) {
                sizes[k] = (double)results[j].bench->param;
                times[k] = results[j].stats.median;
                k++;
                done[j] = true;
            }
        }
        double exponent;
        vb_complexity c;
        if (k < 2 || vb_fit_exponent(sizes, times, k, &exponent, NULL) != VB_OK ||
            vb_fit_complexity(sizes, times, k, &c, NULL, NULL, NULL) != VB_OK) {
            continue;
        }
        const double max = b->opts.max_exponent;
        if (!quiet) {
            fprintf(out, "complexity of %s%s%s over %zu sizes: exponent %.3f, best fit %s%s\n",
                    b->opts.group ? b->opts.group : "", b->opts.group ? "/" : "", b->base, k,
                    exponent, vb_complexity_name(c),
                    max > 0 ? (exponent > max ? " (above its maximum)" : " (within its maximum)")
                            : "");
        }
        for (size_t j = 0; j < n; j++) {
            vb_result *r = &results[j];
            if (!r->bench || r->ndata == 0 || !same_family(b, r->bench)) {
                continue;
            }
            r->exponent = exponent;
            vb__strlcpy(r->complexity, vb_complexity_name(c), sizeof r->complexity);
            if (max > 0 && exponent > max && r->outcome == VB_OUTCOME_PASSED) {
                r->outcome = VB_OUTCOME_FAILED;
                snprintf(r->msg, sizeof r->msg, "scales with exponent %.3f > max_exponent %.3f",
                         exponent, max);
            }
        }
    }
    vb__free(done);
    vb__free(sizes);
    vb__free(times);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int vb__gate_all(FILE *out, const vb__gate_cli *g, vb_machine *m, vb_result *results, size_t n,
                 bool quiet)
{
    vb_baseline *base = NULL;
    vb_error e;
    const vb_status s = vb_baseline_load(g->baseline, &base, &e);
    if (s != VB_OK && s != VB_ERR_NOT_FOUND) {
        fprintf(stderr, "vbench: baseline: %s\n", e.msg);
        return 1;
    }
    vb_baseline_entry *entries = vb__calloc(n ? n : 1, sizeof *entries);
    double *ratios = vb__calloc(n ? n : 1, sizeof *ratios);
    if (!entries || !ratios) {
        vb__free(entries);
        vb__free(ratios);
        vb_baseline_free(base);
        return 3;
    }
    size_t nratios = 0;
    for (size_t i = 0; i < n && base; i++) {
        if (results[i].bench &&
            vb_baseline_lookup(base, results[i].bench->fullname, &entries[i], NULL) == VB_OK &&
            results[i].ndata > 0 && entries[i].median_p90 > 0) {
            ratios[nratios++] = vb__result_median(&results[i]) / entries[i].median_p90;
        }
    }
    /* The two environment factors: the kernel's time against the reference machine's, and
       the median ratio of this run to the baseline across benchmarks. */
    const double ref = vb_baseline_reference_time(base);
    const double kernel = ref > 0 && m->calib_time > 0 ? m->calib_time / ref : 1;
    const double ref2 = vb_baseline_reference_time_threads(base);
    const double kernel2 =
        ref2 > 0 && m->calib_time_threads > 0 ? m->calib_time_threads / ref2 : kernel;
    double median = 1;
    if (nratios > 0) {
        qsort(ratios, nratios, sizeof *ratios, cmp_double);
        median = vb_stats_median_sorted(ratios, nratios);
    }
    vb_gate_options opts = g->opts;
    opts.env_factor = g->env_mode == VB__ENV_KERNEL   ? kernel
                      : g->env_mode == VB__ENV_MEDIAN ? median
                                                      : 1;
    m->env_factor = opts.env_factor;
    m->env_factor_threads = g->env_mode == VB__ENV_KERNEL ? kernel2 : opts.env_factor;
    if (!quiet) {
        fprintf(out, "\nRegression gate against %s%s\n", g->baseline,
                base ? "" : " (none yet: absolute limits only)");
        if (base) {
            fprintf(out,
                    "environment factor: kernel %.3f (%.2f ms vs %.2f ms), two-thread kernel "
                    "%.3f (%.2f ms vs %.2f ms), median ratio %.3f over %zu benchmarks; the gate "
                    "uses %s\n",
                    kernel, m->calib_time * 1e3, ref * 1e3, kernel2, m->calib_time_threads * 1e3,
                    ref2 * 1e3, median, nratios,
                    g->env_mode == VB__ENV_KERNEL
                        ? "the kernels' (two-thread for benchmarks of .threads >= 2)"
                    : g->env_mode == VB__ENV_MEDIAN ? "the median ratio"
                                                    : "none");
        }
    }
    size_t judged = 0, measured = 0;
    for (size_t i = 0; i < n; i++) {
        vb_result *r = &results[i];
        vb_verdict v;
        const bool multi = r->bench && r->bench->opts.threads > 1 && entries[i].threads > 1;
        opts.env_factor = g->env_mode == VB__ENV_KERNEL   ? (multi ? kernel2 : kernel)
                          : g->env_mode == VB__ENV_MEDIAN ? median
                                                          : 1;
        vb_gate_check(entries[i].runs ? &entries[i] : NULL, &opts, r, &v);
        measured += r->bench && r->ndata > 0;
        judged += v.judged;
        if (v.has_baseline) {
            r->gated = true;
            r->gate_ratio = v.ratio;
            r->gate_p = v.p;
            r->gate_threshold = v.threshold;
            vb__strlcpy(r->gate_metric, v.metric, sizeof r->gate_metric);
            r->gate_judged = v.judged;
            vb__strlcpy(r->gate_verdict,
                        v.regression    ? "regression"
                        : v.improvement ? "improved"
                        : v.judged      ? "ok"
                                        : "not judged",
                        sizeof r->gate_verdict);
        }
        if (!quiet && r->bench && r->ndata > 0) {
            fprintf(out, "  %-40s %-12s %s\n", r->bench->fullname,
                    v.regression    ? "REGRESSION"
                    : v.improvement ? "improved"
                    : v.judged      ? "ok"
                                    : "not judged",
                    v.msg);
        }
        vb_baseline_entry_clear(&entries[i]);
    }
    if (!quiet) {
        fprintf(out, "the gate judged %zu of %zu benchmarks%s\n", judged, measured,
                judged < measured ? " (the others could not have alerted: see their lines)" : "");
    }
    vb__free(entries);
    vb__free(ratios);
    vb_baseline_free(base);
    return 0;
}

int vb__update_baseline(FILE *out, const vb__gate_cli *g, const vb_suite *suite, bool quiet)
{
    /* Create the folder of the file (benchmarks/) when it is missing. */
    char dir[1024];
    vb__strlcpy(dir, g->baseline, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "vbench: %s: %s\n", dir, strerror(errno));
            return 3;
        }
    }
    vb_error e;
    if (vb_baseline_update(g->baseline, suite, &e) != VB_OK) {
        fprintf(stderr, "vbench: --update-baseline: %s\n", e.msg);
        return e.code == VB_ERR_PARSE || e.code == VB_ERR_FORMAT ? 1 : 3;
    }
    if (!quiet) {
        fprintf(out, "baseline updated: %s\n", g->baseline);
    }
    return 0;
}
