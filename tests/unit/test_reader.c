/* SPDX-License-Identifier: MIT */
/* Tests of the export reader: the real samples against counts made with grep, spot-checked
 * values, the malformed-input corpus, beats across midnight, control characters, limits. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vitals/vitals.h"

/* ---- a sink that counts everything and keeps a few items ----------------------------- */

#define MAX_TYPES 32

typedef struct tally {
    vt_export_summary sum;
    char types[MAX_TYPES][96];
    uint64_t type_counts[MAX_TYPES];
    int ntypes;
    double value_sum;
    int info_calls;
    char locale[32];
    /* First items of each kind, copied out as text. */
    vt_record first_rec;
    char first_meta[512];
    char first_device[256];
    vt_workout first_workout;
    double first_stat_sum;
    char first_stat_unit[16];
    char first_route_ref[128];
    vt_route_point first_point;
    vt_activity_summary first_summary;
    vt_beat beats[16];
    uint32_t nbeats;
    uint32_t corr_members, corr_meta;
    double corr_values[4];
    char first_element[256];
    uint64_t records_seen;
} tally;

static vt_status t_record(void *ctx, const vt_record *rec, const vt_strpool *strings, vt_error *err)
{
    tally *t = ctx;
    (void)err;
    const char *type = vt_strpool_get(strings, rec->type, NULL);
    int i = 0;
    while (i < t->ntypes && strcmp(t->types[i], type) != 0) {
        i++;
    }
    if (i == t->ntypes && t->ntypes < MAX_TYPES) {
        snprintf(t->types[t->ntypes++], sizeof t->types[0], "%s", type);
    }
    t->type_counts[i]++;
    if (rec->flags & VT_RECORD_NUMERIC) {
        t->value_sum += rec->value;
    }
    if (t->records_seen++ == 0) {
        t->first_rec = *rec;
        if (rec->metadata_count > 3) {
            snprintf(t->first_meta, sizeof t->first_meta, "%.*s=%.*s",
                     (int)rec->metadata[3].key_len, rec->metadata[3].key,
                     (int)rec->metadata[3].value_len, rec->metadata[3].value);
        }
    }
    if (rec->device && !t->first_device[0]) {
        snprintf(t->first_device, sizeof t->first_device, "%s",
                 vt_strpool_get(strings, rec->device, NULL));
    }
    for (uint32_t k = 0; k < rec->beat_count && t->nbeats < 16; k++) {
        t->beats[t->nbeats++] = rec->beats[k];
    }
    return VT_OK;
}

static vt_status t_info(void *ctx, const vt_export_info *info, const vt_strpool *strings,
                        vt_error *err)
{
    tally *t = ctx;
    (void)err;
    t->info_calls++;
    snprintf(t->locale, sizeof t->locale, "%s", vt_strpool_get(strings, info->locale, NULL));
    return VT_OK;
}

static vt_status t_workout(void *ctx, const vt_workout *w, const vt_strpool *strings, vt_error *err)
{
    tally *t = ctx;
    (void)err;
    if (t->sum.workouts++ == 0) {
        t->first_workout = *w;
        if (w->statistic_count) {
            t->first_stat_sum = w->statistics[0].sum;
            snprintf(t->first_stat_unit, sizeof t->first_stat_unit, "%s",
                     vt_strpool_get(strings, w->statistics[0].unit, NULL));
        }
        if (w->route_count) {
            snprintf(t->first_route_ref, sizeof t->first_route_ref, "%s",
                     vt_strpool_get(strings, w->routes[0].ref, NULL));
        }
    }
    return VT_OK;
}

static vt_status t_points(void *ctx, uint32_t ref, const vt_route_point *p, size_t n,
                          const vt_strpool *strings, vt_error *err)
{
    tally *t = ctx;
    (void)ref;
    (void)strings;
    (void)err;
    if (t->sum.route_points == 0 && n) {
        t->first_point = p[0];
    }
    t->sum.route_points += n;
    return VT_OK;
}

static vt_status t_corr(void *ctx, const vt_correlation *c, const vt_strpool *strings,
                        vt_error *err)
{
    tally *t = ctx;
    (void)strings;
    (void)err;
    t->sum.correlations++;
    t->corr_members = c->member_count;
    t->corr_meta = c->metadata_count;
    for (uint32_t i = 0; i < c->member_count && i < 4; i++) {
        t->corr_values[i] = c->members[i].value;
        assert_true(c->members[i].flags & VT_RECORD_IN_CORRELATION);
    }
    return VT_OK;
}

