/* SPDX-License-Identifier: MIT */
/* "vitals-wb": SQLite's default VFS with write-behind on request. Every store is opened
 * through it; it only forwards, until the import turns write-behind on for the main database
 * file of a first import written directly (store.c, vt__store_write_behind). Then a page that
 * SQLite writes is copied into a bounded queue and a helper thread writes it to the file, so
 * the kernel's copy into the page cache (a new file's pages are new to the page cache: about
 * 0.9 s of system time for 500 MB on the reference machine) overlaps the inserts instead of
 * holding up the writer thread.
 *
 * What keeps the file as SQLite would have it:
 * - the queue is first in, first out, so the file sees SQLite's writes in SQLite's order, only
 *   later;
 * - everything else waits for the queue to empty first: xSync (so a commit, and the rollback
 *   journal's deletion that follows it, find every page on the disk), xTruncate, xFileSize,
 *   the locks, file controls (but the size hint, which only extends the file) and xClose; a
 *   read waits when it overlaps a page still queued;
 * - a write the helper could not make is reported by the next call of the file (the commit's
 *   xSync at the latest), so the transaction fails and rolls back as on a synchronous error;
 * - memory mapping is declined while on (reads go through xRead).
 * The helper calls the underlying file's xWrite while the caller may be in its xRead (of
 * other pages) or queueing: the unix VFS's reads and writes are pread and pwrite on one
 * descriptor. The helper is started with the first page queued: in VT__WB_INLINE (the writer
 * shares its core, or a one-thread import) there may never be one.
 *
 * Flush-behind, while on: every FLUSH_BYTES written to the file, the thread that wrote them
 * asks the kernel to start writing the file's dirty pages to the disk
 * (sync_file_range(SYNC_FILE_RANGE_WRITE), which returns without waiting). The commit's
 * fsync then finds most of the file on the disk already, instead of writing all of it while
 * the import waits (0.2 s of a 1 GB import on the reference machine). It changes nothing of
 * what reaches the disk or when it is durable: the kernel may write a dirty page at any time
 * anyway, SQLite has synced its journal before it writes a database page, and the commit
 * still syncs. It needs SQLite's own descriptor of the file (closing any other one would drop
 * SQLite's POSIX locks): the unix VFS keeps it right after its three pointers, and it is used
 * only when fstat says it is the file that was opened (else no flush-behind). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1 /* sync_file_range */
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_private.h"

/* Pages queued at most: 128 of 16 KiB is 2 MiB of memory. The helper is woken when WB_BATCH
 * pages wait (or when a caller needs the queue empty) and then writes every page queued: one
 * wakeup for 32 pages, not one a page (which cost more system time than it saved). */
enum { WB_SLOTS = 128, WB_BATCH = 32 };
/* Bytes written between two requests to start the writeback (flush-behind). */
#define FLUSH_BYTES ((sqlite3_int64)16 << 20)

typedef struct wb_slot {
    sqlite3_int64 off;
    int len, cap;
    char *bytes;
} wb_slot;

typedef struct wb_file {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, allocated right after this struct */
    int main_db;
    int fd; /* SQLite's descriptor of the file, for flush-behind; -1 when unknown */
    /* Write-behind, when `on`: the queue is slots[head .. head + count) modulo WB_SLOTS; the
     * helper takes every slot queued when it wakes and removes them once they are written. */
    int on;
    int inline_writes; /* VT__WB_INLINE: the caller writes a page itself when none is queued */
    pthread_t helper;
    pthread_mutex_t mu;
    pthread_cond_t work;  /* the helper waits for slots or `stop` */
    pthread_cond_t space; /* the caller waits for a free slot, or an empty queue */
    int head, count, stop;
    int helper_waits; /* the helper sleeps on `work` */
    int caller_waits; /* a caller sleeps on `space` */
    int draining;     /* callers that wait for the queue to empty */
    int error;        /* the first failed write's result, reported once */
    int helper_started;
    sqlite3_int64 unflushed; /* bytes written since the last flush-behind request */
    int flushes;             /* flush-behind requests made since `on` */
    wb_slot slots[WB_SLOTS];
} wb_file;

