/* SPDX-License-Identifier: MIT */
/* The streaming reader of Apple Health exports: export.zip, export.xml or stdin to a sink. */
#ifndef VITALS_READER_H
#define VITALS_READER_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"
#include "vitals/sink.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Element nesting deeper than this is refused (Apple's exports nest 5 deep). */
#define VT_READER_MAX_DEPTH 64
/** Default limit of MetadataEntry (and InstantaneousBeatsPerMinute) children per element. */
#define VT_READER_MAX_METADATA 100000u
/** Bytes of MetadataEntry keys and values kept for one element, at most. */
#define VT_READER_MAX_METADATA_BYTES (16u << 20)
/** Member Records of one Correlation, at most. */
#define VT_READER_MAX_MEMBERS 10000u
/**
 * Declared uncompressed/compressed size ratio above which a zip entry is refused; an entry
 * that yields more bytes than it declares is refused too (VT_ERR_LIMIT).
 */
#define VT_READER_MAX_ZIP_RATIO 1000u
/**
 * The memory a reading may take, in MiB, whatever the input: blocks of 256 KiB, libxml2's
 * 10 MB limit on one text or attribute value, VT_READER_MAX_METADATA_BYTES of metadata, the
 * members of one Correlation, the distinct strings. tests/unit/test_hostile.c holds
 * `vitals import` (reader, SQLite and all) under it on every hostile input.
 */
#define VT_READER_MEMORY_BOUND_MIB 64u

/** Where the reader is, for progress displays. */
typedef struct vt_read_progress {
    uint64_t bytes_done;  /**< bytes of XML read so far */
    uint64_t bytes_total; /**< the XML's size when known (file size, zip member size), else 0 */
    uint64_t records;     /**< Records decoded so far */
} vt_read_progress;

/**
 * A progress callback, called after each block read (every 256 KiB or so): cheap enough
 * to ignore most calls. Return non-zero to stop the reading (VT_ERR_ABORTED).
 */
typedef int (*vt_progress_fn)(void *ctx, const vt_read_progress *progress);

/**
 * The XML parser of a reading. Both accept and refuse the same documents and give the same
 * items (tests/fuzz/fuzz_xml_differential.c holds them to it); the built-in one is several
 * times faster.
 */
typedef enum vt_xml_parser {
    VT_XML_PARSER_DEFAULT = 0, /**< the built-in one */
    /** The built-in tokenizer of UTF-8 XML; a document that declares another encoding goes
        to libxml2 from its first byte. */
    VT_XML_PARSER_BUILTIN = 1,
    VT_XML_PARSER_LIBXML2 = 2 /**< libxml2's SAX2 push parser, the reference */
} vt_xml_parser;

/** Reader options; zero-initialise for the defaults. */
typedef struct vt_reader_options {
    const char *name;        /**< name used in error messages; default: the path, or "-" */
    uint32_t max_metadata;   /**< MetadataEntry per element; 0 = VT_READER_MAX_METADATA */
    int skip_routes;         /**< non-zero: do not read the zip's GPX route files */
    vt_progress_fn progress; /**< may be NULL */
    void *progress_ctx;
    vt_xml_parser parser; /**< the XML parser, of the export and its GPX files */
} vt_reader_options;

/** What one reading found. */
typedef struct vt_read_stats {
    vt_export_summary summary; /**< counts per kind, control characters, bytes */
    uint64_t bytes_total;      /**< the XML's size when known, else 0 */
    uint32_t gpx_files;        /**< GPX route files read from the zip */
    char member[256];          /**< the zip member holding the export; "" for plain XML */
} vt_read_stats;

/**
 * Reads the export at `path` and sends its items to `sink` in document order, in memory
 * that does not grow with the file. `path` is an export.zip (read as a stream through
 * libzip, never extracted; the XML member found by content; GPX routes read after it), an
 * export.xml, or "-" for standard input (XML only). Zip and XML are told apart by content.
 * The internal DTD is skipped unread; entities other than the predefined ones are errors;
 * control characters invalid in XML 1.0 become spaces and are counted; a NUL byte is an
 * error. Errors name the input and position: `export.xml:812:44: mismatched tag`.
 * `options` and `stats` may be NULL. Thread-safe for distinct sinks.
 */
vt_status vt_read_export(const char *path, const vt_reader_options *options, const vt_sink *sink,
                         vt_read_stats *stats, vt_error *err);

/** A push reader of export XML: feed it bytes as they come. Not thread-safe. */
typedef struct vt_reader vt_reader;

/**
 * Creates a push reader sending items to `sink` (copied; its ctx must outlive the reader).
 * `options` may be NULL. Free it with vt_reader_free.
 */
vt_status vt_reader_new(const vt_reader_options *options, const vt_sink *sink, vt_reader **out,
                        vt_error *err);

/** Frees the reader; NULL is accepted. */
void vt_reader_free(vt_reader *reader);

/**
 * Feeds the next `len` bytes of the XML. After an error every further call returns the
 * same error. The bytes are not kept after the call.
 */
vt_status vt_reader_feed(vt_reader *reader, const void *data, size_t len, vt_error *err);

/**
 * Ends the input: checks the document is complete and calls the sink's `end`.
 * `summary` (may be NULL) gets the counts.
 */
vt_status vt_reader_finish(vt_reader *reader, vt_export_summary *summary, vt_error *err);

/** The reader's string pool (borrowed), which item ids refer to. */
const vt_strpool *vt_reader_strings(const vt_reader *reader);

/** Counts so far (borrowed). */
const vt_export_summary *vt_reader_summary(const vt_reader *reader);

#ifdef __cplusplus
}
#endif
#endif
