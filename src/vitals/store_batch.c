/* SPDX-License-Identifier: MIT */
/* The records of a transaction on their way in: a queue that keeps the order in which they
 * would go in one by one (so the same row ids) while it sends records, their metadata and
 * their beats several rows to a statement. */
#include <string.h>

#include "store_private.h"

static const char RECORDS_HEAD[] =
    "INSERT OR IGNORE INTO records(type_id, source_id, source_version_id, device_id, unit_id,"
    " day, start_utc, start_tz, end_utc, end_tz, created_utc, created_tz, value, category,"
    " natural_key) VALUES";
/* OR ROLLBACK: a statement of several rows that may fail half-way (a constraint) needs a
 * statement journal, into which SQLite copies every page the statement changes first (a third
 * of the children's cost); one whose failure rolls the whole transaction back does not. No
 * failure is expected here (no unique key, no NULL bound); one would fail the import. */
static const char META_HEAD[] =
    "INSERT OR ROLLBACK INTO record_metadata(record_id, key_id, value) VALUES";
static const char BEATS_HEAD[] =
    "INSERT OR ROLLBACK INTO record_beats(record_id, time_ms, bpm) VALUES";

vt_status vt__store_rows_statement(vt_store *s, sqlite3_stmt **slot, const char *head, int cols,
                                   size_t n, vt_error *err)
{
    if (*slot) {
        return VT_OK;
    }
    char sql[2048];
    size_t len = strlen(head);
    if (len + n * (2 * (size_t)cols + 2) >= sizeof sql) {
        return vt__error(err, VT_ERR_INTERNAL, "%s: a statement of %zu rows is too long", s->path,
                         n);
    }
    memcpy(sql, head, len);
    for (size_t i = 0; i < n; i++) {
        sql[len++] = i ? ',' : ' ';
        sql[len++] = '(';
        for (int c = 0; c < cols; c++) {
            sql[len++] = '?';
            sql[len++] = c + 1 < cols ? ',' : ')';
        }
    }
    sql[len] = '\0';
    return vt__store_prepare(s, sql, slot, err);
}

/* A parameter's value as last bound: bindings outlive sqlite3_reset (and a re-prepare, which
 * carries them over), so a value a parameter already holds is not bound again. In Apple's
 * order most of a row repeats the row that held its place in the statement before: the type,
 * unit, version and device ids, the three offsets, a NULL category or value, and the day
 * (bound SQLITE_STATIC from its row's place in the queue: it is bound again unless both that
 * place and the bytes there are what was bound). A category is always bound (its bytes move). */
enum { BOUND_UNKNOWN, BOUND_INT, BOUND_NULL, BOUND_REAL, BOUND_DAY };
typedef struct vt__bound {
    int kind;
    int64_t bits;
    const char *at;         /* BOUND_DAY: the bytes bound */
    char day[VT_DAY_BUFSZ]; /* and what they were */
} vt__bound;

static void bind_int(sqlite3_stmt *q, vt__bound *b, int i, int64_t v)
{
    if (b[i].kind != BOUND_INT || b[i].bits != v) {
        sqlite3_bind_int64(q, i, v);
        b[i].kind = BOUND_INT;
        b[i].bits = v;
    }
}

static void bind_null(sqlite3_stmt *q, vt__bound *b, int i)
{
    if (b[i].kind != BOUND_NULL) {
        sqlite3_bind_null(q, i);
        b[i].kind = BOUND_NULL;
    }
}

static void bind_real(sqlite3_stmt *q, vt__bound *b, int i, double v)
{
    int64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if (b[i].kind != BOUND_REAL || b[i].bits != bits) {
        sqlite3_bind_double(q, i, v);
        b[i].kind = BOUND_REAL;
        b[i].bits = bits;
    }
}

static void bind_day(sqlite3_stmt *q, vt__bound *b, int i, const char *day)
{
    if (b[i].kind != BOUND_DAY || b[i].at != day || memcmp(b[i].day, day, 10) != 0) {
        sqlite3_bind_text(q, i, day, 10, SQLITE_STATIC);
        b[i].kind = BOUND_DAY;
        b[i].at = day;
        memcpy(b[i].day, day, 10);
    }
}

/* What the `params` parameters of a statement hold, in *slot, allocated when first needed
 * (all unknown). */
static vt_status bound_for(vt__bound **slot, size_t params, vt_error *err)
{
    if (!*slot && !(*slot = vt__calloc(params + 1, sizeof **slot))) {
        return vt__nomem(err);
    }
    return VT_OK;
}

