/* SPDX-License-Identifier: MIT */
/* The byte sources of an export: a plain XML file, standard input, or an export.zip read as
 * a stream through libzip (XML member found by content, GPX routes after it). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "gpx_internal.h"
#include "internal.h"

#define READ_BLOCK (256u * 1024u)

typedef struct source {
    const vt_reader_options *options;
    vt_reader *reader;
    vt_read_stats *stats;
    char *buf;
} source;

static int progress(source *s, uint64_t done)
{
    if (!s->options || !s->options->progress) {
        return 0;
    }
    vt_read_progress p;
    p.bytes_done = done;
    p.bytes_total = s->stats->bytes_total;
    p.records = vt__reader_records(s->reader);
    return s->options->progress(s->options->progress_ctx, &p);
}

static int is_zip_magic(const char *b, size_t n)
{
    return n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0;
}

/* ---- plain files and standard input ------------------------------------------------- */

static vt_status read_fd(source *s, int fd, const char *name, size_t have, vt_error *err)
{
    uint64_t done = have;
    if (have) {
        const vt_status st = vt_reader_feed(s->reader, s->buf, have, err);
        if (st != VT_OK) {
            return st;
        }
    }
    for (;;) {
        /* Straight into the reader's block: no copy. */
        size_t room;
        char *block = vt__reader_block(s->reader, &room);
        const ssize_t n = read(fd, block, room);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return vt__error(err, VT_ERR_IO, "%s: %s", name, strerror(errno));
        }
        if (n == 0) {
            break;
        }
        done += (uint64_t)n;
        const vt_status st = vt__reader_feed_block(s->reader, (size_t)n, err);
        if (st != VT_OK) {
            return st;
        }
        if (progress(s, done)) {
            return vt__error(err, VT_ERR_ABORTED, "%s: stopped", name);
        }
    }
    return vt__reader_finish_xml(s->reader, err);
}

/* Reads at least `want` bytes (or to the end) into s->buf: the count, -1 on error. */
static ssize_t read_head(int fd, char *buf, size_t want)
{
    size_t have = 0;
    while (have < want) {
        const ssize_t n = read(fd, buf + have, READ_BLOCK - have);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (n == 0) {
            break;
        }
        have += (size_t)n;
    }
    return (ssize_t)have;
}

/* ---- zip archives -------------------------------------------------------------------- */

static vt_status zip_fail(vt_error *err, const char *name, zip_error_t *ze)
{
    return vt__error(err, VT_ERR_ZIP, "%s: not a readable zip archive (truncated or corrupt?): %s",
                     name, zip_error_strerror(ze));
}

static int unsafe_name(const char *n)
{
    return n[0] == '/' || n[0] == '\\' || strncmp(n, "../", 3) == 0 || strstr(n, "/../") ||
           strcmp(n, "..") == 0 || (strlen(n) >= 3 && strcmp(n + strlen(n) - 3, "/..") == 0) ||
           (n[0] && n[1] == ':');
}

static int skipped(const char *n)
{
    const char *base = strrchr(n, '/');
    base = base ? base + 1 : n;
    const size_t len = strlen(n);
    return strncmp(n, "__MACOSX/", 9) == 0 || strstr(n, "/__MACOSX/") || len == 0 ||
           n[len - 1] == '/' || strcmp(base, "export_cda.xml") == 0 ||
           (len > 4 && strcmp(n + len - 4, ".gpx") == 0) || strncmp(base, "._", 2) == 0;
}

/* Refuses entries we must not read: encrypted, or a declared ratio beyond a zip bomb's. */
static vt_status check_entry(const char *zname, const zip_stat_t *st, vt_error *err)
{
    if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE) {
        return vt__error(err, VT_ERR_ZIP, "%s:%s: encrypted zip entries are not supported", zname,
                         st->name);
    }
    if ((st->valid & ZIP_STAT_SIZE) && (st->valid & ZIP_STAT_COMP_SIZE) && st->size > 0 &&
        (st->comp_size == 0 || st->size / st->comp_size > VT_READER_MAX_ZIP_RATIO)) {
        return vt__error(err, VT_ERR_LIMIT,
                         "%s:%s: compression ratio over %u: refused as a likely zip bomb", zname,
                         st->name, VT_READER_MAX_ZIP_RATIO);
    }
    return VT_OK;
}

