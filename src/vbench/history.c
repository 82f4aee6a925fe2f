/* SPDX-License-Identifier: MIT */
/* The history file of nightly runs: a series per benchmark, appended safely, and the lasting
   steps of each series with the commits around them. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_file.h"
#include "vbench/history.h"

#define SCHEMA_VERSION 1

struct vb_history {
    json_t *root;
    json_t *runs;       /* borrowed from root */
    const char **names; /* sorted, borrowed from root */
    size_t nnames;
};

static const char *const metric_keys[] = {"time", "peak_rss", "heap_peak"};

void vb_history_free(vb_history *h)
{
    if (h) {
        json_decref(h->root);
        vb__free((void *)h->names);
        vb__free(h);
    }
}

static vb_status check_schema(const char *path, json_t *root, vb_error *err)
{
    const json_t *v = json_object_get(root, "schema_version");
    if (!json_is_object(root) || !json_is_integer(v) || json_integer_value(v) != SCHEMA_VERSION) {
        return vb__error(err, VB_ERR_FORMAT, "%s: not a vbench history of schema %d", path,
                         SCHEMA_VERSION);
    }
    const json_t *runs = json_object_get(root, "runs");
    if (!json_is_array(runs)) {
        return vb__error(err, VB_ERR_FORMAT, "%s: \"runs\" is not an array", path);
    }
    size_t i;
    const json_t *r;
    json_array_foreach(runs, i, r)
    {
        if (!json_is_object(r) || !json_is_string(json_object_get(r, "commit")) ||
            !json_is_string(json_object_get(r, "date")) ||
            !json_is_object(json_object_get(r, "benchmarks"))) {
            return vb__error(err, VB_ERR_FORMAT, "%s: run %zu lacks its commit, date or benchmarks",
                             path, i);
        }
        const char *name;
        const json_t *b;
        json_object_foreach((json_t *)json_object_get(r, "benchmarks"), name, b)
        {
            for (size_t k = 0; k < 3; k++) {
                const json_t *m = json_object_get(b, metric_keys[k]);
                if (!json_is_object(b) || (m && !json_is_null(m) && !json_is_number(m))) {
                    return vb__error(err, VB_ERR_FORMAT, "%s: run %zu: %s: %s is not a number",
                                     path, i, name, metric_keys[k]);
                }
            }
        }
    }
    return VB_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted names of every benchmark of any run. */
static vb_status index_names(vb_history *h, vb_error *err)
{
    size_t cap = 0, i;
    json_t *r;
    json_array_foreach(h->runs, i, r)
    {
        cap += json_object_size(json_object_get(r, "benchmarks"));
    }
    h->names = vb__calloc(cap ? cap : 1, sizeof *h->names);
    if (!h->names) {
        return vb__nomem(err);
    }
    json_array_foreach(h->runs, i, r)
    {
        const char *name;
        json_t *b;
        json_object_foreach(json_object_get(r, "benchmarks"), name, b)
        {
            h->names[h->nnames++] = name;
        }
    }
    qsort((void *)h->names, h->nnames, sizeof *h->names, cmp_names);
    size_t n = 0;
    for (size_t k = 0; k < h->nnames; k++) {
        if (n == 0 || strcmp(h->names[n - 1], h->names[k]) != 0) {
            h->names[n++] = h->names[k];
        }
    }
    h->nnames = n;
    return VB_OK;
}

vb_status vb_history_load(const char *path, vb_history **out, vb_error *err)
{
    json_t *root = NULL;
    vb_status s = vb__json_file_load(path, "history", &root, err);
    if (s != VB_OK) {
        return s;
    }
    if ((s = check_schema(path, root, err)) != VB_OK) {
        json_decref(root);
        return s;
    }
    vb_history *h = vb__calloc(1, sizeof *h);
    if (!h) {
        json_decref(root);
        return vb__nomem(err);
    }
    h->root = root;
    h->runs = json_object_get(root, "runs");
    if ((s = index_names(h, err)) != VB_OK) {
        vb_history_free(h);
        return s;
    }
    *out = h;
    return VB_OK;
}

size_t vb_history_runs(const vb_history *h)
{
    return h ? json_array_size(h->runs) : 0;
}

vb_status vb_history_run_at(const vb_history *h, size_t i, vb_history_run *out, vb_error *err)
{
    const json_t *r = h ? json_array_get(h->runs, i) : NULL;
    if (!r) {
        return vb__error(err, VB_ERR_NOT_FOUND, "no run %zu in the history", i);
    }
    out->commit = json_string_value(json_object_get(r, "commit"));
    out->date = json_string_value(json_object_get(r, "date"));
    return VB_OK;
}

const char *const *vb_history_names(const vb_history *h, size_t *count)
{
    *count = h ? h->nnames : 0;
    return h ? h->names : NULL;
}

/* The series over the first `upto` runs. */
static size_t series_upto(const vb_history *h, const char *name, vb_history_metric metric,
                          double *values, size_t *runs, size_t max, size_t upto)
{
    size_t n = 0, i;
    const json_t *r;
    json_array_foreach(h->runs, i, r)
    {
        if (i >= upto) {
            break;
        }
        const json_t *b = json_object_get(json_object_get(r, "benchmarks"), name);
        const json_t *v = json_object_get(b, metric_keys[metric]);
        if (n < max && json_is_number(v) && json_number_value(v) >= 0) {
            values[n] = json_number_value(v);
            if (runs) {
                runs[n] = i;
            }
            n++;
        }
    }
    return n;
}

size_t vb_history_series(const vb_history *h, const char *name, vb_history_metric metric,
                         double *values, size_t *runs, size_t max)
{
    return series_upto(h, name, metric, values, runs, max, vb_history_runs(h));
}

static json_t *run_entry(const vb_suite *suite)
{
    const vb_machine *m = suite->machine;
    const double factor = m->env_factor > 0 ? m->env_factor : 1;
    json_t *benches = json_object();
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        if (r->outcome != VB_OUTCOME_PASSED || r->ndata == 0 || !r->bench) {
            continue;
        }
        json_t *b = json_pack("{s:f}", "time", vb__result_median(r) / vb__result_env_factor(r, m));
        if (r->peak_rss >= 0) {
            json_object_set_new(b, "peak_rss", json_integer((json_int_t)r->peak_rss));
        }
        if (r->heap_peak >= 0) {
            json_object_set_new(b, "heap_peak", json_integer((json_int_t)r->heap_peak));
        }
        json_object_set_new(benches, r->bench->fullname, b);
    }
    return json_pack("{s:s, s:b, s:s, s:s, s:f, s:o}", "commit", m->commit_id, "dirty", m->dirty,
                     "date", m->datetime, "machine", m->host, "env_factor", factor, "benchmarks",
                     benches);
}

