/* SPDX-License-Identifier: MIT */
/* libvitals: stream Apple Health exports into SQLite and compute daily metrics. */
#ifndef VITALS_VITALS_H
#define VITALS_VITALS_H

#include "vitals/alloc.h"
#include "vitals/daily.h"
#include "vitals/error.h"
#include "vitals/generator.h"
#include "vitals/metric.h"
#include "vitals/import.h"
#include "vitals/reader.h"
#include "vitals/record.h"
#include "vitals/sink.h"
#include "vitals/store.h"
#include "vitals/strpool.h"
#include "vitals/table.h"
#include "vitals/time.h"

/** The library's version string, e.g. "0.1.0". */
const char *vt_version(void);

#endif
