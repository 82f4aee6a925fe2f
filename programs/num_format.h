/* SPDX-License-Identifier: MIT */
/* Numbers as vitals daily prints them, written fast and exactly as printf would. */
#ifndef VITALS_NUM_FORMAT_H
#define VITALS_NUM_FORMAT_H

#include <stddef.h>

/* Room for any number cli_format_number writes, terminator included. */
#define CLI_NUMBER_BUFSZ 32

/*
 * Writes `v` into `out` (CLI_NUMBER_BUFSZ bytes) as printf("%.0f") when it is an integer of
 * magnitude under 1e15, else as printf("%.6g"), byte for byte; gives the length. Numbers in
 * [1e-4, 1e15) take a path of about a hundred instructions; the others go through snprintf.
 */
size_t cli_format_number(double v, char *out);

#endif
