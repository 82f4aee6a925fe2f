/* SPDX-License-Identifier: MIT */
/* Declarations shared by libvitals' sources and nothing else. */
#ifndef VITALS_INTERNAL_H
#define VITALS_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vitals/vitals.h"

#if defined(__GNUC__) || defined(__clang__)
#define VT__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VT__LIKELY(x) __builtin_expect(!!(x), 1)
#define VT__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define VT__PRINTF(f, a)
#define VT__LIKELY(x) (x)
#define VT__UNLIKELY(x) (x)
#endif

/* Allocation: every allocation of the library goes through these (alloc.c). */
void *vt__malloc(size_t size);
void *vt__calloc(size_t count, size_t size);
void *vt__realloc(void *ptr, size_t size);
void vt__free(void *ptr);
char *vt__strndup(const char *s, size_t len);
/* Grows an array of `elem` bytes each to hold at least `need` elements (doubling). */
int vt__grow(void **array, size_t *capacity, size_t need, size_t elem);

/* Errors (error.c): fill `err` (may be NULL) and return `code`. */
vt_status vt__error(vt_error *err, vt_status code, const char *fmt, ...) VT__PRINTF(3, 4);
vt_status vt__error_at(vt_error *err, vt_status code, uint64_t offset, uint32_t line,
                       uint32_t column, const char *fmt, ...) VT__PRINTF(6, 7);
vt_status vt__nomem(vt_error *err);

/* Hashing (strpool.c): a fast 64-bit hash of bytes, stable across machines. */
uint64_t vt__hash_bytes(const void *data, size_t len, uint64_t seed);
uint64_t vt__hash_mix(uint64_t h, uint64_t v);

/* String pools (strpool.c): a number unique to each pool ever created in this process,
 * so caches keyed by pool ids can tell one pool from another allocated at the same address. */
uint64_t vt__strpool_serial(const vt_strpool *pool);

/* Store (store.c): the SQLite connection of a store, for the other store_*.c files. */
struct sqlite3;
struct sqlite3 *vt__store_db(vt_store *store);
/* Copies SQLite's last error message of `db` into `err` with a prefix saying what failed. */
vt_status vt__store_sqlite_error(struct sqlite3 *db, vt_error *err, const char *what);

/* Import tables (store_items.c): creates the tables of workouts, correlations, activity
 * summaries, routes and other elements inside the schema's creation transaction. */
vt_status vt__store_items_schema(struct sqlite3 *db, vt_error *err);

#endif