static vt_status t_summary(void *ctx, const vt_activity_summary *s, const vt_strpool *strings,
                           vt_error *err)
{
    tally *t = ctx;
    (void)strings;
    (void)err;
    if (t->sum.activity_summaries++ == 0) {
        t->first_summary = *s;
    }
    return VT_OK;
}

static vt_status t_element(void *ctx, const vt_element *el, vt_error *err)
{
    tally *t = ctx;
    (void)err;
    if (t->sum.other_elements++ == 0) {
        snprintf(t->first_element, sizeof t->first_element, "%s %s", el->name, el->attributes_json);
    }
    return VT_OK;
}

static vt_sink tally_sink(tally *t)
{
    memset(t, 0, sizeof *t);
    vt_sink s;
    memset(&s, 0, sizeof s);
    s.ctx = t;
    s.record = t_record;
    s.export_info = t_info;
    s.workout = t_workout;
    s.route_points = t_points;
    s.correlation = t_corr;
    s.activity_summary = t_summary;
    s.element = t_element;
    return s;
}

/* ---- the real samples ------------------------------------------------------------------ */

static uint64_t expected_value(const char *file, const char *key, int *found)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char line[512];
    uint64_t v = 0;
    *found = 0;
    const size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            v = strtoull(line + klen + 1, NULL, 10);
            *found = 1;
        }
    }
    fclose(f);
    return v;
}

static void check_against_expected(const char *rel)
{
    char path[1024], exp[1100];
    snprintf(path, sizeof path, "%s/apple-health/%s", VITALS_FIXTURES, rel);
    snprintf(exp, sizeof exp, "%s.expected", path);
    tally t;
    vt_sink sink = tally_sink(&t);
    vt_read_stats st;
    vt_error err;
    const vt_status rc = vt_read_export(path, NULL, &sink, &st, &err);
    if (rc != VT_OK) {
        fail_msg("%s: %s", rel, err.msg);
    }
    const vt_export_summary *s = &st.summary;
    struct {
        const char *key;
        uint64_t got;
    } kinds[] = {{"records", s->records},
                 {"metadata_entries", s->metadata_entries},
                 {"beats", s->beats},
                 {"workouts", s->workouts},
                 {"workout_events", s->workout_events},
                 {"workout_statistics", s->workout_statistics},
                 {"workout_routes", s->workout_routes},
                 {"route_points", s->route_points},
                 {"correlations", s->correlations},
                 {"activity_summaries", s->activity_summaries}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int found;
        const uint64_t want = expected_value(exp, kinds[i].key, &found);
        assert_true(found);
        if (want != kinds[i].got) {
            fail_msg("%s: %s: expected %llu, got %llu", rel, kinds[i].key, (unsigned long long)want,
                     (unsigned long long)kinds[i].got);
        }
    }
    /* The sink saw what the summary says. */
    assert_int_equal(t.records_seen, s->records);
    assert_int_equal(t.sum.route_points, s->route_points);
    assert_int_equal(t.info_calls, 1);
    for (int i = 0; i < t.ntypes; i++) {
        char key[128];
        snprintf(key, sizeof key, "type %s", t.types[i]);
        int found;
        const uint64_t want = expected_value(exp, key, &found);
        assert_true(found);
        assert_int_equal(want, t.type_counts[i]);
    }
    FILE *f = fopen(exp, "r");
    char line[512];
    double want_sum = NAN;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "value_sum ", 10) == 0) {
            want_sum = strtod(line + 10, NULL);
        }
    }
    fclose(f);
    assert_true(fabs(want_sum - t.value_sum) < 1e-6);
}

static void samples_match_their_expected_counts(void **state)
{
    (void)state;
    check_against_expected("dogsheep-healthkit-to-sqlite/export.xml");
    check_against_expected("dogsheep-healthkit-to-sqlite/export.zip");
    check_against_expected("tdda-applehealthdata/export6s3sample.xml");
    check_against_expected("jshrake-healthkit-to-sqlite/export.zip");
}

static tally read_ok(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/%s", VITALS_FIXTURES, rel);
    tally t;
    vt_sink sink = tally_sink(&t);
    vt_error err;
    vt_read_stats st;
    if (vt_read_export(path, NULL, &sink, &st, &err) != VT_OK) {
        fail_msg("%s: %s", rel, err.msg);
    }
    t.sum.control_chars = st.summary.control_chars;
    return t;
}

