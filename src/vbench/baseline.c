/* SPDX-License-Identifier: MIT */
/* benchmarks/baseline.json: the accepted history of each benchmark, read and updated safely. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "json_file.h"

#define SCHEMA_VERSION 2

struct vb_baseline {
    json_t *root;
};

void vb_baseline_free(vb_baseline *b)
{
    if (b) {
        json_decref(b->root);
        vb__free(b);
    }
}

static vb_status check_schema(const char *path, json_t *root, vb_error *err)
{
    if (!json_is_object(root)) {
        return vb__error(err, VB_ERR_FORMAT, "%s: not a baseline (the top is not an object)", path);
    }
    json_t *v = json_object_get(root, "schema_version");
    if (json_is_integer(v) && json_integer_value(v) == 1) {
        return vb__error(err, VB_ERR_FORMAT,
                         "%s: schema_version 1 keeps the rounds of one process, which the gate "
                         "no longer tests: rebuild it with --update-baseline (schema %d)",
                         path, SCHEMA_VERSION);
    }
    if (!json_is_integer(v) || json_integer_value(v) != SCHEMA_VERSION) {
        return vb__error(err, VB_ERR_FORMAT, "%s: schema_version is not %d", path, SCHEMA_VERSION);
    }
    json_t *benches = json_object_get(root, "benchmarks");
    if (!json_is_object(benches)) {
        return vb__error(err, VB_ERR_FORMAT, "%s: \"benchmarks\" is not an object", path);
    }
    const char *name;
    json_t *b;
    json_object_foreach(benches, name, b)
    {
        json_t *h = json_object_get(b, "history");
        if (!json_is_array(h)) {
            return vb__error(err, VB_ERR_FORMAT, "%s: benchmark %s has no \"history\" array", path,
                             name);
        }
        size_t i;
        json_t *e;
        json_array_foreach(h, i, e)
        {
            json_t *procs = json_object_get(e, "processes");
            bool ok = json_is_object(e) && json_is_number(json_object_get(e, "median")) &&
                      json_is_array(procs) && json_array_size(procs) > 0;
            size_t k;
            json_t *p;
            json_array_foreach(procs, k, p)
            {
                ok = ok && json_is_number(json_object_get(p, "median"));
            }
            if (!ok) {
                return vb__error(err, VB_ERR_FORMAT,
                                 "%s: benchmark %s: history entry %zu lacks its median or the "
                                 "medians of its processes",
                                 path, name, i);
            }
        }
    }
    return VB_OK;
}

static vb_status load_root(const char *path, json_t **out, vb_error *err)
{
    json_t *root = NULL;
    vb_status s = vb__json_file_load(path, "baseline", &root, err);
    if (s == VB_OK && (s = check_schema(path, root, err)) != VB_OK) {
        json_decref(root);
    }
    if (s == VB_OK) {
        *out = root;
    }
    return s;
}

vb_status vb_baseline_load(const char *path, vb_baseline **out, vb_error *err)
{
    json_t *root = NULL;
    const vb_status s = load_root(path, &root, err);
    if (s != VB_OK) {
        return s;
    }
    vb_baseline *b = vb__calloc(1, sizeof *b);
    if (!b) {
        json_decref(root);
        return vb__nomem(err);
    }
    b->root = root;
    *out = b;
    return VB_OK;
}

static double number_or(json_t *o, const char *key, double fallback)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : fallback;
}

double vb_baseline_reference_time_threads(const vb_baseline *b)
{
    return b ? number_or(json_object_get(b->root, "reference"), "calibration_time_threads", 0) : 0;
}

double vb_baseline_reference_time(const vb_baseline *b)
{
    return b ? number_or(json_object_get(b->root, "reference"), "calibration_time", 0) : 0;
}

void vb_baseline_entry_clear(vb_baseline_entry *e)
{
    if (e) {
        vb__free(e->samples);
        memset(e, 0, sizeof *e);
    }
}

/* The 90th percentile of `key` over every process of the history (each times the factor of its
   run when `scale`), or over the runs' own values for a key the processes lack; -1 when none
   has it. */
static double p90(json_t *history, const char *key, const double *factors, bool scale)
{
    double v[VB_BASELINE_HISTORY * VB_BASELINE_PROCESSES];
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(history, i, e)
    {
        size_t k;
        json_t *p;
        bool found = false;
        json_array_foreach(json_object_get(e, "processes"), k, p)
        {
            const double x = number_or(p, key, -1);
            if (x >= 0 && n < sizeof v / sizeof v[0]) {
                v[n++] = scale ? x * factors[i] : x;
                found = true;
            }
        }
        const double x = number_or(e, key, -1);
        if (!found && x >= 0 && n < sizeof v / sizeof v[0]) {
            v[n++] = scale ? x * factors[i] : x;
        }
    }
    if (n == 0) {
        return -1;
    }
    vb_stats_sort(v, n);
    return vb_stats_percentile_sorted(v, n, 0.9);
}

