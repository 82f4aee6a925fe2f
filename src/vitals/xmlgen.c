/* SPDX-License-Identifier: MIT */
/* Writes generated data as an Apple Health export.xml (or export.zip), pulled a day at a time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zip.h>

#include "gen_internal.h"

/* The internal DTD as Apple writes it (version 14 layout), well-formed. */
static const char *const PROLOG[] = {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE HealthData [\n"
    "<!-- HealthKit Export Version: 14 -->\n"
    "<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|"
    "ClinicalRecord|Audiogram|VisionPrescription)*)>\n"
    "<!ATTLIST HealthData\n  locale CDATA #REQUIRED\n>\n"
    "<!ELEMENT ExportDate EMPTY>\n<!ATTLIST ExportDate\n  value CDATA #REQUIRED\n>\n"
    "<!ELEMENT Me EMPTY>\n<!ATTLIST Me\n"
    "  HKCharacteristicTypeIdentifierDateOfBirth CDATA #REQUIRED\n"
    "  HKCharacteristicTypeIdentifierBiologicalSex CDATA #REQUIRED\n"
    "  HKCharacteristicTypeIdentifierBloodType CDATA #REQUIRED\n"
    "  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED\n"
    "  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED\n>\n"
    ,
    "<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>\n"
    "<!ATTLIST Record\n  type CDATA #REQUIRED\n  unit CDATA #IMPLIED\n  value CDATA #IMPLIED\n"
    "  sourceName CDATA #REQUIRED\n  sourceVersion CDATA #IMPLIED\n  device CDATA #IMPLIED\n"
    "  creationDate CDATA #IMPLIED\n  startDate CDATA #REQUIRED\n  endDate CDATA #REQUIRED\n>\n"
    "<!-- Note: Any Records that appear as children of a correlation also appear as top-level "
    "records in this document. -->\n"
    "<!ELEMENT Correlation ((MetadataEntry|Record)*)>\n"
    "<!ATTLIST Correlation\n  type CDATA #REQUIRED\n  sourceName CDATA #REQUIRED\n"
    "  sourceVersion CDATA #IMPLIED\n  device CDATA #IMPLIED\n  creationDate CDATA #IMPLIED\n"
    "  startDate CDATA #REQUIRED\n  endDate CDATA #REQUIRED\n>\n"
    ,
    "<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>\n"
    "<!ATTLIST Workout\n  workoutActivityType CDATA #REQUIRED\n  duration CDATA #IMPLIED\n"
    "  durationUnit CDATA #IMPLIED\n  totalDistance CDATA #IMPLIED\n"
    "  totalDistanceUnit CDATA #IMPLIED\n  totalEnergyBurned CDATA #IMPLIED\n"
    "  totalEnergyBurnedUnit CDATA #IMPLIED\n  sourceName CDATA #REQUIRED\n"
    "  sourceVersion CDATA #IMPLIED\n  device CDATA #IMPLIED\n  creationDate CDATA #IMPLIED\n"
    "  startDate CDATA #REQUIRED\n  endDate CDATA #REQUIRED\n>\n"
    "<!ELEMENT WorkoutEvent EMPTY>\n"
    "<!ATTLIST WorkoutEvent\n  type CDATA #REQUIRED\n  date CDATA #REQUIRED\n"
    "  duration CDATA #IMPLIED\n  durationUnit CDATA #IMPLIED\n>\n"
    "<!ELEMENT WorkoutStatistics EMPTY>\n"
    "<!ATTLIST WorkoutStatistics\n  type CDATA #REQUIRED\n  startDate CDATA #REQUIRED\n"
    "  endDate CDATA #REQUIRED\n  average CDATA #IMPLIED\n  minimum CDATA #IMPLIED\n"
    "  maximum CDATA #IMPLIED\n  sum CDATA #IMPLIED\n  unit CDATA #IMPLIED\n>\n"
    "<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>\n"
    "<!ATTLIST WorkoutRoute\n  sourceName CDATA #REQUIRED\n  sourceVersion CDATA #IMPLIED\n"
    "  device CDATA #IMPLIED\n  creationDate CDATA #IMPLIED\n  startDate CDATA #REQUIRED\n"
    "  endDate CDATA #REQUIRED\n>\n"
    ,
    "<!ELEMENT FileReference EMPTY>\n<!ATTLIST FileReference\n  path CDATA #REQUIRED\n>\n"
    "<!ELEMENT ActivitySummary EMPTY>\n"
    "<!ATTLIST ActivitySummary\n  dateComponents CDATA #IMPLIED\n"
    "  activeEnergyBurned CDATA #IMPLIED\n  activeEnergyBurnedGoal CDATA #IMPLIED\n"
    "  activeEnergyBurnedUnit CDATA #IMPLIED\n  appleMoveTime CDATA #IMPLIED\n"
    "  appleMoveTimeGoal CDATA #IMPLIED\n  appleExerciseTime CDATA #IMPLIED\n"
    "  appleExerciseTimeGoal CDATA #IMPLIED\n  appleStandHours CDATA #IMPLIED\n"
    "  appleStandHoursGoal CDATA #IMPLIED\n>\n"
    "<!ELEMENT MetadataEntry EMPTY>\n"
    "<!ATTLIST MetadataEntry\n  key CDATA #REQUIRED\n  value CDATA #REQUIRED\n>\n"
    "<!-- Note: Heart Rate Variability records captured by Apple Watch may include an "
    "associated list of instantaneous beats-per-minute readings. -->\n"
    "<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>\n"
    "<!ELEMENT InstantaneousBeatsPerMinute EMPTY>\n"
    "<!ATTLIST InstantaneousBeatsPerMinute\n  bpm CDATA #REQUIRED\n  time CDATA #REQUIRED\n>\n"
    ,
    "<!ELEMENT ClinicalRecord EMPTY>\n"
    "<!ATTLIST ClinicalRecord\n  type CDATA #REQUIRED\n  identifier CDATA #REQUIRED\n"
    "  sourceName CDATA #REQUIRED\n  sourceURL CDATA #REQUIRED\n  fhirVersion CDATA #REQUIRED\n"
    "  receivedDate CDATA #REQUIRED\n  resourceFilePath CDATA #REQUIRED\n>\n"
    "<!ELEMENT Audiogram ((SensitivityPoint)*)>\n"
    "<!ATTLIST Audiogram\n  type CDATA #REQUIRED\n  sourceName CDATA #REQUIRED\n"
    "  sourceVersion CDATA #IMPLIED\n  device CDATA #IMPLIED\n  creationDate CDATA #IMPLIED\n"
    "  startDate CDATA #REQUIRED\n  endDate CDATA #REQUIRED\n>\n"
    "<!ELEMENT SensitivityPoint EMPTY>\n"
    "<!ATTLIST SensitivityPoint\n  frequencyValue CDATA #REQUIRED\n"
    "  frequencyUnit CDATA #REQUIRED\n  leftEarValue CDATA #IMPLIED\n"
    "  leftEarUnit CDATA #IMPLIED\n  rightEarValue CDATA #IMPLIED\n"
    "  rightEarUnit CDATA #IMPLIED\n>\n"
    "<!ELEMENT VisionPrescription EMPTY>\n"
    "<!ATTLIST VisionPrescription\n  type CDATA #REQUIRED\n  dateIssued CDATA #REQUIRED\n"
    "  expirationDate CDATA #IMPLIED\n  brand CDATA #IMPLIED\n>\n"
    "]>\n",
};

enum phase {
    P_PROLOG,
    P_COUNT_DAYS,
    P_RECORDS,
    P_CORRELATIONS,
    P_WORKOUTS,
    P_SUMMARIES,
    P_TAIL,
    P_DONE
};

typedef struct xmlgen {
    vt__gen g;
    enum phase phase;
    uint32_t day;      /* next day of the current phase */
    uint32_t days;     /* days of records; known before the records in the type order, else
                          once the records phase ends */
    uint32_t pass;     /* the records' pass: the type written (type order), 0 (time order) */
    char *buf;
    size_t len, pos, cap;
    int nomem;
    vt_gen_xml_stats stats;
} xmlgen;

static void put(xmlgen *x, const char *s, size_t n)
{
    if (x->len + n > x->cap) {
        size_t cap = x->cap;
        if (vt__grow((void **)&x->buf, &cap, x->len + n, 1) != 0) {
            x->nomem = 1;
            return;
        }
        x->cap = cap;
    }
    memcpy(x->buf + x->len, s, n);
    x->len += n;
}

static void puts_(xmlgen *x, const char *s)
{
    put(x, s, strlen(s));
}

/* Writes `s` escaped for an attribute value. */
static void put_escaped(xmlgen *x, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                        : *s == '"' ? "&quot;" : NULL;
        if (rep) {
            put(x, run, (size_t)(s - run));
            puts_(x, rep);
            run = s + 1;
        }
    }
    put(x, run, (size_t)(s - run));
}

