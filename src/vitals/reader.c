/* SPDX-License-Identifier: MIT */
/* The push reader of export XML: the XML front end (xml_front.h) behind the byte filter, and
 * the decoder from elements and attributes to records, workouts and the other sink items. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "reader_internal.h"
#include "vitals/reader.h"
#include "xml_front.h"

/* What an open element is, by name and place. */
enum kind {
    K_ROOT = 1,
    K_EXPORT_DATE,
    K_ME,
    K_RECORD,
    K_MEMBER,
    K_META,
    K_HRV_LIST,
    K_BEAT,
    K_CORRELATION,
    K_WORKOUT,
    K_EVENT,
    K_STATISTIC,
    K_ROUTE,
    K_FILE_REF,
    K_LOCATION,
    K_SUMMARY,
    K_OTHER
};

/* A MetadataEntry kept until its owner ends: offsets into the metadata bytes. */
typedef struct meta_slot {
    size_t key, key_len, value, value_len;
} meta_slot;

/* The last string interned for one attribute: most records repeat their neighbour's. */
typedef struct intern_cache {
    char bytes[160];
    size_t len;
    uint32_t id;
} intern_cache;

enum { C_TYPE, C_SOURCE, C_UNIT, C_VERSION, C_DEVICE, C_CATEGORY, C_COUNT };

#define POINT_BATCH 1024
#define BLOCK       (256u * 1024u)

struct vt_reader {
    vt_sink sink;
    vt_strpool *pool;
    vt__xml_engine engine;
    vt__xml_parser *xml; /* made on the first block */
    vt__xml_filter filter;
    char name[512];
    uint32_t max_metadata;
    vt_status status; /* first error; sticky */
    vt_error err;
    int finished;
    int saw_root;
    int terminating; /* the input has ended: errors now mean it was cut short */

    uint32_t depth;
    unsigned char kinds[VT_READER_MAX_DEPTH + 2];
    uint64_t group;

    /* Export info, sent once before the first other item. */
    int info_sent;
    vt_export_info info;
    char *me_json;

    /* The item being built, its metadata, beats, members, workout children. */
    vt_record rec; /* the top-level record, or the member being read */
    uint32_t rec_meta_first, rec_beat_first;
    char *meta_bytes;
    size_t meta_bytes_len, meta_bytes_cap;
    meta_slot *meta;
    size_t meta_count, meta_cap;
    vt_metadata_entry *entries;
    size_t entries_cap;
    vt_beat *beats;
    size_t beat_count, beat_cap;
    vt_record *members;
    uint32_t *member_meta; /* pairs: first metadata slot, first beat */
    size_t member_count, member_cap;
    vt_correlation corr;
    vt_workout workout;
    vt_workout_event *events;
    size_t event_count, event_cap;
    vt_workout_statistic *stats;
    size_t stat_count, stat_cap;
    vt_workout_route *routes;
    uint32_t *route_meta; /* pairs: first metadata slot, count */
    size_t route_count, route_cap;
    uint32_t route_meta_first;
    vt_route_point points[POINT_BATCH];
    size_t point_count;
    uint32_t point_ref;

    char *json;
    size_t json_cap;
    size_t member_meta_cap, route_meta_cap;
    char carry[16];
    size_t carry_len;
    char *block;
    intern_cache cache[C_COUNT];
    vt_export_summary summary;
};

/* ---- errors ------------------------------------------------------------------------ */

static uint32_t cur_line(const vt_reader *r)
{
    return r->xml ? vt__xml_line(r->xml) : 0;
}

static uint32_t cur_col(const vt_reader *r)
{
    return r->xml ? vt__xml_column(r->xml) : 0;
}

/* Records the first error at the current position and stops the parser. */
static void fail(vt_reader *r, vt_status code, const char *fmt, ...) VT__PRINTF(3, 4);

static void fail(vt_reader *r, vt_status code, const char *fmt, ...)
{
    if (r->status != VT_OK) {
        return;
    }
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const uint32_t line = cur_line(r), col = cur_col(r);
    r->status = code;
    vt__error_at(&r->err, code, r->filter.offset, line, col, "%s:%u:%u: %s", r->name, line, col,
                 what);
    if (r->xml) {
        vt__xml_stop(r->xml);
    }
}

/* A callback's or a helper's error: keep its message, stop the parser. */
static void fail_with(vt_reader *r, vt_status st, const vt_error *e)
{
    if (r->status != VT_OK) {
        return;
    }
    r->status = st;
    r->err = *e;
    r->err.code = st;
    if (r->xml) {
        vt__xml_stop(r->xml);
    }
}

/* The parser's error as the reader's: the input's name and the position, with what the
 * reader knows beyond the parser's words (the input ended too soon; no HealthData element was
 * ever seen). An error outside the markup (an encoding conversion) is given as it is. */
static void on_error(void *ctx, const vt__xml_error *e)
{
    vt_reader *r = ctx;
    if (r->status != VT_OK) {
        return;
    }
    const char *hint = "", *tail = "";
    if (!e->decoding) {
        hint = r->terminating ? "unexpected end of input (truncated?): " : "";
        tail = !r->saw_root && !vt__xml_filter_in_body(&r->filter) ? " (not an Apple Health export)"
                                                                   : "";
    }
    r->status = e->code;
    vt__error_at(&r->err, e->code, r->filter.offset, e->line, e->column, "%s:%u:%u: %s%s%s",
                 r->name, e->line, e->column, hint, e->message, tail);
}

/* ---- small decoders ------------------------------------------------------------------ */

static int attr_is(const vt__xml_attr *a, const char *want)
{
    return strcmp(a->name, want) == 0;
}

static int intern(vt_reader *r, const char *s, size_t len, uint32_t *id)
{
    vt_error e;
    const vt_status st = vt_strpool_intern(r->pool, s, len, id, &e);
    if (st != VT_OK) {
        fail_with(r, st, &e);
        return 0;
    }
    return 1;
}

