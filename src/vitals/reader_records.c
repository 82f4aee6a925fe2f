/* SPDX-License-Identifier: MIT */
/* The reader's decoders of Records: their attributes, their MetadataEntry children (also those
 * of Correlations, Workouts and routes) and the InstantaneousBeatsPerMinute of HRV records. */
#include "reader_private.h"

/* ---- records ------------------------------------------------------------------------- */

/* Decodes a Record's attributes into r->rec (strings interned, times parsed). */
void vt__reader_begin_record(vt_reader *r, const vt__xml_attr *a, size_t nb)
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
            if (attr_is(a, "type")) {
                ok = intern_cached(r, C_TYPE, v, len, &rec->type);
            }
            break;
        case 's':
            if (attr_is(a, "sourceName")) {
                ok = intern_cached(r, C_SOURCE, v, len, &rec->source);
            } else if (attr_is(a, "sourceVersion")) {
                ok = intern_cached(r, C_VERSION, v, len, &rec->source_version);
            } else if (attr_is(a, "startDate")) {
                ok = has_start = decode_time(r, "startDate", v, len, &rec->start);
            }
            break;
        case 'u':
            if (attr_is(a, "unit")) {
                ok = intern_cached(r, C_UNIT, v, len, &rec->unit);
            }
            break;
        case 'd':
            if (attr_is(a, "device")) {
                ok = intern_cached(r, C_DEVICE, v, len, &rec->device);
            }
            break;
        case 'c':
            if (attr_is(a, "creationDate")) {
                ok = decode_time(r, "creationDate", v, len, &rec->created);
                rec->flags |= VT_RECORD_HAS_CREATED;
            }
            break;
        case 'e':
            if (attr_is(a, "endDate")) {
                ok = has_end = decode_time(r, "endDate", v, len, &rec->end);
            }
            break;
        case 'v':
            if (attr_is(a, "value")) {
                if (vt__parse_decimal(v, len, &rec->value)) {
                    rec->flags |= VT_RECORD_NUMERIC;
                } else {
                    ok = intern_cached(r, C_CATEGORY, v, len, &rec->category);
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
        vt__reader_fail(r, VT_ERR_FORMAT, "Record without %s", rec->type ? "startDate" : "type");
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

void vt__reader_end_record(vt_reader *r)
{
    vt_record *rec = &r->rec;
    rec->metadata_count = (uint32_t)(r->meta_count - r->rec_meta_first);
    rec->beat_count = (uint32_t)(r->beat_count - r->rec_beat_first);
    r->summary.records++;
    note_range(r, rec);
    if (r->sink.record) {
        if (!vt__reader_fix_entries(r)) {
            return;
        }
        rec->metadata = r->entries + r->rec_meta_first;
        rec->beats = beats_at(r, r->rec_beat_first);
        vt_error e = {0};
        vt__reader_call(r, r->sink.record(r->sink.ctx, rec, r->pool, &e), &e);
    }
    reset_item(r);
}

/* ---- metadata and beats -------------------------------------------------------------- */

void vt__reader_metadata(vt_reader *r, const vt__xml_attr *a, size_t nb)
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
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u MetadataEntry in one element",
                        r->max_metadata);
        return;
    }
    if (r->meta_bytes_len + klen + vlen > VT_READER_MAX_METADATA_BYTES) {
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u bytes of metadata in one element",
                        (unsigned)VT_READER_MAX_METADATA_BYTES);
        return;
    }
    if (!grow_buffer(r, (void **)&r->meta, &r->meta_cap, r->meta_count + 1, sizeof *r->meta) ||
        /* + 1: the arena exists even when every key and value so far is empty. */
        !grow_buffer(r, (void **)&r->meta_bytes, &r->meta_bytes_cap,
                     r->meta_bytes_len + klen + vlen + 1, 1)) {
        return;
    }
    vt__meta_slot *m = &r->meta[r->meta_count++];
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
int vt__reader_fix_entries(vt_reader *r)
{
    if (!grow_buffer(r, (void **)&r->entries, &r->entries_cap, r->meta_count + 1,
                     sizeof *r->entries)) {
        return 0;
    }
    for (size_t i = 0; i < r->meta_count; i++) {
        const vt__meta_slot *m = &r->meta[i];
        r->entries[i].key = r->meta_bytes + m->key;
        r->entries[i].key_len = m->key_len;
        r->entries[i].value = r->meta_bytes + m->value;
        r->entries[i].value_len = m->value_len;
    }
    return 1;
}

void vt__reader_beat(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    double bpm = NAN;
    int32_t ms = -1;
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "bpm")) {
            bpm = number_or_nan(a->value, a->len);
        } else if (attr_is(a, "time")) {
            vt_error e;
            if (vt_time_of_day_parse(a->value, a->len, &ms, &e) != VT_OK) {
                vt__reader_fail(r, VT_ERR_PARSE, "invalid InstantaneousBeatsPerMinute time: %s",
                                e.msg);
                return;
            }
        }
    }
    if (ms < 0) {
        vt__reader_fail(r, VT_ERR_FORMAT, "InstantaneousBeatsPerMinute without a time");
        return;
    }
    if (r->beat_count >= r->max_metadata) {
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u InstantaneousBeatsPerMinute in one record",
                        r->max_metadata);
        return;
    }
    if (!grow_buffer(r, (void **)&r->beats, &r->beat_cap, r->beat_count + 1, sizeof *r->beats)) {
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
