/* SPDX-License-Identifier: MIT */
/* JSON files that several runs update (the baseline, the history): read with file:line:column
   errors, updated under an exclusive lock and replaced atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "json_file.h"

vb_status vb__json_file_load(const char *path, const char *what, json_t **out, vb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT) {
            return vb__error(err, VB_ERR_NOT_FOUND, "%s: no %s yet", path, what);
        }
        return vb__error(err, VB_ERR_IO, "%s: %s", path, strerror(errno));
    }
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        vb__error(err, VB_ERR_PARSE, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        if (err) {
            err->line = je.line > 0 ? (uint32_t)je.line : 0;
            err->column = je.column > 0 ? (uint32_t)je.column : 0;
            err->offset = (uint64_t)je.position;
        }
        return VB_ERR_PARSE;
    }
    *out = root;
    return VB_OK;
}

vb_status vb__json_file_write(const char *path, json_t *root, vb_error *err)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        return vb__error(err, VB_ERR_IO, "%s: %s", tmp, strerror(errno));
    }
    const bool ok = json_dumpfd(root, fd, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) == 0 &&
                    write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    const int saved = errno;
    if (close(fd) != 0 || !ok) {
        unlink(tmp);
        return vb__error(err, VB_ERR_IO, "%s: write failed: %s", tmp, strerror(saved));
    }
    if (rename(tmp, path) != 0) {
        const int e = errno;
        unlink(tmp);
        return vb__error(err, VB_ERR_IO, "%s: rename failed: %s", path, strerror(e));
    }
    /* The rename itself is durable once the directory is synced. */
    char dir[1100];
    vb__strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
    } else {
        vb__strlcpy(dir, ".", sizeof dir);
    }
    const int dfd = open(dir[0] ? dir : "/", O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return VB_OK;
}

vb_status vb__json_file_lock(const char *path, int *fd, vb_error *err)
{
    char lock_path[1100];
    snprintf(lock_path, sizeof lock_path, "%s.lock", path);
    const int lfd = open(lock_path, O_RDWR | O_CREAT, 0644);
    if (lfd < 0) {
        return vb__error(err, VB_ERR_IO, "%s: %s", lock_path, strerror(errno));
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(lfd, F_SETLKW, &fl) != 0) {
        if (errno != EINTR) {
            const int e = errno;
            close(lfd);
            return vb__error(err, VB_ERR_BUSY, "%s: cannot lock: %s", lock_path, strerror(e));
        }
    }
    *fd = lfd;
    return VB_OK;
}

void vb__json_file_unlock(int fd)
{
    close(fd); /* releases the lock */
}