vb_status vb_history_append(const char *path, const vb_suite *suite, vb_error *err)
{
    int lfd = -1;
    vb_status s = vb__json_file_lock(path, &lfd, err);
    if (s != VB_OK) {
        return s;
    }
    json_t *root = NULL;
    s = vb__json_file_load(path, "history", &root, err);
    if (s == VB_ERR_NOT_FOUND) {
        root = json_pack("{s:i, s:s, s:[]}", "schema_version", SCHEMA_VERSION, "harness", "vbench",
                         "runs");
        s = root ? VB_OK : vb__nomem(err);
    } else if (s == VB_OK && (s = check_schema(path, root, err)) != VB_OK) {
        json_decref(root);
        root = NULL;
    }
    if (s == VB_OK) {
        json_t *runs = json_object_get(root, "runs");
        json_array_append_new(runs, run_entry(suite));
        while (json_array_size(runs) > VB_HISTORY_KEEP) {
            json_array_remove(runs, 0);
        }
        s = vb__json_file_write(path, root, err);
    }
    json_decref(root);
    vb__json_file_unlock(lfd);
    return s;
}

void vb_history_steps_free(vb_history_step *steps)
{
    vb__free(steps);
}

static void commit_of(const vb_history *h, size_t run, char *buf, size_t size)
{
    vb_history_run r;
    if (vb_history_run_at(h, run, &r, NULL) == VB_OK && r.commit[0]) {
        snprintf(buf, size, "%.12s", r.commit);
    } else {
        snprintf(buf, size, "run %zu", run);
    }
}

typedef struct steps_work {
    const vb_history *h;
    vb_changepoint_options o;
    double *values;
    size_t *runs;
    vb_changepoint *points;
} steps_work;

/* Whether the last min_size values of the series (n of them in w->values) all lie nearer the
   new level than the old one: the step still holds at the latest run. */
static bool holding(const steps_work *w, size_t n, const vb_changepoint *c)
{
    if (n < w->o.min_size) {
        return false;
    }
    for (size_t i = n - w->o.min_size; i < n; i++) {
        if (!(fabs(w->values[i] - c->after) < fabs(w->values[i] - c->before))) {
            return false;
        }
    }
    return true;
}

/* The run of the step that alerts in the analysis of the first `upto` runs (a regression that
   is the latest step and still holds), or SIZE_MAX when none does. */