/* The records statement of `n` rows and what its parameters hold, prepared when first
 * needed. */
static vt_status records_statement(vt_store *s, size_t n, sqlite3_stmt **q, vt__bound **bound,
                                   vt_error *err)
{
    vt__record_queue *rq = &s->queue;
    vt_status st =
        vt__store_rows_statement(s, &rq->insert_records[n], RECORDS_HEAD, RECORD_COLS, n, err);
    if (st != VT_OK) {
        return st;
    }
    if ((st = bound_for(&rq->bound[n], n * RECORD_COLS, err)) != VT_OK) {
        return st;
    }
    *q = rq->insert_records[n];
    *bound = rq->bound[n];
    return VT_OK;
}

/* Binds one row's 15 values from parameter base+1 on. */
static void bind_record(sqlite3_stmt *q, vt__bound *b, int base, const vt__pending_record *pr)
{
    static const int col[K_COUNT] = {1, 2, 5, 4, 3}; /* type, source, unit, device, version */
    for (int k = 0; k < K_COUNT; k++) {
        if (pr->ids[k]) {
            bind_int(q, b, base + col[k], pr->ids[k]);
        } else {
            bind_null(q, b, base + col[k]);
        }
    }
    bind_day(q, b, base + 6, pr->day);
    bind_int(q, b, base + 7, pr->start);
    bind_int(q, b, base + 8, pr->start_tz);
    bind_int(q, b, base + 9, pr->end);
    bind_int(q, b, base + 10, pr->end_tz);
    if (pr->has_created) {
        bind_int(q, b, base + 11, pr->created);
        bind_int(q, b, base + 12, pr->created_tz);
    } else {
        bind_null(q, b, base + 11);
        bind_null(q, b, base + 12);
    }
    if (pr->has_value) {
        bind_real(q, b, base + 13, pr->value);
    } else {
        bind_null(q, b, base + 13);
    }
    if (pr->category) {
        sqlite3_bind_text(q, base + 14, pr->category, pr->category_len, SQLITE_STATIC);
        b[base + 14].kind = BOUND_UNKNOWN;
    } else {
        bind_null(q, b, base + 14);
    }
    bind_int(q, b, base + 15, (int64_t)pr->key);
}

static vt_status run(vt_store *s, sqlite3_stmt *q, vt_error *err)
{
    const int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? VT_OK : vt__store_sqlite_error(s->db, err, s->path);
}

static void count(vt_insert_stats *stats, int added)
{
    if (stats) {
        stats->inserted += (uint64_t)(added != 0);
        stats->duplicates += (uint64_t)(added == 0);
    }
}

/* ---- children, CHILD_ROWS to a statement ----------------------------------------------- */

typedef struct meta_rows {
    size_t n;
    struct {
        int64_t record, key;
        const char *value;
        size_t len;
    } row[CHILD_ROWS];
} meta_rows;

typedef struct beat_rows {
    size_t n;
    struct {
        int64_t record;
        vt_beat beat;
    } row[CHILD_ROWS];
} beat_rows;

static vt_status send_meta(vt_store *s, meta_rows *m, vt_error *err)
{
    if (m->n == 0) {
        return VT_OK;
    }
    sqlite3_stmt **slot = &s->queue.insert_meta[m->n];
    vt_status st = vt__store_rows_statement(s, slot, META_HEAD, 3, m->n, err);
    if (st != VT_OK) {
        return st;
    }
    vt__bound **bound = &s->queue.meta_bound[m->n];
    if ((st = bound_for(bound, m->n * 3, err)) != VT_OK) {
        return st;
    }
    for (size_t i = 0; i < m->n; i++) {
        const int base = (int)i * 3;
        sqlite3_bind_int64(*slot, base + 1, m->row[i].record);
        /* Most rows of a statement have the key that row had the last time (one kind of
         * metadata a type). */
        bind_int(*slot, *bound, base + 2, m->row[i].key);
        sqlite3_bind_text(*slot, base + 3, m->row[i].value, (int)m->row[i].len, SQLITE_STATIC);
    }
    m->n = 0;
    return run(s, *slot, err);
}

/* Adds a metadata row (its key looked up now, in the order of one-by-one inserts); the value
 * must stay where it is until send_meta. */
