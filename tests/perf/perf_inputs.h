/* SPDX-License-Identifier: MIT */
/* Inputs of the performance suite: generated tables, stores and cached export files. */
#ifndef VITALS_PERF_INPUTS_H
#define VITALS_PERF_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "vbench/vbench.h"
#include "vitals/vitals.h"

/* Peak RSS limit of the import benchmarks: the 32 MB, but none in sanitizer builds,
 * whose shadow memory and allocation quarantine multiply RSS (140-160 MiB under ASan). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define IMPORT_MAX_RSS_MB 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define IMPORT_MAX_RSS_MB 0
#endif
#endif
#ifndef IMPORT_MAX_RSS_MB
#define IMPORT_MAX_RSS_MB 32
#endif

/* A generated table of `days` x `per_day` records (seed 1, from 2020-01-01); NULL on failure. */
vt_table *perf_table(uint32_t days, uint32_t per_day);

/* A store holding the same data: `path` NULL for :memory:, else a fresh file. NULL on failure. */
vt_store *perf_store(uint32_t days, uint32_t per_day, const char *path);

/* The same, of `days` x `per_day` records, built once and kept under the cache folder, opened
 * read-only; NULL on failure. */
vt_store *perf_store_cached(uint32_t days, uint32_t per_day);

/* A scratch path under the cache folder: `<cache>/<name>`. */
void perf_scratch_path(const char *name, char *path, size_t size);

/*
 * The path of a generated export (seed 1, 100 records a day, the records type after type as
 * Apple's exports list them: vitals generate's default order), at least `bytes` of XML (or
 * `days` days when bytes is 0), plain or zipped, generated once and cached under the build
 * tree keyed by its parameters (an interrupted generation never leaves a partial file).
 * Returns 0, or -1 with the reason in `err`.
 */
int perf_export(uint64_t bytes, uint32_t days, int zip, char *path, size_t size, vt_error *err);

/* The same for the dense shape (vitals generate --shape dense: no device attribute, about
 * 290 bytes a record), plain XML of at least `bytes`. */
int perf_export_dense(uint64_t bytes, char *path, size_t size, vt_error *err);

/* The same dense export in the time order (vitals generate --order time: each day's records
 * of every type interleaved), the natural-key index's worst case. */
int perf_export_dense_time_order(uint64_t bytes, char *path, size_t size, vt_error *err);

/* Removes a store file and its -wal, -shm and -journal companions. */
void perf_remove_db(const char *path);

/* Fixtures: a fresh store file `name` (under the cache folder) of `days` x 100 records as the
 * benchmark's context; 0 on success. Teardowns: close the context's store, free its table. */
int perf_store_fixture(vb_state *st, uint32_t days, const char *name);
void perf_close_store(vb_state *st);
void perf_free_table(vb_state *st);

/* The body of an import benchmark: each iteration imports `path` into a fresh database file
 * `db_name` (opening and closing untimed) on `threads` threads (0: the default). Returns the
 * last import's status; `stats` gets its counts. */
vt_status perf_import_timed(vb_state *st, const char *path, const char *db_name, int threads,
                            vt_import_stats *stats);

/* The body of a read benchmark: each iteration reads `path` with vt_read_export (`options`
 * NULL for the defaults), decoding every Record, counting them and summing their values.
 * Returns the last read's status; `stats` gets its counts. */
vt_status perf_read_timed(vb_state *st, const char *path, const vt_reader_options *options,
                          vt_read_stats *stats);

#endif
