/* SPDX-License-Identifier: MIT */
/* Shared state of the generator (generator.c) and its XML writer (xmlgen.c). */
#ifndef VITALS_GEN_INTERNAL_H
#define VITALS_GEN_INTERNAL_H

#include <stdlib.h>

#include "internal.h"

/* The strings the generator uses, interned once. */
enum {
    VT__GEN_S_STEPS, VT__GEN_S_HR, VT__GEN_S_ENERGY, VT__GEN_S_DISTANCE, VT__GEN_S_RESTING,
    VT__GEN_S_HRV, VT__GEN_S_MASS, VT__GEN_S_SLEEP, VT__GEN_S_SYSTOLIC, VT__GEN_S_DIASTOLIC,
    VT__GEN_S_WATCH, VT__GEN_S_PHONE, VT__GEN_S_SCALE,
    VT__GEN_S_COUNT_UNIT, VT__GEN_S_BPM, VT__GEN_S_KCAL, VT__GEN_S_KM, VT__GEN_S_MS,
    VT__GEN_S_KG, VT__GEN_S_MMHG,
    VT__GEN_S_WATCH_DEVICE, VT__GEN_S_PHONE_DEVICE, VT__GEN_S_WATCH_VERSION,
    VT__GEN_S_PHONE_VERSION,
    VT__GEN_S_IN_BED, VT__GEN_S_CORE, VT__GEN_S_DEEP, VT__GEN_S_REM, VT__GEN_S_AWAKE,
    VT__GEN_S_COUNT
};
/* The record types are the first strings; VT_GEN_ORDER_TYPE writes them in this order. */
enum { VT__GEN_TYPE_COUNT = VT__GEN_S_DIASTOLIC + 1 };

/* One generated sample with what the XML writer needs to print it exactly. */
typedef struct vt__gen_rec {
    vt_record rec;
    int64_t scaled;     /* the value times 10^decimals, printed without floating point */
    int decimals;
    uint32_t beats;     /* HRV: InstantaneousBeatsPerMinute children to write */
    uint32_t seq;       /* generation order, the tie-break of the sort */
    int in_correlation; /* blood pressure: also written inside a Correlation */
} vt__gen_rec;

typedef struct vt__gen {
    vt_gen_options opt;
    vt_strpool *strings;
    uint32_t id[VT__GEN_S_COUNT];
    vt__gen_rec *recs; /* the current day, sorted by start */
    vt__gen_rec *scratch; /* the sort's, as many as recs */
    size_t count, cap;
    uint32_t day_index;
} vt__gen;

vt_status vt__gen_init(vt__gen *g, const vt_gen_options *options, vt_error *err);
void vt__gen_free(vt__gen *g);
/* Fills g->recs with day `day_index` (0 = options.start_day). */
void vt__gen_day(vt__gen *g, uint32_t day_index);
/* Whether record `r` belongs in pass `pass` of the records: every record in the time order,
 * in the type order only those of type `pass` (0 to VT__GEN_TYPE_COUNT - 1). */
static inline int vt__gen_in_pass(const vt__gen *g, uint32_t pass, const vt__gen_rec *r)
{
    return g->opt.order == VT_GEN_ORDER_TIME || r->rec.type == g->id[pass];
}
/* Passes over the days the records take: 1 in the time order, one a type in the type order. */
static inline uint32_t vt__gen_passes(const vt__gen *g)
{
    return g->opt.order == VT_GEN_ORDER_TIME ? 1u : (uint32_t)VT__GEN_TYPE_COUNT;
}
/* Whether pass `pass` can hold a record: in the type order, a type whose metric is left out
 * (--metrics) has none, and its pass need not go over the days. */
int vt__gen_pass_used(const vt__gen *g, uint32_t pass);
uint64_t vt__gen_next(uint64_t *state);
int64_t vt__gen_range(uint64_t *state, int64_t lo, int64_t hi);

#endif
