/* SPDX-License-Identifier: MIT */
/* The one documented map from HealthKit identifiers to short metric names (docs/metrics.md). */
#include <string.h>

#include "internal.h"

#define Q(id) "HKQuantityTypeIdentifier" id
#define C(id) "HKCategoryTypeIdentifier" id

static const vt_metric_info METRICS[] = {
    {Q("StepCount"), "steps", "count", VT_METRIC_CUMULATIVE},
    {Q("DistanceWalkingRunning"), "distance", "km", VT_METRIC_CUMULATIVE},
    {Q("DistanceCycling"), "distance_cycling", "km", VT_METRIC_CUMULATIVE},
    {Q("DistanceSwimming"), "distance_swimming", "m", VT_METRIC_CUMULATIVE},
    {Q("ActiveEnergyBurned"), "active_energy", "kcal", VT_METRIC_CUMULATIVE},
    {Q("BasalEnergyBurned"), "basal_energy", "kcal", VT_METRIC_CUMULATIVE},
    {Q("FlightsClimbed"), "flights", "count", VT_METRIC_CUMULATIVE},
    {Q("AppleExerciseTime"), "exercise_minutes", "min", VT_METRIC_CUMULATIVE},
    {Q("AppleStandTime"), "stand_minutes", "min", VT_METRIC_CUMULATIVE},
    {Q("DietaryEnergyConsumed"), "dietary_energy", "kcal", VT_METRIC_CUMULATIVE},
    {Q("DietaryWater"), "water", "mL", VT_METRIC_CUMULATIVE},
    {Q("HeartRate"), "heart_rate", "count/min", VT_METRIC_DISCRETE},
    {Q("RestingHeartRate"), "resting_heart_rate", "count/min", VT_METRIC_DISCRETE},
    {Q("WalkingHeartRateAverage"), "walking_heart_rate", "count/min", VT_METRIC_DISCRETE},
    {Q("HeartRateVariabilitySDNN"), "hrv_sdnn", "ms", VT_METRIC_DISCRETE},
    {Q("BodyMass"), "body_mass", "kg", VT_METRIC_DISCRETE},
    {Q("BodyMassIndex"), "bmi", "count", VT_METRIC_DISCRETE},
    {Q("BodyFatPercentage"), "body_fat", "%", VT_METRIC_DISCRETE},
    {Q("Height"), "height", "cm", VT_METRIC_DISCRETE},
    {Q("OxygenSaturation"), "oxygen_saturation", "%", VT_METRIC_DISCRETE},
    {Q("RespiratoryRate"), "respiratory_rate", "count/min", VT_METRIC_DISCRETE},
    {Q("BloodPressureSystolic"), "blood_pressure_systolic", "mmHg", VT_METRIC_DISCRETE},
    {Q("BloodPressureDiastolic"), "blood_pressure_diastolic", "mmHg", VT_METRIC_DISCRETE},
    {Q("VO2Max"), "vo2max", "mL/min·kg", VT_METRIC_DISCRETE},
    {Q("WalkingSpeed"), "walking_speed", "km/hr", VT_METRIC_DISCRETE},
    {Q("WalkingStepLength"), "walking_step_length", "cm", VT_METRIC_DISCRETE},
    {Q("EnvironmentalAudioExposure"), "audio_exposure", "dBASPL", VT_METRIC_DISCRETE},
    {Q("HeadphoneAudioExposure"), "headphone_audio_exposure", "dBASPL", VT_METRIC_DISCRETE},
    {C("SleepAnalysis"), "sleep", "", VT_METRIC_CATEGORY},
    {C("MindfulSession"), "mindful", "", VT_METRIC_CATEGORY},
    {C("AppleStandHour"), "stand_hours", "", VT_METRIC_CATEGORY},
};

const vt_metric_info *vt_metric_all(size_t *count)
{
    *count = sizeof METRICS / sizeof METRICS[0];
    return METRICS;
}

const vt_metric_info *vt_metric_lookup(const char *s)
{
    for (size_t i = 0; i < sizeof METRICS / sizeof METRICS[0]; i++) {
        if (strcmp(METRICS[i].identifier, s) == 0 || strcmp(METRICS[i].name, s) == 0) {
            return &METRICS[i];
        }
    }
    return NULL;
}

const char *vt_metric_name(const char *identifier, char *buf, size_t size)
{
    if (size == 0) {
        return buf;
    }
    const vt_metric_info *m = vt_metric_lookup(identifier);
    if (m) {
        strncpy(buf, m->name, size - 1);
        buf[size - 1] = '\0';
        return buf;
    }
    const char *p = strstr(identifier, "TypeIdentifier");
    p = p ? p + strlen("TypeIdentifier") : identifier;
    if (strncmp(p, "HK", 2) == 0 && !strstr(identifier, "TypeIdentifier")) {
        p += 2; /* HKDataTypeSleepDurationGoal -> data_type_sleep_duration_goal */
    }
    size_t o = 0;
    for (size_t i = 0; p[i] && o + 2 < size; i++) {
        const char c = p[i];
        if (c >= 'A' && c <= 'Z') {
            /* Start a word at an upper-case letter after a lower-case one or a digit. */
            if (o > 0 && buf[o - 1] != '_' && i > 0 &&
                ((p[i - 1] >= 'a' && p[i - 1] <= 'z') || (p[i - 1] >= '0' && p[i - 1] <= '9'))) {
                buf[o++] = '_';
            }
            buf[o++] = (char)(c + 32);
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            buf[o++] = c;
        } else if (o > 0 && buf[o - 1] != '_') {
            buf[o++] = '_';
        }
    }
    buf[o] = '\0';
    return buf;
}
