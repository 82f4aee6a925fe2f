/* SPDX-License-Identifier: MIT */
/* The daily calculator's copy of the records (schema 2, table day_samples): per record type
 * and local day, rows of packed samples, written beside each record the store keeps, built
 * from `records` by the migration, and read back for vt_daily_compute_store. */
#include <math.h>
#include <string.h>

#include "store_private.h"

/* ---- the packed samples ---------------------------------------------------------------- */

/* A row's samples, each: a tag byte (DAY_NO_VALUE, DAY_INT or DAY_REAL), the start as a
 * zigzag varint of its difference from the previous sample's start (the row's first_start for
 * the first), the end as a zigzag varint of end - start, the source id and the unit id as
 * varints (0: no unit), then the value: a zigzag varint (DAY_INT) or 8 bytes little-endian
 * IEEE 754 (DAY_REAL). */
enum { DAY_NO_VALUE = 0, DAY_INT = 1, DAY_REAL = 2 };

/* At most this many bytes of samples in one row; a group goes on in a new row. */
enum { DAY_ROW_BYTES_MAX = 32768 };
/* The open groups together hold at most this much; past it, all of them are written. */
enum { DAY_OPEN_BYTES_MAX = 1 << 20 };
/* A group's buffer larger than this is freed when the group is written, not kept. */
enum { DAY_KEEP_BYTES_MAX = 8192 };

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Encodes one sample after the previous start `prev`; gives its size (at most 48). */
static size_t encode(unsigned char *p, const vt__pending_record *pr, int64_t prev)
{
    const double v = pr->value;
    const int integral = pr->has_value && v >= -9007199254740992.0 && v <= 9007199254740992.0 &&
                         v == (double)(int64_t)v && !(v == 0.0 && signbit(v));
    size_t n = 1;
    p[0] = !pr->has_value ? DAY_NO_VALUE : integral ? DAY_INT : DAY_REAL;
    n += put_varint(p + n, zigzag((int64_t)((uint64_t)pr->start - (uint64_t)prev)));
    n += put_varint(p + n, zigzag((int64_t)((uint64_t)pr->end - (uint64_t)pr->start)));
    n += put_varint(p + n, (uint64_t)pr->ids[K_SOURCE]);
    n += put_varint(p + n, (uint64_t)pr->ids[K_UNIT]);
    if (integral) {
        n += put_varint(p + n, zigzag((int64_t)v));
    } else if (pr->has_value) {
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        for (int i = 0; i < 8; i++) {
            p[n++] = (unsigned char)(bits >> (8 * i));
        }
    }
    return n;
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        const unsigned char b = *(*p)++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 1;
        }
    }
    return 0;
}

int vt__day_next(vt__day_reader *r, vt__day_sample *out)
{
    if (r->p >= r->end) {
        return 0;
    }
    const unsigned tag = *r->p++;
    uint64_t start, span, source, unit;
    if (tag > DAY_REAL || !get_varint(&r->p, r->end, &start) ||
        !get_varint(&r->p, r->end, &span) || !get_varint(&r->p, r->end, &source) ||
        !get_varint(&r->p, r->end, &unit)) {
        return -1;
    }
    out->start = (int64_t)((uint64_t)r->prev + (uint64_t)unzigzag(start));
    out->end = (int64_t)((uint64_t)out->start + (uint64_t)unzigzag(span));
    out->source_id = (int64_t)source;
    out->unit_id = (int64_t)unit;
    out->has_value = tag != DAY_NO_VALUE;
    out->value = 0.0;
    r->prev = out->start;
    if (tag == DAY_INT) {
        uint64_t v;
        if (!get_varint(&r->p, r->end, &v)) {
            return -1;
        }
        out->value = (double)unzigzag(v);
    } else if (tag == DAY_REAL) {
        if (r->end - r->p < 8) {
            return -1;
        }
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++) {
            bits |= (uint64_t)r->p[i] << (8 * i);
        }
        r->p += 8;
        memcpy(&out->value, &bits, sizeof bits);
    }
    return 1;
}

/* ---- writing ------------------------------------------------------------------------- */