static int intern_c(vt_reader *r, int slot, const char *s, size_t len, uint32_t *id)
{
    intern_cache *c = &r->cache[slot];
    if (c->id && c->len == len && memcmp(c->bytes, s, len) == 0) {
        *id = c->id;
        return 1;
    }
    if (!intern(r, s, len, id)) {
        return 0;
    }
    if (len <= sizeof c->bytes) {
        memcpy(c->bytes, s, len);
        c->len = len;
        c->id = *id;
    }
    return 1;
}

static int parse_time(vt_reader *r, const char *what, const char *s, size_t len, vt_time *t)
{
    vt_error e;
    if (vt_time_parse(s, len, t, &e) != VT_OK) {
        fail(r, VT_ERR_PARSE, "invalid %s: %s", what, e.msg);
        return 0;
    }
    return 1;
}

static double number_or_nan(const char *s, size_t len)
{
    double v;
    return vt__parse_decimal(s, len, &v) ? v : NAN;
}

static int grow(vt_reader *r, void **array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return 1;
    }
    if (vt__grow(array, cap, need, elem) != 0) {
        fail(r, VT_ERR_NOMEM, "out of memory");
        return 0;
    }
    return 1;
}

/* Builds a JSON object of the attributes into r->json (jansson; reused buffer). */
static const char *attrs_json(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    json_t *obj = json_object();
    if (!obj) {
        fail(r, VT_ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < nb; i++, a++) {
        json_t *v = json_stringn(a->value, a->len);
        if (!v || json_object_set_new(obj, a->name, v) != 0) {
            json_decref(obj);
            fail(r, VT_ERR_FORMAT, "attribute %s is not valid UTF-8 text", a->name);
            return NULL;
        }
    }
    const size_t need = json_dumpb(obj, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER) + 1;
    if (!grow(r, (void **)&r->json, &r->json_cap, need, 1)) {
        json_decref(obj);
        return NULL;
    }
    const size_t n = json_dumpb(obj, r->json, r->json_cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
    r->json[n] = '\0';
    json_decref(obj);
    return r->json;
}

/* ---- metadata and beats -------------------------------------------------------------- */

static void add_metadata(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    const char *k = "", *v = "";
    size_t klen = 0, vlen = 0;
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "key")) {
            k = a->value;
            klen = a->len;
        } else if (attr_is(a, "value")) {
            v = a->value;
            vlen = a->len;
        }
    }
    if (r->meta_count >= r->max_metadata) {
        fail(r, VT_ERR_LIMIT, "more than %u MetadataEntry in one element", r->max_metadata);
        return;
    }
    if (r->meta_bytes_len + klen + vlen > VT_READER_MAX_METADATA_BYTES) {
        fail(r, VT_ERR_LIMIT, "more than %u bytes of metadata in one element",
             (unsigned)VT_READER_MAX_METADATA_BYTES);
        return;
    }
    if (!grow(r, (void **)&r->meta, &r->meta_cap, r->meta_count + 1, sizeof *r->meta) ||
        /* + 1: the arena exists even when every key and value so far is empty. */
        !grow(r, (void **)&r->meta_bytes, &r->meta_bytes_cap, r->meta_bytes_len + klen + vlen + 1,
              1)) {
        return;
    }
    meta_slot *m = &r->meta[r->meta_count++];
    m->key = r->meta_bytes_len;
    m->key_len = klen;
    memcpy(r->meta_bytes + r->meta_bytes_len, k, klen);
    r->meta_bytes_len += klen;
    m->value = r->meta_bytes_len;
    m->value_len = vlen;
    memcpy(r->meta_bytes + r->meta_bytes_len, v, vlen);
    r->meta_bytes_len += vlen;
    r->summary.metadata_entries++;
}

/* Turns every kept slot into vt_metadata_entry pointers (valid until the next reset). */
static int fix_entries(vt_reader *r)
{
    if (!grow(r, (void **)&r->entries, &r->entries_cap, r->meta_count + 1, sizeof *r->entries)) {
        return 0;
    }
    for (size_t i = 0; i < r->meta_count; i++) {
        const meta_slot *m = &r->meta[i];
        r->entries[i].key = r->meta_bytes + m->key;
        r->entries[i].key_len = m->key_len;
        r->entries[i].value = r->meta_bytes + m->value;
        r->entries[i].value_len = m->value_len;
    }
    return 1;
}

static void reset_item(vt_reader *r)
{
    r->meta_count = 0;
    r->meta_bytes_len = 0;
    r->beat_count = 0;
    r->member_count = 0;
    r->event_count = 0;
    r->stat_count = 0;
    r->route_count = 0;
}

/* The beats from index `first` on; NULL before any beat was kept (NULL + 0 is undefined). */
static const vt_beat *beats_at(const vt_reader *r, size_t first)
{
    return r->beats ? r->beats + first : NULL;
}

static void add_beat(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    double bpm = NAN;
    int32_t ms = -1;
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "bpm")) {
            bpm = number_or_nan(a->value, a->len);
        } else if (attr_is(a, "time")) {
            vt_error e;
            if (vt_time_of_day_parse(a->value, a->len, &ms, &e) != VT_OK) {
                fail(r, VT_ERR_PARSE, "invalid InstantaneousBeatsPerMinute time: %s", e.msg);
                return;
            }
        }
    }
    if (ms < 0) {
        fail(r, VT_ERR_FORMAT, "InstantaneousBeatsPerMinute without a time");
        return;
    }
    if (r->beat_count >= r->max_metadata) {
        fail(r, VT_ERR_LIMIT, "more than %u InstantaneousBeatsPerMinute in one record",
             r->max_metadata);
        return;
    }
    if (!grow(r, (void **)&r->beats, &r->beat_cap, r->beat_count + 1, sizeof *r->beats)) {
        return;
    }
    /* The time of day is local to the record's start: the beat lies on the start's local
     * day, or on the next one when its time of day is earlier than the start's. */
    const int64_t off_ms = (int64_t)r->rec.start.offset_min * 60000;
    const int64_t local_ms = r->rec.start.utc * 1000 + off_ms;
    int64_t day = local_ms / 86400000;
    if (local_ms % 86400000 < 0) {
        day--;
    }
    const int64_t start_tod = local_ms - day * 86400000;
    int64_t beat_local = day * 86400000 + ms;
    if (ms < start_tod) {
        beat_local += 86400000;
    }
    vt_beat *b = &r->beats[r->beat_count++];
    b->utc_ms = beat_local - off_ms;
    b->bpm = bpm;
    r->summary.beats++;
}

