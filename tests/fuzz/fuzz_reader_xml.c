/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as export XML through the push reader. The first byte picks
 * the chunk size, so block boundaries fall everywhere (the DTD filter carries bytes over), and
 * by its bit 3 the XML parser (set: libxml2; clear: the built-in one). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_sink.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t chunk = size; /* one feed */
    vt_xml_parser parser = VT_XML_PARSER_BUILTIN;
    if (size > 0) {
        parser = data[0] & 8 ? VT_XML_PARSER_LIBXML2 : VT_XML_PARSER_BUILTIN;
        static const size_t chunks[8] = {1, 2, 3, 7, 16, 61, 4096, 0};
        chunk = chunks[data[0] & 7];
        if (chunk == 0) {
            chunk = size;
        }
        data++;
        size--;
    }
    uint64_t sum = 0;
    const vt_sink sink = fuzz_sink(&sum);
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.name = "fuzz.xml";
    o.max_metadata = 64; /* reach the limit's path with small inputs */
    o.parser = parser;
    vt_reader *r = NULL;
    vt_error err;
    if (vt_reader_new(&o, &sink, &r, &err) != VT_OK) {
        abort();
    }
    vt_status st = VT_OK;
    for (size_t i = 0; i < size && st == VT_OK; i += chunk) {
        st = vt_reader_feed(r, data + i, size - i < chunk ? size - i : chunk, &err);
    }
    if (st == VT_OK) {
        st = vt_reader_finish(r, NULL, &err);
    }
    /* Errors are one sentence that names the input, and carry their code. */
    if (st != VT_OK && (err.code != st || err.msg[0] == '\0' || strchr(err.msg, '\n'))) {
        abort();
    }
    vt_reader_free(r);
    return 0;
}
