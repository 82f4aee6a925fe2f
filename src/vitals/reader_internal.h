/* SPDX-License-Identifier: MIT */
/* What the export sources (export_source.c, gpx.c) need of the push reader (reader.c); the
 * reader's own state is in reader_private.h. */
#ifndef VITALS_READER_INTERNAL_H
#define VITALS_READER_INTERNAL_H

#include "vitals/reader.h"
#include "xml_front.h"

/* The reader's own block, for a source to read into where vt_reader_feed would copy to:
 * `*room` bytes free after the bytes the filter carried over. vt__reader_feed_block then
 * reads the `n` bytes put there (at most `*room`). */
char *vt__reader_block(vt_reader *r, size_t *room);
vt_status vt__reader_feed_block(vt_reader *r, size_t n, vt_error *err);

/* Ends the XML (checks it is complete, sends the export info) without calling the sink's
 * `end`, so GPX routes can follow. */
vt_status vt__reader_finish_xml(vt_reader *r, vt_error *err);
/* Calls the sink's `end` with the counts; `summary` may be NULL. */
vt_status vt__reader_end(vt_reader *r, vt_export_summary *summary, vt_error *err);
/* Interns a string in the reader's pool. */
vt_status vt__reader_intern(vt_reader *r, const char *s, size_t len, uint32_t *id, vt_error *err);
/* Sends route points read from a GPX file to the sink, counting them. */
vt_status vt__reader_points(vt_reader *r, uint32_t ref, const vt_route_point *points, size_t count,
                            vt_error *err);
/* Records decoded so far. */
uint64_t vt__reader_records(const vt_reader *r);
/* The XML engine of the reader (VT__XML_BUILTIN unless chosen), which its GPX files use too. */
vt__xml_engine vt__reader_xml_engine(const vt_reader *r);
/* Chooses the XML engine, before the first bytes are fed (VT_ERR_INVALID after, or for an
 * engine this build does not have). */
vt_status vt__reader_use_xml_engine(vt_reader *r, vt__xml_engine engine, vt_error *err);

#endif