static void put_attr(xmlgen *x, const char *name, const char *value)
{
    put(x, " ", 1);
    puts_(x, name);
    put(x, "=\"", 2);
    put_escaped(x, value);
    put(x, "\"", 1);
}

static void put_attr_id(xmlgen *x, const char *name, uint32_t id)
{
    put_attr(x, name, vt_strpool_get(x->g.strings, id, NULL));
}

static void put_attr_time(xmlgen *x, const char *name, int64_t utc)
{
    char buf[VT_TIME_BUFSZ];
    const vt_time t = {utc, x->g.opt.offset_min};
    vt_time_format(t, buf);
    put_attr(x, name, buf);
}

/* Formats scaled / 10^decimals exactly, without floating point. */
static void format_fixed(char *buf, size_t size, int64_t scaled, int decimals)
{
    static const int64_t POW[] = {1, 10, 100, 1000, 10000, 100000};
    const int neg = scaled < 0;
    const uint64_t a = (uint64_t)(neg ? -scaled : scaled);
    if (decimals == 0) {
        snprintf(buf, size, "%s%llu", neg ? "-" : "", (unsigned long long)a);
    } else {
        snprintf(buf, size, "%s%llu.%0*llu", neg ? "-" : "", (unsigned long long)(a / (uint64_t)POW[decimals]),
                 decimals, (unsigned long long)(a % (uint64_t)POW[decimals]));
    }
}