static sqlite3_vfs *g_real;
static sqlite3_vfs g_vfs;
static const sqlite3_io_methods WB_METHODS;

/* Counts `bytes` written; 1 when a flush-behind request is due. Called with the mutex held. */
static int account(wb_file *p, sqlite3_int64 bytes)
{
    p->unflushed += bytes;
    if (p->fd < 0 || p->unflushed < FLUSH_BYTES) {
        return 0;
    }
    p->unflushed = 0;
    p->flushes++;
    return 1;
}

/* Asks the kernel to start writing the file's dirty pages; returns without waiting. A
 * failure is of no consequence (the commit's sync writes them). */
static void flush_behind(const wb_file *p)
{
#if defined(__linux__)
    (void)sync_file_range(p->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)p;
#endif
}

/* SQLite's descriptor of the file `name` that the default VFS opened into `real`, or -1. */
static int real_fd(const sqlite3_file *real, const char *name)
{
#if defined(__linux__)
    /* The unix VFS's unixFile starts with its methods, its VFS and its inode, then the
     * descriptor; any other VFS, or a layout that moved, fails the fstat check. */
    struct unix_file_head {
        const void *methods, *vfs, *inode;
        int fd;
    };
    struct stat a, b;
    if (!name || strncmp(g_real->zName, "unix", 4) != 0 ||
        (size_t)g_real->szOsFile < sizeof(struct unix_file_head)) {
        return -1;
    }
    int fd;
    memcpy(&fd, (const char *)real + offsetof(struct unix_file_head, fd), sizeof fd);
    if (fd < 0 || fstat(fd, &a) != 0 || stat(name, &b) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino) {
        return -1;
    }
    return fd;
#else
    (void)real;
    (void)name;
    return -1;
#endif
}

static void *helper_main(void *arg)
{
    wb_file *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && (p->count == 0 || (p->count < WB_BATCH && !p->draining))) {
            p->helper_waits = 1;
            pthread_cond_wait(&p->work, &p->mu);
            p->helper_waits = 0;
        }
        if (p->count == 0) {
            break;
        }
        /* Every page queued now; the caller only adds after them. */
        const int n = p->count;
        int rc = SQLITE_OK;
        sqlite3_int64 written = 0;
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < n && rc == SQLITE_OK; i++) {
            const wb_slot *s = &p->slots[(p->head + i) % WB_SLOTS];
            rc = p->real->pMethods->xWrite(p->real, s->bytes, s->len, s->off);
            written += s->len;
        }
        pthread_mutex_lock(&p->mu);
        if (rc != SQLITE_OK && p->error == SQLITE_OK) {
            p->error = rc;
        }
        const int flush = account(p, written);
        p->head = (p->head + n) % WB_SLOTS;
        p->count -= n;
        if (p->caller_waits) {
            pthread_cond_broadcast(&p->space);
        }
        if (flush) {
            pthread_mutex_unlock(&p->mu);
            flush_behind(p);
            pthread_mutex_lock(&p->mu);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Waits until every queued page is written; returns the first failed write's result, once. */
static int drain(wb_file *p)
{
    if (!p->on) {
        return SQLITE_OK;
    }
    pthread_mutex_lock(&p->mu);
    if (p->count > 0) {
        p->draining++;
        if (p->helper_waits) {
            pthread_cond_signal(&p->work);
        }
        while (p->count > 0) {
            p->caller_waits++;
            pthread_cond_wait(&p->space, &p->mu);
            p->caller_waits--;
        }
        p->draining--;
    }
    const int rc = p->error;
    p->error = SQLITE_OK;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Empties the queue, ends the helper and frees the slots. */
static int stop(wb_file *p)
{
    if (!p->on) {
        return SQLITE_OK;
    }
    const int rc = drain(p);
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    if (p->helper_started) {
        pthread_join(p->helper, NULL);
    }
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->space);
    pthread_mutex_destroy(&p->mu);
    for (int i = 0; i < WB_SLOTS; i++) {
        vt__free(p->slots[i].bytes);
    }
    memset(p->slots, 0, sizeof p->slots);
    p->on = 0;
    return rc;
}

static int start(wb_file *p)
{
    if (p->on) {
        return SQLITE_OK;
    }
    p->head = p->count = p->stop = p->helper_waits = p->caller_waits = p->draining = 0;
    p->inline_writes = p->helper_started = p->flushes = 0;
    p->unflushed = 0;
    p->error = SQLITE_OK;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        return SQLITE_NOMEM;
    }
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        return SQLITE_NOMEM;
    }
    if (pthread_cond_init(&p->space, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->mu);
        return SQLITE_NOMEM;
    }
    p->on = 1;
    return SQLITE_OK;
}