static int64_t utc_of(const char *s)
{
    vt_time t;
    assert_int_equal(vt_time_parse(s, strlen(s), &t, NULL), VT_OK);
    return t.utc;
}

static void samples_spot_checked_values(void **state)
{
    (void)state;
    /* dogsheep: values read by eye from export.xml. */
    tally t = read_ok("dogsheep-healthkit-to-sqlite/export.xml");
    assert_string_equal(t.locale, "en_US");
    assert_true(t.first_rec.flags & VT_RECORD_NUMERIC);
    assert_true(fabs(t.first_rec.value - 22.5312) < 1e-12);
    assert_int_equal(t.first_rec.start.utc, utc_of("2016-04-18 08:25:32 -0700"));
    assert_int_equal(t.first_rec.start.offset_min, -420);
    assert_int_equal(t.first_rec.metadata_count, 5);
    /* &amp; decoded in a metadata value, &lt; in the device string. */
    assert_string_equal(t.first_meta, "Withings Link=withings-bd2://timeline/measure?userid=12345"
                                      "&date=482685932&type=1");
    assert_true(strncmp(t.first_device, "<<HKDevice: 0x282a45810>, name:Apple Watch", 41) == 0);
    assert_true(fabs(t.first_workout.duration - 5.19412346680959) < 1e-12);
    assert_true(fabs(t.first_workout.total_distance - 0.4971749504535062) < 1e-15);
    assert_true(fabs(t.first_workout.total_energy_burned - 48.74499999999999) < 1e-12);
    assert_int_equal(t.first_workout.metadata_count, 3);
    assert_true(strncmp(t.first_route_ref, "inline:2016-11-14 07:25:44 -0700", 32) == 0);
    assert_true(fabs(t.first_point.latitude - 37.7777) < 1e-12);
    assert_int_equal(t.first_point.utc_ms, utc_of("2016-11-14 07:25:44 -0700") * 1000);
    assert_int_equal(t.first_summary.day, 17120); /* 2016-11-15 */
    assert_true(fabs(t.first_summary.active_energy_burned - 590.252) < 1e-9);
    assert_true(isnan(t.first_summary.move_time));

    /* jshrake: the broken DTD, WorkoutStatistics, a GPX route in the zip. */
    t = read_ok("jshrake-healthkit-to-sqlite/export.zip");
    assert_true(fabs(t.first_rec.value - 2.95276) < 1e-12);
    assert_int_equal(t.first_rec.end.utc, utc_of("2022-12-15 17:49:04 -0800"));
    assert_true(isnan(t.first_workout.total_distance));
    assert_true(fabs(t.first_stat_sum - 134.432) < 1e-9);
    assert_string_equal(t.first_stat_unit, "Cal");
    assert_int_equal(t.first_workout.event_count, 4);
    assert_int_equal(t.first_workout.metadata_count, 13); /* 7 + 6, route's 2 not included */
    assert_string_equal(t.first_route_ref, "/workout-routes/route_2020-02-24_10.18am.gpx");
    assert_true(fabs(t.first_point.latitude - 34.045088) < 1e-9);
    assert_true(fabs(t.first_point.speed - 1.154731) < 1e-9);
    /* 2020-02-24T18:00:45Z: date -u -d 2020-02-24T18:00:45Z +%s */
    assert_int_equal(t.first_point.utc_ms, 1582567245000LL);
    assert_int_equal(t.first_summary.day, 18257); /* 2019-12-27 */
    assert_true(fabs(t.first_summary.move_time - 0) < 1e-12);

    t = read_ok("tdda-applehealthdata/export6s3sample.xml");
    assert_string_equal(t.locale, "en_GB");
}

/* ---- the malformed-input corpus ------------------------------------------------------- */

static void bad_inputs_give_their_expected_error(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/bad", VITALS_FIXTURES);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int checked = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const size_t len = strlen(e->d_name);
        if (len < 10 || strcmp(e->d_name + len - 9, ".expected") != 0) {
            continue;
        }
        char input[2048], exp[2048], name[256], want[512] = "";
        snprintf(name, sizeof name, "%.*s", (int)(len - 9), e->d_name);
        snprintf(input, sizeof input, "%s/%s", dir, name);
        snprintf(exp, sizeof exp, "%s/%s", dir, e->d_name);
        FILE *f = fopen(exp, "r");
        assert_non_null(f);
        while (fgets(want, sizeof want, f) && want[0] == '#') {
        }
        fclose(f);
        want[strcspn(want, "\n")] = '\0';
        tally t;
        vt_sink sink = tally_sink(&t);
        vt_reader_options o;
        memset(&o, 0, sizeof o);
        o.name = name;
        vt_error err;
        const vt_status rc = vt_read_export(input, &o, &sink, NULL, &err);
        if (rc == VT_OK) {
            fail_msg("%s: read without error", name);
        }
        if (strcmp(err.msg, want) != 0) {
            fail_msg("%s:\n  expected: %s\n  got:      %s", name, want, err.msg);
        }
        assert_int_equal(err.code, rc);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 20);
}

