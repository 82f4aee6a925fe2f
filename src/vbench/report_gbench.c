/* SPDX-License-Identifier: MIT */
/* The --gbench-json results file in Google Benchmark's schema, written with jansson. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Reads one small sysfs value; "" when absent. */
static void sysfs(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) {
        return;
    }
    if (!fgets(buf, (int)size, f)) {
        buf[0] = '\0';
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

/* Google Benchmark's context.caches from /sys/devices/system/cpu/cpu0/cache. */
static json_t *caches(void)
{
    json_t *list = json_array();
    for (int i = 0; i < 16; i++) {
        char path[128], type[32], level[16], size[32], shared[256];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        sysfs(path, type, sizeof type);
        if (!type[0]) {
            break;
        }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        sysfs(path, level, sizeof level);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        sysfs(path, size, sizeof size);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list",
                 i);
        sysfs(path, shared, sizeof shared);
        long long lv = 0, sz = 0;
        char unit = 'B';
        sscanf(level, "%lld", &lv);
        if (sscanf(size, "%lld%c", &sz, &unit) >= 1) {
            sz *= unit == 'K' ? 1024 : unit == 'M' ? 1024 * 1024 : 1;
        }
        /* shared_cpu_list is "0-1" or "0,2": count the CPUs. */
        int sharing = 0;
        const char *p = shared;
        while (*p) {
            int a = 0, b = 0, used = 0;
            if (sscanf(p, "%d-%d%n", &a, &b, &used) == 2) {
                sharing += b - a + 1;
            } else if (sscanf(p, "%d%n", &a, &used) == 1) {
                sharing += 1;
            } else {
                break;
            }
            p += used;
            if (*p == ',') {
                p++;
            }
        }
        json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:i}", "type", type, "level",
                                              (json_int_t)lv, "size", (json_int_t)sz, "num_sharing",
                                              sharing ? sharing : 1));
    }
    return list;
}

static json_t *context(const vb_machine *m)
{
    json_t *load = json_array();
    for (int i = 0; i < 3; i++) {
        json_array_append_new(load, json_real(m->load_avg[i] >= 0 ? m->load_avg[i] : 0));
    }
    json_t *c = json_pack(
        "{s:s, s:s, s:s, s:i, s:I, s:b, s:o, s:o, s:s}", "date", m->date_utc, "host_name", m->host,
        "executable", m->executable, "num_cpus", m->num_cpus, "mhz_per_cpu",
        (json_int_t)m->mhz_per_cpu, "cpu_scaling_enabled", m->cpu_scaling_enabled, "caches",
        caches(), "load_avg", load, "library_build_type", m->optimized ? "release" : "debug");
    if (c && m->env_factor > 0) {
        json_object_set_new(c, "env_factor", json_real(m->env_factor));
    }
    return c;
}

/* Google Benchmark's names are "BM_x/30": our fullname with the parameter as a path part. */
static void gbench_name(const vb_bench *b, char *buf, size_t size)
{
    if (b->has_param) {
        if (b->opts.group && *b->opts.group) {
            snprintf(buf, size, "%s/%s/%lld", b->opts.group, b->base, b->param);
        } else {
            snprintf(buf, size, "%s/%lld", b->base, b->param);
        }
    } else {
        vb__strlcpy(buf, b->fullname, size);
    }
}

/* Where a benchmark stands in Google Benchmark's numbering: the index of its family (one per
   group and base name, in report order) and its index among the family's instances. */
typedef struct place {
    size_t family, instance;
} place;

/* The fields every entry starts with, in Google Benchmark 1.7.1's order. */
static json_t *entry(const char *name, const char *run_name, place p, const char *run_type,
                     size_t repetitions)
{
    return json_pack("{s:s, s:I, s:I, s:s, s:s, s:I}", "name", name, "family_index",
                     (json_int_t)p.family, "per_family_instance_index", (json_int_t)p.instance,
                     "run_name", run_name, "run_type", run_type, "repetitions",
                     (json_int_t)repetitions);
}