/* Whether entry `i` is the export: its first KB holds <HealthData or its DOCTYPE. Sets
 * *yes; an entry that cannot be read is an error naming it. */
static vt_status holds_export(zip_t *za, zip_uint64_t i, const char *zname, int *yes, vt_error *err)
{
    char head[1025];
    *yes = 0;
    zip_file_t *zf = zip_fopen_index(za, i, 0);
    if (!zf) {
        return vt__error(err, VT_ERR_ZIP, "%s:%s: %s", zname, zip_get_name(za, i, 0),
                         zip_strerror(za));
    }
    zip_int64_t have = 0;
    while (have < 1024) {
        const zip_int64_t n = zip_fread(zf, head + have, (zip_uint64_t)(1024 - have));
        if (n < 0) {
            const vt_status st = vt__error(err, VT_ERR_ZIP, "%s:%s: %s", zname,
                                           zip_get_name(za, i, 0), zip_file_strerror(zf));
            zip_fclose(zf);
            return st;
        }
        if (n == 0) {
            break;
        }
        have += n;
    }
    zip_fclose(zf);
    head[have] = '\0';
    /* memmem is not C11: search with strstr after making NULs harmless. */
    for (zip_int64_t k = 0; k < have; k++) {
        if (head[k] == '\0') {
            head[k] = ' ';
        }
    }
    *yes = strstr(head, "<HealthData") != NULL || strstr(head, "<!DOCTYPE HealthData") != NULL;
    return VT_OK;
}

/* libzip (1.7) inflates past an entry's declared size as long as the deflate stream goes on,
 * and the CRC of the real data matches: a lying size would slip by the ratio check. Reading
 * more than declared is refused instead. */
static vt_status check_declared(const char *full, const zip_stat_t *st, uint64_t done,
                                vt_error *err)
{
    if ((st->valid & ZIP_STAT_SIZE) && done > st->size) {
        return vt__error(err, VT_ERR_LIMIT,
                         "%s: more data than the %llu bytes declared: refused as a likely zip bomb",
                         full, (unsigned long long)st->size);
    }
    return VT_OK;
}

typedef struct zread {
    zip_file_t *zf;
    const char *name;
    const zip_stat_t *st;
    uint64_t done;
} zread;

static long zip_read(void *ctx, void *buf, size_t len, vt_error *err)
{
    zread *z = ctx;
    const zip_int64_t n = zip_fread(z->zf, buf, len);
    if (n < 0) {
        vt__error(err, VT_ERR_ZIP, "%s: %s", z->name, zip_file_strerror(z->zf));
        return -1;
    }
    z->done += (uint64_t)n;
    if (check_declared(z->name, z->st, z->done, err) != VT_OK) {
        return -1;
    }
    return (long)n;
}

