/* SPDX-License-Identifier: MIT */
/* The reader's decoders of Correlations (their member Records) and Workouts (WorkoutEvent,
 * WorkoutStatistics, WorkoutRoute with its FileReference or inline Location points). */
#include "reader_private.h"

/* ---- correlations -------------------------------------------------------------------- */

void vt__reader_end_member(vt_reader *r)
{
    if (r->member_count >= VT_READER_MAX_MEMBERS) {
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u Records in one Correlation",
                        VT_READER_MAX_MEMBERS);
        return;
    }
    if (!grow_buffer(r, (void **)&r->members, &r->member_cap, r->member_count + 1,
                     sizeof *r->members)) {
        return;
    }
    if (!grow_buffer(r, (void **)&r->member_meta, &r->member_meta_cap, 2 * r->member_count + 2,
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
        return intern_cached(r, C_SOURCE, v, len, source);
    }
    if (strcmp(n, "sourceVersion") == 0) {
        return intern_cached(r, C_VERSION, v, len, version);
    }
    if (strcmp(n, "device") == 0) {
        return intern_cached(r, C_DEVICE, v, len, device);
    }
    if (strcmp(n, "startDate") == 0) {
        return decode_time(r, "startDate", v, len, start);
    }
    if (strcmp(n, "endDate") == 0) {
        return decode_time(r, "endDate", v, len, end);
    }
    if (strcmp(n, "creationDate") == 0) {
        *flags |= VT_RECORD_HAS_CREATED;
        return decode_time(r, "creationDate", v, len, created);
    }
    return 1;
}

void vt__reader_begin_correlation(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_correlation *c = &r->corr;
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        int ok;
        if (strcmp(n, "type") == 0) {
            ok = intern_cached(r, C_TYPE, a->value, a->len, &c->type);
        } else {
            ok = common_attr(r, n, a->value, a->len, &c->source, &c->source_version, &c->device,
                             &c->start, &c->end, &c->created, &c->flags);
        }
        if (!ok) {
            return;
        }
    }
}

void vt__reader_end_correlation(vt_reader *r)
{
    vt_correlation *c = &r->corr;
    r->summary.correlations++;
    if (r->sink.correlation) {
        if (!vt__reader_fix_entries(r)) {
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
        if (!grow_buffer(r, (void **)&r->entries, &r->entries_cap, total + (total - own) + 1,
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
        vt__reader_call(r, r->sink.correlation(r->sink.ctx, c, r->pool, &e), &e);
    }
    reset_item(r);
}

/* ---- workouts ------------------------------------------------------------------------ */

void vt__reader_begin_workout(vt_reader *r, const vt__xml_attr *a, size_t nb)
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
            ok = intern_cached(r, C_TYPE, v, len, &w->activity_type);
        } else if (strcmp(n, "duration") == 0) {
            w->duration = number_or_nan(v, len);
        } else if (strcmp(n, "durationUnit") == 0) {
            ok = intern_cached(r, C_UNIT, v, len, &w->duration_unit);
        } else if (strcmp(n, "totalDistance") == 0) {
            w->total_distance = number_or_nan(v, len);
        } else if (strcmp(n, "totalDistanceUnit") == 0) {
            ok = intern_cached(r, C_UNIT, v, len, &w->total_distance_unit);
        } else if (strcmp(n, "totalEnergyBurned") == 0) {
            w->total_energy_burned = number_or_nan(v, len);
        } else if (strcmp(n, "totalEnergyBurnedUnit") == 0) {
            ok = intern_cached(r, C_UNIT, v, len, &w->total_energy_burned_unit);
        } else {
            ok = common_attr(r, n, v, len, &w->source, &w->source_version, &w->device, &w->start,
                             &w->end, &w->created, &w->flags);
        }
        if (!ok) {
            return;
        }
    }
}