/* The CPU time Google Benchmark's cpu_time gets for repetition `k` of r, seconds per
   iteration: the CPU time vbench measured (benchmarks of .threads >= 2: the median of the
   process's rounds), else the wall time `mean`, as before vbench measured any. */
static double cpu_time_of(const vb_result *r, size_t k, double mean)
{
    const double cpu = r->nreps > k ? r->reps[k].cpu_median : r->cpu_median;
    return cpu > 0 ? cpu : mean;
}

/* One "iteration" entry: repetition `k` of `n` (its own process), mean time per iteration
   `mean` and CPU time `cpu` (cpu_time_of) over `iterations` iterations, and the figures the
   harness has for it. */
static json_t *iteration(const vb_result *r, const char *name, place p, size_t k, size_t n,
                         double mean, double cpu, uint64_t iterations)
{
    json_t *o = entry(name, name, p, "iteration", n);
    if (!o) {
        return NULL;
    }
    const vb_repetition *rep = r->nreps > k ? &r->reps[k] : NULL;
    json_object_set_new(o, "repetition_index", json_integer((json_int_t)k));
    json_object_set_new(o, "threads", json_integer(1));
    json_object_set_new(o, "iterations", json_integer((json_int_t)iterations));
    json_object_set_new(o, "real_time", json_real(mean * 1e9));
    json_object_set_new(o, "cpu_time", json_real(cpu * 1e9));
    json_object_set_new(o, "time_unit", json_string("ns"));
    if (r->items_per_iter > 0 && mean > 0) {
        json_object_set_new(o, "items_per_second", json_real(r->items_per_iter / mean));
    }
    if (r->bytes_per_iter > 0 && mean > 0) {
        json_object_set_new(o, "bytes_per_second", json_real(r->bytes_per_iter / mean));
    }
    for (size_t i = 0; i < r->ncounters; i++) {
        json_object_set_new(o, r->counters[i].name, json_real(r->counters[i].value));
    }
    /* Google Benchmark's memory manager fields, when the heap was counted. */
    const int64_t heap_peak = rep ? rep->heap_peak : r->heap_peak;
    if (r->heap_allocs >= 0) {
        json_object_set_new(o, "allocs_per_iter", json_real(r->heap_allocs));
        json_object_set_new(o, "max_bytes_used", json_integer((json_int_t)heap_peak));
        json_object_set_new(o, "total_allocated_bytes",
                            json_integer((json_int_t)(r->heap_bytes * (double)r->iterations)));
    }
    const int64_t peak_rss = rep ? rep->peak_rss : r->peak_rss;
    if (peak_rss >= 0) {
        json_object_set_new(o, "peak_rss_bytes", json_integer((json_int_t)peak_rss));
    }
    if (r->instructions >= 0) {
        json_object_set_new(o, "instructions_per_iter", json_real(r->instructions));
    }
    return o;
}

/* One "aggregate" entry over the repetitions, as Google Benchmark writes them: iterations is
   the number of repetitions, `unit` "time" or "percentage" (cv); `value` of the real times,
   `cpu` of the CPU times. */
static json_t *aggregate(const char *name, place p, size_t n, const char *stat, const char *unit,
                         double value, double cpu, bool seconds)
{
    char full[340];
    snprintf(full, sizeof full, "%s_%s", name, stat);
    json_t *o = entry(full, name, p, "aggregate", n);
    if (!o) {
        return NULL;
    }
    const double scale = seconds ? 1e9 : 1;
    json_object_set_new(o, "threads", json_integer(1));
    json_object_set_new(o, "aggregate_name", json_string(stat));
    json_object_set_new(o, "aggregate_unit", json_string(unit));
    json_object_set_new(o, "iterations", json_integer((json_int_t)n));
    json_object_set_new(o, "real_time", json_real(value * scale));
    json_object_set_new(o, "cpu_time", json_real(cpu * scale));
    json_object_set_new(o, "time_unit", json_string("ns"));
    return o;
}

/* Google Benchmark's statistics of the repetitions (statistics.cc): mean, median (the mean of
   the two middle values for an even count), sample standard deviation, and cv = stddev / mean. */
