/* SPDX-License-Identifier: MIT */
/* JSON files updated by several runs (baseline.c, history.c): loading, locking, atomic writes. */
#ifndef VBENCH_JSON_FILE_H
#define VBENCH_JSON_FILE_H

#include <jansson.h>

#include "vbench/error.h"

/* Reads `path`: VB_ERR_NOT_FOUND ("no <what> yet") when missing, VB_ERR_PARSE with the file,
   line and column when it is not JSON. `*out` is the caller's (json_decref). */
vb_status vb__json_file_load(const char *path, const char *what, json_t **out, vb_error *err);
/* Replaces `path` with `root`: a temporary file, fsync, rename, and the folder synced. */
vb_status vb__json_file_write(const char *path, json_t *root, vb_error *err);
/* Takes the exclusive lock of `path` (on `path`.lock, waiting for it); `*fd` holds it. */
vb_status vb__json_file_lock(const char *path, int *fd, vb_error *err);
/* Releases a lock taken by vb__json_file_lock. */
void vb__json_file_unlock(int fd);

#endif
