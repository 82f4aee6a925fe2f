/* SPDX-License-Identifier: MIT */
/* The import on two threads: the reader parses on the caller's thread and copies each item
 * into a batch; a writer thread inserts the batches. A bounded queue of batches between them,
 * strings copied into the batches, no shared mutable state beyond the queue. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define BATCHES     4
#define BATCH_BYTES (1u << 20) /* a batch is handed over once its arena holds this much */
#define BATCH_ITEMS 8192u

enum { I_RECORD, I_INFO, I_WORKOUT, I_POINTS, I_CORRELATION, I_SUMMARY, I_ELEMENT };

/* Items live in the arena as a header then the item; pointers inside items are stored as
 * offsets from the arena's start (the arena may move while it grows) and fixed by the
 * writer. */
typedef struct item_header {
    uint32_t kind;
    uint32_t ref;  /* route points: the route reference id */
    size_t offset; /* of the item (struct) */
    size_t count;  /* route points: how many */
} item_header;

typedef struct batch {
    char *arena;
    size_t len, cap;
    item_header *items;
    size_t count, items_cap;
    char *strings; /* new strings of the reader's pool: (uint32 length, bytes) each */
    size_t strings_len, strings_cap;
    uint32_t strings_first, strings_count; /* their ids: first, first+1, ... */
} batch;

struct vt__pipeline {
    vt_store *store;
    vt__items *items;
    vt_import_stats *stats;
    vt_strpool *mirror;     /* the writer's copy of the reader's pool: same strings, same ids */
    const vt_strpool *pool; /* the reader's pool, seen in the first item (the export info) */
    uint32_t synced;        /* reader pool ids up to this one were sent */
    batch slots[BATCHES];
    batch *cur;
    /* The queue: full batches in order, free batches. Guarded by mu. */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    batch *full[BATCHES];
    size_t full_head, full_count;
    batch *free_list[BATCHES];
    size_t free_count;
    int done;   /* the reader has finished (or failed): no more batches */
    int stop;   /* discard what is left */
    int failed; /* the writer failed: its error is in werr */
    vt_error werr;
    pthread_t thread;
    int started;
    int pages; /* VT__PAGES_* */
};

/* ---- the arena ----------------------------------------------------------------------- */

static int reserve(char **p, size_t *cap, size_t need)
{
    return vt__grow((void **)p, cap, need, 1) == 0;
}

/* Appends `len` bytes (NULL: zeroes) aligned to 8; gives their offset, or SIZE_MAX. */
static size_t put(batch *b, const void *data, size_t len)
{
    const size_t at = (b->len + 7u) & ~(size_t)7u;
    if (!reserve(&b->arena, &b->cap, at + len + 1)) {
        return SIZE_MAX;
    }
    if (data) {
        memcpy(b->arena + at, data, len);
    } else {
        memset(b->arena + at, 0, len);
    }
    b->len = at + len;
    return at;
}

#define OFF(T, off)   ((T)(uintptr_t)(off))
#define AT(b, T, off) ((T *)(void *)((b)->arena + (off)))

static size_t put_metadata(batch *b, const vt_metadata_entry *m, uint32_t n)
{
    const size_t arr = put(b, NULL, n * sizeof *m + 1);
    for (uint32_t i = 0; arr != SIZE_MAX && i < n; i++) {
        const size_t k = put(b, m[i].key, m[i].key_len);
        const size_t v = put(b, m[i].value, m[i].value_len);
        if (k == SIZE_MAX || v == SIZE_MAX) {
            return SIZE_MAX;
        }
        vt_metadata_entry *e = AT(b, vt_metadata_entry, arr) + i;
        e->key = OFF(const char *, k);
        e->key_len = m[i].key_len;
        e->value = OFF(const char *, v);
        e->value_len = m[i].value_len;
    }
    return arr;
}

/* Copies a record and its metadata and beats; patches the copy's pointers to offsets. */
static size_t put_record_at(batch *b, size_t at, const vt_record *r)
{
    const size_t meta = put_metadata(b, r->metadata, r->metadata_count);
    const size_t beats = put(b, r->beats, r->beat_count * sizeof *r->beats + 1);
    if (meta == SIZE_MAX || beats == SIZE_MAX) {
        return SIZE_MAX;
    }
    vt_record *c = AT(b, vt_record, at);
    *c = *r;
    c->metadata = OFF(const vt_metadata_entry *, meta);
    c->beats = OFF(const vt_beat *, beats);
    return at;
}

