/* SPDX-License-Identifier: MIT */
/* Paired comparison reports: the console table, Markdown for a pull request, and JSON. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "paired_internal.h"
#include "report_visual.h"

void vb__paired_format_time(double s, char *buf, size_t size)
{
    if (s > 0) {
        vb__format_seconds(s, buf, size);
    } else {
        snprintf(buf, size, "-");
    }
}

void vb__paired_format_change(const vb_paired_metric *m, bool interval, char *buf, size_t size)
{
    if (!m->present || !isfinite(m->ratio)) {
        snprintf(buf, size, "-");
    } else if (interval && m->confidence > 0) {
        snprintf(buf, size, "%+.1f%% [%+.1f%%, %+.1f%%]", (m->ratio - 1) * 100, (m->low - 1) * 100,
                 (m->high - 1) * 100);
    } else {
        snprintf(buf, size, "%+.1f%%", (m->ratio - 1) * 100);
    }
}

const char *vb__paired_bench_status(const vb_paired_bench *b, char *buf, size_t size)
{
    if (b->missing) {
        return "new";
    }
    if (b->failed) {
        return b->head_failed ? "FAILED (head)" : "failed (base)";
    }
    const vb_paired_verdict v = vb_paired_bench_verdict(b);
    const char *what = NULL;
    if (v == VB_PAIRED_REGRESSION || v == VB_PAIRED_IMPROVEMENT) {
        const vb_paired_metric *ms[] = {&b->time, &b->cpu, &b->peak_rss, &b->heap_peak};
        static const char *names[] = {"time", "CPU time", "peak RSS", "heap peak"};
        char list[64] = "";
        for (size_t i = 0; i < 4; i++) {
            if (ms[i]->present && ms[i]->verdict == v) {
                const size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", names[i]);
            }
        }
        snprintf(buf, size, "%s (%s)", v == VB_PAIRED_REGRESSION ? "REGRESSION" : "improvement",
                 list);
        return buf;
    }
    what = vb_paired_verdict_name(v);
    return what;
}

/* The order of the rows: regressions, failures, inconclusive, then the rest by name. */
static int rank_of(const vb_paired_bench *b)
{
    if (b->failed && b->head_failed) {
        return 0;
    }
    switch (vb_paired_bench_verdict(b)) {
    case VB_PAIRED_REGRESSION:
        return 0;
    case VB_PAIRED_INCONCLUSIVE:
        return 2;
    default:
        return b->failed ? 1 : 3;
    }
}

static int cmp_rows(const void *a, const void *b)
{
    const vb_paired_bench *x = *(const vb_paired_bench *const *)a;
    const vb_paired_bench *y = *(const vb_paired_bench *const *)b;
    const int rx = rank_of(x), ry = rank_of(y);
    return rx != ry ? rx - ry : strcmp(x->name, y->name);
}

const vb_paired_bench **vb__paired_row_order(const vb_paired_report *r)
{
    const vb_paired_bench **order = vb__malloc((r->nbenches ? r->nbenches : 1) * sizeof *order);
    if (!order) {
        return NULL;
    }
    for (size_t i = 0; i < r->nbenches; i++) {
        order[i] = &r->benches[i];
    }
    qsort(order, r->nbenches, sizeof *order, cmp_rows);
    return order;
}

void vb__paired_passes(const vb_paired_report *r, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%zu pass%s", r->passes, r->passes == 1 ? "" : "es");
    if (r->budget_pairs > 0 && n > 0 && (size_t)n < size) {
        snprintf(buf + n, size - (size_t)n, " and %zu pair%s in the budget's rest", r->budget_pairs,
                 r->budget_pairs == 1 ? "" : "s");
    }
}

void vb__paired_summary(const vb_paired_report *r, char *buf, size_t size)
{
    snprintf(buf, size,
             "%zu regression%s, %zu improvement%s, %zu inconclusive, %zu failed, %zu not judged, "
             "%zu unchanged",
             r->regressions, r->regressions == 1 ? "" : "s", r->improvements,
             r->improvements == 1 ? "" : "s", r->inconclusive, r->failures, r->not_judged,
             r->nbenches - r->regressions - r->improvements - r->inconclusive - r->failures -
                 r->not_judged);
}