/* ---- records ------------------------------------------------------------------------- */

/* Decodes a Record's attributes into r->rec (strings interned, times parsed). */
static void begin_record(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_record *rec = &r->rec;
    memset(rec, 0, sizeof *rec);
    int has_start = 0, has_end = 0;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        const char *v = a->value;
        const size_t len = a->len;
        int ok = 1;
        switch (n[0]) {
        case 't':
            if (strcmp(n, "type") == 0) {
                ok = intern_c(r, C_TYPE, v, len, &rec->type);
            }
            break;
        case 's':
            if (strcmp(n, "sourceName") == 0) {
                ok = intern_c(r, C_SOURCE, v, len, &rec->source);
            } else if (strcmp(n, "sourceVersion") == 0) {
                ok = intern_c(r, C_VERSION, v, len, &rec->source_version);
            } else if (strcmp(n, "startDate") == 0) {
                ok = has_start = parse_time(r, "startDate", v, len, &rec->start);
            }
            break;
        case 'u':
            if (strcmp(n, "unit") == 0) {
                ok = intern_c(r, C_UNIT, v, len, &rec->unit);
            }
            break;
        case 'd':
            if (strcmp(n, "device") == 0) {
                ok = intern_c(r, C_DEVICE, v, len, &rec->device);
            }
            break;
        case 'c':
            if (strcmp(n, "creationDate") == 0) {
                ok = parse_time(r, "creationDate", v, len, &rec->created);
                rec->flags |= VT_RECORD_HAS_CREATED;
            }
            break;
        case 'e':
            if (strcmp(n, "endDate") == 0) {
                ok = has_end = parse_time(r, "endDate", v, len, &rec->end);
            }
            break;
        case 'v':
            if (strcmp(n, "value") == 0) {
                if (vt__parse_decimal(v, len, &rec->value)) {
                    rec->flags |= VT_RECORD_NUMERIC;
                } else {
                    ok = intern_c(r, C_CATEGORY, v, len, &rec->category);
                    rec->flags |= VT_RECORD_CATEGORY;
                }
            }
            break;
        default:
            break;
        }
        if (!ok) {
            return;
        }
    }
    if (!rec->type || !has_start) {
        fail(r, VT_ERR_FORMAT, "Record without %s", rec->type ? "startDate" : "type");
        return;
    }
    if (!has_end) {
        rec->end = rec->start;
    }
    r->rec_meta_first = (uint32_t)r->meta_count;
    r->rec_beat_first = (uint32_t)r->beat_count;
}

static void note_range(vt_reader *r, const vt_record *rec)
{
    vt_export_summary *s = &r->summary;
    if (!s->has_first || rec->start.utc < s->first_start.utc) {
        s->first_start = rec->start;
        s->has_first = 1;
    }
    if (!s->has_last || rec->start.utc > s->last_start.utc) {
        s->last_start = rec->start;
        s->has_last = 1;
    }
}

static void call(vt_reader *r, vt_status st, vt_error *e)
{
    if (st != VT_OK) {
        if (e->code == VT_OK) {
            vt__error(e, st, "%s", vt_status_name(st));
        }
        fail_with(r, st, e);
    }
}

static void send_info(vt_reader *r)
{
    if (r->info_sent || r->status != VT_OK) {
        return;
    }
    r->info_sent = 1;
    r->info.me_json = r->me_json;
    if (r->sink.export_info) {
        vt_error e = {0};
        call(r, r->sink.export_info(r->sink.ctx, &r->info, r->pool, &e), &e);
    }
}

static void end_record(vt_reader *r)
{
    vt_record *rec = &r->rec;
    rec->metadata_count = (uint32_t)(r->meta_count - r->rec_meta_first);
    rec->beat_count = (uint32_t)(r->beat_count - r->rec_beat_first);
    r->summary.records++;
    note_range(r, rec);
    if (r->sink.record) {
        if (!fix_entries(r)) {
            return;
        }
        rec->metadata = r->entries + r->rec_meta_first;
        rec->beats = beats_at(r, r->rec_beat_first);
        vt_error e = {0};
        call(r, r->sink.record(r->sink.ctx, rec, r->pool, &e), &e);
    }
    reset_item(r);
}

static void end_member(vt_reader *r)
{
    if (r->member_count >= VT_READER_MAX_MEMBERS) {
        fail(r, VT_ERR_LIMIT, "more than %u Records in one Correlation", VT_READER_MAX_MEMBERS);
        return;
    }
    if (!grow(r, (void **)&r->members, &r->member_cap, r->member_count + 1, sizeof *r->members)) {
        return;
    }
    if (!grow(r, (void **)&r->member_meta, &r->member_meta_cap, 2 * r->member_count + 2,
              sizeof *r->member_meta)) {
        return;
    }
    vt_record *m = &r->members[r->member_count];
    *m = r->rec;
    m->flags |= VT_RECORD_IN_CORRELATION;
    m->metadata_count = (uint32_t)(r->meta_count - r->rec_meta_first);
    m->beat_count = (uint32_t)(r->beat_count - r->rec_beat_first);
    r->member_meta[2 * r->member_count] = r->rec_meta_first;
    r->member_meta[2 * r->member_count + 1] = r->rec_beat_first;
    r->member_count++;
    r->summary.correlation_members++;
}

