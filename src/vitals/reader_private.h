/* SPDX-License-Identifier: MIT */
/* The push reader's own state, shared by its files and nothing else: reader.c (life cycle,
 * feeding, errors), reader_dispatch.c (XML events to decoders), and the decoders by element
 * family: reader_records.c, reader_workouts.c, reader_other.c. */
#ifndef VITALS_READER_PRIVATE_H
#define VITALS_READER_PRIVATE_H

#include <math.h>
#include <string.h>

#include "internal.h"
#include "reader_internal.h"
#include "xml_front.h"

/* What an open element is, by name and place. */
enum vt__reader_kind {
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
typedef struct vt__meta_slot {
    size_t key, key_len, value, value_len;
} vt__meta_slot;

/* The last string interned for one attribute: most records repeat their neighbour's. */
typedef struct vt__intern_cache {
    char bytes[160];
    size_t len;
    uint32_t id;
} vt__intern_cache;

enum { C_TYPE, C_SOURCE, C_UNIT, C_VERSION, C_DEVICE, C_CATEGORY, C_COUNT };

#define VT__READER_POINT_BATCH 1024
#define VT__READER_BLOCK       (256u * 1024u)

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
    vt__meta_slot *meta;
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
    vt_route_point points[VT__READER_POINT_BATCH];
    size_t point_count;
    uint32_t point_ref;

    char *json;
    size_t json_cap;
    size_t member_meta_cap, route_meta_cap;
    char carry[16];
    size_t carry_len;
    char *block;
    vt__intern_cache cache[C_COUNT];
    vt__date_memo dates; /* the last date of a timestamp and its day */
    vt_export_summary summary;
};

/* ---- reader.c: errors, memory, strings ---------------------------------------------- */

/* Records the first error at the parser's position and stops the parser. */
void vt__reader_fail(vt_reader *r, vt_status code, const char *fmt, ...) VT__PRINTF(3, 4);
/* A callback's or a helper's error: keeps its message, stops the parser. */
void vt__reader_fail_with(vt_reader *r, vt_status st, const vt_error *e);
/* A sink callback's result: an error (given a message when it has none) stops the reader. */
void vt__reader_call(vt_reader *r, vt_status st, vt_error *e);
/* vt__grow, failing the reader when memory runs out: 1 on success (grow_buffer below is the
 * inline check that calls it only when the array must grow). */
int vt__reader_grow(vt_reader *r, void **array, size_t *cap, size_t need, size_t elem);
/* Interns a string in the reader's pool, failing the reader on error: 1 on success. */
int vt__reader_string(vt_reader *r, const char *s, size_t len, uint32_t *id);

/* The XML events that drive the reader (reader_dispatch.c). */
void vt__reader_events(vt_reader *r, vt__xml_events *events);

/* ---- small decoders, inline: they run for nearly every attribute ----------------------- */

/* Whether attribute `a` is named `want`, a string literal: inlined, its length is a constant
 * and the compare a few integer compares, where strcmp is a call per attribute. */
static inline int attr_is(const vt__xml_attr *a, const char *want)
{
    const size_t n = strlen(want);
    return a->name_len == n && memcmp(a->name, want, n) == 0;
}

/* Makes room for `need` elements of `elem` bytes: 1 on success. */
static inline int grow_buffer(vt_reader *r, void **array, size_t *cap, size_t need, size_t elem)
{
    return need <= *cap || vt__reader_grow(r, array, cap, need, elem);
}

/* Forgets the item's metadata, beats, members and workout children. */
static inline void reset_item(vt_reader *r)
{
    r->meta_count = 0;
    r->meta_bytes_len = 0;
    r->beat_count = 0;
    r->member_count = 0;
    r->event_count = 0;
    r->stat_count = 0;
    r->route_count = 0;
}

/* Interns through the one-entry cache of attribute `slot`. */
static inline int intern_cached(vt_reader *r, int slot, const char *s, size_t len, uint32_t *id)
{
    vt__intern_cache *c = &r->cache[slot];
    if (c->id && c->len == len && memcmp(c->bytes, s, len) == 0) {
        *id = c->id;
        return 1;
    }
    if (!vt__reader_string(r, s, len, id)) {
        return 0;
    }
    if (len <= sizeof c->bytes) {
        memcpy(c->bytes, s, len);
        c->len = len;
        c->id = *id;
    }
    return 1;
}

static inline int decode_time(vt_reader *r, const char *what, const char *s, size_t len, vt_time *t)
{
    vt_error e;
    if (vt__time_parse_memo(s, len, t, &r->dates, &e) != VT_OK) {
        vt__reader_fail(r, VT_ERR_PARSE, "invalid %s: %s", what, e.msg);
        return 0;
    }
    return 1;
}

static inline double number_or_nan(const char *s, size_t len)
{
    double v;
    return vt__parse_decimal(s, len, &v) ? v : NAN;
}

/* The beats from index `first` on; NULL before any beat was kept (NULL + 0 is undefined). */
static inline const vt_beat *beats_at(const vt_reader *r, size_t first)
{
    return r->beats ? r->beats + first : NULL;
}

/* ---- reader_records.c: Record, MetadataEntry, InstantaneousBeatsPerMinute -------------- */

/* Decodes a Record's attributes into r->rec (a top-level one, or a Correlation's member). */
void vt__reader_begin_record(vt_reader *r, const vt__xml_attr *a, size_t nb);
/* A top-level Record ends: sends it with its metadata and beats. */
void vt__reader_end_record(vt_reader *r);
/* Keeps a MetadataEntry until its owner (Record, Correlation, Workout, route) ends. */
void vt__reader_metadata(vt_reader *r, const vt__xml_attr *a, size_t nb);
/* Keeps an InstantaneousBeatsPerMinute of the Record being read. */
void vt__reader_beat(vt_reader *r, const vt__xml_attr *a, size_t nb);
/* Turns every kept metadata slot into r->entries (valid until the next reset): 1 on success. */
int vt__reader_fix_entries(vt_reader *r);

/* ---- reader_workouts.c: Correlation, Workout, WorkoutEvent, WorkoutStatistics,
 * WorkoutRoute (its FileReference and Location points) ------------------------------------ */

void vt__reader_begin_correlation(vt_reader *r, const vt__xml_attr *a, size_t nb);
/* A Correlation's member Record ends: kept until the Correlation ends. */
void vt__reader_end_member(vt_reader *r);
void vt__reader_end_correlation(vt_reader *r);
void vt__reader_begin_workout(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_workout_event(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_workout_statistic(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_begin_route(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_file_reference(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_location(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_end_route(vt_reader *r);
void vt__reader_end_workout(vt_reader *r);

/* ---- reader_other.c: HealthData, ExportDate, Me, ActivitySummary, unknown elements ----- */

/* The root's attributes (its locale). */
void vt__reader_root(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_export_date(vt_reader *r, const vt__xml_attr *a, size_t nb);
void vt__reader_me(vt_reader *r, const vt__xml_attr *a, size_t nb);
/* Sends the export info once, before the first other item (or at the end). */
void vt__reader_send_info(vt_reader *r);
void vt__reader_activity_summary(vt_reader *r, const vt__xml_attr *a, size_t nb);
/* Any other element, at any depth: its name and attributes as JSON to the sink. */
void vt__reader_other_element(vt_reader *r, const char *name, const vt__xml_attr *a, size_t nb);

#endif