static void put_attr_fixed(xmlgen *x, const char *name, int64_t scaled, int decimals)
{
    char buf[48];
    format_fixed(buf, sizeof buf, scaled, decimals);
    put_attr(x, name, buf);
}

static void write_record(xmlgen *x, const vt__gen_rec *r, const char *indent)
{
    const vt_record *rec = &r->rec;
    puts_(x, indent);
    puts_(x, "<Record");
    put_attr_id(x, "type", rec->type);
    put_attr_id(x, "sourceName", rec->source);
    if (rec->source_version) {
        put_attr_id(x, "sourceVersion", rec->source_version);
    }
    if (rec->device) {
        put_attr_id(x, "device", rec->device);
    }
    if (rec->unit) {
        put_attr_id(x, "unit", rec->unit);
    }
    put_attr_time(x, "creationDate", rec->created.utc);
    put_attr_time(x, "startDate", rec->start.utc);
    put_attr_time(x, "endDate", rec->end.utc);
    if (rec->flags & VT_RECORD_NUMERIC) {
        put_attr_fixed(x, "value", r->scaled, r->decimals);
    } else if (rec->flags & VT_RECORD_CATEGORY) {
        put_attr_id(x, "value", rec->category);
    }
    if (rec->metadata_count == 0 && r->beats == 0) {
        puts_(x, "/>\n");
        x->stats.records++;
        return;
    }
    puts_(x, ">\n");
    for (uint32_t i = 0; i < rec->metadata_count; i++) {
        char key[128], value[128];
        snprintf(key, sizeof key, "%.*s", (int)rec->metadata[i].key_len, rec->metadata[i].key);
        snprintf(value, sizeof value, "%.*s", (int)rec->metadata[i].value_len,
                 rec->metadata[i].value);
        puts_(x, indent);
        puts_(x, " <MetadataEntry");
        put_attr(x, "key", key);
        put_attr(x, "value", value);
        puts_(x, "/>\n");
    }
    if (r->beats) {
        puts_(x, indent);
        puts_(x, " <HeartRateVariabilityMetadataList>\n");
        /* Beats a second or so apart from the start, written in the en_US 12-hour style. */
        int64_t ms = ((rec->start.utc + rec->start.offset_min * 60) % 86400 + 86400) % 86400 * 1000;
        for (uint32_t i = 0; i < r->beats; i++) {
            ms = (ms + 800 + (int64_t)(r->scaled % 7) * 30 + i * 10) % 86400000;
            const int64_t h = ms / 3600000, mi = ms / 60000 % 60, s = ms / 1000 % 60;
            char t[32], bpm[8];
            snprintf(t, sizeof t, "%d:%02d:%02d.%02d %s", (int)(h % 12 == 0 ? 12 : h % 12),
                     (int)mi, (int)s, (int)(ms % 1000 / 10), h < 12 ? "AM" : "PM");
            snprintf(bpm, sizeof bpm, "%d", (int)(60 + (r->scaled / 1000 + i * 3) % 40));
            puts_(x, indent);
            puts_(x, "  <InstantaneousBeatsPerMinute");
            put_attr(x, "bpm", bpm);
            put_attr(x, "time", t);
            puts_(x, "/>\n");
        }
        puts_(x, indent);
        puts_(x, " </HeartRateVariabilityMetadataList>\n");
    }
    puts_(x, indent);
    puts_(x, "</Record>\n");
    x->stats.records++;
}