static void rep_statistics(double *times, size_t n, double out[4])
{
    double sum = 0, squares = 0;
    for (size_t i = 0; i < n; i++) {
        sum += times[i];
    }
    const double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) {
        squares += (times[i] - mean) * (times[i] - mean);
    }
    vb_stats_sort(times, n);
    out[0] = mean;
    out[1] = vb_stats_median_sorted(times, n);
    out[2] = n > 1 ? sqrt(squares / (double)(n - 1)) : 0;
    out[3] = mean > 0 ? out[2] / mean : 0;
}

/* Appends the entries of one benchmark: one "iteration" per repetition (a result without
   repetitions is one), then, with more than one, the aggregates mean, median, stddev and cv.
   Each repetition's time is its mean per iteration (Google Benchmark's real_time is the total
   time over the iterations). */
static vb_status benchmark(json_t *list, const vb_result *r, place p, vb_error *err)
{
    char name[300];
    gbench_name(r->bench, name, sizeof name);
    const size_t n = r->nreps > 0 ? r->nreps : 1;
    double *times = vb__malloc(2 * n * sizeof *times);
    if (!times) {
        return vb__nomem(err);
    }
    double *cpus = times + n;
    for (size_t k = 0; k < n; k++) {
        const bool own = r->nreps > k;
        times[k] = own ? r->reps[k].mean : r->stats.mean;
        cpus[k] = cpu_time_of(r, k, times[k]);
        const uint64_t rounds = own ? r->reps[k].rounds : r->stats.rounds;
        const uint64_t per_round = own ? r->reps[k].iterations : r->iterations;
        json_array_append_new(list,
                              iteration(r, name, p, k, n, times[k], cpus[k], rounds * per_round));
    }
    if (n > 1) {
        double stat[4], cpu[4];
        rep_statistics(times, n, stat);
        rep_statistics(cpus, n, cpu);
        static const char *const names[4] = {"mean", "median", "stddev", "cv"};
        for (int i = 0; i < 4; i++) {
            json_array_append_new(list,
                                  aggregate(name, p, n, names[i], i == 3 ? "percentage" : "time",
                                            stat[i], cpu[i], i < 3));
        }
    }
    vb__free(times);
    return VB_OK;
}

/* Whether results a and b are instances of one family: same group and base name. */
static bool same_family(const vb_result *a, const vb_result *b)
{
    const char *ga = a->bench->opts.group ? a->bench->opts.group : "";
    const char *gb = b->bench->opts.group ? b->bench->opts.group : "";
    return strcmp(a->bench->base, b->bench->base) == 0 && strcmp(ga, gb) == 0;
}

vb_status vb_report_gbench_write(const vb_suite *suite, const char *path, vb_error *err)
{
    json_t *root = json_object();
    json_t *list = json_array();
    if (!root || !list) {
        json_decref(root);
        json_decref(list);
        return vb__nomem(err);
    }
    json_object_set_new(root, "context", context(suite->machine));
    place *places = vb__calloc(suite->count ? suite->count : 1, sizeof *places);
    if (!places) {
        json_decref(root);
        json_decref(list);
        return vb__nomem(err);
    }
    size_t families = 0;
    vb_status s = VB_OK;
    for (size_t i = 0; i < suite->count && s == VB_OK; i++) {
        const vb_result *r = &suite->results[i];
        if (r->ndata == 0 || !r->bench) {
            continue;
        }
        /* The next instance of the family of the latest earlier instance, or a new family. */
        place p = {families, 0};
        for (size_t j = i; j-- > 0;) {
            const vb_result *q = &suite->results[j];
            if (q->ndata > 0 && q->bench && same_family(q, r)) {
                p.family = places[j].family;
                p.instance = places[j].instance + 1;
                break;
            }
        }
        if (p.family == families) {
            families++;
        }
        places[i] = p;
        s = benchmark(list, r, p, err);
    }
    vb__free(places);
    if (s != VB_OK) {
        json_decref(root);
        json_decref(list);
        return s;
    }
    json_object_set_new(root, "benchmarks", list);
    const int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0) {
        return vb__error(err, VB_ERR_IO, "%s: cannot write the Google Benchmark JSON", path);
    }
    return VB_OK;
}