static vt_status add_meta(vt_store *s, meta_rows *m, int64_t record, const char *key,
                          size_t key_len, const char *value, size_t len, vt_error *err)
{
    int64_t key_id = 0;
    const vt_status st = vt__store_meta_key_id(s, key, key_len, &key_id, err);
    if (st != VT_OK) {
        return st;
    }
    m->row[m->n].record = record;
    m->row[m->n].key = key_id;
    m->row[m->n].value = value;
    m->row[m->n].len = len;
    return ++m->n == CHILD_ROWS ? send_meta(s, m, err) : VT_OK;
}

static vt_status send_beats(vt_store *s, beat_rows *b, vt_error *err)
{
    if (b->n == 0) {
        return VT_OK;
    }
    sqlite3_stmt **slot = &s->queue.insert_beats[b->n];
    vt_status st = vt__store_rows_statement(s, slot, BEATS_HEAD, 3, b->n, err);
    if (st != VT_OK) {
        return st;
    }
    for (size_t i = 0; i < b->n; i++) {
        const int base = (int)i * 3;
        sqlite3_bind_int64(*slot, base + 1, b->row[i].record);
        sqlite3_bind_int64(*slot, base + 2, b->row[i].beat.utc_ms);
        sqlite3_bind_double(*slot, base + 3, b->row[i].beat.bpm);
    }
    b->n = 0;
    return run(s, *slot, err);
}

static vt_status add_beat(vt_store *s, beat_rows *b, int64_t record, const vt_beat *beat,
                          vt_error *err)
{
    b->row[b->n].record = record;
    b->row[b->n].beat = *beat;
    return ++b->n == CHILD_ROWS ? send_beats(s, b, err) : VT_OK;
}

/* ---- one record now -------------------------------------------------------------------- */

vt_status vt__store_insert_now(vt_store *s, const vt__pending_record *pr, const vt_record *r,
                               int *added, int64_t *id, vt_error *err)
{
    sqlite3_stmt *q = NULL;
    vt__bound *bound = NULL;
    vt_status st = records_statement(s, 1, &q, &bound, err);
    if (st != VT_OK) {
        return st;
    }
    bind_record(q, bound, 0, pr);
    if ((st = run(s, q, err)) != VT_OK) {
        return st;
    }
    *added = sqlite3_changes(s->db);
    count(pr->stats, *added);
    if (!*added) {
        return id ? vt__store_record_id(s, pr, id, err) : VT_OK;
    }
    const int64_t rowid = sqlite3_last_insert_rowid(s->db);
    if (id) {
        *id = rowid;
    }
    if ((st = vt__days_add(s, pr, err)) != VT_OK) {
        return st;
    }
    meta_rows meta;
    meta.n = 0;
    for (uint32_t i = 0; st == VT_OK && i < r->metadata_count; i++) {
        const vt_metadata_entry *e = &r->metadata[i];
        st = add_meta(s, &meta, rowid, e->key, e->key_len, e->value, e->value_len, err);
    }
    if (st != VT_OK || (st = send_meta(s, &meta, err)) != VT_OK) {
        return st;
    }
    beat_rows beats;
    beats.n = 0;
    for (uint32_t i = 0; st == VT_OK && i < r->beat_count; i++) {
        st = add_beat(s, &beats, rowid, &r->beats[i], err);
    }
    return st == VT_OK ? send_beats(s, &beats, err) : st;
}

/* ---- the queue ------------------------------------------------------------------------ */

/* Appends bytes to a queue's text; gives their offset, or SIZE_MAX when out of memory. */
static size_t put_text(vt__queue_text *t, const char *bytes, size_t len)
{
    if (t->len + len > t->cap && vt__grow((void **)&t->bytes, &t->cap, t->len + len, 1) != 0) {
        return SIZE_MAX;
    }
    if (len) {
        memcpy(t->bytes + t->len, bytes, len);
    }
    t->len += len;
    return t->len - len;
}

/* Copies the record's category text into `t`. */
static vt_status keep_category(vt__queue_text *t, vt__pending_record *pr, vt_error *err)
{
    if (pr->category &&
        (pr->category_at = put_text(t, pr->category, (size_t)pr->category_len)) == SIZE_MAX) {
        return vt__nomem(err);
    }
    return VT_OK;
}