/* OR ROLLBACK, as the children's rows (store_batch.c): no statement journal. */
static const char DAYS_HEAD[] = "INSERT OR ROLLBACK INTO day_samples(type_id, day, first_start, "
                                "first_key, count, samples) VALUES";

static vt_status send_rows(vt_store *s, vt_error *err)
{
    vt__day_writer *w = &s->days;
    const size_t n = w->row_count;
    if (n == 0) {
        return VT_OK;
    }
    sqlite3_stmt **slot = &w->insert[n];
    vt_status st = vt__store_rows_statement(s, slot, DAYS_HEAD, 6, n, err);
    if (st != VT_OK) {
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        const vt__day_row *r = &w->rows[i];
        const int base = (int)i * 6;
        sqlite3_bind_int64(*slot, base + 1, r->type_id);
        sqlite3_bind_text(*slot, base + 2, r->day, 10, SQLITE_STATIC);
        sqlite3_bind_int64(*slot, base + 3, r->first_start);
        sqlite3_bind_int64(*slot, base + 4, (int64_t)r->first_key);
        sqlite3_bind_int64(*slot, base + 5, r->count);
        sqlite3_bind_blob(*slot, base + 6, w->row_bytes.bytes + r->at, (int)r->len, SQLITE_STATIC);
    }
    const int rc = sqlite3_step(*slot);
    sqlite3_reset(*slot);
    w->row_count = 0;
    w->row_bytes.len = 0;
    return rc == SQLITE_DONE ? VT_OK : vt__store_sqlite_error(s->db, err, s->path);
}

/* Ends the group of type `type_id`: its samples become a row waiting for a statement. */
static vt_status close_group(vt_store *s, int64_t type_id, vt_error *err)
{
    vt__day_writer *w = &s->days;
    vt__day_group *g = &w->groups[type_id];
    vt__queue_text *t = &w->row_bytes;
    if (t->len + g->bytes.len > t->cap &&
        vt__grow((void **)&t->bytes, &t->cap, t->len + g->bytes.len, 1) != 0) {
        return vt__nomem(err);
    }
    vt__day_row *r = &w->rows[w->row_count++];
    r->type_id = type_id;
    memcpy(r->day, g->day, sizeof r->day);
    r->first_start = g->first_start;
    r->first_key = g->first_key;
    r->count = g->count;
    r->at = t->len;
    r->len = g->bytes.len;
    memcpy(t->bytes + t->len, g->bytes.bytes, g->bytes.len);
    t->len += g->bytes.len;
    w->open_bytes -= g->bytes.len;
    g->open = 0;
    g->bytes.len = 0;
    if (g->bytes.cap > DAY_KEEP_BYTES_MAX) {
        vt__free(g->bytes.bytes);
        memset(&g->bytes, 0, sizeof g->bytes);
    }
    return w->row_count == DAY_ROWS ? send_rows(s, err) : VT_OK;
}

static vt_status close_all(vt_store *s, vt_error *err)
{
    vt__day_writer *w = &s->days;
    for (size_t t = 0; t < w->cap; t++) {
        if (w->groups[t].open) {
            const vt_status st = close_group(s, (int64_t)t, err);
            if (st != VT_OK) {
                return st;
            }
        }
    }
    return VT_OK;
}