void vb_paired_print(FILE *out, const vb_paired_report *r, bool color)
{
    const vb_paired_bench **order = vb__paired_row_order(r);
    if (!order) {
        return;
    }
    fprintf(out,
            "\nPaired comparison: base %s vs head %s, threshold %.1f%%, %.0f%% intervals "
            "(%.0f%% for a change)\n",
            r->base_commit[0] ? r->base_commit : r->base_binary,
            r->head_commit[0] ? r->head_commit : r->head_binary, r->options.threshold * 100,
            r->options.confidence * 100, vb__paired_change_confidence(&r->options) * 100);
    fprintf(out, "%-44s %5s %10s %10s  %-28s %-28s %-10s %-10s %s\n", "benchmark", "pairs", "base",
            "head", "time change [interval]", "CPU time change", "peak RSS", "heap peak",
            "verdict");
    for (size_t k = 0; k < r->nbenches; k++) {
        const vb_paired_bench *b = order[k];
        char tb[32], th[32], ct[64], cc[64], cr[32], ch[32], st[96];
        vb__paired_format_time(b->time.base, tb, sizeof tb);
        vb__paired_format_time(b->time.head, th, sizeof th);
        vb__paired_format_change(&b->time, true, ct, sizeof ct);
        vb__paired_format_change(&b->cpu, true, cc, sizeof cc);
        vb__paired_format_change(&b->peak_rss, false, cr, sizeof cr);
        vb__paired_format_change(&b->heap_peak, false, ch, sizeof ch);
        const char *status = vb__paired_bench_status(b, st, sizeof st);
        const bool bad = rank_of(b) == 0;
        fprintf(out, "%-44s %5zu %10s %10s  %-28s %-28s %-10s %-10s %s%s%s\n", b->name, b->pairs,
                tb, th, ct, cc, cr, ch, color && bad ? "\x1b[31m" : "", status,
                color && bad ? "\x1b[0m" : "");
        if (b->msg[0]) {
            fprintf(out, "%-44s   %s\n", "", b->msg);
        }
    }
    char summary[256];
    vb__paired_summary(r, summary, sizeof summary);
    char passes[96];
    vb__paired_passes(r, passes, sizeof passes);
    fprintf(out, "%s; %s in %.0f s\n", summary, passes, r->seconds);
    vb__free((void *)order);
}

static FILE *open_out(const char *path, vb_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        vb__error(err, VB_ERR_IO, "%s: %s", path, strerror(errno));
    }
    return f;
}

static vb_status close_out(FILE *f, const char *path, vb_error *err)
{
    const bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        return vb__error(err, VB_ERR_IO, "%s: write failed", path);
    }
    return VB_OK;
}

static void format_memory(double bytes, char *buf, size_t size)
{
    if (!(bytes >= 0)) {
        snprintf(buf, size, "-");
    } else {
        snprintf(buf, size, "%.1f MiB", bytes / 1048576.0);
    }
}

vb_status vb_paired_write_markdown(const vb_paired_report *r, const char *path, vb_error *err)
{
    const vb_paired_bench **order = vb__paired_row_order(r);
    if (!order) {
        return vb__nomem(err);
    }
    FILE *f = open_out(path, err);
    if (!f) {
        vb__free((void *)order);
        return VB_ERR_IO;
    }
    char summary[256], passes[96];
    vb__paired_summary(r, summary, sizeof summary);
    vb__paired_passes(r, passes, sizeof passes);
    fprintf(f, "## Benchmarks: paired comparison\n\n");
    fprintf(f,
            "base `%s` against head `%s`, run in alternation on one machine: %zu benchmarks, "
            "%s, %.1f min. A benchmark fails when the whole %.0f%% interval of its "
            "change lies above +%.0f%% (its own threshold where it sets one); it is unchanged "
            "when the %.0f%% interval lies below. A benchmark that keeps two threads busy is "
            "judged on its CPU time as well.\n\n",
            r->base_commit[0] ? r->base_commit : "base",
            r->head_commit[0] ? r->head_commit : "head", r->nbenches, passes, r->seconds / 60,
            vb__paired_change_confidence(&r->options) * 100, r->options.threshold * 100,
            r->options.confidence * 100);
    fprintf(f, "**%s**\n\n", summary);
    fprintf(f, "| benchmark | pairs | base | head | time change [interval] | CPU time change "
               "[interval] | peak RSS | heap peak | verdict |\n"
               "|---|---:|---:|---:|---|---|---|---|---|\n");
    for (size_t k = 0; k < r->nbenches; k++) {
        const vb_paired_bench *b = order[k];
        char tb[32], th[32], ct[64], cc[64], cr[64], ch[64], mr[32], mh[32], st[96];
        vb__paired_format_time(b->time.base, tb, sizeof tb);
        vb__paired_format_time(b->time.head, th, sizeof th);
        vb__paired_format_change(&b->time, true, ct, sizeof ct);
        vb__paired_format_change(&b->cpu, true, cc, sizeof cc);
        vb__paired_format_change(&b->peak_rss, false, cr, sizeof cr);
        vb__paired_format_change(&b->heap_peak, false, ch, sizeof ch);
        format_memory(b->peak_rss.present ? b->peak_rss.head : -1, mr, sizeof mr);
        format_memory(b->heap_peak.present ? b->heap_peak.head : -1, mh, sizeof mh);
        const char *status = vb__paired_bench_status(b, st, sizeof st);
        const bool bad = rank_of(b) == 0;
        fprintf(f, "| `%s` | %zu | %s | %s | %s | %s | %s (%s) | %s (%s) | %s%s%s |\n", b->name,
                b->pairs, tb, th, ct, cc, cr, mr, ch, mh, bad ? "**" : "", status, bad ? "**" : "");
    }
    bool notes = false;
    for (size_t k = 0; k < r->nbenches; k++) {
        const vb_paired_bench *b = order[k];
        if (b->msg[0]) {
            fprintf(f, "%s- `%s`: %s\n", notes ? "" : "\nNotes:\n\n", b->name, b->msg);
            notes = true;
        }
    }
    vb__free((void *)order);
    return close_out(f, path, err);
}

