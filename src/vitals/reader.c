/* SPDX-License-Identifier: MIT */
/* The push reader of export XML (public vt_reader_*): its life cycle, the bytes fed through the
 * byte filter to the XML front end, the end of the input, and the reader's error state. The
 * element decoders are in reader_dispatch.c and the reader_<family>.c files. */
#include <stdarg.h>
#include <stdio.h>

#include "reader_private.h"
#include "vitals/reader.h"

/* ---- errors, memory, strings (reader_private.h) ------------------------------------- */

void vt__reader_fail(vt_reader *r, vt_status code, const char *fmt, ...)
{
    if (r->status != VT_OK) {
        return;
    }
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const uint32_t line = r->xml ? vt__xml_line(r->xml) : 0;
    const uint32_t col = r->xml ? vt__xml_column(r->xml) : 0;
    r->status = code;
    vt__error_at(&r->err, code, r->filter.offset, line, col, "%s:%u:%u: %s", r->name, line, col,
                 what);
    if (r->xml) {
        vt__xml_stop(r->xml);
    }
}

void vt__reader_fail_with(vt_reader *r, vt_status st, const vt_error *e)
{
    if (r->status != VT_OK) {
        return;
    }
    r->status = st;
    r->err = *e;
    r->err.code = st;
    if (r->xml) {
        vt__xml_stop(r->xml);
    }
}

void vt__reader_call(vt_reader *r, vt_status st, vt_error *e)
{
    if (st != VT_OK) {
        if (e->code == VT_OK) {
            vt__error(e, st, "%s", vt_status_name(st));
        }
        vt__reader_fail_with(r, st, e);
    }
}

int vt__reader_grow(vt_reader *r, void **array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return 1;
    }
    if (vt__grow(array, cap, need, elem) != 0) {
        vt__reader_fail(r, VT_ERR_NOMEM, "out of memory");
        return 0;
    }
    return 1;
}

int vt__reader_string(vt_reader *r, const char *s, size_t len, uint32_t *id)
{
    vt_error e;
    const vt_status st = vt_strpool_intern(r->pool, s, len, id, &e);
    if (st != VT_OK) {
        vt__reader_fail_with(r, st, &e);
        return 0;
    }
    return 1;
}

/* ---- the public push reader ---------------------------------------------------------- */

vt_status vt_reader_new(const vt_reader_options *options, const vt_sink *sink, vt_reader **out,
                        vt_error *err)
{
    *out = NULL;
    vt_reader *r = vt__calloc(1, sizeof *r);
    if (!r) {
        return vt__nomem(err);
    }
    if (sink) {
        r->sink = *sink;
    }
    snprintf(r->name, sizeof r->name, "%s",
             options && options->name ? options->name : "export.xml");
    r->max_metadata =
        options && options->max_metadata ? options->max_metadata : VT_READER_MAX_METADATA;
    const vt_xml_parser parser = options ? options->parser : VT_XML_PARSER_DEFAULT;
    if ((unsigned)parser > VT_XML_PARSER_LIBXML2) {
        vt__free(r);
        return vt__error(err, VT_ERR_INVALID, "no XML parser %d", (int)parser);
    }
    r->engine = parser == VT_XML_PARSER_LIBXML2 ? VT__XML_LIBXML2 : VT__XML_BUILTIN;
    vt__xml_filter_init(&r->filter);
    /* Padded: the built-in engine reads the block where it lies (vt__xml_parse_block). */
    r->block = vt__calloc(1, VT__READER_BLOCK + VT__XML_PADDING);
    if (!r->block) {
        vt__free(r);
        return vt__nomem(err);
    }
    vt_status st = vt_strpool_new(&r->pool, err);
    if (st != VT_OK) {
        vt__free(r->block);
        vt__free(r);
        return st;
    }
    *out = r;
    return VT_OK;
}

void vt_reader_free(vt_reader *r)
{
    if (!r) {
        return;
    }
    vt__xml_parser_free(r->xml);
    vt_strpool_free(r->pool);
    vt__free(r->me_json);
    vt__free(r->meta_bytes);
    vt__free(r->meta);
    vt__free(r->entries);
    vt__free(r->beats);
    vt__free(r->members);
    vt__free(r->member_meta);
    vt__free(r->events);
    vt__free(r->stats);
    vt__free(r->routes);
    vt__free(r->route_meta);
    vt__free(r->json);
    vt__free(r->block);
    vt__free(r);
}

const vt_strpool *vt_reader_strings(const vt_reader *r)
{
    return r->pool;
}

const vt_export_summary *vt_reader_summary(const vt_reader *r)
{
    return &r->summary;
}

static vt_status sticky(vt_reader *r, vt_error *err)
{
    if (err) {
        *err = r->err;
    }
    return r->status;
}

/* Passes filtered bytes of the reader's block to the XML front end, making the parser on the
 * first block; the engine may change them. Its errors, and the decoders', come back through
 * the reader's status. */
static vt_status parse(vt_reader *r, char *data, size_t len, int terminate, vt_error *err)
{
    if (!r->xml) {
        vt__xml_events events;
        vt__reader_events(r, &events);
        vt_error e;
        const vt_status st = vt__xml_parser_new(r->engine, &events, r->name, &r->xml, &e);
        if (st != VT_OK) {
            vt__reader_fail_with(r, st, &e);
            return sticky(r, err);
        }
    }
    vt__xml_parse_block(r->xml, data, len, terminate);
    return r->status == VT_OK ? VT_OK : sticky(r, err);
}

/* Filters and parses the first `len` bytes of the block (the carried bytes first); bytes
 * held back by the filter (a possible `<!DOCTYPE` start) wait to go in front of the next. */
