/* SPDX-License-Identifier: MIT */
/* Option parsing and error printing shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vitals: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vitals %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'vitals %s --help')\n", cmd);
    va_end(ap);
    return CLI_USAGE;
}

int cli_fail(const vt_error *err)
{
    cli_error("%s", err->msg[0] ? err->msg : vt_status_name(err->code));
    return err->code == VT_ERR_INTERNAL || err->code == VT_ERR_NOMEM ? CLI_INTERNAL : CLI_FAIL;
}

int cli_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s) {
        return -1;
    }
    char *end;
    errno = 0;
    const long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') {
        return -1;
    }
    char *end;
    errno = 0;
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) {
        return -1;
    }
    uint64_t mult = 1;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': mult = 1024ull; break;
        case 'm': case 'M': mult = 1024ull * 1024; break;
        case 'g': case 'G': mult = 1024ull * 1024 * 1024; break;
        default: return -1;
        }
        end++;
        if (*end == 'B' || *end == 'b') {
            end++;
        }
        if (*end) {
            return -1;
        }
    }
    if (v > UINT64_MAX / mult) {
        return -1;
    }
    *out = v * mult;
    return 0;
}

int cli_option(const char *arg, const char *name, const char **value)
{
    const size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) {
        return 0;
    }
    if (arg[n] == '\0') {
        *value = NULL;
        return 1;
    }
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    return 0;
}

const char *cli_value(int argc, char **argv, int *i, const char *inline_value)
{
    if (inline_value) {
        return inline_value;
    }
    if (*i + 1 < argc) {
        return argv[++*i];
    }
    return NULL;
}

int cli_choice(const char *s, const char *const *names, int count)
{
    for (int i = 0; s && i < count; i++) {
        if (strcmp(s, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

int cli_parse_parser(const char *s, vt_xml_parser *out)
{
    static const char *const NAMES[] = {"builtin", "libxml2"};
    const int k = cli_choice(s, NAMES, 2);
    if (k < 0) {
        return -1;
    }
    *out = k == 0 ? VT_XML_PARSER_BUILTIN : VT_XML_PARSER_LIBXML2;
    return 0;
}

int cli_split_list(char *list, const char **items, size_t max, size_t *count)
{
    *count = 0;
    for (char *item = list;; item++) {
        char *comma = strchr(item, ',');
        if (comma) {
            *comma = '\0';
        }
        if (*count == max || !*item) {
            return -1; /* too many, or an empty item: "a,,b", ",a", "a," */
        }
        items[(*count)++] = item;
        if (!comma) {
            return 0;
        }
        item = comma;
    }
}