static vb_status alerting_run(steps_work *w, const char *name, vb_history_metric metric,
                              size_t upto, size_t *run, size_t *found, vb_error *err)
{
    const size_t n = series_upto(w->h, name, metric, w->values, w->runs, VB_HISTORY_KEEP, upto);
    const vb_status s =
        vb_changepoints(w->values, n, &w->o, w->points, w->o.max_points, found, err);
    *run = SIZE_MAX;
    if (s == VB_OK && *found > 0) {
        const vb_changepoint *last = &w->points[*found - 1];
        if (last->change > 0 && holding(w, n, last)) {
            *run = w->runs[last->index];
        }
    }
    return s;
}

/* Appends the steps of one series to *out. The latest step alerts (fresh) when it is a
   regression that still holds and the analysis without the latest run did not already alert
   for it (within one run): an alert is raised once, the night it becomes certain. */
static vb_status series_steps(steps_work *w, const char *name, vb_history_metric metric,
                              vb_history_step **out, size_t *count, size_t *cap, vb_error *err)
{
    const size_t total = vb_history_runs(w->h);
    size_t before_run = SIZE_MAX, now_run = SIZE_MAX, found = 0;
    vb_status s =
        alerting_run(w, name, metric, total > 0 ? total - 1 : 0, &before_run, &found, err);
    if (s == VB_OK) {
        s = alerting_run(w, name, metric, total, &now_run, &found, err);
    }
    for (size_t k = 0; s == VB_OK && k < found; k++) {
        if (*count == *cap) {
            const size_t nc = *cap ? 2 * *cap : 16;
            vb_history_step *grown = vb__realloc(*out, nc * sizeof *grown);
            if (!grown) {
                return vb__nomem(err);
            }
            *out = grown;
            *cap = nc;
        }
        vb_history_step *st = &(*out)[(*count)++];
        memset(st, 0, sizeof *st);
        vb__strlcpy(st->name, name, sizeof st->name);
        st->metric = metric;
        st->point = w->points[k];
        st->run = w->runs[w->points[k].index];
        commit_of(w->h, st->run, st->first_bad, sizeof st->first_bad);
        commit_of(w->h, w->runs[w->points[k].index - 1], st->last_good, sizeof st->last_good);
        st->regression = w->points[k].change > 0;
        st->latest = k + 1 == found;
        st->fresh =
            st->latest && now_run == st->run &&
            !(before_run != SIZE_MAX && before_run + 1 >= st->run && before_run <= st->run + 1);
    }
    return s;
}

vb_status vb_history_steps(const vb_history *h, const vb_changepoint_options *o,
                           vb_history_step **out, size_t *count, vb_error *err)
{
    steps_work w;
    memset(&w, 0, sizeof w);
    w.h = h;
    if (o) {
        w.o = *o;
    } else {
        vb_changepoint_options_init(&w.o);
    }
    w.o.max_points = w.o.max_points > 64 ? 64 : w.o.max_points;
    *out = NULL;
    *count = 0;
    w.values = vb__malloc(VB_HISTORY_KEEP * sizeof *w.values);
    w.runs = vb__malloc(VB_HISTORY_KEEP * sizeof *w.runs);
    w.points = vb__malloc((w.o.max_points + 1) * sizeof *w.points);
    vb_status s = w.values && w.runs && w.points ? VB_OK : vb__nomem(err);
    size_t cap = 0;
    for (size_t i = 0; s == VB_OK && i < h->nnames; i++) {
        for (int m = VB_HISTORY_TIME; s == VB_OK && m <= VB_HISTORY_HEAP_PEAK; m++) {
            s = series_steps(&w, h->names[i], (vb_history_metric)m, out, count, &cap, err);
        }
    }
    vb__free(w.values);
    vb__free(w.runs);
    vb__free(w.points);
    if (s != VB_OK) {
        vb__free(*out);
        *out = NULL;
        *count = 0;
    }
    return s;
}

size_t vb_history_print_steps(FILE *out, const vb_history *h, const vb_history_step *steps,
                              size_t count)
{
    static const char *const words[] = {"time", "peak RSS", "heap peak"};
    size_t fresh = 0;
    fprintf(out, "\nHistory: %zu runs, %zu lasting step%s\n", vb_history_runs(h), count,
            count == 1 ? "" : "s");
    for (size_t i = 0; i < count; i++) {
        const vb_history_step *s = &steps[i];
        fresh += s->regression && s->fresh;
        fprintf(out, "  %-40s %-9s %+6.1f%%  between %s (good) and %s (first %s), p = %.3f%s\n",
                s->name, words[s->metric], s->point.change * 100, s->last_good, s->first_bad,
                s->regression ? (s->metric == VB_HISTORY_TIME ? "slower" : "bigger") : "better",
                s->point.p, s->regression && s->fresh ? "  NEW REGRESSION" : "");
    }
    return fresh;
}