static void write_prolog(xmlgen *x)
{
    for (size_t i = 0; i < sizeof PROLOG / sizeof PROLOG[0]; i++) {
        puts_(x, PROLOG[i]);
    }
    puts_(x, "<HealthData locale=\"en_US\">\n");
    const int64_t export_utc =
        (int64_t)(x->g.opt.start_day + (int32_t)x->g.opt.days) * 86400 + 10 * 3600;
    puts_(x, " <ExportDate");
    put_attr_time(x, "value", export_utc);
    puts_(x, "/>\n <Me HKCharacteristicTypeIdentifierDateOfBirth=\"1985-06-15\""
             " HKCharacteristicTypeIdentifierBiologicalSex=\"HKBiologicalSexFemale\""
             " HKCharacteristicTypeIdentifierBloodType=\"HKBloodTypeNotSet\""
             " HKCharacteristicTypeIdentifierFitzpatrickSkinType=\"HKFitzpatrickSkinTypeNotSet\""
             " HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse=\"None\"/>\n");
}

static void write_correlations(xmlgen *x, uint32_t day)
{
    if (!(x->g.opt.metrics & VT_GEN_BLOOD_PRESSURE) || day % 7 != 3) {
        return;
    }
    vt__gen_day(&x->g, day);
    const vt__gen_rec *members[2];
    int n = 0;
    for (size_t i = 0; i < x->g.count && n < 2; i++) {
        if (x->g.recs[i].in_correlation) {
            members[n++] = &x->g.recs[i];
        }
    }
    if (n == 0) {
        return;
    }
    const vt_record *first = &members[0]->rec;
    puts_(x, " <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\"");
    put_attr_id(x, "sourceName", first->source);
    put_attr_id(x, "sourceVersion", first->source_version);
    put_attr_id(x, "device", first->device);
    put_attr_time(x, "creationDate", first->created.utc);
    put_attr_time(x, "startDate", first->start.utc);
    put_attr_time(x, "endDate", first->end.utc);
    puts_(x, ">\n  <MetadataEntry key=\"HKWasUserEntered\" value=\"1\"/>\n");
    for (int i = 0; i < n; i++) {
        write_record(x, members[i], "  ");
        x->stats.records--; /* members repeat top-level Records: count each sample once */
    }
    puts_(x, " </Correlation>\n");
}

