/* SPDX-License-Identifier: MIT */
/* The console table in the manner of pytest-benchmark's: one table per group, scaled units. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

enum { NCOLS = 15, CELL = 160 };

static const char *const headers[NCOLS] = {
    "Name", "Min",  "Max",    "Mean",       "StdDev",   "Median",    "IQR",       "Outliers",
    "OPS",  "Reps", "Rounds", "Iterations", "Peak RSS", "Heap peak", "Instr/iter"};

static void format_bytes(int64_t b, char *buf, size_t size)
{
    if (b < 0) {
        snprintf(buf, size, "n/a");
    } else if (b < 1024 * 1024) {
        snprintf(buf, size, "%.1f KiB", (double)b / 1024);
    } else {
        snprintf(buf, size, "%.1f MiB", (double)b / (1024.0 * 1024.0));
    }
}

void vb_console_options_init(vb_console_options *o)
{
    o->color = false;
    o->verbose = false;
}

void vb_report_console_header(FILE *out, const vb_machine *m, const vb_run_options *cfg)
{
    fprintf(out, "vbench %s: %s, %d CPUs", vb_version(),
            m->cpu_brand[0] ? m->cpu_brand : m->machine, m->num_cpus);
    if (m->mhz_per_cpu > 0) {
        fprintf(out, " @ %.0f MHz", m->mhz_per_cpu);
    }
    fprintf(out, ", %s %s, %s\n", m->system, m->release, m->compiler);
    if (cfg) {
        fprintf(out, "mode: %s, %s", cfg->smoke ? "smoke (each body once)" : "measure",
                cfg->fork ? "a process per benchmark" : "in-process");
        if (m->env_factor > 0) {
            fprintf(out, ", environment factor %.3f", m->env_factor);
        }
        fputc('\n', out);
    }
    char warnings[1024];
    if (vb_machine_warnings(m, warnings, sizeof warnings) > 0) {
        fputs(warnings, out);
    }
}

/* The scale of a group: the unit of its smallest minimum, as pytest-benchmark picks it. */
static void unit_of(double smallest, double *scale, const char **unit)
{
    if (smallest < 1e-6) {
        *scale = 1e9, *unit = "ns";
    } else if (smallest < 1e-3) {
        *scale = 1e6, *unit = "us";
    } else if (smallest < 1) {
        *scale = 1e3, *unit = "ms";
    } else {
        *scale = 1, *unit = "s";
    }
}

static double column_value(const vb_result *r, int col)
{
    switch (col) {
    case 1:
        return r->stats.min;
    case 2:
        return r->stats.max;
    case 3:
        return r->stats.mean;
    case 4:
        return r->stats.stddev;
    case 5:
        return r->stats.median;
    case 6:
        return r->stats.iqr;
    case 8:
        return r->stats.ops;
    case 12:
        return (double)r->peak_rss;
    case 13:
        return (double)r->heap_peak;
    default:
        return NAN;
    }
}