/* Decodes the attributes common to Correlation, Workout and WorkoutRoute. */
static int common_attr(vt_reader *r, const char *n, const char *v, size_t len, uint32_t *source,
                       uint32_t *version, uint32_t *device, vt_time *start, vt_time *end,
                       vt_time *created, uint32_t *flags)
{
    if (strcmp(n, "sourceName") == 0) {
        return intern_c(r, C_SOURCE, v, len, source);
    }
    if (strcmp(n, "sourceVersion") == 0) {
        return intern_c(r, C_VERSION, v, len, version);
    }
    if (strcmp(n, "device") == 0) {
        return intern_c(r, C_DEVICE, v, len, device);
    }
    if (strcmp(n, "startDate") == 0) {
        return parse_time(r, "startDate", v, len, start);
    }
    if (strcmp(n, "endDate") == 0) {
        return parse_time(r, "endDate", v, len, end);
    }
    if (strcmp(n, "creationDate") == 0) {
        *flags |= VT_RECORD_HAS_CREATED;
        return parse_time(r, "creationDate", v, len, created);
    }
    return 1;
}

static void begin_correlation(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_correlation *c = &r->corr;
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        int ok;
        if (strcmp(n, "type") == 0) {
            ok = intern_c(r, C_TYPE, a->value, a->len, &c->type);
        } else {
            ok = common_attr(r, n, a->value, a->len, &c->source, &c->source_version, &c->device,
                             &c->start, &c->end, &c->created, &c->flags);
        }
        if (!ok) {
            return;
        }
    }
}

static void end_correlation(vt_reader *r)
{
    vt_correlation *c = &r->corr;
    r->summary.correlations++;
    if (r->sink.correlation) {
        if (!fix_entries(r)) {
            return;
        }
        /* The correlation's own metadata are the slots no member claimed. */
        size_t own = 0;
        for (size_t i = 0; i < r->member_count; i++) {
            vt_record *m = &r->members[i];
            m->metadata = r->entries + r->member_meta[2 * i];
            m->beats = beats_at(r, r->member_meta[2 * i + 1]);
            own += m->metadata_count;
        }
        /* Own entries may interleave with members' in document order; gather them at the end
         * of the entries array. */
        const size_t total = r->meta_count;
        if (!grow(r, (void **)&r->entries, &r->entries_cap, total + (total - own) + 1,
                  sizeof *r->entries)) {
            return;
        }
        /* entries may have moved: fix member pointers again. */
        for (size_t i = 0; i < r->member_count; i++) {
            r->members[i].metadata = r->entries + r->member_meta[2 * i];
        }
        /* Members' slices are in document order and do not overlap: one sweep. */
        size_t k = total, i = 0;
        for (size_t s = 0; s < total; s++) {
            while (i < r->member_count &&
                   s >= r->member_meta[2 * i] + r->members[i].metadata_count) {
                i++;
            }
            const int claimed = i < r->member_count && s >= r->member_meta[2 * i];
            if (!claimed) {
                r->entries[k++] = r->entries[s];
            }
        }
        c->metadata = r->entries + total;
        c->metadata_count = (uint32_t)(k - total);
        c->members = r->members;
        c->member_count = (uint32_t)r->member_count;
        vt_error e = {0};
        call(r, r->sink.correlation(r->sink.ctx, c, r->pool, &e), &e);
    }
    reset_item(r);
}

/* ---- workouts ------------------------------------------------------------------------ */

static void begin_workout(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_workout *w = &r->workout;
    memset(w, 0, sizeof *w);
    w->duration = w->total_distance = w->total_energy_burned = NAN;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        const char *v = a->value;
        const size_t len = a->len;
        int ok = 1;
        if (strcmp(n, "workoutActivityType") == 0) {
            ok = intern_c(r, C_TYPE, v, len, &w->activity_type);
        } else if (strcmp(n, "duration") == 0) {
            w->duration = number_or_nan(v, len);
        } else if (strcmp(n, "durationUnit") == 0) {
            ok = intern_c(r, C_UNIT, v, len, &w->duration_unit);
        } else if (strcmp(n, "totalDistance") == 0) {
            w->total_distance = number_or_nan(v, len);
        } else if (strcmp(n, "totalDistanceUnit") == 0) {
            ok = intern_c(r, C_UNIT, v, len, &w->total_distance_unit);
        } else if (strcmp(n, "totalEnergyBurned") == 0) {
            w->total_energy_burned = number_or_nan(v, len);
        } else if (strcmp(n, "totalEnergyBurnedUnit") == 0) {
            ok = intern_c(r, C_UNIT, v, len, &w->total_energy_burned_unit);
        } else {
            ok = common_attr(r, n, v, len, &w->source, &w->source_version, &w->device, &w->start,
                             &w->end, &w->created, &w->flags);
        }
        if (!ok) {
            return;
        }
    }
}

static void add_event(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    if (r->event_count >= r->max_metadata) {
        fail(r, VT_ERR_LIMIT, "more than %u WorkoutEvent in one Workout", r->max_metadata);
        return;
    }
    if (!grow(r, (void **)&r->events, &r->event_cap, r->event_count + 1, sizeof *r->events)) {
        return;
    }
    vt_workout_event *ev = &r->events[r->event_count];
    memset(ev, 0, sizeof *ev);
    ev->duration = NAN;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        int ok = 1;
        if (strcmp(n, "type") == 0) {
            ok = intern(r, a->value, a->len, &ev->type);
        } else if (strcmp(n, "date") == 0) {
            ok = parse_time(r, "WorkoutEvent date", a->value, a->len, &ev->date);
        } else if (strcmp(n, "duration") == 0) {
            ev->duration = number_or_nan(a->value, a->len);
        } else if (strcmp(n, "durationUnit") == 0) {
            ok = intern_c(r, C_UNIT, a->value, a->len, &ev->duration_unit);
        }
        if (!ok) {
            return;
        }
    }
    r->event_count++;
    r->summary.workout_events++;
}