/* ---- in-memory documents --------------------------------------------------------------- */

static vt_status read_text(const char *xml, size_t chunk, tally *t, vt_export_summary *sum,
                           const vt_reader_options *o, vt_error *err)
{
    vt_sink sink = tally_sink(t);
    vt_reader *r;
    vt_status st = vt_reader_new(o, &sink, &r, err);
    assert_int_equal(st, VT_OK);
    const size_t len = strlen(xml);
    for (size_t i = 0; i < len && st == VT_OK; i += chunk) {
        st = vt_reader_feed(r, xml + i, len - i < chunk ? len - i : chunk, err);
    }
    if (st == VT_OK) {
        st = vt_reader_finish(r, sum, err);
    }
    vt_reader_free(r);
    return st;
}

static void beats_cross_midnight(void **state)
{
    (void)state;
    const char *xml =
        "<HealthData locale=\"de_DE\">\n"
        "<Record type=\"HKQuantityTypeIdentifierHeartRateVariabilitySDNN\" sourceName=\"W\" "
        "unit=\"ms\" startDate=\"2020-01-01 23:59:50 -0800\" endDate=\"2020-01-02 00:00:50 -0800\" "
        "value=\"40\">\n"
        " <HeartRateVariabilityMetadataList>\n"
        "  <InstantaneousBeatsPerMinute bpm=\"60\" time=\"11:59:55.50 PM\"/>\n"
        "  <InstantaneousBeatsPerMinute bpm=\"61\" time=\"12:00:01.25 AM\"/>\n"
        "  <InstantaneousBeatsPerMinute bpm=\"62\" time=\"00:00:03,80\"/>\n"
        " </HeartRateVariabilityMetadataList>\n"
        "</Record>\n</HealthData>\n";
    tally t;
    vt_export_summary sum;
    vt_error err;
    assert_int_equal(read_text(xml, 1 << 20, &t, &sum, NULL, &err), VT_OK);
    assert_int_equal(sum.beats, 3);
    assert_int_equal(t.nbeats, 3);
    const int64_t start_ms = utc_of("2020-01-01 23:59:50 -0800") * 1000;
    assert_int_equal(t.beats[0].utc_ms, start_ms + 5500);
    assert_int_equal(t.beats[1].utc_ms, start_ms + 11250); /* the next day */
    assert_int_equal(t.beats[2].utc_ms, start_ms + 13800);
    assert_true(t.beats[1].bpm == 61.0);
}

static void control_chars_are_replaced_and_counted(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\"?>\n<HealthData locale=\"en_US\">\n"
                      "<Record type=\"HKCategoryTypeIdentifierX\" sourceName=\"Jo\x0bs\x01 Watch\" "
                      "startDate=\"2020-01-01 10:00:00 +0000\" value=\"HKCategoryValue\x1f\"/>\n"
                      "</HealthData>\n";
    tally t;
    vt_export_summary sum;
    vt_error err;
    assert_int_equal(read_text(xml, 7, &t, &sum, NULL, &err), VT_OK);
    assert_int_equal(sum.control_chars, 3);
    assert_int_equal(sum.records, 1);
    assert_true(t.first_rec.flags & VT_RECORD_CATEGORY);
}