static void write_workout(xmlgen *x, uint32_t day)
{
    if (!(x->g.opt.metrics & VT_GEN_ACTIVE_ENERGY) || day % 3 != 1) {
        return;
    }
    uint64_t rng = vt__hash_mix(x->g.opt.seed ^ 0x776f726b6f7574ull, (uint64_t)day);
    const int64_t midnight = (int64_t)(x->g.opt.start_day + (int32_t)day) * 86400 -
                             (int64_t)x->g.opt.offset_min * 60;
    const int64_t start = midnight + 18 * 3600 + vt__gen_range(&rng, 0, 3600);
    const int64_t secs = vt__gen_range(&rng, 1200, 4200);
    const int64_t km = secs * vt__gen_range(&rng, 2200, 3200) / 1000; /* thousandths of a km */
    const int64_t kcal = secs * vt__gen_range(&rng, 150, 220) / 10;   /* thousandths of kcal */
    const uint32_t watch = x->g.id[VT__GEN_S_WATCH];
    const int old_style = day % 2 == 0; /* older exports keep totals in attributes */
    puts_(x, " <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\"");
    put_attr_fixed(x, "duration", secs * 1000 / 60, 3);
    put_attr(x, "durationUnit", "min");
    if (old_style) {
        put_attr_fixed(x, "totalDistance", km, 3);
        put_attr(x, "totalDistanceUnit", "km");
        put_attr_fixed(x, "totalEnergyBurned", kcal, 3);
        put_attr(x, "totalEnergyBurnedUnit", "kcal");
    }
    put_attr_id(x, "sourceName", watch);
    put_attr_id(x, "sourceVersion", x->g.id[VT__GEN_S_WATCH_VERSION]);
    put_attr_id(x, "device", x->g.id[VT__GEN_S_WATCH_DEVICE]);
    put_attr_time(x, "creationDate", start + secs + 30);
    put_attr_time(x, "startDate", start);
    put_attr_time(x, "endDate", start + secs);
    puts_(x, ">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n"
             "  <MetadataEntry key=\"HKTimeZone\" value=\"America/Los_Angeles\"/>\n");
    puts_(x, "  <WorkoutEvent type=\"HKWorkoutEventTypePause\"");
    put_attr_time(x, "date", start + secs / 2);
    puts_(x, "/>\n  <WorkoutEvent type=\"HKWorkoutEventTypeResume\"");
    put_attr_time(x, "date", start + secs / 2 + 60);
    puts_(x, "/>\n");
    if (!old_style) {
        puts_(x, "  <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\"");
        put_attr_time(x, "startDate", start);
        put_attr_time(x, "endDate", start + secs);
        put_attr_fixed(x, "sum", kcal, 3);
        puts_(x, " unit=\"kcal\"/>\n");
        puts_(x, "  <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceWalkingRunning\"");
        put_attr_time(x, "startDate", start);
        put_attr_time(x, "endDate", start + secs);
        put_attr_fixed(x, "sum", km, 3);
        puts_(x, " unit=\"km\"/>\n");
    }
    puts_(x, " </Workout>\n");
}

static void write_summary(xmlgen *x, uint32_t day)
{
    uint64_t rng = vt__hash_mix(x->g.opt.seed ^ 0x73756d6d617279ull, (uint64_t)day);
    char date[VT_DAY_BUFSZ];
    vt_day_format(x->g.opt.start_day + (int32_t)day, date);
    puts_(x, " <ActivitySummary");
    put_attr(x, "dateComponents", date);
    put_attr_fixed(x, "activeEnergyBurned", vt__gen_range(&rng, 150000, 900000), 3);
    put_attr(x, "activeEnergyBurnedGoal", "600");
    put_attr(x, "activeEnergyBurnedUnit", "kcal");
    /* Newer exports have appleMoveTime; older ones appleMoveMinutes. */
    put_attr(x, day % 2 ? "appleMoveTime" : "appleMoveMinutes", "0");
    put_attr(x, day % 2 ? "appleMoveTimeGoal" : "appleMoveMinutesGoal", "0");
    put_attr_fixed(x, "appleExerciseTime", vt__gen_range(&rng, 0, 90), 0);
    put_attr(x, "appleExerciseTimeGoal", "30");
    put_attr_fixed(x, "appleStandHours", vt__gen_range(&rng, 4, 16), 0);
    put_attr(x, "appleStandHoursGoal", "12");
    puts_(x, "/>\n");
}

