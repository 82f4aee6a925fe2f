/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as an export file read by path (zip, XML or anything: the
 * reader sniffs the content), through an in-memory file; an input of odd length is read with
 * the libxml2 parser, one of even length with the built-in one. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_sink.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    const int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0) {
        return 0;
    }
    uint64_t sum = 0;
    const vt_sink sink = fuzz_sink(&sum);
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.name = "fuzz.zip";
    o.parser = size & 1 ? VT_XML_PARSER_LIBXML2 : VT_XML_PARSER_BUILTIN;
    vt_read_stats stats;
    vt_error err;
    const vt_status st = vt_read_export(path, &o, &sink, &stats, &err);
    if (st != VT_OK && (err.code != st || err.msg[0] == '\0' || strchr(err.msg, '\n'))) {
        abort();
    }
    close(fd);
    return 0;
}
