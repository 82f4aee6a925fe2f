/* SPDX-License-Identifier: MIT */
/* Tables of the items an export holds beside records (workouts, routes, correlations,
 * activity summaries, export info, other elements) and their natural-key inserts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

static const char ITEMS_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS export_info(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  locale TEXT,\n"
    "  export_date_utc INTEGER,\n"
    "  export_date_tz INTEGER,\n"
    "  me_json TEXT,\n"
    "  natural_key TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS workouts(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  activity_type TEXT NOT NULL,\n"
    "  source TEXT, source_version TEXT, device TEXT,\n"
    "  start_utc INTEGER NOT NULL, start_tz INTEGER NOT NULL,\n"
    "  end_utc INTEGER NOT NULL, end_tz INTEGER NOT NULL,\n"
    "  created_utc INTEGER, created_tz INTEGER,\n"
    "  duration REAL, duration_unit TEXT,\n"
    "  total_distance REAL, total_distance_unit TEXT,\n"
    "  total_energy_burned REAL, total_energy_burned_unit TEXT,\n"
    "  natural_key TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS workout_metadata(\n"
    "  workout_id INTEGER NOT NULL REFERENCES workouts(id),\n"
    "  key TEXT NOT NULL, value TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS workout_metadata_workout ON workout_metadata(workout_id);\n"
    "CREATE TABLE IF NOT EXISTS workout_events(\n"
    "  workout_id INTEGER NOT NULL REFERENCES workouts(id),\n"
    "  type TEXT NOT NULL, date_utc INTEGER NOT NULL, date_tz INTEGER NOT NULL,\n"
    "  duration REAL, duration_unit TEXT);\n"
    "CREATE INDEX IF NOT EXISTS workout_events_workout ON workout_events(workout_id);\n"
    "CREATE TABLE IF NOT EXISTS workout_statistics(\n"
    "  workout_id INTEGER NOT NULL REFERENCES workouts(id),\n"
    "  type TEXT NOT NULL,\n"
    "  start_utc INTEGER, start_tz INTEGER, end_utc INTEGER, end_tz INTEGER,\n"
    "  sum REAL, average REAL, minimum REAL, maximum REAL, unit TEXT);\n"
    "CREATE INDEX IF NOT EXISTS workout_statistics_workout ON workout_statistics(workout_id);\n"
    "CREATE TABLE IF NOT EXISTS route_refs(\n"
    "  id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS workout_routes(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  workout_id INTEGER NOT NULL REFERENCES workouts(id),\n"
    "  ref_id INTEGER NOT NULL REFERENCES route_refs(id),\n"
    "  file_path TEXT,\n"
    "  source TEXT, source_version TEXT, device TEXT,\n"
    "  start_utc INTEGER, start_tz INTEGER, end_utc INTEGER, end_tz INTEGER,\n"
    "  created_utc INTEGER, created_tz INTEGER,\n"
    "  metadata_json TEXT,\n"
    "  UNIQUE(workout_id, ref_id));\n"
    "CREATE TABLE IF NOT EXISTS route_points(\n"
    "  ref_id INTEGER NOT NULL REFERENCES route_refs(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  time_ms INTEGER,\n"
    "  latitude REAL, longitude REAL, elevation REAL, speed REAL, course REAL,\n"
    "  horizontal_accuracy REAL, vertical_accuracy REAL,\n"
    "  PRIMARY KEY(ref_id, seq)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS correlations(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  type TEXT NOT NULL,\n"
    "  source TEXT, source_version TEXT, device TEXT,\n"
    "  start_utc INTEGER NOT NULL, start_tz INTEGER NOT NULL,\n"
    "  end_utc INTEGER NOT NULL, end_tz INTEGER NOT NULL,\n"
    "  created_utc INTEGER, created_tz INTEGER,\n"
    "  metadata_json TEXT,\n"
    "  natural_key TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS correlation_members(\n"
    "  correlation_id INTEGER NOT NULL REFERENCES correlations(id),\n"
    "  record_id INTEGER NOT NULL REFERENCES records(id),\n"
    "  PRIMARY KEY(correlation_id, record_id)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS activity_summaries(\n"
    "  day TEXT PRIMARY KEY,\n"
    "  active_energy_burned REAL, active_energy_burned_goal REAL,\n"
    "  active_energy_burned_unit TEXT,\n"
    "  move_time REAL, move_time_goal REAL,\n"
    "  exercise_time REAL, exercise_time_goal REAL,\n"
    "  stand_hours REAL, stand_hours_goal REAL);\n"
    "CREATE TABLE IF NOT EXISTS elements(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  parent_id INTEGER REFERENCES elements(id),\n"
    "  seq INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  attributes_json TEXT NOT NULL);\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS elements_top ON elements(name, attributes_json)\n"
    "  WHERE parent_id IS NULL;\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS elements_child ON elements(parent_id, seq)\n"
    "  WHERE parent_id IS NOT NULL;\n";

vt_status vt__store_items_schema(sqlite3 *db, vt_error *err)
{
    if (sqlite3_exec(db, ITEMS_SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(db, err, "creating the import tables");
    }
    return VT_OK;
}

/* ---- the inserter ------------------------------------------------------------------- */