static void fix_metadata(const batch *b, const vt_metadata_entry **m, uint32_t n)
{
    vt_metadata_entry *e = (vt_metadata_entry *)(void *)(b->arena + (uintptr_t)*m);
    for (uint32_t i = 0; i < n; i++) {
        e[i].key = b->arena + (uintptr_t)e[i].key;
        e[i].value = b->arena + (uintptr_t)e[i].value;
    }
    *m = e;
}

static void fix_record(const batch *b, vt_record *r)
{
    fix_metadata(b, &r->metadata, r->metadata_count);
    r->beats = (const vt_beat *)(const void *)(b->arena + (uintptr_t)r->beats);
}

/* ---- the writer thread ---------------------------------------------------------------- */

static vt_status write_batch(vt__pipeline *p, batch *b, vt_error *err)
{
    /* New strings first, so the ids of this batch's items mean the same in the mirror. */
    size_t at = 0;
    for (uint32_t i = 0; i < b->strings_count; i++) {
        uint32_t len;
        memcpy(&len, b->strings + at, sizeof len);
        uint32_t id;
        const vt_status st =
            vt_strpool_intern(p->mirror, b->strings + at + sizeof len, len, &id, err);
        if (st != VT_OK) {
            return st;
        }
        if (id != b->strings_first + i) {
            return vt__error(err, VT_ERR_INTERNAL, "import pipeline: string ids out of step");
        }
        at += sizeof len + len;
    }
    vt_status st = VT_OK;
    for (size_t i = 0; st == VT_OK && i < b->count; i++) {
        const item_header *h = &b->items[i];
        char *item = b->arena + h->offset;
        switch (h->kind) {
        case I_RECORD: {
            vt_record *r = (vt_record *)(void *)item;
            fix_record(b, r);
            st = vt_store_insert(p->store, r, p->mirror, &p->stats->records, err);
            break;
        }
        case I_INFO: {
            vt_export_info *info = (vt_export_info *)(void *)item;
            if (info->me_json) {
                info->me_json = b->arena + (uintptr_t)info->me_json;
            }
            st = vt__items_export_info(p->items, info, p->mirror, err);
            break;
        }
        case I_WORKOUT: {
            vt_workout *w = (vt_workout *)(void *)item;
            fix_metadata(b, &w->metadata, w->metadata_count);
            w->events = (const vt_workout_event *)(const void *)(b->arena + (uintptr_t)w->events);
            w->statistics =
                (const vt_workout_statistic *)(const void *)(b->arena + (uintptr_t)w->statistics);
            vt_workout_route *routes =
                (vt_workout_route *)(void *)(b->arena + (uintptr_t)w->routes);
            for (uint32_t k = 0; k < w->route_count; k++) {
                fix_metadata(b, &routes[k].metadata, routes[k].metadata_count);
            }
            w->routes = routes;
            st = vt__items_workout(p->items, w, p->mirror, err);
            break;
        }
        case I_POINTS:
            st = vt__items_route_points(p->items, h->ref, (const vt_route_point *)(void *)item,
                                        h->count, p->mirror, err);
            break;
        case I_CORRELATION: {
            vt_correlation *c = (vt_correlation *)(void *)item;
            fix_metadata(b, &c->metadata, c->metadata_count);
            vt_record *members = (vt_record *)(void *)(b->arena + (uintptr_t)c->members);
            for (uint32_t k = 0; k < c->member_count; k++) {
                fix_record(b, &members[k]);
            }
            c->members = members;
            st = vt__items_correlation(p->items, p->store, c, p->mirror, &p->stats->records, err);
            break;
        }
        case I_SUMMARY:
            st = vt__items_activity_summary(p->items, (const vt_activity_summary *)(void *)item,
                                            p->mirror, err);
            break;
        case I_ELEMENT: {
            vt_element *el = (vt_element *)(void *)item;
            el->name = b->arena + (uintptr_t)el->name;
            el->attributes_json = b->arena + (uintptr_t)el->attributes_json;
            st = vt__items_element(p->items, el, err);
            break;
        }
        default:
            st = vt__error(err, VT_ERR_INTERNAL, "import pipeline: unknown item");
        }
    }
    return st;
}

/* Who writes the database pages of a first import written directly (store_vfs.c): a helper
 * thread, so that the kernel's copy of the pages runs on another core, or the writer itself.
 * The helper pays only when a core is free for it; on a machine where other work holds the
 * cores (a busy 2-core CI runner) it takes the writer's time instead, and the import is
 * slower (dense 1 GB, second core busy: 4.10 s against 3.76 s). The writer measures how much
 * of its core it gets: over every PACE_BATCHES batches, its CPU time over the wall time it
 * did not spend waiting for the reader. Under PACE_SHARED it shares its core, and writes its
 * pages itself until it no longer does. */
