/* SPDX-License-Identifier: MIT */
/* The --markdown results file: one GitHub-flavoured table per group, for PR comments. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Text inside a table cell: a '|' would end the cell, a line break the row. */
static void cell_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') {
            fputs("\\|", f);
        } else {
            fputc(*s == '\n' ? ' ' : *s, f);
        }
    }
}

static void bytes_cell(FILE *f, int64_t b)
{
    if (b < 0) {
        fputs(" n/a |", f);
    } else {
        fprintf(f, " %.2f MiB |", (double)b / (1024.0 * 1024.0));
    }
}

vb_status vb_report_markdown_write(const vb_suite *suite, const char *path, vb_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return vb__error(err, VB_ERR_IO, "%s: cannot open for writing", path);
    }
    const char *current = NULL;
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        if (!r->bench) {
            continue;
        }
        const char *g = r->bench->opts.group ? r->bench->opts.group : "(ungrouped)";
        if (!current || strcmp(current, g) != 0) {
            fprintf(f, "%s### %s\n\n", current ? "\n" : "", g);
            fputs(
                "| Benchmark | Min | Median | Mean | StdDev | OPS | Rounds | Peak RSS | Heap peak "
                "| vs baseline | Outcome |\n",
                f);
            fputs("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n", f);
            current = g;
        }
        fprintf(f, "| `%s` |", r->bench->name);
        if (r->ndata > 0) {
            char a[32], b[32], c[32], d[32];
            fprintf(f, " %s | %s | %s | %s | %.1f | %llu |",
                    vb_format_time(r->stats.min, a, sizeof a),
                    vb_format_time(r->stats.median, b, sizeof b),
                    vb_format_time(r->stats.mean, c, sizeof c),
                    vb_format_time(r->stats.stddev, d, sizeof d), r->stats.ops,
                    (unsigned long long)r->stats.rounds);
        } else {
            fputs(" | | | | | |", f);
        }
        bytes_cell(f, r->peak_rss);
        bytes_cell(f, r->heap_peak);
        /* The change against the baseline: this run's ratio, its p-value and the verdict. */
        if (r->gated) {
            fprintf(f, " %+.1f%% %s (p = %.2g) %s |", (r->gate_ratio - 1) * 100, r->gate_metric,
                    r->gate_p, r->gate_verdict);
        } else {
            fputs(" no baseline |", f);
        }
        fprintf(f, " %s%s", vb_outcome_name(r->outcome), r->msg[0] ? ": " : "");
        cell_text(f, r->msg);
        fputs(" |\n", f);
    }
    const bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        return vb__error(err, VB_ERR_IO, "%s: write failed", path);
    }
    return VB_OK;
}