static void doctype_skipped_whatever_the_block_boundaries(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<!DOCTYPE HealthData [\n<!ATTLIST Broken\n  x CDATA #IMPLIED\n>\n>\n"
                      "<!ENTITY e \"boom\">\n]>\n"
                      "<HealthData locale=\"en_US\">\n"
                      "<Record type=\"T\" sourceName=\"S\" startDate=\"2020-01-01 10:00:00 +0000\" "
                      "value=\"1.5\"/>\n</HealthData>\n";
    for (size_t chunk = 1; chunk <= 12; chunk++) {
        tally t;
        vt_export_summary sum;
        vt_error err;
        if (read_text(xml, chunk, &t, &sum, NULL, &err) != VT_OK) {
            fail_msg("chunk %zu: %s", chunk, err.msg);
        }
        assert_int_equal(sum.records, 1);
        assert_true(t.value_sum == 1.5);
    }
    /* Line numbers stay exact past the blanked DTD: the error is on line 11. */
    char bad[2048];
    snprintf(bad, sizeof bad, "%s", xml);
    char *p = strstr(bad, "</HealthData>");
    memcpy(p, "</HealthDatX>", 13);
    tally t;
    vt_error err;
    assert_int_not_equal(read_text(bad, 3, &t, NULL, NULL, &err), VT_OK);
    assert_int_equal(err.line, 11);
    assert_true(strncmp(err.msg, "export.xml:11:", 14) == 0);
}

static void correlations_carry_their_members(void **state)
{
    (void)state;
    const char *xml =
        "<HealthData>\n"
        "<Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"Cuff\" "
        "startDate=\"2020-01-01 10:00:00 +0000\" endDate=\"2020-01-01 10:00:00 +0000\">\n"
        " <MetadataEntry key=\"HKWasUserEntered\" value=\"1\"/>\n"
        " <Record type=\"HKQuantityTypeIdentifierBloodPressureSystolic\" sourceName=\"Cuff\" "
        "unit=\"mmHg\" startDate=\"2020-01-01 10:00:00 +0000\" value=\"120\">\n"
        "  <MetadataEntry key=\"HKWasUserEntered\" value=\"1\"/>\n"
        " </Record>\n"
        " <MetadataEntry key=\"Extra\" value=\"2\"/>\n"
        " <Record type=\"HKQuantityTypeIdentifierBloodPressureDiastolic\" sourceName=\"Cuff\" "
        "unit=\"mmHg\" startDate=\"2020-01-01 10:00:00 +0000\" value=\"80\"/>\n"
        "</Correlation>\n"
        "<ClinicalRecord type=\"HKClinicalTypeIdentifierLabResultRecord\" "
        "identifier=\"a&amp;b\"/>\n"
        "</HealthData>\n";
    tally t;
    vt_export_summary sum;
    vt_error err;
    assert_int_equal(read_text(xml, 100, &t, &sum, NULL, &err), VT_OK);
    assert_int_equal(sum.correlations, 1);
    assert_int_equal(sum.correlation_members, 2);
    assert_int_equal(sum.records, 0); /* members are not top-level records */
    assert_int_equal(t.corr_members, 2);
    assert_int_equal(t.corr_meta, 2);
    assert_true(t.corr_values[0] == 120.0 && t.corr_values[1] == 80.0);
    assert_string_equal(t.first_element, "ClinicalRecord {\"type\":\"HKClinicalTypeIdentifierLab"
                                         "ResultRecord\",\"identifier\":\"a&b\"}");
}

static void metadata_limit_fails_cleanly(void **state)
{
    (void)state;
    const char *xml = "<HealthData>\n<Record type=\"T\" startDate=\"2020-01-01 10:00:00 +0000\">\n"
                      "<MetadataEntry key=\"a\" value=\"1\"/><MetadataEntry key=\"b\" value=\"1\"/>"
                      "<MetadataEntry key=\"c\" value=\"1\"/><MetadataEntry key=\"d\" value=\"1\"/>"
                      "\n</Record>\n</HealthData>\n";
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.max_metadata = 3;
    o.name = "many.xml";
    tally t;
    vt_error err;
    assert_int_equal(read_text(xml, 50, &t, NULL, &o, &err), VT_ERR_LIMIT);
    assert_string_equal(err.msg, "many.xml:3:135: more than 3 MetadataEntry in one element");
}

static void huge_values_and_deep_nesting_fail_cleanly(void **state)
{
    (void)state;
    /* An 11 MB attribute value: over libxml2's limit, which the reader keeps. */
    const char *head = "<HealthData>\n<Record type=\"T\" sourceName=\"";
    const size_t big = 11u << 20;
    char *xml = malloc(strlen(head) + big + 64);
    assert_non_null(xml);
    strcpy(xml, head);
    memset(xml + strlen(head), 'a', big);
    strcpy(xml + strlen(head) + big, "\"/>\n</HealthData>\n");
    tally t;
    vt_error err;
    assert_int_equal(read_text(xml, 1 << 18, &t, NULL, NULL, &err), VT_ERR_PARSE);
    assert_non_null(strstr(err.msg, "longer than libxml2's 10 MB limit"));
    free(xml);
    /* 10,000 nested elements: refused at depth 64, not recursed into. */
    const size_t depth = 10000;
    xml = malloc(depth * 7 + 64);
    assert_non_null(xml);
    char *p = xml + sprintf(xml, "<HealthData>");
    for (size_t i = 0; i < depth; i++) {
        p += sprintf(p, "<a>");
    }
    for (size_t i = 0; i < depth; i++) {
        p += sprintf(p, "</a>");
    }
    sprintf(p, "</HealthData>");
    assert_int_equal(read_text(xml, 4096, &t, NULL, NULL, &err), VT_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "nested deeper than 64"));
    free(xml);
}