enum { PACE_BATCHES = 16 };
#define PACE_SHARED 0.9

typedef struct pace {
    double cpu, wall, waited; /* at the start of the window */
    int batches;
    int pages_inline;
} pace;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void pace_start(pace *pc)
{
    pc->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
    pc->wall = clock_s(CLOCK_MONOTONIC);
    pc->waited = 0;
    pc->batches = 0;
}

/* After a batch: at the end of a window, chooses who writes the pages for the next one (or
 * after every batch, writer and helper in turn, when the tests ask for VT__PAGES_ALTERNATE). */
static void pace_batch(pace *pc, vt_store *store, int pages)
{
    if (pages != VT__PAGES_MEASURED) {
        if (pages == VT__PAGES_ALTERNATE) {
            pc->pages_inline = !pc->pages_inline;
            vt__store_write_pages_inline(store, pc->pages_inline);
        }
        return;
    }
    if (++pc->batches < PACE_BATCHES) {
        return;
    }
    const double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - pc->cpu;
    const double busy = clock_s(CLOCK_MONOTONIC) - pc->wall - pc->waited;
    const int shared = busy > 0 && cpu < PACE_SHARED * busy;
    if (shared != pc->pages_inline) {
        pc->pages_inline = shared;
        vt__store_write_pages_inline(store, shared);
    }
    pace_start(pc);
}

static void *writer(void *arg)
{
    vt__pipeline *p = arg;
    pace pc;
    memset(&pc, 0, sizeof pc);
    pace_start(&pc);
    if (p->pages == VT__PAGES_WRITER) {
        pc.pages_inline = 1;
        vt__store_write_pages_inline(p->store, 1);
    }
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->full_count == 0 && !p->done && !p->stop) {
            const double t0 = clock_s(CLOCK_MONOTONIC);
            while (p->full_count == 0 && !p->done && !p->stop) {
                pthread_cond_wait(&p->cond, &p->mu);
            }
            pc.waited += clock_s(CLOCK_MONOTONIC) - t0;
        }
        if (p->stop || (p->full_count == 0 && p->done)) {
            break;
        }
        batch *b = p->full[p->full_head];
        p->full_head = (p->full_head + 1) % BATCHES;
        p->full_count--;
        pthread_mutex_unlock(&p->mu);

        vt_error e;
        vt_error_clear(&e);
        const vt_status st = p->failed ? VT_OK : write_batch(p, b, &e);
        pace_batch(&pc, p->store, p->pages);
        b->len = b->count = b->strings_len = 0;
        b->strings_count = 0;

        pthread_mutex_lock(&p->mu);
        if (st != VT_OK && !p->failed) {
            p->failed = 1;
            p->werr = e;
            p->werr.code = st;
        }
        p->free_list[p->free_count++] = b;
        pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the reader's side ---------------------------------------------------------------- */

/* Hands the current batch to the writer (with the strings it needs) and takes a free one.
 * Fails with the writer's error once the writer has failed. */
static vt_status submit(vt__pipeline *p, const vt_strpool *strings, vt_error *err)
{
    batch *b = p->cur;
    const uint32_t count = vt_strpool_count(strings);
    b->strings_first = p->synced + 1;
    b->strings_count = 0;
    for (uint32_t id = p->synced + 1; id <= count; id++) {
        size_t len;
        const char *s = vt_strpool_get(strings, id, &len);
        const uint32_t len32 = (uint32_t)len;
        if (!reserve(&b->strings, &b->strings_cap, b->strings_len + sizeof len32 + len)) {
            return vt__nomem(err);
        }
        memcpy(b->strings + b->strings_len, &len32, sizeof len32);
        memcpy(b->strings + b->strings_len + sizeof len32, s, len);
        b->strings_len += sizeof len32 + len;
        b->strings_count++;
    }
    p->synced = count;
    pthread_mutex_lock(&p->mu);
    p->full[(p->full_head + p->full_count) % BATCHES] = b;
    p->full_count++;
    pthread_cond_broadcast(&p->cond);
    while (p->free_count == 0 && !p->failed) {
        pthread_cond_wait(&p->cond, &p->mu);
    }
    const int failed = p->failed;
    p->cur = failed ? NULL : p->free_list[--p->free_count];
    if (failed && err) {
        *err = p->werr;
    }
    pthread_mutex_unlock(&p->mu);
    return failed ? p->werr.code : VT_OK;
}

