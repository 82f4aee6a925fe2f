/* SPDX-License-Identifier: MIT */
/* The --json results file in pytest-benchmark's schema, written with jansson. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *bytes_or_null(int64_t v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *real_or_null(double v)
{
    return v >= 0 ? json_real(v) : json_null();
}

static json_t *machine_info(const vb_machine *m)
{
    json_t *cpu = json_pack("{s:s, s:s, s:i, s:f}", "vendor_id", m->cpu_vendor, "brand",
                            m->cpu_brand, "count", m->num_cpus, "mhz", m->mhz_per_cpu);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "node", m->host, "processor",
                          m->machine, "machine", m->machine, "system", m->system, "release",
                          m->release, "compiler", m->compiler, "cpu", cpu);
    if (o) {
        json_object_set_new(o, "harness", json_string("vbench"));
        json_object_set_new(o, "harness_version", json_string(vb_version()));
        json_object_set_new(o, "governor", str_or_null(m->governor));
        json_object_set_new(o, "optimized", json_boolean(m->optimized));
        if (m->env_factor > 0) {
            json_object_set_new(o, "env_factor", json_real(m->env_factor));
        }
        if (m->calib_time > 0) {
            json_object_set_new(o, "calibration_time", json_real(m->calib_time));
        }
    }
    return o;
}

static json_t *commit_info(const vb_machine *m)
{
    return json_pack("{s:s, s:o, s:o, s:b, s:o, s:o}", "id", m->commit_id, "time",
                     str_or_null(m->commit_time), "author_time", str_or_null(m->author_time),
                     "dirty", m->dirty, "project", str_or_null(m->project), "branch",
                     m->branch[0] ? json_string(m->branch) : json_string("(unknown)"));
}

/* Each repetition's own figures (one process each): extra_info.repetitions. */
static json_t *repetitions(const vb_result *r)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->nreps; i++) {
        const vb_repetition *p = &r->reps[i];
        json_t *o = json_object();
        json_object_set_new(o, "median", json_real(p->median));
        json_object_set_new(o, "mean", json_real(p->mean));
        json_object_set_new(o, "min", json_real(p->min));
        json_object_set_new(o, "max", json_real(p->max));
        json_object_set_new(o, "stddev", json_real(p->stddev));
        json_object_set_new(o, "iqr", json_real(p->iqr));
        json_object_set_new(o, "rounds", json_integer((json_int_t)p->rounds));
        json_object_set_new(o, "iterations", json_integer((json_int_t)p->iterations));
        json_object_set_new(o, "peak_rss", bytes_or_null(p->peak_rss));
        json_object_set_new(o, "heap_peak", bytes_or_null(p->heap_peak));
        json_object_set_new(o, "wall_time", json_real(p->wall_time));
        if (p->cpu_median > 0) {
            json_object_set_new(o, "cpu_median", json_real(p->cpu_median));
        }
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *extra_info(const vb_result *r)
{
    json_t *e = json_object();
    const double mean = r->stats.mean;
    json_object_set_new(e, "outcome", json_string(vb_outcome_name(r->outcome)));
    if (r->msg[0]) {
        json_object_set_new(e, "message", json_string(r->msg));
    }
    json_object_set_new(e, "marks", str_or_null(r->bench->opts.marks));
    json_object_set_new(e, "peak_rss_bytes", bytes_or_null(r->peak_rss));
    json_object_set_new(e, "rss_growth_bytes",
                        r->peak_rss >= 0 ? json_integer((json_int_t)r->rss_growth) : json_null());
    json_object_set_new(e, "heap_allocs_per_iter", real_or_null(r->heap_allocs));
    json_object_set_new(e, "heap_bytes_per_iter", real_or_null(r->heap_bytes));
    json_object_set_new(e, "heap_peak_bytes", bytes_or_null(r->heap_peak));
    json_object_set_new(e, "median_ci95_low", json_real(r->stats.ci_low));
    json_object_set_new(e, "median_ci95_high", json_real(r->stats.ci_high));
    json_object_set_new(e, "timer_precision", json_real(r->timer_precision));
    json_object_set_new(e, "wall_time", json_real(r->wall_time));
    if (r->cpu_median > 0) {
        json_object_set_new(e, "cpu_median", json_real(r->cpu_median));
    }
    json_object_set_new(e, "repetitions", repetitions(r));
    if (r->instructions >= 0) {
        json_object_set_new(e, "instructions_per_iter", json_real(r->instructions));
    }
    if (r->cycles >= 0) {
        json_object_set_new(e, "cycles_per_iter", json_real(r->cycles));
    }
    if (r->branch_misses >= 0) {
        json_object_set_new(e, "branch_misses_per_iter", json_real(r->branch_misses));
    }
    if (r->cache_misses >= 0) {
        json_object_set_new(e, "cache_misses_per_iter", json_real(r->cache_misses));
    }
    if (r->items_per_iter > 0 && mean > 0) {
        json_object_set_new(e, "items_per_second", json_real(r->items_per_iter / mean));
    }
    if (r->bytes_per_iter > 0 && mean > 0) {
        json_object_set_new(e, "bytes_per_second", json_real(r->bytes_per_iter / mean));
    }
    if (r->complexity[0]) {
        json_object_set_new(e, "complexity", json_string(r->complexity));
        json_object_set_new(e, "complexity_exponent", json_real(r->exponent));
    }
    if (r->gated) {
        json_object_set_new(e, "gate",
                            json_pack("{s:s, s:f, s:f, s:f, s:s, s:b}", "metric", r->gate_metric,
                                      "ratio", r->gate_ratio, "p", r->gate_p, "threshold",
                                      r->gate_threshold, "verdict", r->gate_verdict, "judged",
                                      r->gate_judged));
    }
    for (size_t i = 0; i < r->ncounters; i++) {
        json_object_set_new(e, r->counters[i].name, json_real(r->counters[i].value));
    }
    return e;
}

static json_t *options(const vb_result *r, const vb_run_options *cfg)
{
    const vb_bench_options *o = &r->bench->opts;
    const long long min_rounds = cfg && cfg->min_rounds > 0 ? cfg->min_rounds
                                 : o->min_rounds > 0        ? o->min_rounds
                                                            : 5;
    const double max_time = cfg && cfg->max_time > 0 ? cfg->max_time
                            : o->max_time > 0        ? o->max_time
                                                     : 1.0;
    const int warm = cfg && cfg->warmup != VB_DEFAULT ? cfg->warmup : o->warmup;
    return json_pack("{s:b, s:s, s:I, s:f, s:f, s:b, s:b, s:f}", "disable_gc", 0, "timer",
                     "clock_gettime(CLOCK_MONOTONIC)", "min_rounds", (json_int_t)min_rounds,
                     "max_time", max_time, "min_time", o->min_time > 0 ? o->min_time : 5e-6,
                     "warmup", warm != VB_OFF, "pedantic", o->pedantic != 0, "precision",
                     vb__precision_of(o, cfg));
}

static json_t *stats(const vb_result *r)
{
    const vb_stats *s = &r->stats;
    char outliers[64];
    snprintf(outliers, sizeof outliers, "%llu;%llu", (unsigned long long)s->stddev_outliers,
             (unsigned long long)s->iqr_outliers);
    json_t *o = json_object();
    json_object_set_new(o, "min", json_real(s->min));
    json_object_set_new(o, "max", json_real(s->max));
    json_object_set_new(o, "mean", json_real(s->mean));
    json_object_set_new(o, "stddev", json_real(s->stddev));
    json_object_set_new(o, "rounds", json_integer((json_int_t)s->rounds));
    json_object_set_new(o, "median", json_real(s->median));
    json_object_set_new(o, "iqr", json_real(s->iqr));
    json_object_set_new(o, "q1", json_real(s->q1));
    json_object_set_new(o, "q3", json_real(s->q3));
    json_object_set_new(o, "iqr_outliers", json_integer((json_int_t)s->iqr_outliers));
    json_object_set_new(o, "stddev_outliers", json_integer((json_int_t)s->stddev_outliers));
    json_object_set_new(o, "outliers", json_string(outliers));
    json_object_set_new(o, "ld15iqr", json_real(s->ld15iqr));
    json_object_set_new(o, "hd15iqr", json_real(s->hd15iqr));
    json_object_set_new(o, "ops", json_real(s->ops));
    json_object_set_new(o, "total", json_real(s->total));
    json_t *data = json_array();
    for (size_t i = 0; i < r->ndata; i++) {
        json_array_append_new(data, json_real(r->data[i]));
    }
    json_object_set_new(o, "data", data);
    json_object_set_new(o, "iterations", json_integer((json_int_t)r->iterations));
    return o;
}

static json_t *benchmark(const vb_result *r, const vb_run_options *cfg)
{
    const vb_bench *b = r->bench;
    json_t *o = json_object();
    json_object_set_new(o, "group", str_or_null(b->opts.group));
    json_object_set_new(o, "name", json_string(b->name));
    json_object_set_new(o, "fullname", json_string(b->fullname));
    if (b->has_param) {
        char param[32];
        snprintf(param, sizeof param, "%lld", b->param);
        const char *pname = b->opts.param_name ? b->opts.param_name : "n";
        json_object_set_new(o, "params", json_pack("{s:I}", pname, (json_int_t)b->param));
        json_object_set_new(o, "param", json_string(param));
    } else {
        json_object_set_new(o, "params", json_null());
        json_object_set_new(o, "param", json_null());
    }
    json_object_set_new(o, "extra_info", extra_info(r));
    json_object_set_new(o, "options", options(r, cfg));
    json_object_set_new(o, "stats", stats(r));
    return o;
}

/* The whole document; NULL when jansson runs out of memory. */
static json_t *document(const vb_suite *suite)
{
    json_t *root = json_object();
    json_t *list = json_array();
    json_t *failures = json_array();
    if (!root || !list || !failures) {
        json_decref(root);
        json_decref(list);
        json_decref(failures);
        return NULL;
    }
    json_object_set_new(root, "machine_info", machine_info(suite->machine));
    json_object_set_new(root, "commit_info", commit_info(suite->machine));
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        /* Only results with statistics: readers of pytest's files expect stats.ops & co. */
        if (r->ndata > 0 && r->bench) {
            json_array_append_new(list, benchmark(r, suite->options));
        }
        if (r->outcome != VB_OUTCOME_PASSED && r->bench) {
            json_array_append_new(failures,
                                  json_pack("{s:s, s:s, s:s, s:i}", "fullname", r->bench->fullname,
                                            "outcome", vb_outcome_name(r->outcome), "message",
                                            r->msg, "signal", r->signal));
        }
    }
    json_object_set_new(root, "benchmarks", list);
    json_object_set_new(root, "failures", failures);
    json_object_set_new(root, "datetime", json_string(suite->machine->datetime));
    json_object_set_new(root, "version", json_string(vb_version()));
    return root;
}

vb_status vb_report_json_write(const vb_suite *suite, const char *path, vb_error *err)
{
    json_t *root = document(suite);
    if (!root) {
        return vb__nomem(err);
    }
    const int rc = json_dump_file(root, path, JSON_INDENT(4) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0) {
        return vb__error(err, VB_ERR_IO, "%s: cannot write the JSON results", path);
    }
    return VB_OK;
}
