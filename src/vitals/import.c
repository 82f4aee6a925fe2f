/* SPDX-License-Identifier: MIT */
/* vt_import: the reader's items into a store, in one transaction, all or nothing. */
#include <string.h>
#include <time.h>

#include "internal.h"

typedef struct importer {
    vt_store *store;
    vt__items *items;
    vt_import_stats *stats;
} importer;

static vt_status on_record(void *ctx, const vt_record *rec, const vt_strpool *strings,
                           vt_error *err)
{
    importer *im = ctx;
    return vt_store_insert(im->store, rec, strings, &im->stats->records, err);
}

static vt_status on_info(void *ctx, const vt_export_info *info, const vt_strpool *strings,
                         vt_error *err)
{
    importer *im = ctx;
    return vt__items_export_info(im->items, info, strings, err);
}

static vt_status on_workout(void *ctx, const vt_workout *w, const vt_strpool *strings,
                            vt_error *err)
{
    importer *im = ctx;
    return vt__items_workout(im->items, w, strings, err);
}

static vt_status on_points(void *ctx, uint32_t ref, const vt_route_point *points, size_t count,
                           const vt_strpool *strings, vt_error *err)
{
    importer *im = ctx;
    return vt__items_route_points(im->items, ref, points, count, strings, err);
}

static vt_status on_correlation(void *ctx, const vt_correlation *c, const vt_strpool *strings,
                                vt_error *err)
{
    importer *im = ctx;
    return vt__items_correlation(im->items, im->store, c, strings, &im->stats->records, err);
}

static vt_status on_summary(void *ctx, const vt_activity_summary *s, const vt_strpool *strings,
                            vt_error *err)
{
    importer *im = ctx;
    return vt__items_activity_summary(im->items, s, strings, err);
}

static vt_status on_element(void *ctx, const vt_element *el, vt_error *err)
{
    importer *im = ctx;
    return vt__items_element(im->items, el, err);
}

/* The end of the export: the records still waiting in the store go in while the reader's
 * string pool (their category text) lives. */
static vt_status on_end(void *ctx, const vt_export_summary *summary, vt_error *err)
{
    importer *im = ctx;
    (void)summary;
    return vt__store_flush(im->store, err);
}

static double now_seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

vt_status vt_import(vt_store *store, const char *path, const vt_import_options *options,
                    vt_import_stats *stats, vt_error *err)
{
    return vt__import(store, path, options, VT__PAGES_MEASURED, stats, err);
}

vt_status vt__import(vt_store *store, const char *path, const vt_import_options *options, int pages,
                     vt_import_stats *stats, vt_error *err)
{
    vt_import_stats local;
    if (!stats) {
        stats = &local;
    }
    memset(stats, 0, sizeof *stats);
    if (!store || !path) {
        return vt__error(err, VT_ERR_INVALID, "vt_import needs a store and a path");
    }
    const double t0 = now_seconds();
    importer im = {store, NULL, stats};
    vt_status st = vt__store_begin_import(store, &stats->direct, err);
    if (st != VT_OK) {
        return st;
    }
    if ((st = vt__items_open(store, &stats->items, &im.items, err)) != VT_OK) {
        vt_store_rollback(store);
        return st;
    }
    vt_sink sink;
    vt__pipeline *pipeline = NULL;
    const int threads = !options || options->threads != 1 ? 2 : 1;
    /* A first import written directly has the kernel start writing its pages to the disk as
     * it goes, and on two threads hands its page writes to a helper thread: the kernel's copy
     * into the page cache then overlaps the inserts (store_vfs.c). */
    vt__store_write_behind(store, threads == 1);
    if (threads == 2) {
        if ((st = vt__pipeline_start(store, im.items, stats, pages, &sink, &pipeline, err)) !=
            VT_OK) {
            vt__items_close(im.items);
            vt_store_rollback(store);
            return st;
        }
    } else {
        memset(&sink, 0, sizeof sink);
        sink.ctx = &im;
        sink.record = on_record;
        sink.export_info = on_info;
        sink.workout = on_workout;
        sink.route_points = on_points;
        sink.correlation = on_correlation;
        sink.activity_summary = on_summary;
        sink.element = on_element;
        sink.end = on_end;
    }
    vt_error rerr;
    vt_error_clear(&rerr);
    st = vt_read_export(path, options ? &options->reader : NULL, &sink, &stats->read, &rerr);
    if (pipeline) {
        st = vt__pipeline_finish(pipeline, st, &rerr);
        vt__pipeline_free(pipeline);
    }
    if (st != VT_OK && err) {
        *err = rerr;
    }
    /* The statements must be finalised before COMMIT can release the write lock cleanly. */
    vt__items_close(im.items);
    if (st == VT_OK) {
        st = vt_store_commit(store, err);
    } else {
        vt_store_rollback(store);
    }
    stats->seconds = now_seconds() - t0;
    return st;
}