static int wb_close(sqlite3_file *f)
{
    wb_file *p = (wb_file *)f;
    const int rc = stop(p);
    const int rc2 = p->real->pMethods->xClose(p->real);
    return rc != SQLITE_OK ? rc : rc2;
}

/* 1 when a queued page overlaps [off, off + len). Called with the mutex held. */
static int overlaps_queue(const wb_file *p, sqlite3_int64 off, int len)
{
    for (int i = 0, k = p->head; i < p->count; i++, k = (k + 1) % WB_SLOTS) {
        const wb_slot *s = &p->slots[k];
        if (s->off < off + len && off < s->off + s->len) {
            return 1;
        }
    }
    return 0;
}

static int wb_read(sqlite3_file *f, void *buf, int len, sqlite3_int64 off)
{
    wb_file *p = (wb_file *)f;
    if (p->on) {
        pthread_mutex_lock(&p->mu);
        const int wait = overlaps_queue(p, off, len);
        int rc = p->error;
        p->error = SQLITE_OK;
        pthread_mutex_unlock(&p->mu);
        if (rc == SQLITE_OK && wait) {
            rc = drain(p);
        }
        if (rc != SQLITE_OK) {
            return rc;
        }
    }
    return p->real->pMethods->xRead(p->real, buf, len, off);
}

