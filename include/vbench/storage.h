/* SPDX-License-Identifier: MIT */
/* Saved runs in pytest-benchmark's layout: `.benchmarks/<machine id>/NNNN_<name>.json`. */
#ifndef VBENCH_STORAGE_H
#define VBENCH_STORAGE_H

#include <stddef.h>

#include "vbench/error.h"
#include "vbench/machine.h"
#include "vbench/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The machine id of the storage folder, e.g. "Linux-x86_64-gcc12", into `buf` (always
    terminated when `size` > 0). Thread-safe. */
void vb_storage_machine_id(const vb_machine *m, char *buf, size_t size);

/**
 * Writes `suite` as pytest JSON to `root`/<machine id>/NNNN_<name>.json with NNNN one above
 * the highest saved number; writes the path into `path`. `name` NULL: the commit id (or
 * "unversioned"). Creates the folders. Two processes saving at once may pick the same number:
 * not safe across concurrent savers.
 */
vb_status vb_storage_save(const char *root, const vb_suite *suite, const char *name, char *path,
                          size_t path_size, vb_error *err);

/**
 * Finds a saved run: `which` NULL or "" for the latest, a number ("3", "0003") for that run,
 * otherwise a file path. Writes its path. VB_ERR_NOT_FOUND when there is none. Thread-safe.
 */
vb_status vb_storage_find(const char *root, const vb_machine *m, const char *which, char *path,
                          size_t path_size, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