vb_status vb_baseline_lookup(const vb_baseline *b, const char *fullname, vb_baseline_entry *out,
                             vb_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *bench = json_object_get(json_object_get(b->root, "benchmarks"), fullname);
    json_t *history = json_object_get(bench, "history");
    const size_t runs = json_array_size(history);
    if (runs == 0) {
        return vb__error(err, VB_ERR_NOT_FOUND, "no baseline for %s", fullname);
    }
    if (runs > VB_BASELINE_HISTORY) {
        return vb__error(err, VB_ERR_FORMAT, "%s: history longer than %d runs", fullname,
                         VB_BASELINE_HISTORY);
    }
    /* A benchmark on several threads is normalised by the multi-thread kernel, when the
       reference and the run have it. */
    out->threads = (int)number_or(bench, "threads", 1);
    const bool multi = out->threads > 1 && vb_baseline_reference_time_threads(b) > 0;
    const double ref =
        multi ? vb_baseline_reference_time_threads(b) : vb_baseline_reference_time(b);
    const char *key = multi ? "calibration_time_threads" : "calibration_time";
    double factors[VB_BASELINE_HISTORY];
    size_t total = 0, i;
    json_t *e;
    json_array_foreach(history, i, e)
    {
        const double t = number_or(e, key, 0);
        /* Normalise each run to the reference machine's speed. */
        factors[i] = ref > 0 && t > 0 ? ref / t : 1;
        total += json_array_size(json_object_get(e, "processes"));
    }
    out->runs = runs;
    out->mean_p90 = p90(history, "mean", factors, true);
    out->median_p90 = p90(history, "median", factors, true);
    out->min_p90 = p90(history, "min", factors, true);
    out->peak_rss_p90 = p90(history, "peak_rss", factors, false);
    out->heap_peak_p90 = p90(history, "heap_peak", factors, false);
    out->instructions_p90 = p90(history, "instructions", factors, false);
    out->samples = vb__malloc((total ? total : 1) * sizeof *out->samples);
    if (!out->samples) {
        return vb__nomem(err);
    }
    json_array_foreach(history, i, e)
    {
        size_t k;
        json_t *p;
        json_array_foreach(json_object_get(e, "processes"), k, p)
        {
            out->samples[out->nsamples++] = number_or(p, "median", 0) * factors[i];
        }
    }
    return VB_OK;
}

/* ---- Update --------------------------------------------------------------------------- */

static json_t *real_or_null(double v)
{
    return v >= 0 ? json_real(v) : json_null();
}

static json_t *history_entry(const vb_result *r, const vb_machine *m)
{
    json_t *e = json_object();
    json_object_set_new(e, "datetime", json_string(m->datetime));
    json_object_set_new(e, "commit", json_string(m->commit_id));
    json_object_set_new(e, "calibration_time",
                        m->calib_time > 0 ? json_real(m->calib_time) : json_null());
    json_object_set_new(e, "calibration_time_threads",
                        m->calib_time_threads > 0 ? json_real(m->calib_time_threads) : json_null());
    json_object_set_new(e, "median", json_real(vb__result_median(r)));
    json_object_set_new(e, "mean", json_real(r->stats.mean));
    json_object_set_new(e, "min", json_real(r->stats.min));
    json_object_set_new(e, "rounds", json_integer((json_int_t)r->stats.rounds));
    json_object_set_new(e, "peak_rss", real_or_null((double)r->peak_rss));
    json_object_set_new(e, "heap_peak", real_or_null((double)r->heap_peak));
    json_object_set_new(e, "instructions", real_or_null(r->instructions));
    /* One entry per process: the unit whose samples are independent. */
    json_t *procs = json_array();
    for (size_t i = 0; i < r->nreps && i < VB_BASELINE_PROCESSES; i++) {
        json_array_append_new(procs,
                              json_pack("{s:f, s:o, s:o}", "median", r->reps[i].median, "peak_rss",
                                        real_or_null((double)r->reps[i].peak_rss), "heap_peak",
                                        real_or_null((double)r->reps[i].heap_peak)));
    }
    if (r->nreps == 0) {
        json_array_append_new(procs, json_pack("{s:f}", "median", r->stats.median));
    }
    json_object_set_new(e, "processes", procs);
    return e;
}

static json_t *new_root(const vb_machine *m)
{
    json_t *machine =
        json_pack("{s:s, s:s, s:s, s:s, s:i}", "node", m->host, "cpu", m->cpu_brand, "system",
                  m->system, "compiler", m->compiler, "num_cpus", m->num_cpus);
    json_t *ref = json_pack(
        "{s:o, s:o, s:o, s:s}", "machine", machine, "calibration_time",
        m->calib_time > 0 ? json_real(m->calib_time) : json_null(), "calibration_time_threads",
        m->calib_time_threads > 0 ? json_real(m->calib_time_threads) : json_null(), "created",
        m->datetime);
    return json_pack("{s:i, s:s, s:o, s:o}", "schema_version", SCHEMA_VERSION, "harness", "vbench",
                     "reference", ref, "benchmarks", json_object());
}

vb_status vb_baseline_update(const char *path, const vb_suite *suite, vb_error *err)
{
    int lfd = -1;
    const vb_status ls = vb__json_file_lock(path, &lfd, err);
    if (ls != VB_OK) {
        return ls;
    }
    json_t *root = NULL;
    vb_status s = load_root(path, &root, err);
    if (s == VB_ERR_NOT_FOUND) {
        root = new_root(suite->machine);
        s = root ? VB_OK : vb__nomem(err);
    }
    if (s == VB_OK) {
        json_t *benches = json_object_get(root, "benchmarks");
        for (size_t i = 0; i < suite->count; i++) {
            const vb_result *r = &suite->results[i];
            if (r->outcome != VB_OUTCOME_PASSED || r->ndata == 0 || !r->bench) {
                continue;
            }
            json_t *b = json_object_get(benches, r->bench->fullname);
            if (!b) {
                b = json_pack("{s:o}", "history", json_array());
                json_object_set_new(benches, r->bench->fullname, b);
            }
            const int threads = r->bench->opts.threads > 1 ? r->bench->opts.threads : 1;
            json_object_set_new(b, "threads", json_integer(threads));
            json_t *h = json_object_get(b, "history");
            json_array_append_new(h, history_entry(r, suite->machine));
            while (json_array_size(h) > VB_BASELINE_HISTORY) {
                json_array_remove(h, 0);
            }
        }
        s = vb__json_file_write(path, root, err);
    }
    json_decref(root);
    vb__json_file_unlock(lfd);
    return s;
}