static int wb_write(sqlite3_file *f, const void *buf, int len, sqlite3_int64 off)
{
    wb_file *p = (wb_file *)f;
    if (!p->on) {
        return p->real->pMethods->xWrite(p->real, buf, len, off);
    }
    pthread_mutex_lock(&p->mu);
    if (p->count == 0 && !p->helper_started && !p->inline_writes &&
        pthread_create(&p->helper, NULL, helper_main, p) == 0) {
        p->helper_started = 1;
    }
    if (p->count == 0 && (p->inline_writes || !p->helper_started)) {
        /* Nothing queued before it, and the helper only writes queued pages (or there is
         * none): the page goes to the file now, from this thread, as without write-behind. */
        int rc = p->error;
        p->error = SQLITE_OK;
        const int flush = account(p, len);
        pthread_mutex_unlock(&p->mu);
        if (rc == SQLITE_OK) {
            rc = p->real->pMethods->xWrite(p->real, buf, len, off);
        }
        if (flush) {
            flush_behind(p);
        }
        return rc;
    }
    while (p->count == WB_SLOTS && p->error == SQLITE_OK) {
        p->caller_waits++;
        pthread_cond_wait(&p->space, &p->mu);
        p->caller_waits--;
    }
    int rc = p->error;
    p->error = SQLITE_OK;
    if (rc == SQLITE_OK) {
        wb_slot *s = &p->slots[(p->head + p->count) % WB_SLOTS];
        if (s->cap < len) {
            /* The slot is free: the helper only touches queued slots. */
            char *bytes = vt__realloc(s->bytes, (size_t)len);
            if (!bytes) {
                rc = SQLITE_NOMEM;
            } else {
                s->bytes = bytes;
                s->cap = len;
            }
        }
        if (rc == SQLITE_OK) {
            memcpy(s->bytes, buf, (size_t)len);
            s->len = len;
            s->off = off;
            p->count++;
            if (p->helper_waits && p->count >= WB_BATCH) {
                pthread_cond_signal(&p->work);
            }
        }
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static int wb_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    wb_file *p = (wb_file *)f;
    const int rc = drain(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int wb_sync(sqlite3_file *f, int flags)
{
    wb_file *p = (wb_file *)f;
    const int rc = drain(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int wb_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    wb_file *p = (wb_file *)f;
    const int rc = drain(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int wb_lock(sqlite3_file *f, int lock)
{
    wb_file *p = (wb_file *)f;
    const int rc = drain(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xLock(p->real, lock);
}

static int wb_unlock(sqlite3_file *f, int lock)
{
    wb_file *p = (wb_file *)f;
    const int rc = drain(p);
    const int rc2 = p->real->pMethods->xUnlock(p->real, lock);
    return rc != SQLITE_OK ? rc : rc2;
}

static int wb_check_reserved(sqlite3_file *f, int *out)
{
    wb_file *p = (wb_file *)f;
    const int rc = drain(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int wb_file_control(sqlite3_file *f, int op, void *arg)
{
    wb_file *p = (wb_file *)f;
    if (op == VT__FCNTL_WRITE_BEHIND) {
        if (!p->main_db) {
            return SQLITE_NOTFOUND;
        }
        const int mode = *(const int *)arg;
        if (mode == VT__WB_OFF) {
            return stop(p);
        }
        const int rc = start(p);
        /* Read only by the caller's thread (wb_write), which is this one. */
        p->inline_writes = mode == VT__WB_INLINE;
        return rc;
    }
    if (op == VT__FCNTL_WB_FLUSHES) {
        if (!p->on) {
            return SQLITE_NOTFOUND;
        }
        pthread_mutex_lock(&p->mu);
        *(int *)arg = p->flushes;
        pthread_mutex_unlock(&p->mu);
        return SQLITE_OK;
    }
    if (op == SQLITE_FCNTL_SIZE_HINT) {
        /* Sent before the pages of a growing file are written (about every hundredth page
         * here); it only ever extends the file (a no-op without a chunk size), which the
         * queued pages do not mind: no need to wait for them. */
        return p->real->pMethods->xFileControl(p->real, op, arg);
    }
    const int rc = drain(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int wb_sector_size(sqlite3_file *f)
{
    wb_file *p = (wb_file *)f;
    return p->real->pMethods->xSectorSize(p->real);
}

static int wb_device_characteristics(sqlite3_file *f)
{
    wb_file *p = (wb_file *)f;
    return p->real->pMethods->xDeviceCharacteristics(p->real);
}

static int wb_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
    wb_file *p = (wb_file *)f;
    if (p->real->pMethods->iVersion < 2) {
        return SQLITE_IOERR_SHMMAP;
    }
    return p->real->pMethods->xShmMap(p->real, region, size, extend, pp);
}

static int wb_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    wb_file *p = (wb_file *)f;
    if (p->real->pMethods->iVersion < 2) {
        return SQLITE_IOERR_SHMLOCK;
    }
    return p->real->pMethods->xShmLock(p->real, offset, n, flags);
}

static void wb_shm_barrier(sqlite3_file *f)
{
    wb_file *p = (wb_file *)f;
    if (p->real->pMethods->iVersion >= 2) {
        p->real->pMethods->xShmBarrier(p->real);
    }
}

static int wb_shm_unmap(sqlite3_file *f, int delete_flag)
{
    wb_file *p = (wb_file *)f;
    if (p->real->pMethods->iVersion < 2) {
        return SQLITE_OK;
    }
    return p->real->pMethods->xShmUnmap(p->real, delete_flag);
}

static int wb_fetch(sqlite3_file *f, sqlite3_int64 off, int len, void **pp)
{
    wb_file *p = (wb_file *)f;
    *pp = NULL;
    if (p->on || p->real->pMethods->iVersion < 3) {
        return SQLITE_OK; /* no mapping: SQLite reads through xRead */
    }
    return p->real->pMethods->xFetch(p->real, off, len, pp);
}

static int wb_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
    wb_file *p = (wb_file *)f;
    if (p->real->pMethods->iVersion < 3) {
        return SQLITE_OK;
    }
    return p->real->pMethods->xUnfetch(p->real, off, page);
}

static const sqlite3_io_methods WB_METHODS = {
    3,
    wb_close,
    wb_read,
    wb_write,
    wb_truncate,
    wb_sync,
    wb_file_size,
    wb_lock,
    wb_unlock,
    wb_check_reserved,
    wb_file_control,
    wb_sector_size,
    wb_device_characteristics,
    wb_shm_map,
    wb_shm_lock,
    wb_shm_barrier,
    wb_shm_unmap,
    wb_fetch,
    wb_unfetch,
};

/* The underlying file sits after the wb_file, aligned for any type. */
static size_t real_offset(void)
{
    const size_t a = sizeof(max_align_t);
    return (sizeof(wb_file) + a - 1) / a * a;
}

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    wb_file *p = (wb_file *)f;
    memset(p, 0, sizeof *p);
    p->real = (sqlite3_file *)((char *)f + real_offset());
    const int rc = g_real->xOpen(g_real, name, p->real, flags, out_flags);
    /* SQLite calls xClose only when pMethods is set, as the default VFS does on success. */
    p->base.pMethods = p->real->pMethods ? &WB_METHODS : NULL;
    p->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    p->fd = rc == SQLITE_OK && p->main_db ? real_fd(p->real, name) : -1;
    return rc;
}

static int wb_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return g_real->xDelete(g_real, name, sync_dir);
}

static int wb_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return g_real->xAccess(g_real, name, flags, out);
}

static int wb_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return g_real->xFullPathname(g_real, name, n, out);
}

static void *wb_dl_open(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return g_real->xDlOpen(g_real, name);
}

static void wb_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    g_real->xDlError(g_real, n, msg);
}

static void (*wb_dl_sym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
    (void)vfs;
    return g_real->xDlSym(g_real, lib, sym);
}

static void wb_dl_close(sqlite3_vfs *vfs, void *lib)
{
    (void)vfs;
    g_real->xDlClose(g_real, lib);
}

static int wb_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return g_real->xRandomness(g_real, n, out);
}

static int wb_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return g_real->xSleep(g_real, us);
}

static int wb_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return g_real->xCurrentTime(g_real, out);
}