static void add_statistic(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    if (r->stat_count >= r->max_metadata) {
        fail(r, VT_ERR_LIMIT, "more than %u WorkoutStatistics in one Workout", r->max_metadata);
        return;
    }
    if (!grow(r, (void **)&r->stats, &r->stat_cap, r->stat_count + 1, sizeof *r->stats)) {
        return;
    }
    vt_workout_statistic *s = &r->stats[r->stat_count];
    memset(s, 0, sizeof *s);
    s->sum = s->average = s->minimum = s->maximum = NAN;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        const char *v = a->value;
        const size_t len = a->len;
        int ok = 1;
        if (strcmp(n, "type") == 0) {
            ok = intern_c(r, C_TYPE, v, len, &s->type);
        } else if (strcmp(n, "startDate") == 0) {
            ok = parse_time(r, "startDate", v, len, &s->start);
        } else if (strcmp(n, "endDate") == 0) {
            ok = parse_time(r, "endDate", v, len, &s->end);
        } else if (strcmp(n, "sum") == 0) {
            s->sum = number_or_nan(v, len);
        } else if (strcmp(n, "average") == 0) {
            s->average = number_or_nan(v, len);
        } else if (strcmp(n, "minimum") == 0) {
            s->minimum = number_or_nan(v, len);
        } else if (strcmp(n, "maximum") == 0) {
            s->maximum = number_or_nan(v, len);
        } else if (strcmp(n, "unit") == 0) {
            ok = intern_c(r, C_UNIT, v, len, &s->unit);
        }
        if (!ok) {
            return;
        }
    }
    r->stat_count++;
    r->summary.workout_statistics++;
}

static vt_workout_route *cur_route(vt_reader *r)
{
    return r->route_count ? &r->routes[r->route_count - 1] : NULL;
}

static void begin_route(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    if (r->route_count >= r->max_metadata) {
        fail(r, VT_ERR_LIMIT, "more than %u WorkoutRoute in one Workout", r->max_metadata);
        return;
    }
    if (!grow(r, (void **)&r->routes, &r->route_cap, r->route_count + 1, sizeof *r->routes)) {
        return;
    }
    if (!grow(r, (void **)&r->route_meta, &r->route_meta_cap, 2 * r->route_count + 2,
              sizeof *r->route_meta)) {
        return;
    }
    vt_workout_route *rt = &r->routes[r->route_count];
    memset(rt, 0, sizeof *rt);
    const char *start = "", *end = "";
    size_t start_len = 0, end_len = 0;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        if (strcmp(n, "startDate") == 0) {
            start = a->value;
            start_len = a->len;
        } else if (strcmp(n, "endDate") == 0) {
            end = a->value;
            end_len = a->len;
        }
        if (!common_attr(r, n, a->value, a->len, &rt->source, &rt->source_version, &rt->device,
                         &rt->start, &rt->end, &rt->created, &rt->flags)) {
            return;
        }
    }
    char key[128];
    const int n =
        snprintf(key, sizeof key, "inline:%.*s|%.*s", (int)(start_len > 40 ? 40 : start_len), start,
                 (int)(end_len > 40 ? 40 : end_len), end);
    if (!intern(r, key, (size_t)n, &rt->ref)) {
        return;
    }
    r->route_meta[2 * r->route_count] = (uint32_t)r->meta_count;
    r->route_count++;
    r->point_ref = rt->ref;
    r->point_count = 0;
    r->summary.workout_routes++;
}

static void flush_points(vt_reader *r)
{
    if (r->point_count && r->sink.route_points && r->status == VT_OK) {
        vt_error e = {0};
        call(
            r,
            r->sink.route_points(r->sink.ctx, r->point_ref, r->points, r->point_count, r->pool, &e),
            &e);
    }
    r->point_count = 0;
}

static void end_route(vt_reader *r)
{
    flush_points(r);
    const size_t i = r->route_count - 1;
    r->route_meta[2 * i + 1] = (uint32_t)(r->meta_count - r->route_meta[2 * i]);
}

static void add_location(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_route_point *p = &r->points[r->point_count];
    p->utc_ms = INT64_MIN;
    p->latitude = p->longitude = p->elevation = p->speed = p->course = NAN;
    p->horizontal_accuracy = p->vertical_accuracy = NAN;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        const char *v = a->value;
        const size_t len = a->len;
        if (strcmp(n, "date") == 0) {
            vt_time t;
            if (!parse_time(r, "Location date", v, len, &t)) {
                return;
            }
            p->utc_ms = t.utc * 1000;
        } else if (strcmp(n, "latitude") == 0) {
            p->latitude = number_or_nan(v, len);
        } else if (strcmp(n, "longitude") == 0) {
            p->longitude = number_or_nan(v, len);
        } else if (strcmp(n, "altitude") == 0) {
            p->elevation = number_or_nan(v, len);
        } else if (strcmp(n, "speed") == 0) {
            p->speed = number_or_nan(v, len);
        } else if (strcmp(n, "course") == 0) {
            p->course = number_or_nan(v, len);
        } else if (strcmp(n, "horizontalAccuracy") == 0) {
            p->horizontal_accuracy = number_or_nan(v, len);
        } else if (strcmp(n, "verticalAccuracy") == 0) {
            p->vertical_accuracy = number_or_nan(v, len);
        }
    }
    r->summary.route_points++;
    if (++r->point_count == POINT_BATCH) {
        flush_points(r);
    }
}

static void file_reference(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_workout_route *rt = cur_route(r);
    for (size_t i = 0; rt && i < nb; i++, a++) {
        if (attr_is(a, "path")) {
            if (!intern(r, a->value, a->len, &rt->file)) {
                return;
            }
            rt->ref = rt->file;
            r->point_ref = rt->ref;
        }
    }
}

