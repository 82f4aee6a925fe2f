/* SPDX-License-Identifier: MIT */
/* Isolation: a benchmark's process forked, its result back over a pipe, a timeout. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static bool write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        const ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The benchmark's address-space limit: its MiB on top of what the child has mapped now. A
   limit that cannot be set is not silently dropped: the child reports it and fails. */
static bool limit_address_space(const vb_bench *bench)
{
    const double mb = bench->opts.max_address_space_mb;
    if (mb <= 0) {
        return true;
    }
    unsigned long long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    const bool known = f && fscanf(f, "%llu", &pages) == 1;
    if (f) {
        fclose(f);
    }
    const long page = sysconf(_SC_PAGESIZE);
    if (!known || page <= 0) {
        return false;
    }
    const rlim_t lim = (rlim_t)(pages * (unsigned long long)page) + (rlim_t)(mb * 1048576.0);
    const struct rlimit rl = {lim, lim};
    return setrlimit(RLIMIT_AS, &rl) == 0;
}

/* The child: run, send the fixed part of the result and then its data, exit. */
static void child(int fd, const vb_bench *bench, const vb_run_options *cfg)
{
    /* A crash must kill the child so the parent can report its signal, whatever handlers the
       host program (a test framework, a crash reporter) installed. */
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        signal(fatal[i], SIG_DFL);
    }
    if (!limit_address_space(bench)) {
        _exit(71);
    }
    vb_result r;
    vb_error e;
    vb_run_bench_inprocess(bench, cfg, NULL, &r, &e);
    double *data = r.data;
    r.data = NULL;
    /* The parent rebuilds its own repetition from the result (the pointer means nothing there). */
    vb__free(r.reps);
    r.reps = NULL;
    r.bench = NULL;
    const bool ok = write_all(fd, &r, sizeof r) &&
                    (r.ndata == 0 || write_all(fd, data, r.ndata * sizeof *data));
    vb__free(data);
    close(fd);
    fflush(NULL);
    _exit(ok ? 0 : 70);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads everything the child sends until EOF or the deadline. Returns 1 at EOF, 0 at the
   deadline, -1 on error. */
static int read_until(int fd, double deadline, char **buf, size_t *len, size_t *cap)
{
    for (;;) {
        const double left = deadline - seconds_now();
        if (left <= 0) {
            return 0;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        const double ms = left * 1000 + 1;
        const int pr = poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms);
        if (pr < 0 && errno == EINTR) {
            continue;
        }
        if (pr < 0) {
            return -1;
        }
        if (pr == 0) {
            continue;
        }
        if (*len == *cap) {
            const size_t ncap = *cap ? *cap * 2 : 65536;
            char *grown = vb__realloc(*buf, ncap);
            if (!grown) {
                return -1;
            }
            *buf = grown;
            *cap = ncap;
        }
        const ssize_t n = read(fd, *buf + *len, *cap - *len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            return 1;
        }
        *len += (size_t)n;
    }
}

static vb_status decode(const vb_bench *bench, const char *buf, size_t len, vb_result *out,
                        vb_error *err)
{
    if (len < sizeof *out) {
        return vb__error(err, VB_ERR_IO, "%s: short result from the child (%zu bytes)",
                         bench->fullname, len);
    }
    memcpy(out, buf, sizeof *out);
    out->bench = bench;
    out->data = NULL;
    out->reps = NULL; /* the child's pointer: rebuilt from the fixed part below */
    out->nreps = 0;
    const size_t ndata = out->ndata;
    out->ndata = 0;
    if (len != sizeof *out + ndata * sizeof(double)) {
        return vb__error(err, VB_ERR_IO, "%s: result of the child has the wrong size",
                         bench->fullname);
    }
    if (ndata > 0) {
        out->data = vb__malloc(ndata * sizeof(double));
        if (!out->data) {
            return vb__nomem(err);
        }
        memcpy(out->data, buf + sizeof *out, ndata * sizeof(double));
        out->ndata = ndata;
    }
    return vb__own_repetition(out, err);
}

static vb_status harness_error(const vb_bench *bench, vb_result *out, vb_error *err,
                               const char *what)
{
    memset(out, 0, sizeof *out);
    out->bench = bench;
    out->outcome = VB_OUTCOME_ERROR;
    out->peak_rss = out->rss_growth = out->heap_peak = -1;
    out->heap_allocs = out->heap_bytes = out->instructions = -1;
    out->cycles = out->branch_misses = out->cache_misses = -1;
    snprintf(out->msg, sizeof out->msg, "%s: %s", what, strerror(errno));
    return vb__error(err, VB_ERR_IO, "%s: %s", bench->fullname, out->msg);
}

vb_status vb__run_forked(const vb_bench *bench, const vb_run_options *cfg, vb_result *out,
                         vb_error *err)
{
    const double timeout = cfg->timeout > 0          ? cfg->timeout
                           : bench->opts.timeout > 0 ? bench->opts.timeout
                                                     : 300.0;
    /* Measure the timer once here so that every child inherits it. */
    (void)vb__monotonic_precision();
    int fds[2];
    if (pipe(fds) != 0) {
        return harness_error(bench, out, err, "pipe");
    }
    fflush(NULL);
    const double start = seconds_now();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return harness_error(bench, out, err, "fork");
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], bench, cfg);
    }
    close(fds[1]);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    const int rr = read_until(fds[0], start + timeout, &buf, &len, &cap);
    close(fds[0]);
    if (rr <= 0) {
        kill(pid, SIGKILL);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    vb_status s = VB_OK;
    if (rr == 0) {
        memset(out, 0, sizeof *out);
        out->outcome = VB_OUTCOME_TIMEOUT;
        snprintf(out->msg, sizeof out->msg, "killed after the timeout of %g s", timeout);
    } else if (WIFSIGNALED(status)) {
        memset(out, 0, sizeof *out);
        out->outcome = VB_OUTCOME_CRASHED;
        out->signal = WTERMSIG(status);
        snprintf(out->msg, sizeof out->msg, "killed by signal %d (%s)", out->signal,
                 strsignal(out->signal));
    } else if (rr < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        memset(out, 0, sizeof *out);
        out->outcome = VB_OUTCOME_ERROR;
        snprintf(out->msg, sizeof out->msg, "the child exited with status %d before its result",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        s = vb__error(err, VB_ERR_IO, "%s: %s", bench->fullname, out->msg);
    } else {
        s = decode(bench, buf, len, out, err);
        if (s != VB_OK) {
            out->outcome = VB_OUTCOME_ERROR;
            vb__strlcpy(out->msg, err ? err->msg : "bad result", sizeof out->msg);
        }
    }
    vb__free(buf);
    if (out->outcome != VB_OUTCOME_PASSED && bench->opts.max_address_space_mb > 0) {
        /* Whatever the failure, say the limit was on: out of memory is the likely cause. */
        const size_t used = strlen(out->msg);
        snprintf(out->msg + used, sizeof out->msg - used, " (address-space limit %g MiB)",
                 bench->opts.max_address_space_mb);
    }
    if (out->outcome != VB_OUTCOME_PASSED && out->outcome != VB_OUTCOME_FAILED) {
        out->bench = bench;
        out->peak_rss = out->rss_growth = out->heap_peak = -1;
        out->heap_allocs = out->heap_bytes = out->instructions = -1;
        out->cycles = out->branch_misses = out->cache_misses = -1;
        out->wall_time = seconds_now() - start;
    }
    return s;
}
