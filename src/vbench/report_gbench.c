/* SPDX-License-Identifier: MIT */
/* The --gbench-json results file in Google Benchmark's schema, written with jansson. */
#include <jansson.h>
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

static json_t *benchmark(const vb_result *r, size_t family)
{
    char name[300];
    gbench_name(r->bench, name, sizeof name);
    const double ns = r->stats.mean * 1e9;
    json_t *o =
        json_pack("{s:s, s:I, s:i, s:s, s:s, s:i, s:i, s:i, s:I, s:f, s:f, s:s}", "name", name,
                  "family_index", (json_int_t)family, "per_family_instance_index", 0, "run_name",
                  name, "run_type", "iteration", "repetitions", 1, "repetition_index", 0, "threads",
                  1, "iterations", (json_int_t)(r->iterations * r->stats.rounds), "real_time", ns,
                  "cpu_time", ns, "time_unit", "ns");
    if (!o) {
        return NULL;
    }
    if (r->items_per_iter > 0 && r->stats.mean > 0) {
        json_object_set_new(o, "items_per_second", json_real(r->items_per_iter / r->stats.mean));
    }
    if (r->bytes_per_iter > 0 && r->stats.mean > 0) {
        json_object_set_new(o, "bytes_per_second", json_real(r->bytes_per_iter / r->stats.mean));
    }
    for (size_t i = 0; i < r->ncounters; i++) {
        json_object_set_new(o, r->counters[i].name, json_real(r->counters[i].value));
    }
    /* Google Benchmark's memory manager fields, when the heap was counted. */
    if (r->heap_allocs >= 0) {
        json_object_set_new(o, "allocs_per_iter", json_real(r->heap_allocs));
        json_object_set_new(o, "max_bytes_used", json_integer((json_int_t)r->heap_peak));
        json_object_set_new(o, "total_allocated_bytes",
                            json_integer((json_int_t)(r->heap_bytes * (double)r->iterations)));
    }
    if (r->peak_rss >= 0) {
        json_object_set_new(o, "peak_rss_bytes", json_integer((json_int_t)r->peak_rss));
    }
    if (r->instructions >= 0) {
        json_object_set_new(o, "instructions_per_iter", json_real(r->instructions));
    }
    return o;
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
    size_t family = 0;
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        if (r->ndata > 0 && r->bench) {
            json_array_append_new(list, benchmark(r, family++));
        }
    }
    json_object_set_new(root, "benchmarks", list);
    const int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0) {
        return vb__error(err, VB_ERR_IO, "%s: cannot write the Google Benchmark JSON", path);
    }
    return VB_OK;
}
