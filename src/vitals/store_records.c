/* SPDX-License-Identifier: MIT */
/* Record writes: strings mapped to their lookup tables' ids, metadata keys, the natural key,
 * and the public entry points; the rows go in through store_batch.c. */
#include <math.h>
#include <string.h>

#include "store_private.h"

static const char *const KIND_SELECT[K_COUNT] = {
    "SELECT id FROM types WHERE identifier = ?1",
    "SELECT id FROM sources WHERE name = ?1",
    "SELECT id FROM units WHERE name = ?1",
    "SELECT id FROM devices WHERE description = ?1",
    "SELECT id FROM source_versions WHERE version = ?1",
};
static const char *const KIND_INSERT[K_COUNT] = {
    "INSERT INTO types(identifier, metric, kind) VALUES(?1, ?2, ?3)",
    "INSERT INTO sources(name) VALUES(?1)",
    "INSERT INTO units(name) VALUES(?1)",
    "INSERT INTO devices(description) VALUES(?1)",
    "INSERT INTO source_versions(version) VALUES(?1)",
};

/* Distinct metadata keys cached at most: real exports have a few hundred; past this (a
 * hostile file) keys are looked up in the database, so memory stays bounded. */
enum { META_KEY_CACHE_MAX = 1 << 16 };

vt_status vt__store_records_open(vt_store *s, vt_error *err)
{
    vt_status st = vt_strpool_new(&s->meta_keys, err);
    if (st != VT_OK) {
        return st;
    }
    if ((st = vt__store_prepare(s, "SELECT id FROM metadata_keys WHERE key = ?1",
                                &s->meta_key_select, err)) != VT_OK ||
        (st = vt__store_prepare(s, "INSERT INTO metadata_keys(key) VALUES(?1)", &s->meta_key_insert,
                                err)) != VT_OK) {
        return st;
    }
    for (int k = 0; k < K_COUNT; k++) {
        if ((st = vt__store_prepare(s, KIND_SELECT[k], &s->kind_select[k], err)) != VT_OK ||
            (st = vt__store_prepare(s, KIND_INSERT[k], &s->kind_insert[k], err)) != VT_OK) {
            return st;
        }
    }
    return VT_OK;
}

void vt__store_records_close(vt_store *s)
{
    vt__store_queue_close(s);
    sqlite3_finalize(s->record_id);
    sqlite3_finalize(s->meta_key_select);
    sqlite3_finalize(s->meta_key_insert);
    for (int k = 0; k < K_COUNT; k++) {
        sqlite3_finalize(s->kind_select[k]);
        sqlite3_finalize(s->kind_insert[k]);
        vt__free(s->cache.ids[k]);
    }
    vt_strpool_free(s->meta_keys);
    vt__free(s->meta_key_ids);
}

/* Forgets every id of the strings' cache. */
static void forget_ids(vt__id_cache *c)
{
    for (int k = 0; k < K_COUNT; k++) {
        if (c->ids[k]) {
            memset(c->ids[k], 0, c->cap[k] * sizeof *c->ids[k]);
        }
    }
}

void vt__store_records_forget(vt_store *s)
{
    vt__store_queue_drop(s);
    /* Ids inserted by the rolled-back transaction are gone: forget every cached id. */
    if (s->meta_key_ids) {
        memset(s->meta_key_ids, 0, s->meta_key_cap * sizeof *s->meta_key_ids);
    }
    forget_ids(&s->cache);
}

static const char *kind_name(vt_metric_kind k)
{
    return k == VT_METRIC_CUMULATIVE ? "cumulative"
           : k == VT_METRIC_CATEGORY ? "category"
                                     : "discrete";
}

/* Looks a string up in its kind's table, inserting it when new. */
static vt_status lookup_string(vt_store *s, int kind, const char *str, size_t len, int64_t *id,
                               vt_error *err)
{
    sqlite3_stmt *q = s->kind_select[kind];
    sqlite3_bind_text(q, 1, str, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        return VT_OK;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    sqlite3_stmt *ins = s->kind_insert[kind];
    sqlite3_bind_text(ins, 1, str, (int)len, SQLITE_STATIC);
    if (kind == K_TYPE) {
        char name[128];
        vt_metric_name(str, name, sizeof name);
        const vt_metric_info *m = vt_metric_lookup(str);
        vt_metric_kind mk = m ? m->kind
                            : strncmp(str, "HKCategoryTypeIdentifier", 24) == 0
                                ? VT_METRIC_CATEGORY
                                : VT_METRIC_DISCRETE;
        sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, kind_name(mk), -1, SQLITE_STATIC);
    }
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    *id = sqlite3_last_insert_rowid(s->db);
    return VT_OK;
}

/* Forgets the cached ids when `pool` is not the pool they were cached for. */
static void cache_for(vt_store *s, const vt_strpool *pool)
{
    vt__id_cache *c = &s->cache;
    const uint64_t serial = vt__strpool_serial(pool);
    if (VT__UNLIKELY(c->pool_serial != serial)) {
        forget_ids(c);
        c->pool_serial = serial;
    }
}