/* Reserves the header of a new item; gives the batch, or NULL when out of memory. */
static item_header *new_item(vt__pipeline *p, uint32_t kind)
{
    batch *b = p->cur;
    if (vt__grow((void **)&b->items, &b->items_cap, b->count + 1, sizeof *b->items) != 0) {
        return NULL;
    }
    item_header *h = &b->items[b->count++];
    memset(h, 0, sizeof *h);
    h->kind = kind;
    return h;
}

static vt_status after_item(vt__pipeline *p, const vt_strpool *strings, size_t offset,
                            vt_error *err)
{
    if (offset == SIZE_MAX) {
        return vt__nomem(err);
    }
    if (p->cur->len >= BATCH_BYTES || p->cur->count >= BATCH_ITEMS) {
        return submit(p, strings, err);
    }
    return VT_OK;
}

static vt_status p_record(void *ctx, const vt_record *rec, const vt_strpool *strings, vt_error *err)
{
    vt__pipeline *p = ctx;
    p->pool = strings;
    item_header *h = new_item(p, I_RECORD);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(p->cur, NULL, sizeof *rec);
    h->offset = at;
    return after_item(p, strings, at == SIZE_MAX ? at : put_record_at(p->cur, at, rec), err);
}

static vt_status p_info(void *ctx, const vt_export_info *info, const vt_strpool *strings,
                        vt_error *err)
{
    vt__pipeline *p = ctx;
    p->pool = strings;
    item_header *h = new_item(p, I_INFO);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(p->cur, info, sizeof *info);
    size_t json = 0;
    if (at != SIZE_MAX && info->me_json) {
        json = put(p->cur, info->me_json, strlen(info->me_json) + 1);
        if (json != SIZE_MAX) {
            AT(p->cur, vt_export_info, at)->me_json = OFF(const char *, json);
        }
    }
    h->offset = at;
    return after_item(p, strings, json == SIZE_MAX ? json : at, err);
}

static vt_status p_workout(void *ctx, const vt_workout *w, const vt_strpool *strings, vt_error *err)
{
    vt__pipeline *p = ctx;
    batch *b = p->cur;
    item_header *h = new_item(p, I_WORKOUT);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(b, w, sizeof *w);
    const size_t meta = put_metadata(b, w->metadata, w->metadata_count);
    const size_t events = put(b, w->events, w->event_count * sizeof *w->events + 1);
    const size_t stats = put(b, w->statistics, w->statistic_count * sizeof *w->statistics + 1);
    const size_t routes = put(b, w->routes, w->route_count * sizeof *w->routes + 1);
    if (at == SIZE_MAX || meta == SIZE_MAX || events == SIZE_MAX || stats == SIZE_MAX ||
        routes == SIZE_MAX) {
        return vt__nomem(err);
    }
    for (uint32_t i = 0; i < w->route_count; i++) {
        const size_t m = put_metadata(b, w->routes[i].metadata, w->routes[i].metadata_count);
        if (m == SIZE_MAX) {
            return vt__nomem(err);
        }
        AT(b, vt_workout_route, routes)[i].metadata = OFF(const vt_metadata_entry *, m);
    }
    vt_workout *c = AT(b, vt_workout, at);
    c->metadata = OFF(const vt_metadata_entry *, meta);
    c->events = OFF(const vt_workout_event *, events);
    c->statistics = OFF(const vt_workout_statistic *, stats);
    c->routes = OFF(const vt_workout_route *, routes);
    h = &b->items[b->count - 1];
    h->offset = at;
    return after_item(p, strings, at, err);
}

static vt_status p_points(void *ctx, uint32_t ref, const vt_route_point *points, size_t count,
                          const vt_strpool *strings, vt_error *err)
{
    vt__pipeline *p = ctx;
    item_header *h = new_item(p, I_POINTS);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(p->cur, points, count * sizeof *points + 1);
    h->offset = at;
    h->ref = ref;
    h->count = count;
    return after_item(p, strings, at, err);
}

static vt_status p_correlation(void *ctx, const vt_correlation *c, const vt_strpool *strings,
                               vt_error *err)
{
    vt__pipeline *p = ctx;
    batch *b = p->cur;
    item_header *h = new_item(p, I_CORRELATION);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(b, c, sizeof *c);
    const size_t meta = put_metadata(b, c->metadata, c->metadata_count);
    const size_t members = put(b, NULL, c->member_count * sizeof *c->members + 1);
    if (at == SIZE_MAX || meta == SIZE_MAX || members == SIZE_MAX) {
        return vt__nomem(err);
    }
    for (uint32_t i = 0; i < c->member_count; i++) {
        if (put_record_at(b, members + i * sizeof *c->members, &c->members[i]) == SIZE_MAX) {
            return vt__nomem(err);
        }
    }
    vt_correlation *copy = AT(b, vt_correlation, at);
    copy->metadata = OFF(const vt_metadata_entry *, meta);
    copy->members = OFF(const vt_record *, members);
    b->items[b->count - 1].offset = at;
    return after_item(p, strings, at, err);
}