static void end_workout(vt_reader *r)
{
    vt_workout *w = &r->workout;
    r->summary.workouts++;
    if (r->sink.workout) {
        if (!fix_entries(r)) {
            return;
        }
        /* Route metadata are slices of the entries; the workout's own are the others,
         * gathered after them. */
        const size_t total = r->meta_count;
        if (!grow(r, (void **)&r->entries, &r->entries_cap, 2 * total + 1, sizeof *r->entries)) {
            return;
        }
        /* Routes' slices are in document order and do not overlap: one sweep. */
        size_t k = total, j = 0;
        for (size_t s = 0; s < total; s++) {
            while (j < r->route_count && s >= r->route_meta[2 * j] + r->route_meta[2 * j + 1]) {
                j++;
            }
            const int claimed = j < r->route_count && s >= r->route_meta[2 * j];
            if (!claimed) {
                r->entries[k++] = r->entries[s];
            }
        }
        for (size_t i = 0; i < r->route_count; i++) {
            r->routes[i].metadata = r->entries + r->route_meta[2 * i];
            r->routes[i].metadata_count = r->route_meta[2 * i + 1];
        }
        w->metadata = r->entries + total;
        w->metadata_count = (uint32_t)(k - total);
        w->events = r->events;
        w->event_count = (uint32_t)r->event_count;
        w->statistics = r->stats;
        w->statistic_count = (uint32_t)r->stat_count;
        w->routes = r->routes;
        w->route_count = (uint32_t)r->route_count;
        vt_error e = {0};
        call(r, r->sink.workout(r->sink.ctx, w, r->pool, &e), &e);
    }
    reset_item(r);
}

/* ---- activity summaries, export info, other elements --------------------------------- */

static void activity_summary(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_activity_summary s;
    memset(&s, 0, sizeof s);
    s.active_energy_burned = s.active_energy_burned_goal = NAN;
    s.move_time = s.move_time_goal = s.exercise_time = s.exercise_time_goal = NAN;
    s.stand_hours = s.stand_hours_goal = NAN;
    int has_day = 0;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        const char *v = a->value;
        const size_t len = a->len;
        if (strcmp(n, "dateComponents") == 0) {
            vt_error e;
            if (vt_date_parse(v, len, &s.day, &e) != VT_OK) {
                fail(r, VT_ERR_PARSE, "invalid dateComponents: %s", e.msg);
                return;
            }
            has_day = 1;
        } else if (strcmp(n, "activeEnergyBurned") == 0) {
            s.active_energy_burned = number_or_nan(v, len);
        } else if (strcmp(n, "activeEnergyBurnedGoal") == 0) {
            s.active_energy_burned_goal = number_or_nan(v, len);
        } else if (strcmp(n, "activeEnergyBurnedUnit") == 0) {
            if (!intern_c(r, C_UNIT, v, len, &s.active_energy_burned_unit)) {
                return;
            }
        } else if (strcmp(n, "appleMoveTime") == 0 || strcmp(n, "appleMoveMinutes") == 0) {
            s.move_time = number_or_nan(v, len);
        } else if (strcmp(n, "appleMoveTimeGoal") == 0 || strcmp(n, "appleMoveMinutesGoal") == 0) {
            s.move_time_goal = number_or_nan(v, len);
        } else if (strcmp(n, "appleExerciseTime") == 0) {
            s.exercise_time = number_or_nan(v, len);
        } else if (strcmp(n, "appleExerciseTimeGoal") == 0) {
            s.exercise_time_goal = number_or_nan(v, len);
        } else if (strcmp(n, "appleStandHours") == 0) {
            s.stand_hours = number_or_nan(v, len);
        } else if (strcmp(n, "appleStandHoursGoal") == 0) {
            s.stand_hours_goal = number_or_nan(v, len);
        }
    }
    if (!has_day) {
        fail(r, VT_ERR_FORMAT, "ActivitySummary without dateComponents");
        return;
    }
    r->summary.activity_summaries++;
    if (r->sink.activity_summary) {
        vt_error e = {0};
        call(r, r->sink.activity_summary(r->sink.ctx, &s, r->pool, &e), &e);
    }
}

static void other_element(vt_reader *r, const char *name, const vt__xml_attr *a, size_t nb)
{
    r->summary.other_elements++;
    if (!r->sink.element) {
        return;
    }
    const char *json = attrs_json(r, a, nb);
    if (!json) {
        return;
    }
    vt_element el;
    el.name = name;
    el.attributes_json = json;
    el.group = r->group;
    el.depth = r->depth - 1;
    el.line = cur_line(r);
    vt_error e = {0};
    call(r, r->sink.element(r->sink.ctx, &el, &e), &e);
}

static void root(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "locale") && !intern(r, a->value, a->len, &r->info.locale)) {
            return;
        }
    }
}

static void me(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    const char *json = attrs_json(r, a, nb);
    if (!json) {
        return;
    }
    vt__free(r->me_json);
    r->me_json = vt__strndup(json, strlen(json));
    if (!r->me_json) {
        fail(r, VT_ERR_NOMEM, "out of memory");
    }
}

static void export_date(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "value")) {
            if (!parse_time(r, "ExportDate", a->value, a->len, &r->info.export_date)) {
                return;
            }
            r->info.has_export_date = 1;
        }
    }
}

/* ---- XML events -------------------------------------------------------------------- */