void vt__reader_workout_event(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    if (r->event_count >= r->max_metadata) {
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u WorkoutEvent in one Workout",
                        r->max_metadata);
        return;
    }
    if (!grow_buffer(r, (void **)&r->events, &r->event_cap, r->event_count + 1,
                     sizeof *r->events)) {
        return;
    }
    vt_workout_event *ev = &r->events[r->event_count];
    memset(ev, 0, sizeof *ev);
    ev->duration = NAN;
    for (size_t i = 0; i < nb; i++, a++) {
        const char *n = a->name;
        int ok = 1;
        if (strcmp(n, "type") == 0) {
            ok = vt__reader_string(r, a->value, a->len, &ev->type);
        } else if (strcmp(n, "date") == 0) {
            ok = decode_time(r, "WorkoutEvent date", a->value, a->len, &ev->date);
        } else if (strcmp(n, "duration") == 0) {
            ev->duration = number_or_nan(a->value, a->len);
        } else if (strcmp(n, "durationUnit") == 0) {
            ok = intern_cached(r, C_UNIT, a->value, a->len, &ev->duration_unit);
        }
        if (!ok) {
            return;
        }
    }
    r->event_count++;
    r->summary.workout_events++;
}

void vt__reader_workout_statistic(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    if (r->stat_count >= r->max_metadata) {
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u WorkoutStatistics in one Workout",
                        r->max_metadata);
        return;
    }
    if (!grow_buffer(r, (void **)&r->stats, &r->stat_cap, r->stat_count + 1, sizeof *r->stats)) {
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
            ok = intern_cached(r, C_TYPE, v, len, &s->type);
        } else if (strcmp(n, "startDate") == 0) {
            ok = decode_time(r, "startDate", v, len, &s->start);
        } else if (strcmp(n, "endDate") == 0) {
            ok = decode_time(r, "endDate", v, len, &s->end);
        } else if (strcmp(n, "sum") == 0) {
            s->sum = number_or_nan(v, len);
        } else if (strcmp(n, "average") == 0) {
            s->average = number_or_nan(v, len);
        } else if (strcmp(n, "minimum") == 0) {
            s->minimum = number_or_nan(v, len);
        } else if (strcmp(n, "maximum") == 0) {
            s->maximum = number_or_nan(v, len);
        } else if (strcmp(n, "unit") == 0) {
            ok = intern_cached(r, C_UNIT, v, len, &s->unit);
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

void vt__reader_begin_route(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    if (r->route_count >= r->max_metadata) {
        vt__reader_fail(r, VT_ERR_LIMIT, "more than %u WorkoutRoute in one Workout",
                        r->max_metadata);
        return;
    }
    if (!grow_buffer(r, (void **)&r->routes, &r->route_cap, r->route_count + 1,
                     sizeof *r->routes)) {
        return;
    }
    if (!grow_buffer(r, (void **)&r->route_meta, &r->route_meta_cap, 2 * r->route_count + 2,
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
    if (!vt__reader_string(r, key, (size_t)n, &rt->ref)) {
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
        vt__reader_call(
            r,
            r->sink.route_points(r->sink.ctx, r->point_ref, r->points, r->point_count, r->pool, &e),
            &e);
    }
    r->point_count = 0;
}

void vt__reader_end_route(vt_reader *r)
{
    flush_points(r);
    const size_t i = r->route_count - 1;
    r->route_meta[2 * i + 1] = (uint32_t)(r->meta_count - r->route_meta[2 * i]);
}

void vt__reader_location(vt_reader *r, const vt__xml_attr *a, size_t nb)
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
            if (!decode_time(r, "Location date", v, len, &t)) {
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
    if (++r->point_count == VT__READER_POINT_BATCH) {
        flush_points(r);
    }
}

void vt__reader_file_reference(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    vt_workout_route *rt = cur_route(r);
    for (size_t i = 0; rt && i < nb; i++, a++) {
        if (attr_is(a, "path")) {
            if (!vt__reader_string(r, a->value, a->len, &rt->file)) {
                return;
            }
            rt->ref = rt->file;
            r->point_ref = rt->ref;
        }
    }
}

void vt__reader_end_workout(vt_reader *r)
{
    vt_workout *w = &r->workout;
    r->summary.workouts++;
    if (r->sink.workout) {
        if (!vt__reader_fix_entries(r)) {
            return;
        }
        /* Route metadata are slices of the entries; the workout's own are the others,
         * gathered after them. */
        const size_t total = r->meta_count;
        if (!grow_buffer(r, (void **)&r->entries, &r->entries_cap, 2 * total + 1,
                         sizeof *r->entries)) {
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
        vt__reader_call(r, r->sink.workout(r->sink.ctx, w, r->pool, &e), &e);
    }
    reset_item(r);
}
