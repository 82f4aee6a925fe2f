/* SPDX-License-Identifier: MIT */
/* A deterministic generator of plausible Apple Health data (the seed's HealthDataGenerator). */
#ifndef VITALS_GENERATOR_H
#define VITALS_GENERATOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vitals/error.h"
#include "vitals/sink.h"
#include "vitals/store.h"
#include "vitals/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The metrics the generator can produce; `metrics` in the options is a mask of these. */
enum vt_gen_metric {
    VT_GEN_STEPS = 1u << 0,          /**< StepCount, from iPhone and Apple Watch, overlapping */
    VT_GEN_HEART_RATE = 1u << 1,     /**< HeartRate, count/min */
    VT_GEN_ACTIVE_ENERGY = 1u << 2,  /**< ActiveEnergyBurned, kcal */
    VT_GEN_DISTANCE = 1u << 3,       /**< DistanceWalkingRunning, km */
    VT_GEN_RESTING_HR = 1u << 4,     /**< RestingHeartRate, daily */
    VT_GEN_HRV = 1u << 5,            /**< HeartRateVariabilitySDNN, ms */
    VT_GEN_BODY_MASS = 1u << 6,      /**< BodyMass, kg, sparse */
    VT_GEN_SLEEP = 1u << 7,          /**< SleepAnalysis category samples */
    VT_GEN_BLOOD_PRESSURE = 1u << 8, /**< weekly systolic/diastolic pair, also as a Correlation */
    VT_GEN_ALL = 0x1ffu
};

/** The shape of the records the generator writes. */
enum vt_gen_shape {
    VT_GEN_SHAPE_APPLE = 0, /**< as Apple's Health app exports them (about 430 bytes of XML) */
    /**
     * Records without the `device` attribute, as apps and many Watch samples write them:
     * short values, fewer attributes, about 290 bytes of XML each (the denser export of the
     * performance work).
     */
    VT_GEN_SHAPE_DENSE = 1
};

/** The order of the Records in a generated export (and of the records a sink receives). */
enum vt_gen_order {
    /** As Apple's exports list them: every record of one type, then the next type; each type's
     *  records in time order (default) */
    VT_GEN_ORDER_TYPE = 0,
    /** Day by day, the day's records of every type interleaved in time order: the worst case
     *  for the store's natural-key index (versions before 2026-12-02 wrote only this) */
    VT_GEN_ORDER_TIME = 1
};

/** Generator parameters; vt_gen_options_default fills the defaults. */
typedef struct vt_gen_options {
    uint64_t seed;        /**< same seed, same output, on every machine (default 1) */
    uint32_t days;        /**< days of data (default 365) */
    uint32_t per_day;     /**< records per day, approximately, spread over the mix (default 100) */
    int32_t start_day;    /**< first local day as a day number (default 2020-01-01) */
    int16_t offset_min;   /**< UTC offset written in timestamps (default -0700 -> -420) */
    uint32_t metrics;     /**< mask of enum vt_gen_metric (default VT_GEN_ALL) */
    uint64_t target_bytes;/**< XML only: repeat days until at least this many bytes (0: off) */
    uint32_t shape;       /**< enum vt_gen_shape (default VT_GEN_SHAPE_APPLE) */
    uint32_t order;       /**< enum vt_gen_order (default VT_GEN_ORDER_TYPE) */
} vt_gen_options;

/** Fills `options` with the defaults. */
void vt_gen_options_default(vt_gen_options *options);

/**
 * Generates the records and sends each to `sink` in `options->order` (type after type, or day
 * by day), each type's records in time order. Strings are
 * interned in a pool owned by the generator for the duration of the call.
 */
vt_status vt_gen_records(const vt_gen_options *options, const vt_sink *sink, vt_error *err);

/** Generates into a table (appended to). */
vt_status vt_gen_table(const vt_gen_options *options, vt_table *table, vt_error *err);

/** Generates into a store in one transaction; `stats` may be NULL. */
vt_status vt_gen_store(const vt_gen_options *options, vt_store *store, vt_insert_stats *stats,
                       vt_error *err);

/** Statistics of a generated export. */
typedef struct vt_gen_xml_stats {
    uint64_t bytes;    /**< bytes of XML written */
    uint64_t records;  /**< <Record> elements written, correlation members included */
    uint32_t days;     /**< days written (more than `days` when target_bytes repeats them) */
} vt_gen_xml_stats;

/**
 * Writes an Apple-format export.xml to `out` as a stream, in constant memory: declaration,
 * DOCTYPE with Apple's internal DTD, HealthData, ExportDate, Me, Records with
 * MetadataEntry (in `options->order`), then the blood-pressure Correlations, Workouts and
 * ActivitySummaries, as Apple orders them. With `target_bytes` and the type order, the days
 * are counted first (the records formatted once and dropped) so that every type covers the
 * same days. `stats` may be NULL.
 */
vt_status vt_gen_write_xml(const vt_gen_options *options, FILE *out, vt_gen_xml_stats *stats,
                           vt_error *err);

/**
 * Writes the export to `path`: plain XML, or when `zip` is non-zero an export.zip holding
 * `apple_health_export/export.xml` (streamed through libzip).
 */
vt_status vt_gen_write_file(const vt_gen_options *options, const char *path, int zip,
                            vt_gen_xml_stats *stats, vt_error *err);

#ifdef __cplusplus
}
#endif
#endif