static enum kind classify(unsigned parent, const char *n)
{
    switch (parent) {
    case K_ROOT:
        if (strcmp(n, "Record") == 0)
            return K_RECORD;
        if (strcmp(n, "Workout") == 0)
            return K_WORKOUT;
        if (strcmp(n, "ActivitySummary") == 0)
            return K_SUMMARY;
        if (strcmp(n, "Correlation") == 0)
            return K_CORRELATION;
        if (strcmp(n, "ExportDate") == 0)
            return K_EXPORT_DATE;
        if (strcmp(n, "Me") == 0)
            return K_ME;
        break;
    case K_RECORD:
    case K_MEMBER:
        if (strcmp(n, "MetadataEntry") == 0)
            return K_META;
        if (strcmp(n, "HeartRateVariabilityMetadataList") == 0)
            return K_HRV_LIST;
        break;
    case K_HRV_LIST:
        if (strcmp(n, "InstantaneousBeatsPerMinute") == 0)
            return K_BEAT;
        break;
    case K_CORRELATION:
        if (strcmp(n, "MetadataEntry") == 0)
            return K_META;
        if (strcmp(n, "Record") == 0)
            return K_MEMBER;
        break;
    case K_WORKOUT:
        if (strcmp(n, "MetadataEntry") == 0)
            return K_META;
        if (strcmp(n, "WorkoutEvent") == 0)
            return K_EVENT;
        if (strcmp(n, "WorkoutStatistics") == 0)
            return K_STATISTIC;
        if (strcmp(n, "WorkoutRoute") == 0)
            return K_ROUTE;
        break;
    case K_ROUTE:
        if (strcmp(n, "MetadataEntry") == 0)
            return K_META;
        if (strcmp(n, "FileReference") == 0)
            return K_FILE_REF;
        if (strcmp(n, "Location") == 0)
            return K_LOCATION;
        break;
    default:
        break;
    }
    return K_OTHER;
}

static void on_start(void *ctx, const char *n, const vt__xml_attr *a, size_t nb)
{
    vt_reader *r = ctx;
    if (r->status != VT_OK) {
        return;
    }
    if (r->depth == 0) {
        if (strcmp(n, "HealthData") != 0) {
            fail(r, VT_ERR_FORMAT,
                 "root element is <%.60s>, not <HealthData>: not an Apple Health export", n);
            return;
        }
        r->saw_root = 1;
        r->kinds[++r->depth] = K_ROOT;
        root(r, a, nb);
        return;
    }
    if (r->depth >= VT_READER_MAX_DEPTH) {
        fail(r, VT_ERR_LIMIT, "elements nested deeper than %d", VT_READER_MAX_DEPTH);
        return;
    }
    const unsigned parent = r->kinds[r->depth];
    const enum kind k = classify(parent, n);
    r->kinds[++r->depth] = (unsigned char)k;
    if (parent == K_ROOT) {
        r->group++;
        if (k != K_EXPORT_DATE && k != K_ME) {
            send_info(r);
            if (r->status != VT_OK) {
                /* The sink failed: the parser is stopped, and stopping it freed the input
                 * buffer that `a` points into. */
                return;
            }
        }
    }
    switch (k) {
    case K_RECORD:
        begin_record(r, a, nb);
        break;
    case K_MEMBER:
        begin_record(r, a, nb);
        break;
    case K_META:
        add_metadata(r, a, nb);
        break;
    case K_BEAT:
        add_beat(r, a, nb);
        break;
    case K_CORRELATION:
        begin_correlation(r, a, nb);
        break;
    case K_WORKOUT:
        begin_workout(r, a, nb);
        break;
    case K_EVENT:
        add_event(r, a, nb);
        break;
    case K_STATISTIC:
        add_statistic(r, a, nb);
        break;
    case K_ROUTE:
        begin_route(r, a, nb);
        break;
    case K_FILE_REF:
        file_reference(r, a, nb);
        break;
    case K_LOCATION:
        add_location(r, a, nb);
        break;
    case K_SUMMARY:
        activity_summary(r, a, nb);
        break;
    case K_EXPORT_DATE:
        export_date(r, a, nb);
        break;
    case K_ME:
        me(r, a, nb);
        break;
    case K_OTHER:
        other_element(r, n, a, nb);
        break;
    default:
        break;
    }
}

static void on_end(void *ctx, const char *name)
{
    vt_reader *r = ctx;
    (void)name;
    if (r->status != VT_OK || r->depth == 0) {
        return;
    }
    const unsigned k = r->kinds[r->depth--];
    switch (k) {
    case K_RECORD:
        end_record(r);
        break;
    case K_MEMBER:
        end_member(r);
        break;
    case K_CORRELATION:
        end_correlation(r);
        break;
    case K_WORKOUT:
        end_workout(r);
        break;
    case K_ROUTE:
        end_route(r);
        break;
    default:
        break;
    }
}

/* ---- the public push reader ---------------------------------------------------------- */

vt_status vt_reader_new(const vt_reader_options *options, const vt_sink *sink, vt_reader **out,
                        vt_error *err)
{
    *out = NULL;
    vt_reader *r = vt__calloc(1, sizeof *r);
    if (!r) {
        return vt__nomem(err);
    }
    if (sink) {
        r->sink = *sink;
    }
    snprintf(r->name, sizeof r->name, "%s",
             options && options->name ? options->name : "export.xml");
    r->max_metadata =
        options && options->max_metadata ? options->max_metadata : VT_READER_MAX_METADATA;
    r->engine = VT__XML_LIBXML2;
    vt__xml_filter_init(&r->filter);
    r->block = vt__malloc(BLOCK);
    if (!r->block) {
        vt__free(r);
        return vt__nomem(err);
    }
    vt_status st = vt_strpool_new(&r->pool, err);
    if (st != VT_OK) {
        vt__free(r->block);
        vt__free(r);
        return st;
    }
    *out = r;
    return VT_OK;
}

void vt_reader_free(vt_reader *r)
{
    if (!r) {
        return;
    }
    vt__xml_parser_free(r->xml);
    vt_strpool_free(r->pool);
    vt__free(r->me_json);
    vt__free(r->meta_bytes);
    vt__free(r->meta);
    vt__free(r->entries);
    vt__free(r->beats);
    vt__free(r->members);
    vt__free(r->member_meta);
    vt__free(r->events);
    vt__free(r->stats);
    vt__free(r->routes);
    vt__free(r->route_meta);
    vt__free(r->json);
    vt__free(r->block);
    vt__free(r);
}

const vt_strpool *vt_reader_strings(const vt_reader *r)
{
    return r->pool;
}

