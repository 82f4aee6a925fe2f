/* SPDX-License-Identifier: MIT */
/* Generated inputs of the performance suite, cached under the build tree by their parameters. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perf_inputs.h"

#ifndef VITALS_PERF_CACHE
#define VITALS_PERF_CACHE "/tmp/vitals-perf-inputs"
#endif

static const char *cache_dir(void)
{
    const char *env = getenv("VITALS_PERF_CACHE");
    const char *dir = env && *env ? env : VITALS_PERF_CACHE;
    mkdir(dir, 0755);
    return dir;
}

void perf_scratch_path(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", cache_dir(), name);
}

vt_table *perf_table(uint32_t days, uint32_t per_day)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = days;
    o.per_day = per_day;
    vt_table *t;
    if (vt_table_new(&t, NULL) != VT_OK) {
        return NULL;
    }
    if (vt_gen_table(&o, t, NULL) != VT_OK) {
        vt_table_free(t);
        return NULL;
    }
    return t;
}

void perf_remove_db(const char *path)
{
    char p[4096 + 8];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

vt_store *perf_store(uint32_t days, uint32_t per_day, const char *path)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = days;
    o.per_day = per_day;
    if (path) {
        perf_remove_db(path);
    }
    vt_store *s;
    if (vt_store_open(path ? path : ":memory:", NULL, &s, NULL) != VT_OK) {
        return NULL;
    }
    if (vt_gen_store(&o, s, NULL, NULL) != VT_OK) {
        vt_store_close(s);
        return NULL;
    }
    return s;
}

/* Reads a cached input through once, untimed, so that the benchmark that uses it starts with
 * all of it in the page cache. The reference machine pages out memory that has been idle for a
 * minute (DAMON's pageout scheme in the guest): an input read once a pass, or by the other
 * build of a paired comparison, would otherwise come partly from the disk, by an amount that
 * depends on what the machine did in the minutes before, not on the code measured. */
static void warm(const char *path)
{
    const int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return;
    }
    /* A small buffer on the stack: the process's peak RSS, which the import benchmarks
     * measure, must not grow by what the warming reads. */
    char buf[16384];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    close(fd);
}

static int export_of_shape(uint64_t bytes, uint32_t days, int zip, uint32_t shape,
                           uint32_t order, char *path, size_t size, vt_error *err)
{
    /* "-t": the records in the type order (VT_GEN_ORDER_TYPE), "-i": in the time order, the
     * types interleaved (VT_GEN_ORDER_TIME); files that versions before the orders cached
     * (the time order, unmarked) are not reused. */
    snprintf(path, size, "%s/export-%s-s1-p100-d%u-b%llu%s.%s", cache_dir(),
             order == VT_GEN_ORDER_TIME ? "i" : "t", days, (unsigned long long)bytes,
             shape == VT_GEN_SHAPE_DENSE ? "-dense" : "", zip ? "zip" : "xml");
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > 0) {
        warm(path);
        return 0;
    }
    /* Generate beside it and rename: a half-written file never looks cached. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = days ? days : 1;
    o.target_bytes = bytes;
    o.shape = shape;
    o.order = order;
    if (vt_gen_write_file(&o, tmp, zip, NULL, err) != VT_OK) {
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err->msg, sizeof err->msg, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0; /* just written: already in the page cache */
}

int perf_export(uint64_t bytes, uint32_t days, int zip, char *path, size_t size, vt_error *err)
{
    return export_of_shape(bytes, days, zip, VT_GEN_SHAPE_APPLE, VT_GEN_ORDER_TYPE, path, size,
                           err);
}

int perf_export_dense(uint64_t bytes, char *path, size_t size, vt_error *err)
{
    return export_of_shape(bytes, 0, 0, VT_GEN_SHAPE_DENSE, VT_GEN_ORDER_TYPE, path, size, err);
}

int perf_export_dense_time_order(uint64_t bytes, char *path, size_t size, vt_error *err)
{
    return export_of_shape(bytes, 0, 0, VT_GEN_SHAPE_DENSE, VT_GEN_ORDER_TIME, path, size, err);
}

vt_store *perf_store_cached(uint32_t days, uint32_t per_day)
{
    char path[3072], tmp[3072 + 32];
    /* "-t": built from the generator's type order (see export_of_shape). */
    snprintf(path, sizeof path, "%s/store-t-s1-p%u-d%u-v%d.db", cache_dir(), per_day, days,
             VT_STORE_SCHEMA_VERSION);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        /* Built beside it and renamed once closed: a half-built file never looks cached. */
        snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
        vt_store *s = perf_store(days, per_day, tmp);
        vt_store_close(s);
        if (!s || rename(tmp, path) != 0) {
            perf_remove_db(tmp);
            return NULL;
        }
    }
    warm(path);
    const vt_store_options ro = {1, 5000, 0};
    vt_store *s = NULL;
    return vt_store_open(path, &ro, &s, NULL) == VT_OK ? s : NULL;
}

int perf_store_fixture(vb_state *st, uint32_t days, const char *name)
{
    char path[4096];
    perf_scratch_path(name, path, sizeof path);
    vt_store *s = perf_store(days, 100, path);
    vb_set_context(st, s);
    return s ? 0 : 1;
}

void perf_close_store(vb_state *st)
{
    vt_store_close(vb_context(st));
}

void perf_free_table(vb_state *st)
{
    vt_table_free(vb_context(st));
}

vt_status perf_import_timed(vb_state *st, const char *path, const char *db_name, int threads,
                            vt_import_stats *stats)
{
    char db[4096];
    perf_scratch_path(db_name, db, sizeof db);
    vt_import_options o;
    memset(&o, 0, sizeof o);
    o.threads = threads;
    memset(stats, 0, sizeof *stats);
    vt_status rc = VT_OK;
    while (vb_loop(st)) {
        vb_pause(st);
        perf_remove_db(db);
        vt_store *s = NULL;
        rc = vt_store_open(db, NULL, &s, NULL);
        vb_resume(st);
        if (rc == VT_OK) {
            rc = vt_import(s, path, &o, stats, NULL);
        }
        vb_pause(st);
        vt_store_close(s);
        vb_resume(st);
    }
    perf_remove_db(db);
    return rc;
}

static vt_status count_record(void *ctx, const vt_record *rec, const vt_strpool *strings,
                              vt_error *err)
{
    (void)strings;
    (void)err;
    double *sum = ctx;
    if (rec->flags & VT_RECORD_NUMERIC) {
        *sum += rec->value;
    }
    return VT_OK;
}

vt_status perf_read_timed(vb_state *st, const char *path, const vt_reader_options *options,
                          vt_read_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    vt_status rc = VT_OK;
    while (vb_loop(st)) {
        double sum = 0;
        vt_sink sink;
        memset(&sink, 0, sizeof sink);
        sink.ctx = &sum;
        sink.record = count_record;
        rc = vt_read_export(path, options, &sink, stats, NULL);
        vb_clobber();
    }
    return rc;
}