static vt_status p_summary(void *ctx, const vt_activity_summary *s, const vt_strpool *strings,
                           vt_error *err)
{
    vt__pipeline *p = ctx;
    item_header *h = new_item(p, I_SUMMARY);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(p->cur, s, sizeof *s);
    p->cur->items[p->cur->count - 1].offset = at;
    return after_item(p, strings, at, err);
}

static vt_status p_element(void *ctx, const vt_element *el, vt_error *err)
{
    vt__pipeline *p = ctx;
    batch *b = p->cur;
    item_header *h = new_item(p, I_ELEMENT);
    if (!h) {
        return vt__nomem(err);
    }
    const size_t at = put(b, el, sizeof *el);
    const size_t name = put(b, el->name, strlen(el->name) + 1);
    const size_t json = put(b, el->attributes_json, strlen(el->attributes_json) + 1);
    if (at == SIZE_MAX || name == SIZE_MAX || json == SIZE_MAX) {
        return vt__nomem(err);
    }
    AT(b, vt_element, at)->name = OFF(const char *, name);
    AT(b, vt_element, at)->attributes_json = OFF(const char *, json);
    b->items[b->count - 1].offset = at;
    /* The reader sends the export info before any element, so the pool is known here. */
    if (p->pool) {
        return after_item(p, p->pool, at, err);
    }
    return VT_OK;
}

/* The end of the export: the last batch goes to the writer while the reader's pool lives. */
static vt_status p_end(void *ctx, const vt_export_summary *summary, vt_error *err)
{
    vt__pipeline *p = ctx;
    (void)summary;
    if (p->cur && p->cur->count > 0 && p->pool) {
        return submit(p, p->pool, err);
    }
    return VT_OK;
}

/* ---- start and finish ---------------------------------------------------------------- */

vt_status vt__pipeline_start(vt_store *store, vt__items *items, vt_import_stats *stats, int pages,
                             vt_sink *sink, vt__pipeline **out, vt_error *err)
{
    *out = NULL;
    vt__pipeline *p = vt__calloc(1, sizeof *p);
    if (!p) {
        return vt__nomem(err);
    }
    p->store = store;
    p->items = items;
    p->stats = stats;
    p->pages = pages;
    vt_status st = vt_strpool_new(&p->mirror, err);
    if (st != VT_OK) {
        vt__free(p);
        return st;
    }
    for (int i = 0; i < BATCHES; i++) {
        p->free_list[p->free_count++] = &p->slots[i];
    }
    p->cur = p->free_list[--p->free_count];
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, NULL);
    if (pthread_create(&p->thread, NULL, writer, p) != 0) {
        vt__pipeline_free(p);
        return vt__error(err, VT_ERR_INTERNAL, "cannot start the import's writer thread");
    }
    p->started = 1;
    memset(sink, 0, sizeof *sink);
    sink->ctx = p;
    sink->record = p_record;
    sink->export_info = p_info;
    sink->workout = p_workout;
    sink->route_points = p_points;
    sink->correlation = p_correlation;
    sink->activity_summary = p_summary;
    sink->element = p_element;
    sink->end = p_end;
    *out = p;
    return VT_OK;
}

vt_status vt__pipeline_finish(vt__pipeline *p, vt_status reader_status, vt_error *err)
{
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    if (reader_status != VT_OK) {
        p->stop = 1; /* the import fails anyway: drop the batches still queued */
    }
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    p->started = 0;
    if (reader_status != VT_OK) {
        return reader_status;
    }
    if (p->failed) {
        if (err) {
            *err = p->werr;
        }
        return p->werr.code;
    }
    /* The writer is done: the records still waiting in the store go in while the mirror pool
     * (their category text) lives. */
    return vt__store_flush(p->store, err);
}

void vt__pipeline_free(vt__pipeline *p)
{
    if (!p) {
        return;
    }
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->done = p->stop = 1;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
    }
    for (int i = 0; i < BATCHES; i++) {
        vt__free(p->slots[i].arena);
        vt__free(p->slots[i].items);
        vt__free(p->slots[i].strings);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cond);
    vt_strpool_free(p->mirror);
    vt__free(p);
}
