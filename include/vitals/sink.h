/* SPDX-License-Identifier: MIT */
/* The sink interface: where producers (the reader, the generator) send decoded items. */
#ifndef VITALS_SINK_H
#define VITALS_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"
#include "vitals/record.h"
#include "vitals/strpool.h"
#include "vitals/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Items beyond records. Every string field is an id in the `strings` pool passed beside the
 * item (0 = absent). Every double field that may be missing from the export is NaN when it
 * is. Every pointer in an item is borrowed and valid only during the call that passes it.
 */

/** The export as a whole: HealthData@locale, ExportDate, Me. */
typedef struct vt_export_info {
    uint32_t locale;     /**< HealthData@locale, e.g. "en_US"; 0 when absent */
    int has_export_date; /**< non-zero when ExportDate@value was given */
    vt_time export_date;
    const char *me_json; /**< the attributes of <Me> as a JSON object; NULL when absent */
} vt_export_info;

/** A WorkoutEvent (pause, resume, lap, segment, marker...). */
typedef struct vt_workout_event {
    uint32_t type; /**< e.g. HKWorkoutEventTypeSegment */
    vt_time date;
    double duration;        /**< NaN when absent */
    uint32_t duration_unit; /**< e.g. "min" */
} vt_workout_event;

/** A WorkoutStatistics child: totals of newer exports. */
typedef struct vt_workout_statistic {
    uint32_t type; /**< e.g. HKQuantityTypeIdentifierActiveEnergyBurned */
    vt_time start, end;
    double sum, average, minimum, maximum; /**< NaN when absent */
    uint32_t unit;
} vt_workout_statistic;

/**
 * A WorkoutRoute. Its points come through the `route_points` callback under `ref`: the
 * FileReference path (`/workout-routes/route_....gpx`, points read from the zip's GPX file)
 * or, for old exports with inline <Location> children, `inline:<startDate>|<endDate>`.
 */
typedef struct vt_workout_route {
    uint32_t source, source_version, device;
    vt_time start, end, created;
    uint32_t flags; /**< VT_RECORD_HAS_CREATED when `created` was given */
    uint32_t file;  /**< FileReference@path; 0 when the points are inline or absent */
    uint32_t ref;   /**< the key its route points are sent under */
    uint32_t metadata_count;
    const vt_metadata_entry *metadata;
} vt_workout_route;

/** A Workout with its children. */
typedef struct vt_workout {
    uint32_t activity_type; /**< e.g. HKWorkoutActivityTypeRunning */
    uint32_t source, source_version, device;
    uint32_t flags; /**< VT_RECORD_HAS_CREATED when `created` was given */
    vt_time start, end, created;
    double duration; /**< NaN when absent */
    uint32_t duration_unit;
    double total_distance; /**< old exports; NaN when absent */
    uint32_t total_distance_unit;
    double total_energy_burned; /**< old exports; NaN when absent */
    uint32_t total_energy_burned_unit;
    uint32_t metadata_count, event_count, statistic_count, route_count;
    const vt_metadata_entry *metadata;
    const vt_workout_event *events;
    const vt_workout_statistic *statistics;
    const vt_workout_route *routes;
} vt_workout;

/** One point of a workout route (GPX trkpt or inline Location). */
typedef struct vt_route_point {
    int64_t utc_ms; /**< the point's instant, UTC epoch milliseconds; INT64_MIN if absent */
    double latitude, longitude;
    double elevation, speed, course, horizontal_accuracy, vertical_accuracy; /**< NaN absent */
} vt_route_point;

/**
 * A Correlation (blood pressure, food) with its member Records. The members also appear as
 * top-level Records in real exports: a consumer links them and must not count them twice.
 */
typedef struct vt_correlation {
    uint32_t type, source, source_version, device;
    uint32_t flags; /**< VT_RECORD_HAS_CREATED when `created` was given */
    vt_time start, end, created;
    uint32_t metadata_count, member_count;
    const vt_metadata_entry *metadata;
    const vt_record *members; /**< flagged VT_RECORD_IN_CORRELATION */
} vt_correlation;

/** An ActivitySummary: one day's rings. */
typedef struct vt_activity_summary {
    int32_t day; /**< dateComponents as a day number */
    double active_energy_burned, active_energy_burned_goal;
    uint32_t active_energy_burned_unit;
    double move_time, move_time_goal; /**< appleMoveTime, or the old appleMoveMinutes */
    double exercise_time, exercise_time_goal;
    double stand_hours, stand_hours_goal;
} vt_activity_summary;

/**
 * Any other element (ClinicalRecord, Audiogram and its SensitivityPoints, VisionPrescription,
 * elements of future exports): its name and attributes, stored generically.
 */
typedef struct vt_element {
    const char *name;            /**< the element's name, NUL-terminated */
    const char *attributes_json; /**< its attributes as a JSON object, NUL-terminated */
    uint64_t group;              /**< ordinal (from 1) of the top-level element it lies in */
    uint32_t depth;              /**< 1 for a child of HealthData, 2 for its children... */
    uint32_t line;               /**< line of its start tag */
} vt_element;

/** Counts of one export, given at its end. */
typedef struct vt_export_summary {
    uint64_t records, metadata_entries, beats;
    uint64_t workouts, workout_events, workout_statistics, workout_routes, route_points;
    uint64_t correlations, correlation_members, activity_summaries, other_elements;
    uint64_t control_chars; /**< invalid XML 1.0 control characters replaced by a space */
    uint64_t bytes;         /**< bytes of XML read */
    int has_first, has_last;
    vt_time first_start, last_start; /**< the earliest and latest Record start */
} vt_export_summary;

/**
 * Callbacks a producer calls in document order. Any callback may be NULL (the item is
 * dropped). A callback returns VT_OK to go on; any other status stops the producer, which
 * returns that status with the callback's error. Ids in items refer to `strings`, a pool
 * owned by the producer that only grows during one run.
 */
typedef struct vt_sink {
    void *ctx;
    /** One health sample. */
    vt_status (*record)(void *ctx, const vt_record *rec, const vt_strpool *strings, vt_error *err);
    /** Locale, ExportDate and Me: once, before any other item (or at the end if none). */
    vt_status (*export_info)(void *ctx, const vt_export_info *info, const vt_strpool *strings,
                             vt_error *err);
    /** One Workout, at its end tag, with its events, statistics, routes and metadata. */
    vt_status (*workout)(void *ctx, const vt_workout *workout, const vt_strpool *strings,
                         vt_error *err);
    /** Up to a few thousand points of the route `ref` (see vt_workout_route). */
    vt_status (*route_points)(void *ctx, uint32_t ref, const vt_route_point *points, size_t count,
                              const vt_strpool *strings, vt_error *err);
    /** One Correlation with its members. */
    vt_status (*correlation)(void *ctx, const vt_correlation *corr, const vt_strpool *strings,
                             vt_error *err);
    /** One ActivitySummary. */
    vt_status (*activity_summary)(void *ctx, const vt_activity_summary *summary,
                                  const vt_strpool *strings, vt_error *err);
    /** One element the reader has no model for. */
    vt_status (*element)(void *ctx, const vt_element *element, vt_error *err);
    /** The end of the export, with its counts. */
    vt_status (*end)(void *ctx, const vt_export_summary *summary, vt_error *err);
} vt_sink;

#ifdef __cplusplus
}
#endif
#endif