const vt_export_summary *vt_reader_summary(const vt_reader *r)
{
    return &r->summary;
}

static vt_status sticky(vt_reader *r, vt_error *err)
{
    if (err) {
        *err = r->err;
    }
    return r->status;
}

/* Passes filtered bytes to the XML front end, making the parser on the first block. Its
 * errors, and the decoders', come back through the reader's status. */
static vt_status parse(vt_reader *r, const char *data, size_t len, int terminate, vt_error *err)
{
    if (!r->xml) {
        vt__xml_events events;
        events.ctx = r;
        events.start = on_start;
        events.end = on_end;
        events.text = NULL; /* no element of an export needs its text */
        events.error = on_error;
        vt_error e;
        const vt_status st = vt__xml_parser_new(r->engine, &events, r->name, &r->xml, &e);
        if (st != VT_OK) {
            fail_with(r, st, &e);
            return sticky(r, err);
        }
    }
    vt__xml_parse(r->xml, data, len, terminate);
    return r->status == VT_OK ? VT_OK : sticky(r, err);
}

/* Filters and parses input in blocks of the reader's buffer; bytes held back by the filter
 * (a possible `<!DOCTYPE` start) wait in front of the next block. */
static vt_status feed(vt_reader *r, const void *data, size_t len, int final, vt_error *err)
{
    if (r->status != VT_OK) {
        return sticky(r, err);
    }
    if (r->finished) {
        return vt__error(err, VT_ERR_INVALID, "the reader has finished");
    }
    const char *p = data;
    size_t left = len;
    do {
        const size_t head = r->carry_len;
        const size_t room = BLOCK - head;
        const size_t n = left < room ? left : room;
        memcpy(r->block, r->carry, head);
        memcpy(r->block + head, p, n);
        p += n;
        left -= n;
        size_t keep = 0;
        const vt_status st = vt__xml_filter_run(&r->filter, r->block, head + n, final && left == 0,
                                                &keep, r->name, &r->err);
        if (st != VT_OK) {
            r->status = st;
            return sticky(r, err);
        }
        memcpy(r->carry, r->block + head + n - keep, keep);
        r->carry_len = keep;
        if (parse(r, r->block, head + n - keep, 0, err) != VT_OK) {
            return r->status;
        }
    } while (left > 0);
    return VT_OK;
}

vt_status vt_reader_feed(vt_reader *r, const void *data, size_t len, vt_error *err)
{
    return feed(r, data, len, 0, err);
}

vt_status vt__reader_finish_xml(vt_reader *r, vt_error *err)
{
    if (r->status != VT_OK) {
        return sticky(r, err);
    }
    if (r->finished) {
        return VT_OK;
    }
    if (feed(r, "", 0, 1, err) != VT_OK) {
        return r->status;
    }
    if (!r->xml || r->filter.offset == 0) {
        r->status = vt__error(&r->err, VT_ERR_FORMAT, "%s: empty input: not an Apple Health export",
                              r->name);
        return sticky(r, err);
    }
    r->terminating = 1;
    if (parse(r, "", 0, 1, err) != VT_OK) { /* "", not NULL: NULL + 0 is undefined */
        return r->status;
    }
    if (!r->saw_root) {
        fail(r, VT_ERR_FORMAT, "no <HealthData> element: not an Apple Health export");
        return sticky(r, err);
    }
    r->finished = 1;
    send_info(r);
    r->summary.control_chars = r->filter.control_chars;
    r->summary.bytes = r->filter.offset;
    return sticky(r, err);
}

vt_status vt__reader_end(vt_reader *r, vt_export_summary *summary, vt_error *err)
{
    if (r->status != VT_OK) {
        return sticky(r, err);
    }
    if (summary) {
        *summary = r->summary;
    }
    if (r->sink.end) {
        vt_error e = {0};
        const vt_status st = r->sink.end(r->sink.ctx, &r->summary, &e);
        if (st != VT_OK) {
            if (e.code == VT_OK) {
                vt__error(&e, st, "%s", vt_status_name(st));
            }
            r->status = st;
            r->err = e;
        }
    }
    return sticky(r, err);
}

vt_status vt_reader_finish(vt_reader *r, vt_export_summary *summary, vt_error *err)
{
    const vt_status st = vt__reader_finish_xml(r, err);
    if (st != VT_OK) {
        return st;
    }
    return vt__reader_end(r, summary, err);
}

/* ---- helpers for the sources (reader_internal.h) ------------------------------------ */

vt_status vt__reader_intern(vt_reader *r, const char *s, size_t len, uint32_t *id, vt_error *err)
{
    return vt_strpool_intern(r->pool, s, len, id, err);
}

vt_status vt__reader_points(vt_reader *r, uint32_t ref, const vt_route_point *points, size_t count,
                            vt_error *err)
{
    r->summary.route_points += count;
    if (!r->sink.route_points || count == 0) {
        return VT_OK;
    }
    vt_error e = {0};
    const vt_status st = r->sink.route_points(r->sink.ctx, ref, points, count, r->pool, &e);
    if (st != VT_OK) {
        if (e.code == VT_OK) {
            vt__error(&e, st, "%s", vt_status_name(st));
        }
        if (err) {
            *err = e;
        }
    }
    return st;
}

uint64_t vt__reader_records(const vt_reader *r)
{
    return r->summary.records;
}

vt__xml_engine vt__reader_xml_engine(const vt_reader *r)
{
    return r->engine;
}

vt_status vt__reader_use_xml_engine(vt_reader *r, vt__xml_engine engine, vt_error *err)
{
    if (r->xml) {
        return vt__error(err, VT_ERR_INVALID, "the XML engine is chosen before the first bytes");
    }
    if ((unsigned)engine >= VT__XML_ENGINE_COUNT) {
        return vt__error(err, VT_ERR_INVALID, "no XML engine %d in this build", (int)engine);
    }
    r->engine = engine;
    return VT_OK;
}