static vt_status read_gpx_files(source *s, zip_t *za, const char *zname, const char *member,
                                vt_error *err)
{
    const char *slash = strrchr(member, '/');
    const size_t dir_len = slash ? (size_t)(slash - member) + 1 : 0;
    const zip_int64_t count = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < count; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
            continue;
        }
        const char *n = st.name;
        const size_t len = strlen(n);
        if (strncmp(n, member, dir_len) != 0 || strncmp(n + dir_len, "workout-routes/", 15) != 0 ||
            len < 4 || strcmp(n + len - 4, ".gpx") != 0 || strstr(n, "__MACOSX/")) {
            continue;
        }
        vt_status rc = check_entry(zname, &st, err);
        if (rc != VT_OK) {
            return rc;
        }
        char ref[512], full[1024];
        snprintf(ref, sizeof ref, "/%s", n + dir_len);
        snprintf(full, sizeof full, "%s:%s", zname, n);
        uint32_t ref_id;
        rc = vt__reader_intern(s->reader, ref, strlen(ref), &ref_id, err);
        if (rc != VT_OK) {
            return rc;
        }
        zread z = {zip_fopen_index(za, (zip_uint64_t)i, 0), full, &st, 0};
        if (!z.zf) {
            return vt__error(err, VT_ERR_ZIP, "%s: %s", full, zip_strerror(za));
        }
        rc = vt__gpx_read(s->reader, ref_id, full, zip_read, &z, err);
        zip_fclose(z.zf);
        if (rc != VT_OK) {
            return rc;
        }
        s->stats->gpx_files++;
    }
    return VT_OK;
}

static vt_status read_zip(source *s, const char *path, const char *zname, vt_error *err)
{
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        const vt_status st = zip_fail(err, zname, &ze);
        zip_error_fini(&ze);
        return st;
    }
    vt_status st = VT_OK;
    const zip_int64_t count = zip_get_num_entries(za, 0);
    zip_int64_t found = -1;
    zip_stat_t fst;
    zip_stat_init(&fst);
    for (zip_int64_t i = 0; i < count && st == VT_OK; i++) {
        zip_stat_t zs;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_NAME)) {
            st = vt__error(err, VT_ERR_ZIP, "%s: %s", zname, zip_strerror(za));
            break;
        }
        if (unsafe_name(zs.name)) {
            st = vt__error(err, VT_ERR_ZIP, "%s: unsafe entry name '%.100s' (absolute or with ..)",
                           zname, zs.name);
            break;
        }
        if (found >= 0 || skipped(zs.name)) {
            continue;
        }
        int yes = 0;
        st = check_entry(zname, &zs, err);
        if (st == VT_OK) {
            st = holds_export(za, (zip_uint64_t)i, zname, &yes, err);
        }
        if (st == VT_OK && yes) {
            found = i;
            fst = zs;
        }
    }
    if (st == VT_OK && found < 0) {
        st = vt__error(err, VT_ERR_FORMAT,
                       "%s: no Apple Health export in the archive (no member holds <HealthData>)",
                       zname);
    }
    if (st != VT_OK) {
        zip_close(za);
        return st;
    }
    snprintf(s->stats->member, sizeof s->stats->member, "%s", fst.name);
    s->stats->bytes_total = (fst.valid & ZIP_STAT_SIZE) ? fst.size : 0;
    char full[1024];
    snprintf(full, sizeof full, "%s:%s", zname, fst.name);
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)found, 0);
    if (!zf) {
        st = vt__error(err, VT_ERR_ZIP, "%s: %s", full, zip_strerror(za));
        zip_close(za);
        return st;
    }
    /* The reader names errors after the member; rebuild it with that name. */
    uint64_t done = 0;
    for (;;) {
        size_t room;
        char *block = vt__reader_block(s->reader, &room); /* read where it is parsed */
        const zip_int64_t n = zip_fread(zf, block, room);
        if (n < 0) {
            st = vt__error(err, VT_ERR_ZIP, "%s: %s", full, zip_file_strerror(zf));
            break;
        }
        if (n == 0) {
            st = vt__reader_finish_xml(s->reader, err);
            break;
        }
        done += (uint64_t)n;
        st = check_declared(full, &fst, done, err);
        if (st == VT_OK) {
            st = vt__reader_feed_block(s->reader, (size_t)n, err);
        }
        if (st != VT_OK) {
            break;
        }
        if (progress(s, done)) {
            st = vt__error(err, VT_ERR_ABORTED, "%s: stopped", full);
            break;
        }
    }
    zip_fclose(zf);
    if (st == VT_OK && !(s->options && s->options->skip_routes)) {
        st = read_gpx_files(s, za, zname, fst.name, err);
    }
    zip_discard(za);
    return st;
}

