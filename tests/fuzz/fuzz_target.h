/* SPDX-License-Identifier: MIT */
/* What every fuzz target shares: the libFuzzer entry point's prototype and a helper that
 * puts bytes in an anonymous file, for the APIs that read a path. */
#ifndef VITALS_FUZZ_TARGET_H
#define VITALS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** The libFuzzer entry point each fuzz_<target>.c defines (also run by fuzz_replay.c). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * Writes `data` to a new anonymous file (memfd) and its /proc/self/fd path into `path`;
 * the file descriptor, or -1 on failure. The caller closes it.
 */
int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t path_size);

#endif