/* The database id of pool string `pid` of `kind`, through the cache (cache_for(pool) first). */
static vt_status map_id(vt_store *s, int kind, const vt_strpool *pool, uint32_t pid, int64_t *id,
                        vt_error *err)
{
    if (pid == 0) {
        *id = 0;
        return VT_OK;
    }
    vt__id_cache *c = &s->cache;
    if (VT__LIKELY(pid < c->cap[kind] && c->ids[kind][pid] != 0)) {
        *id = c->ids[kind][pid];
        return VT_OK;
    }
    if (pid >= c->cap[kind]) {
        size_t cap = c->cap[kind];
        if (vt__grow((void **)&c->ids[kind], &cap, (size_t)pid + 1, sizeof(int64_t)) != 0) {
            return vt__nomem(err);
        }
        memset(c->ids[kind] + c->cap[kind], 0, (cap - c->cap[kind]) * sizeof(int64_t));
        c->cap[kind] = cap;
    }
    size_t len;
    const char *str = vt_strpool_get(pool, pid, &len);
    vt_status st = lookup_string(s, kind, str, len, id, err);
    if (st == VT_OK) {
        c->ids[kind][pid] = *id;
    }
    return st;
}

static vt_status meta_key_query(vt_store *s, const char *key, size_t len, int64_t *id,
                                vt_error *err)
{
    sqlite3_bind_text(s->meta_key_select, 1, key, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(s->meta_key_select);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s->meta_key_select, 0);
        sqlite3_reset(s->meta_key_select);
        return VT_OK;
    }
    sqlite3_reset(s->meta_key_select);
    if (rc != SQLITE_DONE) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    sqlite3_bind_text(s->meta_key_insert, 1, key, (int)len, SQLITE_STATIC);
    rc = sqlite3_step(s->meta_key_insert);
    sqlite3_reset(s->meta_key_insert);
    if (rc != SQLITE_DONE) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    *id = sqlite3_last_insert_rowid(s->db);
    return VT_OK;
}

vt_status vt__store_meta_key_id(vt_store *s, const char *key, size_t len, int64_t *id,
                                vt_error *err)
{
    uint32_t pid = vt_strpool_find(s->meta_keys, key, len);
    if (pid && pid < s->meta_key_cap && s->meta_key_ids[pid]) {
        *id = s->meta_key_ids[pid];
        return VT_OK;
    }
    vt_status st = meta_key_query(s, key, len, id, err);
    if (st != VT_OK || vt_strpool_count(s->meta_keys) >= META_KEY_CACHE_MAX) {
        return st;
    }
    if (!pid && (st = vt_strpool_intern(s->meta_keys, key, len, &pid, err)) != VT_OK) {
        return st;
    }
    if (pid >= s->meta_key_cap) {
        size_t cap = s->meta_key_cap;
        if (vt__grow((void **)&s->meta_key_ids, &cap, (size_t)pid + 1, sizeof(int64_t)) != 0) {
            return vt__nomem(err);
        }
        memset(s->meta_key_ids + s->meta_key_cap, 0, (cap - s->meta_key_cap) * sizeof(int64_t));
        s->meta_key_cap = cap;
    }
    s->meta_key_ids[pid] = *id;
    return VT_OK;
}

vt_status vt__store_record_id(vt_store *s, const vt__pending_record *pr, int64_t *id, vt_error *err)
{
    vt_status st;
    if (!s->record_id &&
        (st = vt__store_prepare(
             s,
             "SELECT id FROM records WHERE type_id = ?1 AND day = ?2 AND start_utc = ?3"
             " AND natural_key = ?4",
             &s->record_id, err)) != VT_OK) {
        return st;
    }
    sqlite3_stmt *q = s->record_id;
    sqlite3_bind_int64(q, 1, pr->ids[K_TYPE]);
    sqlite3_bind_text(q, 2, pr->day, 10, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, pr->start);
    sqlite3_bind_int64(q, 4, (int64_t)pr->key);
    const int rc = sqlite3_step(q);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW) {
        return rc == SQLITE_DONE ? vt__error(err, VT_ERR_INTERNAL,
                                             "%s: a duplicate record is not in the index", s->path)
                                 : vt__store_sqlite_error(s->db, err, s->path);
    }
    return VT_OK;
}

vt_status vt_store_insert(vt_store *s, const vt_record *r, const vt_strpool *strings,
                          vt_insert_stats *stats, vt_error *err)
{
    return vt__store_insert_id(s, r, strings, stats, NULL, err);
}