/* ---- the entry point ------------------------------------------------------------------ */

static vt_status run(source *s, const char *path, const char *name, const vt_sink *sink,
                     vt_error *err)
{
    const int is_stdin = strcmp(path, "-") == 0;
    const int fd = is_stdin ? 0 : open(path, O_RDONLY);
    if (fd < 0) {
        return vt__error(err, errno == ENOENT ? VT_ERR_NOT_FOUND : VT_ERR_IO, "%s: %s", name,
                         strerror(errno));
    }
    const ssize_t have = read_head(fd, s->buf, 4);
    if (have < 0) {
        const vt_status st = vt__error(err, VT_ERR_IO, "%s: %s", name, strerror(errno));
        if (!is_stdin) {
            close(fd);
        }
        return st;
    }
    if ((size_t)have >= 16 && memcmp(s->buf, "SQLite format 3", 16) == 0) {
        if (!is_stdin) {
            close(fd);
        }
        return vt__error(err, VT_ERR_FORMAT, "%s: a SQLite database, not an Apple Health export",
                         name);
    }
    vt_reader_options ro = s->options ? *s->options : (vt_reader_options){0};
    char member_name[1024];
    vt_status st;
    if (is_zip_magic(s->buf, (size_t)have)) {
        if (is_stdin) {
            return vt__error(err, VT_ERR_INVALID,
                             "-: a zip archive cannot be read from standard input; pass its path");
        }
        close(fd);
        /* The member's name is known only once found: peek it to name the reader. */
        int zerr = 0;
        zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
        snprintf(member_name, sizeof member_name, "%s", name);
        if (za) {
            const zip_int64_t count = zip_get_num_entries(za, 0);
            for (zip_int64_t i = 0; i < count; i++) {
                const char *n = zip_get_name(za, (zip_uint64_t)i, 0);
                zip_stat_t zs;
                int yes = 0;
                if (n && !skipped(n) && !unsafe_name(n) &&
                    zip_stat_index(za, (zip_uint64_t)i, 0, &zs) == 0 &&
                    check_entry(name, &zs, NULL) == VT_OK &&
                    holds_export(za, (zip_uint64_t)i, name, &yes, NULL) == VT_OK && yes) {
                    snprintf(member_name, sizeof member_name, "%s:%s", name, n);
                    break;
                }
            }
            zip_discard(za);
        }
        ro.name = member_name;
        st = vt_reader_new(&ro, sink, &s->reader, err);
        if (st == VT_OK) {
            st = read_zip(s, path, name, err);
        }
    } else {
        if (!is_stdin) {
            struct stat sb;
            if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
                s->stats->bytes_total = (uint64_t)sb.st_size;
            }
        }
        ro.name = name;
        st = vt_reader_new(&ro, sink, &s->reader, err);
        if (st == VT_OK) {
            st = read_fd(s, fd, name, (size_t)have, err);
        }
        if (!is_stdin) {
            close(fd);
        }
    }
    if (st == VT_OK) {
        st = vt__reader_end(s->reader, &s->stats->summary, err);
    }
    return st;
}

vt_status vt_read_export(const char *path, const vt_reader_options *options, const vt_sink *sink,
                         vt_read_stats *stats, vt_error *err)
{
    vt_read_stats local;
    if (!stats) {
        stats = &local;
    }
    memset(stats, 0, sizeof *stats);
    if (!path) {
        return vt__error(err, VT_ERR_INVALID, "no input path");
    }
    const char *name = options && options->name ? options->name : path;
    source s = {options, NULL, stats, vt__malloc(READ_BLOCK)};
    if (!s.buf) {
        return vt__nomem(err);
    }
    const vt_status st = run(&s, path, name, sink, err);
    if (s.reader) {
        stats->summary = *vt_reader_summary(s.reader);
    }
    vt_reader_free(s.reader);
    vt__free(s.buf);
    return st;
}
