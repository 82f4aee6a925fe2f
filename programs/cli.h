/* SPDX-License-Identifier: MIT */
/* Shared helpers of the vitals command's subcommands: options, errors, exit codes. */
#ifndef VITALS_CLI_H
#define VITALS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vitals/vitals.h"

/* Exit codes: 0 success, 1 failure of the work, 2 usage error, 3 internal error. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_INTERNAL = 3 };

/* Prints "vitals: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error "vitals <cmd>: <message>" and a hint, returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a library error as one line and returns the matching exit code. */
int cli_fail(const vt_error *err);

/* Parses a whole decimal integer in [min, max]; returns 0 on success. */
int cli_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Parses a size with an optional K/M/G suffix (powers of 1024); returns 0 on success. */
int cli_parse_size(const char *s, uint64_t *out);
/* Is `arg` the option `name`? If it is `name=value`, *value points at value. */
int cli_option(const char *arg, const char *name, const char **value);
/* The value of option `name` at argv[*i]: inline (`--x=v`) or the next argument. */
const char *cli_value(int argc, char **argv, int *i, const char *inline_value);

/* The index of `s` among the `count` words of `names` (an option's closed set of values:
 * --shape, --order, --format...), or -1 when it is none of them or NULL. */
int cli_choice(const char *s, const char *const *names, int count);
/* Parses --parser's value: builtin or libxml2; returns 0 on success. */
int cli_parse_parser(const char *s, vt_xml_parser *out);
/* The help line of --parser, shared by the commands that read an export. */
#define CLI_PARSER_HELP                                                                            \
    "  --parser P    the XML parser: builtin (default) or libxml2, the reference; both give\n"     \
    "                the same answers, builtin two to three times faster\n"

/* Splits a comma-separated list in place into at most `max` items; -1 when empty or too long. */
int cli_split_list(char *list, const char **items, size_t max, size_t *count);

/* Subcommands. */
int cmd_generate(int argc, char **argv);
int cmd_daily(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_chart(int argc, char **argv);

#endif
