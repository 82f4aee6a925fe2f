/* SPDX-License-Identifier: MIT */
/* The reader's decoders of the other elements: the root's locale, ExportDate and Me (the
 * export info), ActivitySummary, and every element the reader does not know (as JSON). */
#include <jansson.h>
#include <stdio.h>

#include "reader_private.h"

/* Builds a JSON object of the attributes into r->json (jansson; reused buffer). */
static const char *attrs_json(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    json_t *obj = json_object();
    if (!obj) {
        vt__reader_fail(r, VT_ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < nb; i++, a++) {
        json_t *v = json_stringn(a->value, a->len);
        if (!v || json_object_set_new(obj, a->name, v) != 0) {
            json_decref(obj);
            vt__reader_fail(r, VT_ERR_FORMAT, "attribute %s is not valid UTF-8 text", a->name);
            return NULL;
        }
    }
    const size_t need = json_dumpb(obj, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER) + 1;
    if (!grow_buffer(r, (void **)&r->json, &r->json_cap, need, 1)) {
        json_decref(obj);
        return NULL;
    }
    const size_t n = json_dumpb(obj, r->json, r->json_cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
    r->json[n] = '\0';
    json_decref(obj);
    return r->json;
}

void vt__reader_send_info(vt_reader *r)
{
    if (r->info_sent || r->status != VT_OK) {
        return;
    }
    r->info_sent = 1;
    r->info.me_json = r->me_json;
    if (r->sink.export_info) {
        vt_error e = {0};
        vt__reader_call(r, r->sink.export_info(r->sink.ctx, &r->info, r->pool, &e), &e);
    }
}

void vt__reader_activity_summary(vt_reader *r, const vt__xml_attr *a, size_t nb)
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
                vt__reader_fail(r, VT_ERR_PARSE, "invalid dateComponents: %s", e.msg);
                return;
            }
            has_day = 1;
        } else if (strcmp(n, "activeEnergyBurned") == 0) {
            s.active_energy_burned = number_or_nan(v, len);
        } else if (strcmp(n, "activeEnergyBurnedGoal") == 0) {
            s.active_energy_burned_goal = number_or_nan(v, len);
        } else if (strcmp(n, "activeEnergyBurnedUnit") == 0) {
            if (!intern_cached(r, C_UNIT, v, len, &s.active_energy_burned_unit)) {
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
        vt__reader_fail(r, VT_ERR_FORMAT, "ActivitySummary without dateComponents");
        return;
    }
    r->summary.activity_summaries++;
    if (r->sink.activity_summary) {
        vt_error e = {0};
        vt__reader_call(r, r->sink.activity_summary(r->sink.ctx, &s, r->pool, &e), &e);
    }
}

void vt__reader_other_element(vt_reader *r, const char *name, const vt__xml_attr *a, size_t nb)
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
    el.line = r->xml ? vt__xml_line(r->xml) : 0;
    vt_error e = {0};
    vt__reader_call(r, r->sink.element(r->sink.ctx, &el, &e), &e);
}

void vt__reader_root(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "locale") && !vt__reader_string(r, a->value, a->len, &r->info.locale)) {
            return;
        }
    }
}

void vt__reader_me(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    const char *json = attrs_json(r, a, nb);
    if (!json) {
        return;
    }
    vt__free(r->me_json);
    r->me_json = vt__strndup(json, strlen(json));
    if (!r->me_json) {
        vt__reader_fail(r, VT_ERR_NOMEM, "out of memory");
    }
}

void vt__reader_export_date(vt_reader *r, const vt__xml_attr *a, size_t nb)
{
    for (size_t i = 0; i < nb; i++, a++) {
        if (attr_is(a, "value")) {
            if (!decode_time(r, "ExportDate", a->value, a->len, &r->info.export_date)) {
                return;
            }
            r->info.has_export_date = 1;
        }
    }
}
