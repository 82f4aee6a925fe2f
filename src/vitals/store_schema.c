/* SPDX-License-Identifier: MIT */
/* The store's schema (version 1: records and their strings, metadata, beats, the views;
 * version 2: day_samples) and its migrations, run when a store is opened. */
#include <stdio.h>

#include "store_private.h"

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

/* Schema 2: the daily calculator's copy of the records (store_days.c). */
static const char SCHEMA_V2[] =
    "CREATE TABLE day_samples(\n"
    "  type_id INTEGER NOT NULL REFERENCES types(id),\n"
    "  day TEXT NOT NULL,\n"
    "  first_start INTEGER NOT NULL,\n"
    "  first_key INTEGER NOT NULL,\n"
    "  count INTEGER NOT NULL,\n"
    "  samples BLOB NOT NULL,\n"
    "  PRIMARY KEY (type_id, day, first_start, first_key)) WITHOUT ROWID;\n";

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

vt_status vt__store_migrate(vt_store *s, int read_only, vt_error *err)
{
    int version = 0;
    vt_status st = user_version(s, &version, err);
    if (st != VT_OK) {
        return st;
    }
    s->schema_version = version;
    if (version == VT_STORE_SCHEMA_VERSION) {
        return VT_OK;
    }
    if (version > VT_STORE_SCHEMA_VERSION) {
        return vt__error(err, VT_ERR_FORMAT, "%s: schema version %d is newer than this vitals (%d)",
                         s->path, version, VT_STORE_SCHEMA_VERSION);
    }
    if (read_only) {
        /* An older schema is read as it is (daily reads `records` without day_samples). */
        return version >= 1
                   ? VT_OK
                   : vt__error(err, VT_ERR_FORMAT, "%s: not a vitals database (schema version %d)",
                               s->path, version);
    }
    if ((st = vt__store_exec(s, "BEGIN IMMEDIATE", err)) != VT_OK) {
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
        if ((st = vt__store_exec(s, SCHEMA_V1, err)) != VT_OK ||
            (st = vt__store_items_schema(s->db, err)) != VT_OK) {
            goto fail;
        }
        version = 1;
    }
    if (version == 1) {
        if ((st = vt__store_exec(s, SCHEMA_V2, err)) != VT_OK ||
            (st = vt__days_build(s, err)) != VT_OK) {
            goto fail;
        }
        version = 2;
    }
    /* Later versions add their steps here: if (version == 2) { ...; version = 3; } */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    if ((st = vt__store_exec(s, sql, err)) != VT_OK ||
        (st = vt__store_exec(s, "COMMIT", err)) != VT_OK) {
        goto fail;
    }
    s->schema_version = version;
    return VT_OK;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