vt_status vt__store_insert_id(vt_store *s, const vt_record *r, const vt_strpool *strings,
                              vt_insert_stats *stats, int64_t *id, vt_error *err)
{
    const uint32_t pids[K_COUNT] = {r->type, r->source, r->unit, r->device, r->source_version};
    vt_status st;
    if (r->type == 0 || r->source == 0) {
        return vt__error(err, VT_ERR_INVALID, "a record needs a type and a source");
    }
    vt__pending_record pr;
    memset(&pr, 0, sizeof pr);
    cache_for(s, strings);
    for (int k = 0; k < K_COUNT; k++) {
        if ((st = map_id(s, k, strings, pids[k], &pr.ids[k], err)) != VT_OK) {
            return st;
        }
    }
    size_t cat_len = 0;
    const char *cat =
        (r->flags & VT_RECORD_CATEGORY) ? vt_strpool_get(strings, r->category, &cat_len) : NULL;
    /* The natural key: what makes two samples the same sample, across exports. */
    uint64_t key = vt__hash_mix((uint64_t)pr.ids[K_TYPE], (uint64_t)pr.ids[K_SOURCE]);
    key = vt__hash_mix(key, (uint64_t)pr.ids[K_UNIT]);
    key = vt__hash_mix(key, (uint64_t)r->start.utc);
    key = vt__hash_mix(key, (uint64_t)r->end.utc);
    key = vt__hash_mix(key, (r->flags & VT_RECORD_HAS_CREATED) ? (uint64_t)r->created.utc : 0);
    if (r->flags & VT_RECORD_NUMERIC) {
        uint64_t bits;
        const double v = r->value == 0.0 ? 0.0 : r->value; /* -0.0 and 0.0 are one value */
        memcpy(&bits, &v, sizeof bits);
        key = vt__hash_mix(key, bits);
    } else if (cat) {
        key = vt__hash_mix(key, vt__hash_bytes(cat, cat_len, 1));
    }
    pr.key = key;
    const int32_t day = vt_time_local_day(r->start);
    if (!s->day_known || day != s->day_number) {
        vt_day_format(day, s->day_text);
        s->day_number = day;
        s->day_known = 1;
    }
    memcpy(pr.day, s->day_text, sizeof pr.day);
    pr.start = r->start.utc;
    pr.start_tz = r->start.offset_min;
    pr.end = r->end.utc;
    pr.end_tz = r->end.offset_min;
    pr.has_created = (r->flags & VT_RECORD_HAS_CREATED) != 0;
    pr.created = r->created.utc;
    pr.created_tz = r->created.offset_min;
    pr.has_value = (r->flags & VT_RECORD_NUMERIC) && isfinite(r->value);
    pr.value = r->value;
    pr.category = cat;
    pr.category_len = (int)cat_len;
    pr.stats = stats;
    int added = 0;
    if (!s->in_txn && sqlite3_get_autocommit(s->db)) {
        /* A transaction of its own: the record and its day_samples go in together. (In a
         * transaction begun by the caller's own SQL, its day_samples go in before the caller's
         * next statement through vt_store_query, COMMIT or ROLLBACK included.) */
        if ((st = vt_store_begin(s, err)) != VT_OK) {
            return st;
        }
        if ((st = vt__store_insert_now(s, &pr, r, &added, id, err)) != VT_OK) {
            vt_store_rollback(s);
            return st;
        }
        return vt_store_commit(s, err);
    }
    if (s->in_txn && !id) {
        return vt__store_queue(s, &pr, r, err);
    }
    /* Its id is wanted (the caller may look records up): it goes in now, behind the records
     * queued. */
    if ((st = vt__store_flush(s, err)) != VT_OK) {
        return st;
    }
    return vt__store_insert_now(s, &pr, r, &added, id, err);
}

vt_status vt_store_bulk_insert(vt_store *s, const vt_table *table, vt_insert_stats *stats,
                               vt_error *err)
{
    vt_insert_stats local = {0, 0};
    vt_status st = vt_store_begin(s, err);
    if (st != VT_OK) {
        return st;
    }
    const vt_strpool *strings = vt_table_strings_const(table);
    const size_t n = vt_table_count(table);
    for (size_t i = 0; i < n; i++) {
        vt_record r;
        vt_table_get(table, i, &r);
        if ((st = vt_store_insert(s, &r, strings, &local, err)) != VT_OK) {
            vt_store_rollback(s);
            return st;
        }
    }
    if ((st = vt_store_commit(s, err)) != VT_OK) {
        return st;
    }
    if (stats) {
        stats->inserted += local.inserted;
        stats->duplicates += local.duplicates;
    }
    return VT_OK;
}

static vt_status sink_record(void *ctx, const vt_record *rec, const vt_strpool *strings,
                             vt_error *err)
{
    vt_store *s = ctx;
    return vt_store_insert(s, rec, strings, s->sink_stats, err);
}

vt_sink vt_store_sink(vt_store *store, vt_insert_stats *stats)
{
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = store;
    sink.record = sink_record;
    store->sink_stats = stats;
    return sink;
}