static int wb_last_error(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, msg) : 0;
}

static int wb_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return g_real->xCurrentTimeInt64(g_real, out);
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_registered;

static void register_vfs(void)
{
    g_real = sqlite3_vfs_find(NULL);
    if (!g_real || g_real->iVersion < 2 || !g_real->xCurrentTimeInt64) {
        return;
    }
    memset(&g_vfs, 0, sizeof g_vfs);
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = (int)(real_offset() + (size_t)g_real->szOsFile);
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = VT__STORE_VFS;
    g_vfs.xOpen = wb_open;
    g_vfs.xDelete = wb_delete;
    g_vfs.xAccess = wb_access;
    g_vfs.xFullPathname = wb_full_pathname;
    g_vfs.xDlOpen = wb_dl_open;
    g_vfs.xDlError = wb_dl_error;
    g_vfs.xDlSym = wb_dl_sym;
    g_vfs.xDlClose = wb_dl_close;
    g_vfs.xRandomness = wb_randomness;
    g_vfs.xSleep = wb_sleep;
    g_vfs.xCurrentTime = wb_current_time;
    g_vfs.xGetLastError = wb_last_error;
    g_vfs.xCurrentTimeInt64 = wb_current_time64;
    g_registered = sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK;
}

const char *vt__store_vfs(void)
{
    pthread_once(&g_once, register_vfs);
    return g_registered ? VT__STORE_VFS : NULL;
}
