/* SPDX-License-Identifier: MIT */
/* The SQLite store: schema and migrations, record insertion with a natural key, queries. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

/* The string kinds of a record, each kept in its own lookup table. */
enum { K_TYPE, K_SOURCE, K_UNIT, K_DEVICE, K_VERSION, K_COUNT };

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

/* Maps the ids of one producer's string pool to database ids, per kind. */
typedef struct id_cache {
    uint64_t pool_serial;
    int64_t *ids[K_COUNT]; /* by pool id; 0 = not looked up yet */
    size_t cap[K_COUNT];
} id_cache;

/* The values of one row of `records`, ready to bind. */
typedef struct pending_record {
    int64_t ids[K_COUNT]; /* database ids; 0 binds NULL (type and source are never 0) */
    int64_t start, end, created;
    int start_tz, end_tz, created_tz;
    int has_created, has_value;
    double value;
    const char *category; /* in the string pool (its blocks never move), or NULL */
    int category_len;
    uint64_t key;
    char day[VT_DAY_BUFSZ];
    vt_insert_stats *stats;
} pending_record;

/* Rows per multi-row INSERT: a statement step has a fixed cost (cursors opened and closed,
 * registers allocated and freed, the halt) that 16 rows share. 16 x 15 parameters stay far
 * below SQLite's limit. */
enum { RECORD_ROWS = 16, RECORD_COLS = 15 };

struct vt_store {
    sqlite3 *db;
    char *path;
    int in_txn;
    sqlite3_stmt *insert_record, *insert_meta, *insert_beat, *meta_key_select, *meta_key_insert;
    sqlite3_stmt *record_id; /* a stored record's id by its natural key, prepared when needed */
    sqlite3_stmt *insert_records; /* RECORD_ROWS rows in one statement, prepared when needed */
    /* During an import, records without children wait here to go in RECORD_ROWS at a time. */
    int batching;
    size_t pending_count;
    pending_record pending[RECORD_ROWS];
    sqlite3_stmt *kind_select[K_COUNT], *kind_insert[K_COUNT];
    id_cache cache;
    vt_insert_stats *sink_stats;
    /* Metadata keys seen, so each entry costs a hash lookup, not a query: pool id -> db id. */
    vt_strpool *meta_keys;
    int64_t *meta_key_ids;
    size_t meta_key_cap;
};

/* Distinct metadata keys cached at most: real exports have a few hundred; past this (a
 * hostile file) keys are looked up in the database, so memory stays bounded. */
enum { META_KEY_CACHE_MAX = 1 << 16 };