static void print_group(FILE *out, const vb_result *const *rs, size_t n,
                        const vb_console_options *opts)
{
    double smallest = INFINITY;
    for (size_t i = 0; i < n; i++) {
        smallest = fmin(smallest, rs[i]->stats.min);
    }
    double scale;
    const char *unit;
    unit_of(smallest, &scale, &unit);

    char(*cells)[NCOLS][CELL] = vb__calloc(n, sizeof *cells);
    if (!cells) {
        fprintf(out, "(out of memory for the table)\n");
        return;
    }
    size_t width[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        width[c] = strlen(headers[c]);
    }
    const size_t rows = n;
    int ncols = NCOLS - 1;
    for (size_t i = 0; i < rows; i++) {
        ncols = rs[i]->instructions >= 0 ? NCOLS : ncols;
    }
    for (size_t i = 0; i < rows; i++) {
        const vb_result *r = rs[i];
        const vb_stats *s = &r->stats;
        snprintf(cells[i][0], CELL, "%s", r->bench->name);
        const double t[6] = {s->min, s->max, s->mean, s->stddev, s->median, s->iqr};
        for (int c = 0; c < 6; c++) {
            snprintf(cells[i][c + 1], CELL, "%.4f", t[c] * scale);
        }
        snprintf(cells[i][7], CELL, "%llu;%llu", (unsigned long long)s->stddev_outliers,
                 (unsigned long long)s->iqr_outliers);
        snprintf(cells[i][8], CELL, "%.4f", s->ops);
        snprintf(cells[i][9], CELL, "%zu", r->nreps > 0 ? r->nreps : (size_t)1);
        snprintf(cells[i][10], CELL, "%llu", (unsigned long long)s->rounds);
        snprintf(cells[i][11], CELL, "%llu", (unsigned long long)r->iterations);
        format_bytes(r->peak_rss, cells[i][12], CELL);
        format_bytes(r->heap_peak, cells[i][13], CELL);
        if (r->instructions >= 0) {
            snprintf(cells[i][14], CELL, "%.0f", r->instructions);
        } else {
            snprintf(cells[i][14], CELL, "n/a");
        }
        for (int c = 0; c < NCOLS; c++) {
            const size_t w = strlen(cells[i][c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    char title[128];
    snprintf(title, sizeof title, "benchmark '%s': %zu tests",
             rs[0]->bench->opts.group ? rs[0]->bench->opts.group : "(ungrouped)", n);
    size_t total = 0;
    for (int c = 0; c < ncols; c++) {
        total += width[c] + 2;
    }
    fprintf(out, "\n---- %s (times in %s) ", title, unit);
    for (size_t k = strlen(title) + 20; k < total; k++) {
        fputc('-', out);
    }
    fputc('\n', out);
    for (int c = 0; c < ncols; c++) {
        fprintf(out, c == 0 ? "%-*s  " : "%*s  ", (int)width[c], headers[c]);
    }
    fputc('\n', out);
    for (size_t i = 0; i < rows; i++) {
        for (int c = 0; c < ncols; c++) {
            const char *color = "";
            const double v = column_value(rs[i], c);
            if (opts && opts->color && rows > 1 && !isnan(v) && v >= 0) {
                double best = v, worst = v;
                for (size_t j = 0; j < rows; j++) {
                    const double w = column_value(rs[j], c);
                    if (w < 0) {
                        continue;
                    }
                    /* Higher is better only for operations per second. */
                    best = c == 8 ? fmax(best, w) : fmin(best, w);
                    worst = c == 8 ? fmin(worst, w) : fmax(worst, w);
                }
                color = v == best ? "\x1b[1;32m" : v == worst ? "\x1b[1;31m" : "";
            }
            fprintf(out, "%s", color);
            fprintf(out, c == 0 ? "%-*s" : "%*s", (int)width[c], cells[i][c]);
            fprintf(out, "%s  ", color[0] ? "\x1b[0m" : "");
        }
        fputc('\n', out);
        if (opts && opts->verbose) {
            char lo[32], hi[32];
            fprintf(out, "    median 95%% CI [%s, %s], precision %.0f ns, wall %.3f s",
                    vb_format_time(rs[i]->stats.ci_low, lo, sizeof lo),
                    vb_format_time(rs[i]->stats.ci_high, hi, sizeof hi),
                    rs[i]->timer_precision * 1e9, rs[i]->wall_time);
            if (rs[i]->heap_allocs >= 0) {
                fprintf(out, ", heap %.1f allocs %.0f B per iteration", rs[i]->heap_allocs,
                        rs[i]->heap_bytes);
            }
            fputc('\n', out);
        }
    }
    vb__free(cells);
}

void vb_report_console(FILE *out, const vb_suite *suite, const vb_console_options *opts)
{
    /* One table per group, of the results with statistics, in report order. */
    const vb_result **rows = vb__calloc(suite->count ? suite->count : 1, sizeof *rows);
    bool *done = vb__calloc(suite->count ? suite->count : 1, sizeof *done);
    for (size_t i = 0; rows && done && i < suite->count; i++) {
        const vb_result *first = &suite->results[i];
        if (done[i] || first->ndata == 0 || !first->bench) {
            continue;
        }
        const char *g = first->bench->opts.group ? first->bench->opts.group : "";
        size_t n = 0;
        for (size_t j = i; j < suite->count; j++) {
            const vb_result *r = &suite->results[j];
            if (!done[j] && r->ndata > 0 && r->bench &&
                strcmp(r->bench->opts.group ? r->bench->opts.group : "", g) == 0) {
                rows[n++] = r;
                done[j] = true;
            }
        }
        print_group(out, rows, n, opts);
    }
    vb__free(rows);
    vb__free(done);
    bool header = false;
    for (size_t k = 0; k < suite->count; k++) {
        const vb_result *r = &suite->results[k];
        if (r->outcome == VB_OUTCOME_PASSED || !r->bench) {
            continue;
        }
        if (!header) {
            fprintf(out, "\n---- not passed ----\n");
            header = true;
        }
        fprintf(out, "%s%-8s%s %s: %s\n", opts && opts->color ? "\x1b[1;31m" : "",
                vb_outcome_name(r->outcome), opts && opts->color ? "\x1b[0m" : "",
                r->bench->fullname, r->msg);
    }
    fprintf(out, "\nLegend:\n  Outliers: 1 Standard Deviation from Mean; 1.5 IQR (InterQuartile "
                 "Range) from 1st Quartile and 3rd Quartile.\n  OPS: Operations Per Second, "
                 "computed as 1 / Mean\n  Reps: repetitions, each in its own process; "
                 "Rounds: of all of them\n");
}