/* The days whose records, after the prolog, make at least target_bytes: the records are
 * formatted and dropped, as the time order would write them. */
static void count_days(xmlgen *x)
{
    const uint64_t records = x->stats.records;
    uint64_t bytes = x->stats.bytes;
    uint32_t day = 0;
    while (bytes < x->g.opt.target_bytes && !x->nomem) {
        x->len = 0;
        vt__gen_day(&x->g, day++);
        for (size_t i = 0; i < x->g.count; i++) {
            write_record(x, &x->g.recs[i], " ");
        }
        bytes += x->len;
    }
    x->stats.records = records;
    x->days = day;
}

/* Produces the next piece of the document into the buffer; 0 when there is none left. */
static int produce(xmlgen *x)
{
    x->len = x->pos = 0;
    while (x->len == 0 && x->phase != P_DONE) {
        switch (x->phase) {
        case P_PROLOG:
            write_prolog(x);
            /* The type order goes over the days once a type: with a size to reach, how many
             * days reach it is counted first. */
            x->days = x->g.opt.days;
            x->phase = x->g.opt.order == VT_GEN_ORDER_TYPE && x->g.opt.target_bytes
                           ? P_COUNT_DAYS
                           : P_RECORDS;
            break;
        case P_COUNT_DAYS:
            count_days(x);
            x->len = 0;
            x->phase = P_RECORDS;
            break;
        case P_RECORDS: {
            const int more = x->g.opt.order == VT_GEN_ORDER_TIME && x->g.opt.target_bytes
                                 ? x->stats.bytes < x->g.opt.target_bytes
                                 : x->day < x->days && vt__gen_pass_used(&x->g, x->pass);
            if (!more) {
                if (x->g.opt.order == VT_GEN_ORDER_TIME) {
                    x->days = x->day; /* with a size, known only now */
                }
                x->day = 0;
                if (++x->pass < vt__gen_passes(&x->g)) {
                    break;
                }
                x->phase = P_CORRELATIONS;
                break;
            }
            vt__gen_day(&x->g, x->day++);
            for (size_t i = 0; i < x->g.count; i++) {
                if (vt__gen_in_pass(&x->g, x->pass, &x->g.recs[i])) {
                    write_record(x, &x->g.recs[i], " ");
                }
            }
            break;
        }
        case P_CORRELATIONS:
        case P_WORKOUTS:
        case P_SUMMARIES:
            if (x->day == x->days) {
                x->day = 0;
                x->phase = (enum phase)(x->phase + 1);
                break;
            }
            if (x->phase == P_CORRELATIONS) {
                write_correlations(x, x->day);
            } else if (x->phase == P_WORKOUTS) {
                write_workout(x, x->day);
            } else {
                write_summary(x, x->day);
            }
            x->day++;
            break;
        case P_TAIL:
            puts_(x, "</HealthData>\n");
            x->phase = P_DONE;
            break;
        case P_DONE:
            break;
        }
    }
    x->stats.bytes += x->len;
    x->stats.days = x->days ? x->days : x->day;
    return x->len > 0;
}

/* Copies up to `n` bytes of the document into `dst`; 0 at the end, -1 out of memory. */
static int64_t xmlgen_read(xmlgen *x, void *dst, size_t n)
{
    size_t done = 0;
    while (done < n) {
        if (x->pos == x->len && !produce(x)) {
            break;
        }
        if (x->nomem) {
            return -1;
        }
        size_t k = x->len - x->pos;
        if (k > n - done) {
            k = n - done;
        }
        memcpy((char *)dst + done, x->buf + x->pos, k);
        x->pos += k;
        done += k;
    }
    return (int64_t)done;
}

