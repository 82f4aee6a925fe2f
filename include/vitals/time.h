/* SPDX-License-Identifier: MIT */
/* Apple Health timestamps: "YYYY-MM-DD HH:MM:SS +HHMM", dates, local days. */
#ifndef VITALS_TIME_H
#define VITALS_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A point in time as Apple writes it: UTC epoch seconds and the UTC offset written with it. */
typedef struct vt_time {
    int64_t utc;        /**< seconds since 1970-01-01T00:00:00Z */
    int16_t offset_min; /**< UTC offset in minutes as written (-0700 -> -420) */
} vt_time;

/** Length of the buffer vt_time_format needs, terminator included. */
#define VT_TIME_BUFSZ 32
/** Length of the buffer vt_day_format needs, terminator included. */
#define VT_DAY_BUFSZ 16

/**
 * Parses `YYYY-MM-DD HH:MM:SS ±HHMM` (exactly that, 25 characters) from `s[0..len)`.
 * Years 0001-9999, a real calendar date, hours 0-23, minutes and seconds 0-59 (60 is
 * accepted as a leap second and folded into the next minute), offsets up to ±1800.
 * Anything else is VT_ERR_PARSE with a message that quotes the text. Thread-safe.
 */
vt_status vt_time_parse(const char *s, size_t len, vt_time *out, vt_error *err);

/** Formats `t` as `YYYY-MM-DD HH:MM:SS ±HHMM` into `buf` (VT_TIME_BUFSZ bytes). */
void vt_time_format(vt_time t, char buf[VT_TIME_BUFSZ]);

/**
 * Parses a date-only `YYYY-MM-DD` into a day number (days since 1970-01-01).
 * Anything else is VT_ERR_PARSE. Thread-safe.
 */
vt_status vt_date_parse(const char *s, size_t len, int32_t *day, vt_error *err);

/** The local day of `t`: its UTC instant shifted by its own offset, as a day number. */
int32_t vt_time_local_day(vt_time t);

/** Formats a day number as `YYYY-MM-DD` into `buf` (VT_DAY_BUFSZ bytes). */
void vt_day_format(int32_t day, char buf[VT_DAY_BUFSZ]);

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31). */
int32_t vt_days_from_civil(int32_t year, int32_t month, int32_t day);

/** The date of a day number. */
void vt_civil_from_days(int32_t days, int32_t *year, int32_t *month, int32_t *day);

/**
 * Parses a locale-formatted time of day as Apple writes InstantaneousBeatsPerMinute@time:
 * `6:14:48.94 PM`, `18:14:48`, `00:20:37,80`, `6:14 AM` (12- or 24-hour clock, optional
 * seconds and fraction with `.` or `,`, optional AM/PM in either case, also `a.m.`/`p.m.`).
 * Gives milliseconds since local midnight (0 to 86,399,999). Thread-safe.
 */
vt_status vt_time_of_day_parse(const char *s, size_t len, int32_t *ms, vt_error *err);

#ifdef __cplusplus
}
#endif
#endif