vt_status vt__days_add(vt_store *s, const vt__pending_record *pr, vt_error *err)
{
    vt__day_writer *w = &s->days;
    const int64_t type_id = pr->ids[K_TYPE];
    vt_status st;
    if (type_id <= 0 || type_id > VT__MAX_STRING_ID) {
        return vt__error(err, VT_ERR_LIMIT, "%s: a record type id out of range (%lld)", s->path,
                         (long long)type_id);
    }
    if ((size_t)type_id >= w->cap) {
        size_t cap = w->cap;
        if (vt__grow((void **)&w->groups, &cap, (size_t)type_id + 1, sizeof *w->groups) != 0) {
            return vt__nomem(err);
        }
        memset(w->groups + w->cap, 0, (cap - w->cap) * sizeof *w->groups);
        w->cap = cap;
    }
    vt__day_group *g = &w->groups[type_id];
    if (g->open && memcmp(g->day, pr->day, 10) != 0 &&
        (st = close_group(s, type_id, err)) != VT_OK) {
        return st;
    }
    if (!g->open) {
        g->open = 1;
        memcpy(g->day, pr->day, sizeof g->day);
        g->first_start = g->prev_start = pr->start;
        g->first_key = pr->key;
        g->count = 0;
    }
    unsigned char sample[48];
    const size_t n = encode(sample, pr, g->prev_start);
    vt__queue_text *b = &g->bytes;
    if (b->len + n > b->cap && vt__grow((void **)&b->bytes, &b->cap, b->len + n, 1) != 0) {
        return vt__nomem(err);
    }
    memcpy(b->bytes + b->len, sample, n);
    b->len += n;
    g->prev_start = pr->start;
    g->count++;
    w->open_bytes += n;
    if (b->len >= DAY_ROW_BYTES_MAX && (st = close_group(s, type_id, err)) != VT_OK) {
        return st;
    }
    return w->open_bytes >= DAY_OPEN_BYTES_MAX ? close_all(s, err) : VT_OK;
}

vt_status vt__days_flush(vt_store *s, vt_error *err)
{
    const vt_status st = close_all(s, err);
    return st == VT_OK ? send_rows(s, err) : st;
}

void vt__days_drop(vt_store *s)
{
    vt__day_writer *w = &s->days;
    for (size_t t = 0; t < w->cap; t++) {
        w->groups[t].open = 0;
        w->groups[t].bytes.len = 0;
    }
    w->open_bytes = 0;
    w->row_count = 0;
    w->row_bytes.len = 0;
}

void vt__days_close(vt_store *s)
{
    vt__day_writer *w = &s->days;
    for (size_t t = 0; t < w->cap; t++) {
        vt__free(w->groups[t].bytes.bytes);
    }
    for (size_t i = 0; i <= DAY_ROWS; i++) {
        sqlite3_finalize(w->insert[i]);
    }
    vt__free(w->groups);
    vt__free(w->row_bytes.bytes);
    memset(w, 0, sizeof *w);
}

/* ---- the migration from schema 1 ----------------------------------------------------- */

vt_status vt__days_build(vt_store *s, vt_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT type_id, day, start_utc, natural_key, end_utc, value, source_id,"
                           " unit_id FROM records ORDER BY type_id, day, start_utc, natural_key",
                           -1, &q, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    vt_status st = VT_OK;
    int rc;
    while (st == VT_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        vt__pending_record pr;
        memset(&pr, 0, sizeof pr);
        const char *day = (const char *)sqlite3_column_text(q, 1);
        if (!day || sqlite3_column_bytes(q, 1) != 10) {
            st = vt__error(err, VT_ERR_FORMAT, "%s: a record's day is not YYYY-MM-DD", s->path);
            break;
        }
        pr.ids[K_TYPE] = sqlite3_column_int64(q, 0);
        memcpy(pr.day, day, 10);
        pr.start = sqlite3_column_int64(q, 2);
        pr.key = (uint64_t)sqlite3_column_int64(q, 3);
        pr.end = sqlite3_column_int64(q, 4);
        pr.has_value = sqlite3_column_type(q, 5) != SQLITE_NULL;
        pr.value = sqlite3_column_double(q, 5);
        pr.ids[K_SOURCE] = sqlite3_column_int64(q, 6);
        pr.ids[K_UNIT] = sqlite3_column_int64(q, 7);
        st = vt__days_add(s, &pr, err);
    }
    if (st == VT_OK && rc != SQLITE_DONE) {
        st = vt__store_sqlite_error(s->db, err, s->path);
    }
    sqlite3_finalize(q);
    if (st == VT_OK) {
        st = vt__days_flush(s, err);
    }
    vt__days_close(s);
    return st;
}

/* ---- reading (the rows through store_cursor.c) ---------------------------------------- */

int vt__store_has_days(vt_store *s)
{
    return s->schema_version >= 2;
}