static vt_status xmlgen_init(xmlgen *x, const vt_gen_options *options, vt_error *err)
{
    memset(x, 0, sizeof *x);
    return vt__gen_init(&x->g, options, err);
}

static void xmlgen_free(xmlgen *x)
{
    vt__gen_free(&x->g);
    vt__free(x->buf);
    x->buf = NULL;
}

vt_status vt_gen_write_xml(const vt_gen_options *options, FILE *out, vt_gen_xml_stats *stats,
                           vt_error *err)
{
    xmlgen x;
    vt_status st = xmlgen_init(&x, options, err);
    if (st != VT_OK) {
        return st;
    }
    for (;;) {
        if (x.pos == x.len && !produce(&x)) {
            break;
        }
        if (x.nomem) {
            st = vt__nomem(err);
            break;
        }
        if (fwrite(x.buf, 1, x.len, out) != x.len) {
            st = vt__error(err, VT_ERR_IO, "write failed: %s", strerror(errno));
            break;
        }
        x.pos = x.len;
    }
    if (st == VT_OK && fflush(out) != 0) {
        st = vt__error(err, VT_ERR_IO, "write failed: %s", strerror(errno));
    }
    if (st == VT_OK && stats) {
        *stats = x.stats;
    }
    xmlgen_free(&x);
    return st;
}

/* libzip pulls the document through this callback: nothing is held but one day. */
static zip_int64_t zip_callback(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    xmlgen *x = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_READ:
        return xmlgen_read(x, data, (size_t)len);
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->mtime = (time_t)((int64_t)(x->g.opt.start_day + (int32_t)x->g.opt.days) * 86400);
        st->valid |= ZIP_STAT_MTIME;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR: {
        int *e = data;
        e[0] = ZIP_ER_MEMORY;
        e[1] = 0;
        return 2 * sizeof(int);
    }
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        return -1;
    }
}

static vt_status write_zip(const vt_gen_options *options, const char *path,
                           vt_gen_xml_stats *stats, vt_error *err)
{
    xmlgen x;
    vt_status st = xmlgen_init(&x, options, err);
    if (st != VT_OK) {
        return st;
    }
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        st = vt__error(err, VT_ERR_ZIP, "%s: %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        xmlgen_free(&x);
        return st;
    }
    zip_source_t *src = zip_source_function(z, zip_callback, &x);
    if (!src || zip_file_add(z, "apple_health_export/export.xml", src, ZIP_FL_ENC_UTF_8) < 0) {
        st = vt__error(err, VT_ERR_ZIP, "%s: %s", path, zip_strerror(z));
        zip_source_free(src);
        zip_discard(z);
        xmlgen_free(&x);
        return st;
    }
    if (zip_close(z) != 0) {
        st = x.nomem ? vt__nomem(err) : vt__error(err, VT_ERR_ZIP, "%s: %s", path, zip_strerror(z));
        zip_discard(z);
    }
    if (st == VT_OK && stats) {
        *stats = x.stats;
    }
    xmlgen_free(&x);
    return st;
}

vt_status vt_gen_write_file(const vt_gen_options *options, const char *path, int zip,
                            vt_gen_xml_stats *stats, vt_error *err)
{
    if (zip) {
        return write_zip(options, path, stats, err);
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        return vt__error(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
    }
    vt_status st = vt_gen_write_xml(options, f, stats, err);
    if (fclose(f) != 0 && st == VT_OK) {
        st = vt__error(err, VT_ERR_IO, "%s: %s", path, strerror(errno));
    }
    if (st != VT_OK && err && strncmp(err->msg, "write failed", 12) == 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "%.150s", err->msg);
        vt__error(err, VT_ERR_IO, "%.80s: %s", path, msg);
    }
    return st;
}
