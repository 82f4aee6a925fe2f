/* SPDX-License-Identifier: MIT */
/* The reader's dispatch: the XML front end's events (xml_front.h) to the element decoders, by
 * element name and place; and the front end's errors as the reader's error line. */
#include <stdio.h>

#include "reader_private.h"

static enum vt__reader_kind classify(unsigned parent, const char *n)
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
            vt__reader_fail(r, VT_ERR_FORMAT,
                            "root element is <%.60s>, not <HealthData>: not an Apple Health export",
                            n);
            return;
        }
        r->saw_root = 1;
        r->kinds[++r->depth] = K_ROOT;
        vt__reader_root(r, a, nb);
        return;
    }
    if (r->depth >= VT_READER_MAX_DEPTH) {
        vt__reader_fail(r, VT_ERR_LIMIT, "elements nested deeper than %d", VT_READER_MAX_DEPTH);
        return;
    }
    const unsigned parent = r->kinds[r->depth];
    const enum vt__reader_kind k = classify(parent, n);
    r->kinds[++r->depth] = (unsigned char)k;
    if (parent == K_ROOT) {
        r->group++;
        if (k != K_EXPORT_DATE && k != K_ME) {
            vt__reader_send_info(r);
            if (r->status != VT_OK) {
                /* The sink failed: the parser is stopped, and stopping it freed the input
                 * buffer that `a` points into. */
                return;
            }
        }
    }
    switch (k) {
    case K_RECORD:
    case K_MEMBER:
        vt__reader_begin_record(r, a, nb);
        break;
    case K_META:
        vt__reader_metadata(r, a, nb);
        break;
    case K_BEAT:
        vt__reader_beat(r, a, nb);
        break;
    case K_CORRELATION:
        vt__reader_begin_correlation(r, a, nb);
        break;
    case K_WORKOUT:
        vt__reader_begin_workout(r, a, nb);
        break;
    case K_EVENT:
        vt__reader_workout_event(r, a, nb);
        break;
    case K_STATISTIC:
        vt__reader_workout_statistic(r, a, nb);
        break;
    case K_ROUTE:
        vt__reader_begin_route(r, a, nb);
        break;
    case K_FILE_REF:
        vt__reader_file_reference(r, a, nb);
        break;
    case K_LOCATION:
        vt__reader_location(r, a, nb);
        break;
    case K_SUMMARY:
        vt__reader_activity_summary(r, a, nb);
        break;
    case K_EXPORT_DATE:
        vt__reader_export_date(r, a, nb);
        break;
    case K_ME:
        vt__reader_me(r, a, nb);
        break;
    case K_OTHER:
        vt__reader_other_element(r, n, a, nb);
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
        vt__reader_end_record(r);
        break;
    case K_MEMBER:
        vt__reader_end_member(r);
        break;
    case K_CORRELATION:
        vt__reader_end_correlation(r);
        break;
    case K_WORKOUT:
        vt__reader_end_workout(r);
        break;
    case K_ROUTE:
        vt__reader_end_route(r);
        break;
    default:
        break;
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

void vt__reader_events(vt_reader *r, vt__xml_events *events)
{
    events->ctx = r;
    events->start = on_start;
    events->end = on_end;
    events->text = NULL; /* no element of an export needs its text */
    events->error = on_error;
}