static void zip_and_xml_told_apart_by_content(void **state)
{
    (void)state;
    /* A zip named .xml and an XML named .zip both read. */
    char src[1024];
    const char *tmp = VITALS_TMP_PREFIX "test-reader";
    snprintf(src, sizeof src,
             "cp %s/apple-health/jshrake-healthkit-to-sqlite/export.zip %s.xml && "
             "cp %s/apple-health/tdda-applehealthdata/export6s3sample.xml %s.zip",
             VITALS_FIXTURES, tmp, VITALS_FIXTURES, tmp);
    assert_int_equal(system(src), 0);
    tally t;
    vt_sink sink = tally_sink(&t);
    vt_read_stats st;
    vt_error err;
    assert_int_equal(vt_read_export(VITALS_TMP_PREFIX "test-reader.xml", NULL, &sink, &st, &err),
                     VT_OK);
    assert_string_equal(st.member, "apple_health_export/export.xml");
    assert_int_equal(st.summary.activity_summaries, 10);
    sink = tally_sink(&t);
    assert_int_equal(vt_read_export(VITALS_TMP_PREFIX "test-reader.zip", NULL, &sink, &st, &err),
                     VT_OK);
    assert_int_equal(st.summary.records, 15);
    remove(VITALS_TMP_PREFIX "test-reader.xml");
    remove(VITALS_TMP_PREFIX "test-reader.zip");
}

static vt_status stop_at_second(void *ctx, const vt_record *rec, const vt_strpool *strings,
                                vt_error *err)
{
    int *n = ctx;
    (void)rec;
    (void)strings;
    if (++*n == 2) {
        snprintf(err->msg, sizeof err->msg, "enough");
        err->code = VT_ERR_ABORTED;
        return VT_ERR_ABORTED;
    }
    return VT_OK;
}

static void sink_errors_stop_the_reader(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    int n = 0;
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = &n;
    sink.record = stop_at_second;
    vt_error err;
    assert_int_equal(vt_read_export(path, NULL, &sink, NULL, &err), VT_ERR_ABORTED);
    assert_string_equal(err.msg, "enough");
    assert_int_equal(n, 2);
}

static vt_status refuse_info(void *ctx, const vt_export_info *info, const vt_strpool *strings,
                             vt_error *err)
{
    (void)info;
    (void)strings;
    ++*(int *)ctx;
    snprintf(err->msg, sizeof err->msg, "no room for the export info");
    err->code = VT_ERR_DB;
    return VT_ERR_DB;
}

/* The export info goes to the sink at the start tag of the first Record (or other item);
 * when the sink fails there, the parser is stopped, which frees the buffer the attributes
 * point into: the Record must not be decoded then (a use after free under ASan before the
 * fix, found by test_alloc_failures). */
static void sink_error_on_export_info_stops_before_the_record(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    int calls = 0;
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = &calls;
    sink.export_info = refuse_info;
    vt_error err;
    vt_read_stats st;
    assert_int_equal(vt_read_export(path, NULL, &sink, &st, &err), VT_ERR_DB);
    assert_string_equal(err.msg, "no room for the export info");
    assert_int_equal(calls, 1);
    assert_int_equal(st.summary.records, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_match_their_expected_counts),
        cmocka_unit_test(samples_spot_checked_values),
        cmocka_unit_test(bad_inputs_give_their_expected_error),
        cmocka_unit_test(beats_cross_midnight),
        cmocka_unit_test(control_chars_are_replaced_and_counted),
        cmocka_unit_test(doctype_skipped_whatever_the_block_boundaries),
        cmocka_unit_test(correlations_carry_their_members),
        cmocka_unit_test(metadata_limit_fails_cleanly),
        cmocka_unit_test(huge_values_and_deep_nesting_fail_cleanly),
        cmocka_unit_test(zip_and_xml_told_apart_by_content),
        cmocka_unit_test(sink_errors_stop_the_reader),
        cmocka_unit_test(sink_error_on_export_info_stops_before_the_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