enum {
    Q_INFO,
    Q_WORKOUT,
    Q_WMETA,
    Q_WEVENT,
    Q_WSTAT,
    Q_REF_SELECT,
    Q_REF_INSERT,
    Q_ROUTE,
    Q_POINT,
    Q_CORR,
    Q_CMEMBER,
    Q_SUMMARY,
    Q_ELEMENT,
    Q_ELEMENT_ID,
    Q_COUNT
};

static const char *const SQL[Q_COUNT] = {
    "INSERT OR IGNORE INTO export_info(locale, export_date_utc, export_date_tz, me_json,"
    " natural_key) VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT OR IGNORE INTO workouts(activity_type, source, source_version, device, start_utc,"
    " start_tz, end_utc, end_tz, created_utc, created_tz, duration, duration_unit,"
    " total_distance, total_distance_unit, total_energy_burned, total_energy_burned_unit,"
    " natural_key) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
    " ?16, ?17)",
    "INSERT INTO workout_metadata(workout_id, key, value) VALUES(?1, ?2, ?3)",
    "INSERT INTO workout_events(workout_id, type, date_utc, date_tz, duration, duration_unit)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO workout_statistics(workout_id, type, start_utc, start_tz, end_utc, end_tz,"
    " sum, average, minimum, maximum, unit) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "SELECT id FROM route_refs WHERE ref = ?1",
    "INSERT INTO route_refs(ref) VALUES(?1)",
    "INSERT OR IGNORE INTO workout_routes(workout_id, ref_id, file_path, source, source_version,"
    " device, start_utc, start_tz, end_utc, end_tz, created_utc, created_tz, metadata_json)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "INSERT OR IGNORE INTO route_points(ref_id, seq, time_ms, latitude, longitude, elevation,"
    " speed, course, horizontal_accuracy, vertical_accuracy)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "INSERT OR IGNORE INTO correlations(type, source, source_version, device, start_utc,"
    " start_tz, end_utc, end_tz, created_utc, created_tz, metadata_json, natural_key)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT OR IGNORE INTO correlation_members(correlation_id, record_id) VALUES(?1, ?2)",
    /* A later export knows more of a day's rings: the newest values win. */
    "INSERT INTO activity_summaries(day, active_energy_burned, active_energy_burned_goal,"
    " active_energy_burned_unit, move_time, move_time_goal, exercise_time, exercise_time_goal,"
    " stand_hours, stand_hours_goal) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    " ON CONFLICT(day) DO UPDATE SET active_energy_burned = excluded.active_energy_burned,"
    " active_energy_burned_goal = excluded.active_energy_burned_goal,"
    " active_energy_burned_unit = excluded.active_energy_burned_unit,"
    " move_time = excluded.move_time, move_time_goal = excluded.move_time_goal,"
    " exercise_time = excluded.exercise_time, exercise_time_goal = excluded.exercise_time_goal,"
    " stand_hours = excluded.stand_hours, stand_hours_goal = excluded.stand_hours_goal",
    "INSERT OR IGNORE INTO elements(parent_id, seq, name, attributes_json)"
    " VALUES(?1, ?2, ?3, ?4)",
    "SELECT id FROM elements WHERE parent_id IS NULL AND name = ?1 AND attributes_json = ?2",
};

#define MAX_ELEMENT_DEPTH 70

struct vt__items {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    vt_items_stats *stats;
    /* Route points: the current ref and its next sequence number. */
    uint32_t point_ref;
    int64_t point_ref_id;
    int64_t point_seq;
    /* Other elements: the row of each open depth, and whether the group is new. */
    int64_t element_ids[MAX_ELEMENT_DEPTH];
    int64_t element_seq[MAX_ELEMENT_DEPTH];
    uint64_t element_group;
    int element_skip;
    char *text;
    size_t text_cap;
};

static vt_status db_fail(vt__items *it, vt_error *err, const char *what)
{
    return vt__store_sqlite_error(it->db, err, what);
}

vt_status vt__items_open(vt_store *store, vt_items_stats *stats, vt__items **out, vt_error *err)
{
    *out = NULL;
    vt__items *it = vt__calloc(1, sizeof *it);
    if (!it) {
        return vt__nomem(err);
    }
    it->db = vt__store_db(store);
    it->stats = stats;
    /* Databases made before these tables existed get them now (inside the import's
     * transaction, so a failed import leaves no trace). */
    vt_status st = vt__store_items_schema(it->db, err);
    for (int i = 0; st == VT_OK && i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(it->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &it->q[i], NULL) !=
            SQLITE_OK) {
            st = db_fail(it, err, "preparing the import statements");
        }
    }
    if (st != VT_OK) {
        vt__items_close(it);
        return st;
    }
    *out = it;
    return VT_OK;
}

void vt__items_close(vt__items *it)
{
    if (!it) {
        return;
    }
    for (int i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(it->q[i]);
    }
    vt__free(it->text);
    vt__free(it);
}

/* ---- binding helpers ---------------------------------------------------------------- */

static void bind_str(sqlite3_stmt *q, int col, const vt_strpool *strings, uint32_t id)
{
    size_t len;
    const char *s = vt_strpool_get(strings, id, &len);
    if (id) {
        sqlite3_bind_text(q, col, s, (int)len, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(q, col);
    }
}

static void bind_num(sqlite3_stmt *q, int col, double v)
{
    if (isfinite(v)) {
        sqlite3_bind_double(q, col, v);
    } else {
        sqlite3_bind_null(q, col);
    }
}

static void bind_time(sqlite3_stmt *q, int col, vt_time t, int present)
{
    if (present) {
        sqlite3_bind_int64(q, col, t.utc);
        sqlite3_bind_int(q, col + 1, t.offset_min);
    } else {
        sqlite3_bind_null(q, col);
        sqlite3_bind_null(q, col + 1);
    }
}

/* Runs an INSERT; `*changed` (may be NULL) says whether a row was written. */
static vt_status step(vt__items *it, sqlite3_stmt *q, int *changed, vt_error *err, const char *what)
{
    const int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE) {
        return db_fail(it, err, what);
    }
    if (changed) {
        *changed = sqlite3_changes(it->db) > 0;
    }
    return VT_OK;
}

/* A text buffer reused for natural keys and JSON. */
static int text_reserve(vt__items *it, size_t need)
{
    return vt__grow((void **)&it->text, &it->text_cap, need, 1) == 0;
}

/* Appends `s[0..len)` as a JSON string (quotes and escapes) at it->text + *at. */
static int json_append(vt__items *it, size_t *at, const char *s, size_t len)
{
    if (!text_reserve(it, *at + 6 * len + 3)) {
        return 0;
    }
    char *p = it->text + *at;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p += snprintf(p, 7, "\\u%04x", c);
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    *at = (size_t)(p - it->text);
    return 1;
}

/* Metadata as a JSON object of strings, into it->text; NULL for none. */
static const char *metadata_json(vt__items *it, const vt_metadata_entry *m, uint32_t n, int *nomem)
{
    *nomem = 0;
    if (n == 0) {
        return NULL;
    }
    size_t at = 0;
    if (!text_reserve(it, 2)) {
        *nomem = 1;
        return NULL;
    }
    it->text[at++] = '{';
    for (uint32_t i = 0; i < n; i++) {
        if (i) {
            it->text[at++] = ',';
        }
        if (!json_append(it, &at, m[i].key, m[i].key_len) || !text_reserve(it, at + 2)) {
            *nomem = 1;
            return NULL;
        }
        it->text[at++] = ':';
        if (!json_append(it, &at, m[i].value, m[i].value_len) || !text_reserve(it, at + 2)) {
            *nomem = 1;
            return NULL;
        }
    }
    it->text[at++] = '}';
    it->text[at] = '\0';
    return it->text;
}

/* ---- items -------------------------------------------------------------------------- */

vt_status vt__items_export_info(vt__items *it, const vt_export_info *info,
                                const vt_strpool *strings, vt_error *err)
{
    sqlite3_stmt *q = it->q[Q_INFO];
    char date[VT_TIME_BUFSZ] = "";
    if (info->has_export_date) {
        vt_time_format(info->export_date, date);
    }
    const char *locale = vt_strpool_get(strings, info->locale, NULL);
    const char *me = info->me_json ? info->me_json : "";
    const size_t need = strlen(date) + strlen(locale) + strlen(me) + 4;
    if (!text_reserve(it, need)) {
        return vt__nomem(err);
    }
    snprintf(it->text, need, "%s|%s|%s", date, locale, me);
    bind_str(q, 1, strings, info->locale);
    bind_time(q, 2, info->export_date, info->has_export_date);
    if (info->me_json) {
        sqlite3_bind_text(q, 4, info->me_json, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(q, 5, it->text, -1, SQLITE_STATIC);
    return step(it, q, NULL, err, "storing the export info");
}

static vt_status ref_id(vt__items *it, const vt_strpool *strings, uint32_t ref, int64_t *id,
                        vt_error *err)
{
    size_t len;
    const char *s = vt_strpool_get(strings, ref, &len);
    sqlite3_stmt *q = it->q[Q_REF_SELECT];
    sqlite3_bind_text(q, 1, s, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_ROW) {
        return VT_OK;
    }
    if (rc != SQLITE_DONE) {
        return db_fail(it, err, "looking up a route");
    }
    q = it->q[Q_REF_INSERT];
    sqlite3_bind_text(q, 1, s, (int)len, SQLITE_STATIC);
    const vt_status st = step(it, q, NULL, err, "storing a route reference");
    *id = sqlite3_last_insert_rowid(it->db);
    return st;
}

static vt_status workout_children(vt__items *it, int64_t wid, const vt_workout *w,
                                  const vt_strpool *strings, vt_error *err)
{
    vt_status st = VT_OK;
    for (uint32_t i = 0; st == VT_OK && i < w->metadata_count; i++) {
        sqlite3_stmt *q = it->q[Q_WMETA];
        sqlite3_bind_int64(q, 1, wid);
        sqlite3_bind_text(q, 2, w->metadata[i].key, (int)w->metadata[i].key_len, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, w->metadata[i].value, (int)w->metadata[i].value_len, SQLITE_STATIC);
        st = step(it, q, NULL, err, "storing workout metadata");
    }
    for (uint32_t i = 0; st == VT_OK && i < w->event_count; i++) {
        const vt_workout_event *e = &w->events[i];
        sqlite3_stmt *q = it->q[Q_WEVENT];
        sqlite3_bind_int64(q, 1, wid);
        bind_str(q, 2, strings, e->type);
        bind_time(q, 3, e->date, 1);
        bind_num(q, 5, e->duration);
        bind_str(q, 6, strings, e->duration_unit);
        st = step(it, q, NULL, err, "storing a workout event");
    }
    for (uint32_t i = 0; st == VT_OK && i < w->statistic_count; i++) {
        const vt_workout_statistic *s = &w->statistics[i];
        sqlite3_stmt *q = it->q[Q_WSTAT];
        sqlite3_bind_int64(q, 1, wid);
        bind_str(q, 2, strings, s->type);
        bind_time(q, 3, s->start, 1);
        bind_time(q, 5, s->end, 1);
        bind_num(q, 7, s->sum);
        bind_num(q, 8, s->average);
        bind_num(q, 9, s->minimum);
        bind_num(q, 10, s->maximum);
        bind_str(q, 11, strings, s->unit);
        st = step(it, q, NULL, err, "storing workout statistics");
    }
    for (uint32_t i = 0; st == VT_OK && i < w->route_count; i++) {
        const vt_workout_route *r = &w->routes[i];
        int64_t rid;
        if ((st = ref_id(it, strings, r->ref, &rid, err)) != VT_OK) {
            break;
        }
        sqlite3_stmt *q = it->q[Q_ROUTE];
        sqlite3_bind_int64(q, 1, wid);
        sqlite3_bind_int64(q, 2, rid);
        bind_str(q, 3, strings, r->file);
        bind_str(q, 4, strings, r->source);
        bind_str(q, 5, strings, r->source_version);
        bind_str(q, 6, strings, r->device);
        bind_time(q, 7, r->start, 1);
        bind_time(q, 9, r->end, 1);
        bind_time(q, 11, r->created, (r->flags & VT_RECORD_HAS_CREATED) != 0);
        int nomem;
        const char *json = metadata_json(it, r->metadata, r->metadata_count, &nomem);
        if (nomem) {
            st = vt__nomem(err);
            break;
        }
        if (json) {
            sqlite3_bind_text(q, 13, json, -1, SQLITE_STATIC);
        }
        st = step(it, q, NULL, err, "storing a workout route");
    }
    return st;
}

/* Columns 2-10 shared by workouts and correlations: source, version, device and the start,
 * end and creation times (each time is two columns: UTC seconds and offset). */
static void bind_origin(sqlite3_stmt *q, const vt_strpool *strings, uint32_t source,
                        uint32_t source_version, uint32_t device, vt_time start, vt_time end,
                        vt_time created, uint32_t flags)
{
    bind_str(q, 2, strings, source);
    bind_str(q, 3, strings, source_version);
    bind_str(q, 4, strings, device);
    bind_time(q, 5, start, 1);
    bind_time(q, 7, end, 1);
    bind_time(q, 9, created, (flags & VT_RECORD_HAS_CREATED) != 0);
}

/* Runs an INSERT OR IGNORE and counts it as inserted or as a duplicate. */
static vt_status insert_counted(vt__items *it, sqlite3_stmt *q, uint64_t *inserted,
                                uint64_t *duplicates, int *added, vt_error *err, const char *what)
{
    *added = 0;
    const vt_status st = step(it, q, added, err, what);
    if (st == VT_OK) {
        ++*(*added ? inserted : duplicates);
    }
    return st;
}

vt_status vt__items_workout(vt__items *it, const vt_workout *w, const vt_strpool *strings,
                            vt_error *err)
{
    /* Identical duplicate workouts (same type, source, times, duration) are one workout. */
    char key[256];
    snprintf(key, sizeof key, "%s|%s|%lld|%lld|%.17g",
             vt_strpool_get(strings, w->activity_type, NULL),
             vt_strpool_get(strings, w->source, NULL), (long long)w->start.utc,
             (long long)w->end.utc, w->duration);
    sqlite3_stmt *q = it->q[Q_WORKOUT];
    bind_str(q, 1, strings, w->activity_type);
    bind_origin(q, strings, w->source, w->source_version, w->device, w->start, w->end, w->created,
                w->flags);
    bind_num(q, 11, w->duration);
    bind_str(q, 12, strings, w->duration_unit);
    bind_num(q, 13, w->total_distance);
    bind_str(q, 14, strings, w->total_distance_unit);
    bind_num(q, 15, w->total_energy_burned);
    bind_str(q, 16, strings, w->total_energy_burned_unit);
    sqlite3_bind_text(q, 17, key, -1, SQLITE_STATIC);
    int added;
    const vt_status st =
        insert_counted(it, q, &it->stats->workouts_inserted, &it->stats->workouts_duplicate, &added,
                       err, "storing a workout");
    if (st != VT_OK || !added) {
        return st;
    }
    return workout_children(it, sqlite3_last_insert_rowid(it->db), w, strings, err);
}

vt_status vt__items_route_points(vt__items *it, uint32_t ref, const vt_route_point *p, size_t n,
                                 const vt_strpool *strings, vt_error *err)
{
    vt_status st;
    if (ref != it->point_ref) {
        /* Points come route by route: a new ref starts its numbering at 0. */
        if ((st = ref_id(it, strings, ref, &it->point_ref_id, err)) != VT_OK) {
            return st;
        }
        it->point_ref = ref;
        it->point_seq = 0;
    }
    sqlite3_stmt *q = it->q[Q_POINT];
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(q, 1, it->point_ref_id);
        sqlite3_bind_int64(q, 2, it->point_seq++);
        if (p[i].utc_ms != INT64_MIN) {
            sqlite3_bind_int64(q, 3, p[i].utc_ms);
        }
        bind_num(q, 4, p[i].latitude);
        bind_num(q, 5, p[i].longitude);
        bind_num(q, 6, p[i].elevation);
        bind_num(q, 7, p[i].speed);
        bind_num(q, 8, p[i].course);
        bind_num(q, 9, p[i].horizontal_accuracy);
        bind_num(q, 10, p[i].vertical_accuracy);
        int added;
        if ((st = insert_counted(it, q, &it->stats->route_points_inserted,
                                 &it->stats->route_points_duplicate, &added, err,
                                 "storing route points")) != VT_OK) {
            return st;
        }
    }
    return VT_OK;
}

vt_status vt__items_correlation(vt__items *it, vt_store *store, const vt_correlation *c,
                                const vt_strpool *strings, vt_insert_stats *records, vt_error *err)
{
    char key[256];
    snprintf(key, sizeof key, "%s|%s|%lld|%lld|%u", vt_strpool_get(strings, c->type, NULL),
             vt_strpool_get(strings, c->source, NULL), (long long)c->start.utc,
             (long long)c->end.utc, c->member_count);
    int nomem;
    const char *json = metadata_json(it, c->metadata, c->metadata_count, &nomem);
    if (nomem) {
        return vt__nomem(err);
    }
    sqlite3_stmt *q = it->q[Q_CORR];
    bind_str(q, 1, strings, c->type);
    bind_origin(q, strings, c->source, c->source_version, c->device, c->start, c->end, c->created,
                c->flags);
    if (json) {
        sqlite3_bind_text(q, 11, json, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(q, 12, key, -1, SQLITE_STATIC);
    int added;
    vt_status st =
        insert_counted(it, q, &it->stats->correlations_inserted, &it->stats->correlations_duplicate,
                       &added, err, "storing a correlation");
    if (st != VT_OK || !added) {
        return st;
    }
    const int64_t cid = sqlite3_last_insert_rowid(it->db);
    for (uint32_t i = 0; i < c->member_count; i++) {
        /* The member is also a top-level Record of the export: inserting it through the
         * store's natural key stores it once, whichever comes first; then link it. */
        vt_insert_stats one = {0, 0};
        int64_t rid;
        if ((st = vt__store_insert_id(store, &c->members[i], strings, &one, &rid, err)) != VT_OK) {
            return st;
        }
        if (records) {
            records->inserted += one.inserted;
            records->duplicates += one.duplicates;
        }
        q = it->q[Q_CMEMBER];
        sqlite3_bind_int64(q, 1, cid);
        sqlite3_bind_int64(q, 2, rid);
        if ((st = step(it, q, NULL, err, "linking a correlation member")) != VT_OK) {
            return st;
        }
    }
    return VT_OK;
}

vt_status vt__items_activity_summary(vt__items *it, const vt_activity_summary *s,
                                     const vt_strpool *strings, vt_error *err)
{
    char day[VT_DAY_BUFSZ];
    vt_day_format(s->day, day);
    sqlite3_stmt *q = it->q[Q_SUMMARY];
    sqlite3_bind_text(q, 1, day, -1, SQLITE_TRANSIENT);
    bind_num(q, 2, s->active_energy_burned);
    bind_num(q, 3, s->active_energy_burned_goal);
    bind_str(q, 4, strings, s->active_energy_burned_unit);
    bind_num(q, 5, s->move_time);
    bind_num(q, 6, s->move_time_goal);
    bind_num(q, 7, s->exercise_time);
    bind_num(q, 8, s->exercise_time_goal);
    bind_num(q, 9, s->stand_hours);
    bind_num(q, 10, s->stand_hours_goal);
    it->stats->activity_summaries++;
    return step(it, q, NULL, err, "storing an activity summary");
}

vt_status vt__items_element(vt__items *it, const vt_element *el, vt_error *err)
{
    const uint32_t depth = el->depth;
    if (depth == 0 || depth >= MAX_ELEMENT_DEPTH) {
        return VT_OK;
    }
    if (depth == 1) {
        it->element_group = el->group;
        it->element_skip = 0;
    } else if (it->element_skip || el->group != it->element_group) {
        return VT_OK; /* inside a top-level element stored by an earlier import */
    }
    sqlite3_stmt *q = it->q[Q_ELEMENT];
    if (depth > 1) {
        sqlite3_bind_int64(q, 1, it->element_ids[depth - 1]);
    }
    sqlite3_bind_int64(q, 2, depth > 1 ? it->element_seq[depth - 1]++ : 0);
    sqlite3_bind_text(q, 3, el->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, el->attributes_json, -1, SQLITE_STATIC);
    int added = 0;
    vt_status st = step(it, q, &added, err, "storing an element");
    if (st != VT_OK) {
        return st;
    }
    if (added) {
        it->element_ids[depth] = sqlite3_last_insert_rowid(it->db);
        it->element_seq[depth] = 0;
        it->stats->elements_inserted++;
    } else if (depth == 1) {
        it->element_skip = 1;
        it->stats->elements_duplicate++;
    }
    return VT_OK;
}