/* Inserts the records sent out, in one statement, then the children of those that were new. */
static vt_status run_out(vt_store *s, vt_error *err)
{
    vt__record_queue *q = &s->queue;
    const size_t n = q->out_count;
    if (n == 0) {
        return VT_OK;
    }
    sqlite3_stmt *stmt = NULL;
    vt__bound *bound = NULL;
    vt_status st = records_statement(s, n, &stmt, &bound, err);
    if (st != VT_OK) {
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        vt__pending_record *pr = &q->out[i];
        pr->category = pr->category ? q->out_text.bytes + pr->category_at : NULL;
        bind_record(stmt, bound, (int)i * RECORD_COLS, pr);
    }
    if ((st = run(s, stmt, err)) != VT_OK) {
        return st;
    }
    /* The new rows got consecutive ids in the statement's order; a row that was not new
     * (stored before, or earlier in the statement) got none. */
    const size_t added = (size_t)sqlite3_changes(s->db);
    const int64_t last = sqlite3_last_insert_rowid(s->db);
    int64_t ids[OUT_ROWS];
    int64_t next = last - (int64_t)added + 1;
    for (size_t i = 0; i < n; i++) {
        ids[i] = 0;
        if (added == n) {
            ids[i] = next++;
        } else if (added > 0) {
            int64_t id = 0;
            if ((st = vt__store_record_id(s, &q->out[i], &id, err)) != VT_OK) {
                return st;
            }
            ids[i] = id == next ? next++ : 0;
        }
        count(q->out[i].stats, ids[i] != 0);
        if (ids[i] && (st = vt__days_add(s, &q->out[i], err)) != VT_OK) {
            return st;
        }
    }
    meta_rows meta;
    meta.n = 0;
    for (size_t i = 0; st == VT_OK && i < n; i++) {
        const vt__pending_record *pr = &q->out[i];
        for (uint32_t k = 0; ids[i] && st == VT_OK && k < pr->meta_len; k++) {
            const vt__queued_meta *m = &q->meta[pr->meta_first + k];
            st = add_meta(s, &meta, ids[i], q->out_text.bytes + m->key_at, m->key_len,
                          q->out_text.bytes + m->value_at, m->value_len, err);
        }
    }
    if (st != VT_OK || (st = send_meta(s, &meta, err)) != VT_OK) {
        return st;
    }
    beat_rows beats;
    beats.n = 0;
    for (size_t i = 0; st == VT_OK && i < n; i++) {
        const vt__pending_record *pr = &q->out[i];
        for (uint32_t k = 0; ids[i] && st == VT_OK && k < pr->beat_len; k++) {
            st = add_beat(s, &beats, ids[i], &q->beats[pr->beat_first + k], err);
        }
    }
    if (st != VT_OK || (st = send_beats(s, &beats, err)) != VT_OK) {
        return st;
    }
    q->out_count = 0;
    q->out_text.len = 0;
    q->meta_count = 0;
    q->beat_count = 0;
    return VT_OK;
}

/* Moves the waiting records behind the ones sent out, in their order. */
static vt_status move_waiting(vt_store *s, vt_error *err)
{
    vt__record_queue *q = &s->queue;
    for (size_t i = 0; i < q->waiting_count; i++) {
        vt__pending_record *pr = &q->out[q->out_count++];
        *pr = q->waiting[i];
        if (pr->category) {
            pr->category = q->waiting_text.bytes + pr->category_at;
        }
        vt_status st = keep_category(&q->out_text, pr, err);
        if (st != VT_OK) {
            return st;
        }
    }
    q->waiting_count = 0;
    q->waiting_text.len = 0;
    return VT_OK;
}

/* The same, then a statement when there are enough. */
static vt_status send_waiting(vt_store *s, vt_error *err)
{
    const vt_status st = move_waiting(s, err);
    if (st != VT_OK || s->queue.out_count < RECORD_ROWS) {
        return st;
    }
    return run_out(s, err);
}

vt_status vt__store_flush(vt_store *s, vt_error *err)
{
    const vt_status st = move_waiting(s, err);
    return st == VT_OK ? run_out(s, err) : st;
}

vt_status vt__store_flush_all(vt_store *s, vt_error *err)
{
    const vt_status st = vt__store_flush(s, err);
    return st == VT_OK ? vt__days_flush(s, err) : st;
}

static int children_fit(const vt_record *r)
{
    if (r->metadata_count + (size_t)r->beat_count > QUEUED_CHILDREN_MAX) {
        return 0;
    }
    size_t bytes = r->beat_count * sizeof *r->beats;
    for (uint32_t i = 0; i < r->metadata_count; i++) {
        bytes += r->metadata[i].key_len + r->metadata[i].value_len;
    }
    return bytes <= QUEUED_CHILD_BYTES_MAX;
}

