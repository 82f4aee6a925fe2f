/* SPDX-License-Identifier: MIT */
/* Saved runs in pytest-benchmark's layout: .benchmarks/<machine id>/NNNN_<name>.json. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

void vb_storage_machine_id(const vb_machine *m, char *buf, size_t size)
{
    /* "gcc 12.2.0" -> "gcc12": the compiler and its major version. */
    char comp[32] = "cc";
    const char *space = strchr(m->compiler, ' ');
    if (space) {
        snprintf(comp, sizeof comp, "%.*s%d", (int)(space - m->compiler), m->compiler,
                 (int)strtol(space + 1, NULL, 10));
    }
    snprintf(buf, size, "%s-%s-%s", m->system[0] ? m->system : "unknown",
             m->machine[0] ? m->machine : "unknown", comp);
    for (char *p = buf; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') {
            *p = '_';
        }
    }
}

static vb_status make_dir(const char *path, vb_error *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        return vb__error(err, VB_ERR_IO, "%s: cannot create the directory: %s", path,
                         strerror(errno));
    }
    return VB_OK;
}

/* The number of a saved file name "NNNN_...json", -1 when it is not one. */
static long saved_number(const char *name)
{
    const size_t len = strlen(name);
    if (len < 10 || strcmp(name + len - 5, ".json") != 0 || name[4] != '_') {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)name[i])) {
            return -1;
        }
    }
    return strtol(name, NULL, 10);
}

/* The highest saved number in `dir` and, when `want` >= 0, the file with that number. */
static long scan(const char *dir, long want, char *found, size_t size)
{
    DIR *d = opendir(dir);
    if (!d) {
        return -1;
    }
    long best = -1;
    const struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const long n = saved_number(de->d_name);
        if (n < 0) {
            continue;
        }
        if (want >= 0 ? n == want : n > best) {
            if (found) {
                snprintf(found, size, "%s/%s", dir, de->d_name);
            }
        }
        best = n > best ? n : best;
    }
    closedir(d);
    return best;
}

vb_status vb_storage_save(const char *root, const vb_suite *suite, const char *name, char *path,
                          size_t path_size, vb_error *err)
{
    char id[128], dir[1024];
    vb_storage_machine_id(suite->machine, id, sizeof id);
    vb_status s = make_dir(root, err);
    if (s != VB_OK) {
        return s;
    }
    snprintf(dir, sizeof dir, "%s/%s", root, id);
    if ((s = make_dir(dir, err)) != VB_OK) {
        return s;
    }
    char label[128];
    vb__strlcpy(label, name && *name ? name : suite->machine->commit_id, sizeof label);
    for (char *p = label; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') {
            *p = '_';
        }
    }
    const long next = scan(dir, -1, NULL, 0) + 1;
    snprintf(path, path_size, "%s/%04ld_%s.json", dir, next < 1 ? 1 : next, label);
    return vb_report_json_write(suite, path, err);
}

vb_status vb_storage_find(const char *root, const vb_machine *m, const char *which, char *path,
                          size_t path_size, vb_error *err)
{
    char id[128], dir[1024];
    vb_storage_machine_id(m, id, sizeof id);
    snprintf(dir, sizeof dir, "%s/%s", root, id);
    long want = -1;
    if (which && *which) {
        long long n;
        if (!vb__parse_ll(which, &n)) {
            struct stat sb;
            if (stat(which, &sb) != 0) {
                return vb__error(err, VB_ERR_NOT_FOUND, "%s: no such saved run", which);
            }
            vb__strlcpy(path, which, path_size);
            return VB_OK;
        }
        want = (long)n;
    }
    path[0] = '\0';
    const long best = scan(dir, -1, NULL, 0);
    if (best < 0) {
        return vb__error(err, VB_ERR_NOT_FOUND, "no saved run in %s", dir);
    }
    scan(dir, want >= 0 ? want : best, path, path_size);
    if (!path[0]) {
        return vb__error(err, VB_ERR_NOT_FOUND, "no saved run %04ld in %s", want, dir);
    }
    return VB_OK;
}