static const char SCHEMA_V1[] =
    "CREATE TABLE types(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  identifier TEXT NOT NULL UNIQUE,\n"
    "  metric TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('discrete', 'cumulative', 'category')));\n"
    "CREATE INDEX types_metric ON types(metric);\n"
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE units(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE devices(id INTEGER PRIMARY KEY, description TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE source_versions(id INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE records(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  type_id INTEGER NOT NULL REFERENCES types(id),\n"
    "  source_id INTEGER NOT NULL REFERENCES sources(id),\n"
    "  source_version_id INTEGER REFERENCES source_versions(id),\n"
    "  device_id INTEGER REFERENCES devices(id),\n"
    "  unit_id INTEGER REFERENCES units(id),\n"
    "  day TEXT NOT NULL,\n"
    "  start_utc INTEGER NOT NULL,\n"
    "  start_tz INTEGER NOT NULL,\n"
    "  end_utc INTEGER NOT NULL,\n"
    "  end_tz INTEGER NOT NULL,\n"
    "  created_utc INTEGER,\n"
    "  created_tz INTEGER,\n"
    "  value REAL,\n"
    "  category TEXT,\n"
    "  natural_key INTEGER NOT NULL);\n"
    /* The natural key index doubles as the index of every query by type and day. */
    "CREATE UNIQUE INDEX records_natural ON records(type_id, day, start_utc, natural_key);\n"
    "CREATE TABLE metadata_keys(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE record_metadata(\n"
    "  record_id INTEGER NOT NULL REFERENCES records(id),\n"
    "  key_id INTEGER NOT NULL REFERENCES metadata_keys(id),\n"
    "  value TEXT NOT NULL);\n"
    "CREATE INDEX record_metadata_record ON record_metadata(record_id);\n"
    "CREATE TABLE record_beats(\n"
    "  record_id INTEGER NOT NULL REFERENCES records(id),\n"
    "  time_ms INTEGER NOT NULL,\n"
    "  bpm REAL NOT NULL);\n"
    "CREATE INDEX record_beats_record ON record_beats(record_id);\n"
    /* Local timestamps as Apple writes them, for people reading the database. */
    "CREATE VIEW samples AS SELECT r.id AS id, t.identifier AS type, t.metric AS metric,\n"
    "  s.name AS source, r.day AS day, r.value AS value, r.category AS category, u.name AS unit,\n"
    "  strftime('%Y-%m-%d %H:%M:%S', r.start_utc + 60 * r.start_tz, 'unixepoch')\n"
    "    || printf(' %s%02d%02d', CASE WHEN r.start_tz < 0 THEN '-' ELSE '+' END,\n"
    "              abs(r.start_tz) / 60, abs(r.start_tz) % 60) AS start,\n"
    "  strftime('%Y-%m-%d %H:%M:%S', r.end_utc + 60 * r.end_tz, 'unixepoch')\n"
    "    || printf(' %s%02d%02d', CASE WHEN r.end_tz < 0 THEN '-' ELSE '+' END,\n"
    "              abs(r.end_tz) / 60, abs(r.end_tz) % 60) AS \"end\",\n"
    "  d.description AS device\n"
    "FROM records r JOIN types t ON t.id = r.type_id JOIN sources s ON s.id = r.source_id\n"
    "  LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN devices d ON d.id = r.device_id;\n"
    "CREATE VIEW health_metrics AS SELECT r.day AS date, t.metric AS metric, r.value AS value,\n"
    "  u.name AS unit, s.name AS source,\n"
    "  strftime('%Y-%m-%d %H:%M:%S', r.start_utc + 60 * r.start_tz, 'unixepoch') AS start,\n"
    "  strftime('%Y-%m-%d %H:%M:%S', r.end_utc + 60 * r.end_tz, 'unixepoch') AS \"end\"\n"
    "FROM records r JOIN types t ON t.id = r.type_id JOIN sources s ON s.id = r.source_id\n"
    "  LEFT JOIN units u ON u.id = r.unit_id\n"
    "WHERE r.value IS NOT NULL;\n";

sqlite3 *vt__store_db(vt_store *store)
{
    return store->db;
}

vt_status vt__store_sqlite_error(sqlite3 *db, vt_error *err, const char *what)
{
    const int code = sqlite3_extended_errcode(db);
    const vt_status st =
        (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED ? VT_ERR_BUSY : VT_ERR_DB;
    return vt__error(err, st, "%s: %s", what, sqlite3_errmsg(db));
}

static vt_status exec(vt_store *s, const char *sql, vt_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        const int code = sqlite3_extended_errcode(s->db) & 0xff;
        vt__error(err, code == SQLITE_BUSY || code == SQLITE_LOCKED ? VT_ERR_BUSY : VT_ERR_DB,
                  "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return err ? err->code : VT_ERR_DB;
    }
    return VT_OK;
}

static vt_status prepare(vt_store *s, const char *sql, sqlite3_stmt **out, vt_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    return VT_OK;
}

static vt_status user_version(vt_store *s, int *version, vt_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    *version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return VT_OK;
}

/* Brings the schema to VT_STORE_SCHEMA_VERSION, one step per version, in one transaction. */
static vt_status migrate(vt_store *s, int read_only, vt_error *err)
{
    int version = 0;
    vt_status st = user_version(s, &version, err);
    if (st != VT_OK) {
        return st;
    }
    if (version == VT_STORE_SCHEMA_VERSION) {
        return VT_OK;
    }
    if (version > VT_STORE_SCHEMA_VERSION) {
        return vt__error(err, VT_ERR_FORMAT,
                         "%s: schema version %d is newer than this vitals (%d)", s->path, version,
                         VT_STORE_SCHEMA_VERSION);
    }
    if (read_only) {
        return vt__error(err, VT_ERR_FORMAT, "%s: not a vitals database (schema version %d)",
                         s->path, version);
    }
    if ((st = exec(s, "BEGIN IMMEDIATE", err)) != VT_OK) {
        return st;
    }
    /* Re-read under the write lock: another process may have migrated meanwhile. */
    if ((st = user_version(s, &version, err)) != VT_OK) {
        goto fail;
    }
    if (version == 0) {
        sqlite3_stmt *q;
        int tables = 0;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL) ==
            SQLITE_OK) {
            tables = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
            sqlite3_finalize(q);
        }
        if (tables > 0) {
            st = vt__error(err, VT_ERR_FORMAT, "%s: not a vitals database (it has other tables)",
                           s->path);
            goto fail;
        }
        if ((st = exec(s, SCHEMA_V1, err)) != VT_OK ||
            (st = vt__store_items_schema(s->db, err)) != VT_OK) {
            goto fail;
        }
        version = 1;
    }
    /* Later versions add their steps here: if (version == 1) { ...; version = 2; } */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    if ((st = exec(s, sql, err)) != VT_OK || (st = exec(s, "COMMIT", err)) != VT_OK) {
        goto fail;
    }
    return VT_OK;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static vt_status prepare_all(vt_store *s, vt_error *err)
{
    vt_status st;
    if ((st = prepare(s,
                      "INSERT OR IGNORE INTO records(type_id, source_id, source_version_id,"
                      " device_id, unit_id, day, start_utc, start_tz, end_utc, end_tz,"
                      " created_utc, created_tz, value, category, natural_key)"
                      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                      &s->insert_record, err)) != VT_OK ||
        (st = prepare(s, "INSERT INTO record_metadata(record_id, key_id, value) VALUES(?1, ?2, ?3)",
                      &s->insert_meta, err)) != VT_OK ||
        (st = prepare(s, "INSERT INTO record_beats(record_id, time_ms, bpm) VALUES(?1, ?2, ?3)",
                      &s->insert_beat, err)) != VT_OK ||
        (st = prepare(s, "SELECT id FROM metadata_keys WHERE key = ?1", &s->meta_key_select,
                      err)) != VT_OK ||
        (st = prepare(s, "INSERT INTO metadata_keys(key) VALUES(?1)", &s->meta_key_insert, err)) !=
            VT_OK) {
        return st;
    }
    for (int k = 0; k < K_COUNT; k++) {
        if ((st = prepare(s, KIND_SELECT[k], &s->kind_select[k], err)) != VT_OK ||
            (st = prepare(s, KIND_INSERT[k], &s->kind_insert[k], err)) != VT_OK) {
            return st;
        }
    }
    return VT_OK;
}

vt_status vt_store_open(const char *path, const vt_store_options *options, vt_store **out,
                        vt_error *err)
{
    const vt_store_options defaults = {0, 5000, 2048};
    const vt_store_options *o = options ? options : &defaults;
    vt_store *s = vt__calloc(1, sizeof *s);
    if (!s || !(s->path = vt__strndup(path, strlen(path)))) {
        vt__free(s);
        return vt__nomem(err);
    }
    const int memory = strcmp(path, ":memory:") == 0;
    const int flags = o->read_only ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    vt_status st;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        st = vt__error(err, VT_ERR_DB, "%s: %s", path,
                       s->db ? sqlite3_errmsg(s->db) : "unable to open database");
        vt_store_close(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
    /* A new file gets 16 KiB pages (SQLite's default is 4 KiB): a quarter of the pages, page
     * writes and WAL frames for the same rows, and shallower trees. It must come before the
     * journal mode, which writes the first page, and before the cache size, which SQLite turns
     * into a number of pages of the page size of the moment. On an existing file it changes
     * nothing. */
    if (!o->read_only && (st = exec(s, "PRAGMA page_size = 16384", err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    char pragma[128];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d; PRAGMA temp_store = MEMORY;",
             o->cache_kib > 0 ? o->cache_kib : 2048);
    if ((st = exec(s, pragma, err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    /* WAL lets readers go on while an import writes; NORMAL sync is crash-safe in WAL mode. */
    if (!memory && !o->read_only &&
        (st = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    if ((st = vt_strpool_new(&s->meta_keys, err)) != VT_OK ||
        (st = migrate(s, o->read_only, err)) != VT_OK || (st = prepare_all(s, err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    *out = s;
    return VT_OK;
}

vt_status vt_store_process_init(void)
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK ? VT_OK : VT_ERR_INVALID;
}

void vt_store_close(vt_store *s)
{
    if (!s) {
        return;
    }
    if (s->in_txn) {
        vt_store_rollback(s);
    }
    sqlite3_finalize(s->insert_record);
    sqlite3_finalize(s->record_id);
    sqlite3_finalize(s->insert_records);
    sqlite3_finalize(s->insert_meta);
    sqlite3_finalize(s->insert_beat);
    sqlite3_finalize(s->meta_key_select);
    sqlite3_finalize(s->meta_key_insert);
    for (int k = 0; k < K_COUNT; k++) {
        sqlite3_finalize(s->kind_select[k]);
        sqlite3_finalize(s->kind_insert[k]);
        vt__free(s->cache.ids[k]);
    }
    sqlite3_close(s->db);
    vt_strpool_free(s->meta_keys);
    vt__free(s->meta_key_ids);
    vt__free(s->path);
    vt__free(s);
}

vt_status vt_store_begin(vt_store *s, vt_error *err)
{
    if (s->in_txn) {
        return vt__error(err, VT_ERR_INVALID, "%s: a transaction is already open", s->path);
    }
    vt_status st = exec(s, "BEGIN IMMEDIATE", err);
    if (st == VT_OK) {
        s->in_txn = 1;
    }
    return st;
}

static vt_status flush_records(vt_store *s, vt_error *err);

void vt__store_batch_records(vt_store *s)
{
    s->batching = s->in_txn;
}

vt_status vt__store_flush(vt_store *s, vt_error *err)
{
    return flush_records(s, err);
}

vt_status vt_store_commit(vt_store *s, vt_error *err)
{
    vt_status st = flush_records(s, err);
    s->batching = 0;
    if (st != VT_OK) {
        vt_store_rollback(s);
        return st;
    }
    st = exec(s, "COMMIT", err);
    if (st == VT_OK) {
        s->in_txn = 0;
    } else {
        vt_store_rollback(s);
    }
    return st;
}

void vt_store_rollback(vt_store *s)
{
    s->pending_count = 0;
    s->batching = 0;
    if (!sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    s->in_txn = 0;
    /* Ids inserted by the rolled-back transaction are gone: forget every cached id. */
    if (s->meta_key_ids) {
        memset(s->meta_key_ids, 0, s->meta_key_cap * sizeof *s->meta_key_ids);
    }
    for (int k = 0; k < K_COUNT; k++) {
        if (s->cache.ids[k]) {
            memset(s->cache.ids[k], 0, s->cache.cap[k] * sizeof *s->cache.ids[k]);
        }
    }
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

/* The database id of pool string `pid` of `kind`, through the per-pool cache. */
static vt_status map_id(vt_store *s, int kind, const vt_strpool *pool, uint32_t pid, int64_t *id,
                        vt_error *err)
{
    if (pid == 0) {
        *id = 0;
        return VT_OK;
    }
    id_cache *c = &s->cache;
    if (VT__UNLIKELY(c->pool_serial != vt__strpool_serial(pool))) {
        for (int k = 0; k < K_COUNT; k++) {
            if (c->ids[k]) {
                memset(c->ids[k], 0, c->cap[k] * sizeof *c->ids[k]);
            }
        }
        c->pool_serial = vt__strpool_serial(pool);
    }
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

static vt_status meta_key_id(vt_store *s, const char *key, size_t len, int64_t *id, vt_error *err)
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

static vt_status insert_children(vt_store *s, const vt_record *r, int64_t rowid, vt_error *err)
{
    for (uint32_t i = 0; i < r->metadata_count; i++) {
        const vt_metadata_entry *m = &r->metadata[i];
        int64_t key = 0;
        vt_status st = meta_key_id(s, m->key, m->key_len, &key, err);
        if (st != VT_OK) {
            return st;
        }
        sqlite3_bind_int64(s->insert_meta, 1, rowid);
        sqlite3_bind_int64(s->insert_meta, 2, key);
        sqlite3_bind_text(s->insert_meta, 3, m->value, (int)m->value_len, SQLITE_STATIC);
        const int rc = sqlite3_step(s->insert_meta);
        sqlite3_reset(s->insert_meta);
        if (rc != SQLITE_DONE) {
            return vt__store_sqlite_error(s->db, err, s->path);
        }
    }
    for (uint32_t i = 0; i < r->beat_count; i++) {
        sqlite3_bind_int64(s->insert_beat, 1, rowid);
        sqlite3_bind_int64(s->insert_beat, 2, r->beats[i].utc_ms);
        sqlite3_bind_double(s->insert_beat, 3, r->beats[i].bpm);
        const int rc = sqlite3_step(s->insert_beat);
        sqlite3_reset(s->insert_beat);
        if (rc != SQLITE_DONE) {
            return vt__store_sqlite_error(s->db, err, s->path);
        }
    }
    return VT_OK;
}

/* The id of the stored record with this natural key (the unique index's columns). */
static vt_status stored_record_id(vt_store *s, int64_t type_id, const char *day, int64_t start,
                                  uint64_t key, int64_t *id, vt_error *err)
{
    vt_status st;
    if (!s->record_id &&
        (st = prepare(s,
                      "SELECT id FROM records WHERE type_id = ?1 AND day = ?2 AND start_utc = ?3"
                      " AND natural_key = ?4",
                      &s->record_id, err)) != VT_OK) {
        return st;
    }
    sqlite3_stmt *q = s->record_id;
    sqlite3_bind_int64(q, 1, type_id);
    sqlite3_bind_text(q, 2, day, 10, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, start);
    sqlite3_bind_int64(q, 4, (int64_t)key);
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

/* Binds one row's 15 values from parameter base+1 on. */
static void bind_record(sqlite3_stmt *q, int base, const pending_record *pr)
{
    static const int col[K_COUNT] = {1, 2, 5, 4, 3}; /* type, source, unit, device, version */
    for (int k = 0; k < K_COUNT; k++) {
        if (pr->ids[k]) {
            sqlite3_bind_int64(q, base + col[k], pr->ids[k]);
        } else {
            sqlite3_bind_null(q, base + col[k]);
        }
    }
    sqlite3_bind_text(q, base + 6, pr->day, 10, SQLITE_STATIC);
    sqlite3_bind_int64(q, base + 7, pr->start);
    sqlite3_bind_int(q, base + 8, pr->start_tz);
    sqlite3_bind_int64(q, base + 9, pr->end);
    sqlite3_bind_int(q, base + 10, pr->end_tz);
    if (pr->has_created) {
        sqlite3_bind_int64(q, base + 11, pr->created);
        sqlite3_bind_int(q, base + 12, pr->created_tz);
    } else {
        sqlite3_bind_null(q, base + 11);
        sqlite3_bind_null(q, base + 12);
    }
    if (pr->has_value) {
        sqlite3_bind_double(q, base + 13, pr->value);
    } else {
        sqlite3_bind_null(q, base + 13);
    }
    if (pr->category) {
        sqlite3_bind_text(q, base + 14, pr->category, pr->category_len, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(q, base + 14);
    }
    sqlite3_bind_int64(q, base + 15, (int64_t)pr->key);
}

/* Steps a bound insert; gives how many of its rows were new (the others were stored). */
static vt_status run_insert(vt_store *s, sqlite3_stmt *q, int *added, vt_error *err)
{
    const int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    *added = sqlite3_changes(s->db);
    return VT_OK;
}

static void count(vt_insert_stats *stats, int rows, int added)
{
    if (stats) {
        stats->inserted += (uint64_t)added;
        stats->duplicates += (uint64_t)(rows - added);
    }
}

static vt_status prepare_insert_records(vt_store *s, vt_error *err)
{
    static const char head[] = "INSERT OR IGNORE INTO records(type_id, source_id, "
                               "source_version_id, device_id, unit_id, day, start_utc, start_tz, "
                               "end_utc, end_tz, created_utc, created_tz, value, category, "
                               "natural_key) VALUES";
    char sql[sizeof head + RECORD_ROWS * 32];
    size_t len = sizeof head - 1;
    memcpy(sql, head, len);
    for (int i = 0; i < RECORD_ROWS; i++) {
        static const char row[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        if (i > 0) {
            sql[len++] = ',';
        }
        memcpy(sql + len, row, sizeof row - 1);
        len += sizeof row - 1;
    }
    sql[len] = '\0';
    return prepare(s, sql, &s->insert_records, err);
}

/* Inserts the records waiting: a full group in one statement, a shorter one row by row. */
static vt_status flush_records(vt_store *s, vt_error *err)
{
    const size_t n = s->pending_count;
    s->pending_count = 0;
    vt_status st;
    int added = 0;
    if (n == RECORD_ROWS) {
        if (!s->insert_records && (st = prepare_insert_records(s, err)) != VT_OK) {
            return st;
        }
        for (size_t i = 0; i < n; i++) {
            bind_record(s->insert_records, (int)i * RECORD_COLS, &s->pending[i]);
        }
        if ((st = run_insert(s, s->insert_records, &added, err)) != VT_OK) {
            return st;
        }
        count(s->pending[0].stats, (int)n, added);
        return VT_OK;
    }
    for (size_t i = 0; i < n; i++) {
        bind_record(s->insert_record, 0, &s->pending[i]);
        if ((st = run_insert(s, s->insert_record, &added, err)) != VT_OK) {
            return st;
        }
        count(s->pending[i].stats, 1, added);
    }
    return VT_OK;
}

vt_status vt__store_insert_id(vt_store *s, const vt_record *r, const vt_strpool *strings,
                              vt_insert_stats *stats, int64_t *id, vt_error *err)
{
    const uint32_t pids[K_COUNT] = {r->type, r->source, r->unit, r->device, r->source_version};
    vt_status st;
    if (r->type == 0 || r->source == 0) {
        return vt__error(err, VT_ERR_INVALID, "a record needs a type and a source");
    }
    pending_record one;
    const int wait = s->batching && !id && !r->metadata_count && !r->beat_count;
    if (wait && s->pending_count > 0 && s->pending[0].stats != stats) {
        if ((st = flush_records(s, err)) != VT_OK) {
            return st;
        }
    }
    pending_record *pr = wait ? &s->pending[s->pending_count] : &one;
    for (int k = 0; k < K_COUNT; k++) {
        if ((st = map_id(s, k, strings, pids[k], &pr->ids[k], err)) != VT_OK) {
            return st;
        }
    }
    size_t cat_len = 0;
    const char *cat = (r->flags & VT_RECORD_CATEGORY) ? vt_strpool_get(strings, r->category, &cat_len)
                                                      : NULL;
    /* The natural key: what makes two samples the same sample, across exports. */
    uint64_t key = vt__hash_mix((uint64_t)pr->ids[K_TYPE], (uint64_t)pr->ids[K_SOURCE]);
    key = vt__hash_mix(key, (uint64_t)pr->ids[K_UNIT]);
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
    pr->key = key;
    vt_day_format(vt_time_local_day(r->start), pr->day);
    pr->start = r->start.utc;
    pr->start_tz = r->start.offset_min;
    pr->end = r->end.utc;
    pr->end_tz = r->end.offset_min;
    pr->has_created = (r->flags & VT_RECORD_HAS_CREATED) != 0;
    pr->created = r->created.utc;
    pr->created_tz = r->created.offset_min;
    pr->has_value = (r->flags & VT_RECORD_NUMERIC) && isfinite(r->value);
    pr->value = r->value;
    pr->category = cat;
    pr->category_len = (int)cat_len;
    pr->stats = stats;
    if (wait) {
        return ++s->pending_count == RECORD_ROWS ? flush_records(s, err) : VT_OK;
    }
    /* A record with children, or whose id is wanted, goes in alone and now, ahead of the
     * records waiting (its row id is needed). Those go first when one of them has its natural
     * key, so that the first in the input still wins; and when its id is wanted, since the
     * caller may look records up. */
    int same = id != NULL;
    for (size_t i = 0; !same && i < s->pending_count; i++) {
        const pending_record *w = &s->pending[i];
        same = w->key == pr->key && w->ids[K_TYPE] == pr->ids[K_TYPE] && w->start == pr->start &&
               memcmp(w->day, pr->day, 10) == 0;
    }
    if (same && (st = flush_records(s, err)) != VT_OK) {
        return st;
    }
    int added = 0;
    bind_record(s->insert_record, 0, pr);
    if ((st = run_insert(s, s->insert_record, &added, err)) != VT_OK) {
        return st;
    }
    count(stats, 1, added);
    if (!added) {
        return id ? stored_record_id(s, pr->ids[K_TYPE], pr->day, pr->start, key, id, err)
                  : VT_OK;
    }
    const int64_t rowid = sqlite3_last_insert_rowid(s->db);
    if (id) {
        *id = rowid;
    }
    if (r->metadata_count || r->beat_count) {
        return insert_children(s, r, rowid, err);
    }
    return VT_OK;
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

vt_status vt_store_query(vt_store *s, const char *sql, vt_row_fn fn, void *ctx, vt_error *err)
{
    sqlite3_stmt *q;
    const vt_status flushed = flush_records(s, err);
    if (flushed != VT_OK) {
        return flushed;
    }
    const char *tail = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, &tail) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, "query");
    }
    if (!q) {
        return vt__error(err, VT_ERR_INVALID, "query: empty statement");
    }
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';')) {
        tail++;
    }
    if (tail && *tail) {
        sqlite3_finalize(q);
        return vt__error(err, VT_ERR_INVALID, "query: only one statement at a time");
    }
    const int ncols = sqlite3_column_count(q);
    const char *names[64];
    const char *values[64];
    if (ncols > 64) {
        sqlite3_finalize(q);
        return vt__error(err, VT_ERR_LIMIT, "query: more than 64 columns");
    }
    for (int i = 0; i < ncols; i++) {
        names[i] = sqlite3_column_name(q, i);
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            values[i] = (const char *)sqlite3_column_text(q, i);
        }
        if (fn && fn(ctx, ncols, values, names) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    vt_status st = VT_OK;
    if (rc != SQLITE_DONE) {
        st = vt__store_sqlite_error(s->db, err, "query");
    }
    sqlite3_finalize(q);
    return st;
}

vt_status vt_store_count(vt_store *s, uint64_t *count, vt_error *err)
{
    sqlite3_stmt *q;
    const vt_status flushed = flush_records(s, err);
    if (flushed != VT_OK) {
        return flushed;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM records", -1, &q, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    vt_status st = VT_OK;
    if (sqlite3_step(q) == SQLITE_ROW) {
        *count = (uint64_t)sqlite3_column_int64(q, 0);
    } else {
        st = vt__store_sqlite_error(s->db, err, s->path);
    }
    sqlite3_finalize(q);
    return st;
}