static json_t *number_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *metric_json(const vb_paired_metric *m)
{
    if (!m->present) {
        return json_null();
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:f, s:s}", "base", number_or_null(m->base), "head",
                     number_or_null(m->head), "ratio", number_or_null(m->ratio), "low",
                     number_or_null(m->low), "high", number_or_null(m->high), "confidence",
                     m->confidence, "verdict", vb_paired_verdict_name(m->verdict));
}

static json_t *samples_json(const vb_paired_sample *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:f, s:I, s:I}", "median", s[i].median, "peak_rss",
                              (json_int_t)s[i].peak_rss, "heap_peak", (json_int_t)s[i].heap_peak);
        if (o && s[i].cpu > 0) {
            json_object_set_new(o, "cpu", json_real(s[i].cpu));
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *bench_json(const vb_paired_bench *b)
{
    char st[96];
    json_t *o = json_pack("{s:s, s:f, s:I, s:f, s:s, s:b, s:b, s:b}", "name", b->name, "threshold",
                          b->threshold, "pairs", (json_int_t)b->pairs, "seconds", b->seconds,
                          "verdict", vb__paired_bench_status(b, st, sizeof st), "failed", b->failed,
                          "head_failed", b->head_failed, "new", b->missing);
    if (b->msg[0]) {
        json_object_set_new(o, "message", json_string(b->msg));
    }
    json_object_set_new(o, "time", metric_json(&b->time));
    json_object_set_new(o, "cpu", metric_json(&b->cpu));
    json_object_set_new(o, "peak_rss", metric_json(&b->peak_rss));
    json_object_set_new(o, "heap_peak", metric_json(&b->heap_peak));
    json_object_set_new(o, "samples",
                        json_pack("{s:o, s:o}", "base", samples_json(b->base, b->pairs), "head",
                                  samples_json(b->head, b->pairs)));
    return o;
}

vb_status vb_paired_write_json(const vb_paired_report *r, const char *path, vb_error *err)
{
    const vb_paired_options *o = &r->options;
    json_t *root = json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:f, s:f, s:f, s:I, s:I, s:f, s:f, s:f}, s:I, s:I, "
        "s:f, "
        "s:{s:I, s:I, s:I, s:I, s:I}}",
        "schema", "vbench-paired/1", "base", "binary", r->base_binary, "commit", r->base_commit,
        "head", "binary", r->head_binary, "commit", r->head_commit, "options", "threshold",
        o->threshold, "confidence", o->confidence, "change_confidence",
        vb__paired_change_confidence(o), "min_pairs", (json_int_t)o->min_pairs, "max_pairs",
        (json_int_t)o->max_pairs, "time_budget", o->time_budget, "memory_floor_bytes",
        o->memory_floor, "max_time", o->max_time, "passes", (json_int_t)r->passes, "budget_pairs",
        (json_int_t)r->budget_pairs, "seconds", r->seconds, "summary", "regressions",
        (json_int_t)r->regressions, "improvements", (json_int_t)r->improvements, "inconclusive",
        (json_int_t)r->inconclusive, "failures", (json_int_t)r->failures, "not_judged",
        (json_int_t)r->not_judged);
    if (!root) {
        return vb__nomem(err);
    }
    json_t *list = json_array();
    for (size_t i = 0; i < r->nbenches; i++) {
        json_array_append_new(list, bench_json(&r->benches[i]));
    }
    json_object_set_new(root, "benchmarks", list);
    const int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    return rc == 0 ? VB_OK : vb__error(err, VB_ERR_IO, "%s: cannot write", path);
}
