/* SPDX-License-Identifier: MIT */
/* valgrind: callgrind's collection switched on around the timed loop, profiles and counts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define VB__HAVE_CALLGRIND 1
#endif
#endif

void vb__callgrind_toggle(void)
{
#ifdef VB__HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT;
#endif
}

/* Runs argv with stdout and stderr sent to /dev/null; the exit status, or -1. */
static int run_quietly(char *const argv[])
{
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        const int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool vb_valgrind_available(void)
{
    static int known = -1;
    if (known < 0) {
        char *const argv[] = {"valgrind", "--version", NULL};
        known = run_quietly(argv) == 0;
    }
    return known == 1;
}

static vb_status self_path(char *buf, size_t size, vb_error *err)
{
#if defined(__linux__)
    const ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n > 0) {
        buf[n] = '\0';
        return VB_OK;
    }
#endif
    (void)buf;
    (void)size;
    return vb__error(err, VB_ERR_UNSUPPORTED, "cannot find this program's path to re-run it");
}

/* A file name from a full name: / [ ] and blanks become _ . */
static void safe_name(const char *fullname, char *buf, size_t size)
{
    vb__strlcpy(buf, fullname, size);
    for (char *p = buf; *p; p++) {
        if (*p == '/' || *p == '[' || *p == ']' || *p == ' ' || *p == ':') {
            *p = '_';
        }
    }
}

/* Runs this program under valgrind with `tool_args`, the benchmark alone, in-process. */
static vb_status run_under_valgrind(const vb_bench *bench, const char *tool, const char *out_opt,
                                    long long iterations, bool callgrind, vb_error *err)
{
    if (!vb_valgrind_available()) {
        return vb__error(err, VB_ERR_UNSUPPORTED, "valgrind is not installed");
    }
    char exe[1024];
    const vb_status s = self_path(exe, sizeof exe, err);
    if (s != VB_OK) {
        return s;
    }
    char iters[32];
    snprintf(iters, sizeof iters, "%lld", iterations > 0 ? iterations : 1);
    char *argv[16];
    int n = 0;
    argv[n++] = "valgrind";
    argv[n++] = (char *)tool;
    argv[n++] = (char *)out_opt;
    if (callgrind) {
        argv[n++] = "--collect-atstart=no";
    }
    argv[n++] = exe;
    argv[n++] = "--vb-exact";
    argv[n++] = (char *)bench->fullname;
    argv[n++] = "--no-fork";
    argv[n++] = "--quiet";
    if (callgrind) {
        argv[n++] = "--vb-callgrind";
        argv[n++] = iters;
    } else {
        argv[n++] = "--smoke";
    }
    argv[n] = NULL;
    const int rc = run_quietly(argv);
    if (rc != 0) {
        return vb__error(err, VB_ERR_IO, "%s: the run under valgrind %s failed (status %d)",
                         bench->fullname, tool, rc);
    }
    return VB_OK;
}

vb_status vb_profile_bench(const vb_bench *bench, vb_profile_kind kind, const char *dir,
                           long long iterations, char *path, size_t path_size, vb_error *err)
{
    char name[256], opt[1200];
    safe_name(bench->fullname, name, sizeof name);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        return vb__error(err, VB_ERR_IO, "%s: cannot create the directory: %s", dir,
                         strerror(errno));
    }
    if (kind == VB_PROFILE_CPU) {
        snprintf(path, path_size, "%s/%s.callgrind.out", dir, name);
        snprintf(opt, sizeof opt, "--callgrind-out-file=%s", path);
        return run_under_valgrind(bench, "--tool=callgrind", opt, iterations, true, err);
    }
    snprintf(path, path_size, "%s/%s.dhat.json", dir, name);
    snprintf(opt, sizeof opt, "--dhat-out-file=%s", path);
    return run_under_valgrind(bench, "--tool=dhat", opt, iterations, false, err);
}

/* The Ir total of a callgrind output file ("totals:" or "summary:" line); -1 when absent. */
static double callgrind_total(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    char line[512];
    double total = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long long v;
        if (sscanf(line, "totals: %llu", &v) == 1 || sscanf(line, "summary: %llu", &v) == 1) {
            total = (double)v;
        }
    }
    fclose(f);
    return total;
}

vb_status vb_count_instructions(const vb_bench *bench, long long iterations, double *per_iter,
                                vb_error *err)
{
    char path[] = "/tmp/vbench-callgrind-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        return vb__error(err, VB_ERR_IO, "cannot create a temporary file: %s", strerror(errno));
    }
    close(fd);
    char opt[128];
    snprintf(opt, sizeof opt, "--callgrind-out-file=%s", path);
    if (iterations < 1) {
        iterations = 1;
    }
    vb_status s = run_under_valgrind(bench, "--tool=callgrind", opt, iterations, true, err);
    if (s == VB_OK) {
        const double total = callgrind_total(path);
        if (total < 0) {
            s = vb__error(err, VB_ERR_FORMAT, "%s: no instruction total in callgrind's output",
                          bench->fullname);
        } else {
            *per_iter = total / (double)iterations;
        }
    }
    unlink(path);
    return s;
}