static vt_status filter_and_parse(vt_reader *r, size_t len, int final, vt_error *err)
{
    size_t keep = 0;
    const vt_status st =
        vt__xml_filter_run(&r->filter, r->block, len, final, &keep, r->name, &r->err);
    if (st != VT_OK) {
        r->status = st;
        return sticky(r, err);
    }
    memcpy(r->carry, r->block + len - keep, keep);
    r->carry_len = keep;
    return parse(r, r->block, len - keep, 0, err);
}

static vt_status can_feed(vt_reader *r, vt_error *err)
{
    if (r->status != VT_OK) {
        return sticky(r, err);
    }
    if (r->finished) {
        return vt__error(err, VT_ERR_INVALID, "the reader has finished");
    }
    return VT_OK;
}

/* Filters and parses input in blocks of the reader's buffer. */
static vt_status feed(vt_reader *r, const void *data, size_t len, int final, vt_error *err)
{
    const vt_status ok = can_feed(r, err);
    if (ok != VT_OK) {
        return ok;
    }
    const char *p = data;
    size_t left = len;
    do {
        const size_t head = r->carry_len;
        const size_t room = VT__READER_BLOCK - head;
        const size_t n = left < room ? left : room;
        memcpy(r->block, r->carry, head);
        memcpy(r->block + head, p, n);
        p += n;
        left -= n;
        if (filter_and_parse(r, head + n, final && left == 0, err) != VT_OK) {
            return r->status;
        }
    } while (left > 0);
    return VT_OK;
}

char *vt__reader_block(vt_reader *r, size_t *room)
{
    memcpy(r->block, r->carry, r->carry_len);
    *room = VT__READER_BLOCK - r->carry_len;
    return r->block + r->carry_len;
}

vt_status vt__reader_feed_block(vt_reader *r, size_t n, vt_error *err)
{
    const vt_status ok = can_feed(r, err);
    if (ok != VT_OK) {
        return ok;
    }
    return filter_and_parse(r, r->carry_len + n, 0, err);
}

vt_status vt_reader_feed(vt_reader *r, const void *data, size_t len, vt_error *err)
{
    return feed(r, data, len, 0, err);
}

vt_status vt__reader_finish_xml(vt_reader *r, vt_error *err)
{
    if (r->status != VT_OK) {
        return sticky(r, err);
    }
    if (r->finished) {
        return VT_OK;
    }
    if (feed(r, "", 0, 1, err) != VT_OK) {
        return r->status;
    }
    if (!r->xml || r->filter.offset == 0) {
        r->status = vt__error(&r->err, VT_ERR_FORMAT, "%s: empty input: not an Apple Health export",
                              r->name);
        return sticky(r, err);
    }
    r->terminating = 1;
    if (parse(r, r->block, 0, 1, err) != VT_OK) { /* no bytes, a block: NULL + 0 is undefined */
        return r->status;
    }
    if (!r->saw_root) {
        vt__reader_fail(r, VT_ERR_FORMAT, "no <HealthData> element: not an Apple Health export");
        return sticky(r, err);
    }
    r->finished = 1;
    vt__reader_send_info(r);
    r->summary.control_chars = r->filter.control_chars;
    r->summary.bytes = r->filter.offset;
    return sticky(r, err);
}

vt_status vt__reader_end(vt_reader *r, vt_export_summary *summary, vt_error *err)
{
    if (r->status != VT_OK) {
        return sticky(r, err);
    }
    if (summary) {
        *summary = r->summary;
    }
    if (r->sink.end) {
        vt_error e = {0};
        const vt_status st = r->sink.end(r->sink.ctx, &r->summary, &e);
        if (st != VT_OK) {
            if (e.code == VT_OK) {
                vt__error(&e, st, "%s", vt_status_name(st));
            }
            r->status = st;
            r->err = e;
        }
    }
    return sticky(r, err);
}

vt_status vt_reader_finish(vt_reader *r, vt_export_summary *summary, vt_error *err)
{
    const vt_status st = vt__reader_finish_xml(r, err);
    if (st != VT_OK) {
        return st;
    }
    return vt__reader_end(r, summary, err);
}

/* ---- helpers for the sources (reader_internal.h) ------------------------------------ */

vt_status vt__reader_intern(vt_reader *r, const char *s, size_t len, uint32_t *id, vt_error *err)
{
    return vt_strpool_intern(r->pool, s, len, id, err);
}

vt_status vt__reader_points(vt_reader *r, uint32_t ref, const vt_route_point *points, size_t count,
                            vt_error *err)
{
    r->summary.route_points += count;
    if (!r->sink.route_points || count == 0) {
        return VT_OK;
    }
    vt_error e = {0};
    const vt_status st = r->sink.route_points(r->sink.ctx, ref, points, count, r->pool, &e);
    if (st != VT_OK) {
        if (e.code == VT_OK) {
            vt__error(&e, st, "%s", vt_status_name(st));
        }
        if (err) {
            *err = e;
        }
    }
    return st;
}

uint64_t vt__reader_records(const vt_reader *r)
{
    return r->summary.records;
}

vt__xml_engine vt__reader_xml_engine(const vt_reader *r)
{
    return r->engine;
}

vt_status vt__reader_use_xml_engine(vt_reader *r, vt__xml_engine engine, vt_error *err)
{
    if (r->xml) {
        return vt__error(err, VT_ERR_INVALID, "the XML engine is chosen before the first bytes");
    }
    if ((unsigned)engine >= VT__XML_ENGINE_COUNT) {
        return vt__error(err, VT_ERR_INVALID, "no XML engine %d in this build", (int)engine);
    }
    r->engine = engine;
    return VT_OK;
}
