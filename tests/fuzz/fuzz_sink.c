/* SPDX-License-Identifier: MIT */
/* The fuzz targets' sink: reads all of every item, aborts on a string id the pool lacks. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_sink.h"

static void touch(uint64_t *sum, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *sum = *sum * 31u + b[i];
    }
}

/* Id 0 means "none"; any other id must name a string of the pool. */
static void str(uint64_t *sum, const vt_strpool *pool, uint32_t id)
{
    if (id == 0) {
        return;
    }
    size_t len = 0;
    const char *s = vt_strpool_get(pool, id, &len);
    if (!s || id > vt_strpool_count(pool) || strlen(s) != len) {
        abort();
    }
    touch(sum, s, len);
}

static void meta(uint64_t *sum, const vt_metadata_entry *m, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        touch(sum, m[i].key, m[i].key_len);
        touch(sum, m[i].value, m[i].value_len);
    }
}

static void record(uint64_t *sum, const vt_record *r, const vt_strpool *pool)
{
    str(sum, pool, r->type);
    str(sum, pool, r->source);
    str(sum, pool, r->unit);
    str(sum, pool, r->device);
    str(sum, pool, r->source_version);
    if (r->flags & VT_RECORD_CATEGORY) {
        str(sum, pool, r->category);
    }
    meta(sum, r->metadata, r->metadata_count);
    touch(sum, r->beats, r->beat_count * sizeof *r->beats);
    touch(sum, &r->start, sizeof r->start);
}

static vt_status on_record(void *ctx, const vt_record *rec, const vt_strpool *pool, vt_error *err)
{
    (void)err;
    record(ctx, rec, pool);
    return VT_OK;
}

static vt_status on_info(void *ctx, const vt_export_info *info, const vt_strpool *pool,
                         vt_error *err)
{
    (void)err;
    str(ctx, pool, info->locale);
    if (info->me_json) {
        touch(ctx, info->me_json, strlen(info->me_json));
    }
    return VT_OK;
}

static vt_status on_workout(void *ctx, const vt_workout *w, const vt_strpool *pool, vt_error *err)
{
    (void)err;
    uint64_t *sum = ctx;
    str(sum, pool, w->activity_type);
    str(sum, pool, w->source);
    str(sum, pool, w->device);
    str(sum, pool, w->duration_unit);
    meta(sum, w->metadata, w->metadata_count);
    for (uint32_t i = 0; i < w->event_count; i++) {
        str(sum, pool, w->events[i].type);
        str(sum, pool, w->events[i].duration_unit);
    }
    for (uint32_t i = 0; i < w->statistic_count; i++) {
        str(sum, pool, w->statistics[i].type);
        str(sum, pool, w->statistics[i].unit);
    }
    for (uint32_t i = 0; i < w->route_count; i++) {
        str(sum, pool, w->routes[i].source);
        str(sum, pool, w->routes[i].file);
        str(sum, pool, w->routes[i].ref);
        meta(sum, w->routes[i].metadata, w->routes[i].metadata_count);
    }
    return VT_OK;
}

static vt_status on_points(void *ctx, uint32_t ref, const vt_route_point *p, size_t n,
                           const vt_strpool *pool, vt_error *err)
{
    (void)err;
    str(ctx, pool, ref);
    touch(ctx, p, n * sizeof *p);
    return VT_OK;
}

static vt_status on_corr(void *ctx, const vt_correlation *c, const vt_strpool *pool, vt_error *err)
{
    (void)err;
    uint64_t *sum = ctx;
    str(sum, pool, c->type);
    str(sum, pool, c->source);
    meta(sum, c->metadata, c->metadata_count);
    for (uint32_t i = 0; i < c->member_count; i++) {
        if (!(c->members[i].flags & VT_RECORD_IN_CORRELATION)) {
            abort();
        }
        record(sum, &c->members[i], pool);
    }
    return VT_OK;
}

static vt_status on_summary(void *ctx, const vt_activity_summary *s, const vt_strpool *pool,
                            vt_error *err)
{
    (void)err;
    str(ctx, pool, s->active_energy_burned_unit);
    touch(ctx, s, sizeof *s);
    return VT_OK;
}

static vt_status on_element(void *ctx, const vt_element *el, vt_error *err)
{
    (void)err;
    touch(ctx, el->name, strlen(el->name));
    touch(ctx, el->attributes_json, strlen(el->attributes_json));
    return VT_OK;
}

static vt_status on_end(void *ctx, const vt_export_summary *s, vt_error *err)
{
    (void)err;
    touch(ctx, s, sizeof *s);
    return VT_OK;
}

vt_sink fuzz_sink(uint64_t *sum)
{
    vt_sink s;
    memset(&s, 0, sizeof s);
    s.ctx = sum;
    s.record = on_record;
    s.export_info = on_info;
    s.workout = on_workout;
    s.route_points = on_points;
    s.correlation = on_corr;
    s.activity_summary = on_summary;
    s.element = on_element;
    s.end = on_end;
    return s;
}