/* Copies the record's children into the out queue. */
static vt_status keep_children(vt__record_queue *q, vt__pending_record *pr, const vt_record *r,
                               vt_error *err)
{
    if (vt__grow((void **)&q->meta, &q->meta_cap, q->meta_count + r->metadata_count,
                 sizeof *q->meta) != 0 ||
        vt__grow((void **)&q->beats, &q->beat_cap, q->beat_count + r->beat_count,
                 sizeof *q->beats) != 0) {
        return vt__nomem(err);
    }
    pr->meta_first = (uint32_t)q->meta_count;
    pr->meta_len = r->metadata_count;
    for (uint32_t i = 0; i < r->metadata_count; i++) {
        const vt_metadata_entry *e = &r->metadata[i];
        vt__queued_meta *m = &q->meta[q->meta_count++];
        m->key_len = e->key_len;
        m->value_len = e->value_len;
        if ((m->key_at = put_text(&q->out_text, e->key, e->key_len)) == SIZE_MAX ||
            (m->value_at = put_text(&q->out_text, e->value, e->value_len)) == SIZE_MAX) {
            return vt__nomem(err);
        }
    }
    pr->beat_first = (uint32_t)q->beat_count;
    pr->beat_len = r->beat_count;
    if (r->beat_count) {
        memcpy(q->beats + q->beat_count, r->beats, r->beat_count * sizeof *r->beats);
    }
    q->beat_count += r->beat_count;
    return VT_OK;
}

vt_status vt__store_queue(vt_store *s, vt__pending_record *pr, const vt_record *r, vt_error *err)
{
    vt__record_queue *q = &s->queue;
    vt_status st;
    pr->meta_len = pr->beat_len = 0;
    if (!r->metadata_count && !r->beat_count) {
        /* One statement counts into one `stats`: a change of it sends the waiting ones. */
        if (q->waiting_count && q->waiting[0].stats != pr->stats &&
            (st = send_waiting(s, err)) != VT_OK) {
            return st;
        }
        if ((st = keep_category(&q->waiting_text, pr, err)) != VT_OK) {
            return st;
        }
        q->waiting[q->waiting_count++] = *pr;
        return q->waiting_count == RECORD_ROWS ? send_waiting(s, err) : VT_OK;
    }
    /* A record with children goes ahead of the waiting ones, unless one has its natural key:
     * then they go first, so that the first copy in the input is the one stored. */
    for (size_t i = 0; i < q->waiting_count; i++) {
        const vt__pending_record *w = &q->waiting[i];
        if (w->key == pr->key && w->ids[K_TYPE] == pr->ids[K_TYPE] && w->start == pr->start &&
            memcmp(w->day, pr->day, 10) == 0) {
            if ((st = send_waiting(s, err)) != VT_OK) {
                return st;
            }
            break;
        }
    }
    if (!children_fit(r)) {
        int added;
        if ((st = run_out(s, err)) != VT_OK) {
            return st;
        }
        return vt__store_insert_now(s, pr, r, &added, NULL, err);
    }
    if ((st = keep_category(&q->out_text, pr, err)) != VT_OK ||
        (st = keep_children(q, pr, r, err)) != VT_OK) {
        return st;
    }
    q->out[q->out_count++] = *pr;
    return q->out_count >= RECORD_ROWS ? run_out(s, err) : VT_OK;
}

void vt__store_queue_drop(vt_store *s)
{
    vt__record_queue *q = &s->queue;
    q->waiting_count = q->out_count = q->meta_count = q->beat_count = 0;
    q->waiting_text.len = q->out_text.len = 0;
}

void vt__store_queue_close(vt_store *s)
{
    vt__record_queue *q = &s->queue;
    for (size_t i = 0; i <= OUT_ROWS; i++) {
        sqlite3_finalize(q->insert_records[i]);
        vt__free(q->bound[i]);
    }
    for (size_t i = 0; i <= CHILD_ROWS; i++) {
        sqlite3_finalize(q->insert_meta[i]);
        vt__free(q->meta_bound[i]);
        sqlite3_finalize(q->insert_beats[i]);
    }
    vt__free(q->waiting_text.bytes);
    vt__free(q->out_text.bytes);
    vt__free(q->meta);
    vt__free(q->beats);
    memset(q, 0, sizeof *q);
}
