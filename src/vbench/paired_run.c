/* SPDX-License-Identifier: MIT */
/* Paired comparison: base and head suite binaries run in alternation, one fresh process per
   benchmark and side, pass after pass until every benchmark is decided. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "vbench/paired.h"

enum { MAX_ARGS = 64 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What one process of one side gave. */
typedef struct side_run {
    bool ok;      /* a sample was measured */
    bool missing; /* the binary has no benchmark of that name */
    vb_paired_sample sample;
    char commit[64];
    char msg[200]; /* why not ok, or a note (a limit exceeded) */
} side_run;

/* Runs `argv` with its output in `log`, waits at most `timeout` seconds; the exit status
   (or 128 + signal, or -1 when it could not run, -2 on timeout). */
static int run_process(char *const argv[], const char *log, double timeout)
{
    int alive[2];
    if (pipe(alive) != 0) {
        return -1;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(alive[0]);
        close(alive[1]);
        return -1;
    }
    if (pid == 0) {
        /* The write end stays open in the child (and its own children) until they exit. */
        close(alive[0]);
        const int null = open("/dev/null", O_RDONLY);
        const int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (null < 0 || out < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
            dup2(out, STDERR_FILENO) < 0) {
            _exit(126);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    close(alive[1]);
    struct pollfd p = {alive[0], POLLIN, 0};
    const double end = now_s() + timeout;
    bool timed_out = false;
    for (;;) {
        const double left = end - now_s();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        const int ms = left > 1e6 ? 1000000000 : (int)(left * 1000) + 1;
        const int rc = poll(&p, 1, ms);
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc != 0) {
            break; /* hang-up: every holder of the write end has exited */
        }
    }
    close(alive[0]);
    if (timed_out) {
        kill(pid, SIGKILL);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        return -2;
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int64_t bytes_of(json_t *extra, const char *key)
{
    const json_t *v = json_object_get(extra, key);
    return json_is_number(v) && json_number_value(v) >= 0 ? (int64_t)json_number_value(v) : -1;
}

/* Reads the sample of `name` from a pytest-schema results file. */
static void read_results(const char *path, const char *name, side_run *s)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(s->msg, sizeof s->msg, "no readable results (%s)", je.text);
        return;
    }
    const json_t *ci = json_object_get(root, "commit_info");
    const json_t *id = json_object_get(ci, "id");
    if (json_is_string(id)) {
        snprintf(s->commit, sizeof s->commit, "%.12s%s", json_string_value(id),
                 json_is_true(json_object_get(ci, "dirty")) ? "+dirty" : "");
    }
    json_t *benches = json_object_get(root, "benchmarks");
    json_t *b = NULL, *e;
    size_t i;
    json_array_foreach (benches, i, e) {
        const json_t *fn = json_object_get(e, "fullname");
        if (json_is_string(fn) && strcmp(json_string_value(fn), name) == 0) {
            b = e;
            break;
        }
    }
    if (!b) {
        /* A benchmark without statistics is listed among the failures only. */
        json_array_foreach (json_object_get(root, "failures"), i, e) {
            const json_t *fn = json_object_get(e, "fullname");
            if (json_is_string(fn) && strcmp(json_string_value(fn), name) == 0) {
                const json_t *oc = json_object_get(e, "outcome");
                const json_t *msg = json_object_get(e, "message");
                snprintf(s->msg, sizeof s->msg, "%s: %s",
                         json_is_string(oc) ? json_string_value(oc) : "failed",
                         json_is_string(msg) ? json_string_value(msg) : "");
                json_decref(root);
                return;
            }
        }
        s->missing = true;
        snprintf(s->msg, sizeof s->msg, "no benchmark named %.150s", name);
        json_decref(root);
        return;
    }
    json_t *extra = json_object_get(b, "extra_info");
    const json_t *outcome = json_object_get(extra, "outcome");
    const json_t *median = json_object_get(json_object_get(b, "stats"), "median");
    const json_t *rounds = json_object_get(json_object_get(b, "stats"), "rounds");
    if (json_is_number(median) && json_number_value(median) > 0 && json_is_number(rounds) &&
        json_number_value(rounds) > 0) {
        s->ok = true;
        s->sample.median = json_number_value(median);
        s->sample.peak_rss = bytes_of(extra, "peak_rss_bytes");
        s->sample.heap_peak = bytes_of(extra, "heap_peak_bytes");
        const json_t *cpu = json_object_get(extra, "cpu_median");
        s->sample.cpu =
            json_is_number(cpu) && json_number_value(cpu) > 0 ? json_number_value(cpu) : 0;
    }
    if (json_is_string(outcome) && strcmp(json_string_value(outcome), "passed") != 0) {
        const json_t *msg = json_object_get(extra, "message");
        snprintf(s->msg, sizeof s->msg, "%s%s%s", json_string_value(outcome),
                 json_is_string(msg) ? ": " : "",
                 json_is_string(msg) ? json_string_value(msg) : "");
    }
    json_decref(root);
}

/* The last line of a process's log, for a failure message. */
static void last_line(const char *log, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(log, "r");
    if (!f) {
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0]) {
            vb__strlcpy(buf, line, size);
        }
    }
    fclose(f);
}

typedef struct pair_ctx {
    const vb_paired_options *o;
    char dir[64]; /* the temporary folder of results files and logs */
    char max_time[32];
    bool precision[2]; /* [0] base, [1] head: the binary knows --precision */
} pair_ctx;

/* Whether `bin --help` mentions `option`: a base built before an option existed must not be
   given it. */
static bool knows_option(const pair_ctx *c, const char *bin, const char *option)
{
    char log[128];
    snprintf(log, sizeof log, "%s/help.txt", c->dir);
    char *argv[] = {(char *)bin, (char *)"--help", NULL};
    const int rc = run_process(argv, log, 30);
    bool found = false;
    FILE *f = rc == 0 ? fopen(log, "r") : NULL;
    if (f) {
        char line[512];
        while (!found && fgets(line, sizeof line, f)) {
            found = strstr(line, option) != NULL;
        }
        fclose(f);
    }
    unlink(log);
    return found;
}

static void run_side(const pair_ctx *c, int side, const char *bin, const char *name, side_run *s)
{
    memset(s, 0, sizeof *s);
    char json[128], log[128];
    snprintf(json, sizeof json, "%s/results.json", c->dir);
    snprintf(log, sizeof log, "%s/process.log", c->dir);
    unlink(json);
    char *argv[MAX_ARGS];
    size_t n = 0;
    argv[n++] = (char *)bin;
    argv[n++] = (char *)"--vb-exact";
    argv[n++] = (char *)name;
    argv[n++] = (char *)"--quiet";
    argv[n++] = (char *)"--json";
    argv[n++] = json;
    argv[n++] = (char *)"--max-time";
    argv[n++] = (char *)c->max_time;
    /* One round at least, no warm-up: a process of a benchmark of seconds is then its
       calibration, one round and the memory round; the later arguments win. */
    argv[n++] = (char *)"--min-rounds";
    argv[n++] = (char *)"1";
    argv[n++] = (char *)"--no-warmup";
    /* The whole max-time, no early stop: a process's median then spans many moments of the
       machine, not a lucky few rounds in a row. */
    if (c->precision[side]) {
        argv[n++] = (char *)"--precision";
        argv[n++] = (char *)"0";
    }
    for (size_t i = 0; c->o->extra_args && c->o->extra_args[i] && n < MAX_ARGS - 1; i++) {
        argv[n++] = (char *)c->o->extra_args[i];
    }
    argv[n] = NULL;
    const int rc = run_process(argv, log, c->o->timeout);
    if (rc == -1 || rc == 126 || rc == 127) {
        snprintf(s->msg, sizeof s->msg, "cannot run %s", bin);
        return;
    }
    if (rc == -2) {
        snprintf(s->msg, sizeof s->msg, "timed out after %.0f s", c->o->timeout);
        return;
    }
    if (rc >= 128) {
        snprintf(s->msg, sizeof s->msg, "crashed (signal %d)", rc - 128);
        return;
    }
    read_results(json, name, s);
    if (!s->ok && !s->missing && s->msg[0] == '\0') {
        char line[160];
        last_line(log, line, sizeof line);
        snprintf(s->msg, sizeof s->msg, "exit %d%s%s", rc, line[0] ? ": " : "", line);
    }
}

static bool append_pair(vb_paired_bench *b, const vb_paired_sample *base,
                        const vb_paired_sample *head)
{
    if (b->pairs == b->capacity) {
        const size_t cap = b->capacity ? 2 * b->capacity : 16;
        vb_paired_sample *nb = vb__realloc(b->base, cap * sizeof *nb);
        if (!nb) {
            return false;
        }
        b->base = nb;
        vb_paired_sample *nh = vb__realloc(b->head, cap * sizeof *nh);
        if (!nh) {
            return false;
        }
        b->head = nh;
        b->capacity = cap;
    }
    b->base[b->pairs] = *base;
    b->head[b->pairs] = *head;
    b->pairs++;
    return true;
}

/* Whether `b` has its final verdict: a regression of any metric, or a final verdict of every
   metric. */
static bool decided(const vb_paired_bench *b, const vb_paired_options *o)
{
    if (b->failed || b->missing) {
        return true;
    }
    if (b->pairs < o->min_pairs) {
        return false;
    }
    if (b->pairs >= o->max_pairs || vb_paired_bench_verdict(b) == VB_PAIRED_REGRESSION) {
        return true;
    }
    const vb_paired_metric *ms[] = {&b->time, &b->cpu, &b->peak_rss, &b->heap_peak};
    for (size_t i = 0; i < 4; i++) {
        if ((i == 0 || ms[i]->present) &&
            (ms[i]->verdict == VB_PAIRED_INCONCLUSIVE || ms[i]->verdict == VB_PAIRED_NOT_JUDGED)) {
            return false;
        }
    }
    return true;
}

/* One pair of benchmark `b`: both sides, the first one chosen by the pass. */
static vb_status run_pair(const pair_ctx *c, vb_paired_report *r, vb_paired_bench *b,
                          bool head_first, vb_error *err)
{
    side_run runs[2]; /* [0] base, [1] head */
    const char *bins[2] = {r->base_binary, r->head_binary};
    const double t0 = now_s();
    for (int k = 0; k < 2; k++) {
        const int side = head_first ? 1 - k : k;
        run_side(c, side, bins[side], b->name, &runs[side]);
        if (runs[side].commit[0]) {
            vb__strlcpy(side ? r->head_commit : r->base_commit, runs[side].commit,
                        sizeof r->head_commit);
        }
    }
    b->seconds += now_s() - t0;
    if (runs[0].missing) {
        b->missing = true;
        vb__strlcpy(b->msg, "new: the base suite has no such benchmark", sizeof b->msg);
        return VB_OK;
    }
    for (int side = 1; side >= 0; side--) {
        if (!runs[side].ok) {
            b->failed = true;
            b->head_failed = side == 1;
            snprintf(b->msg, sizeof b->msg, "%s: %.190s", side ? "head" : "base", runs[side].msg);
            return VB_OK;
        }
    }
    if (runs[1].msg[0] && !b->msg[0]) {
        snprintf(b->msg, sizeof b->msg, "head: %s", runs[1].msg);
    }
    if (!append_pair(b, &runs[0].sample, &runs[1].sample)) {
        return vb__nomem(err);
    }
    vb_paired_judge(b, c->o);
    return VB_OK;
}

/* What the next pair of `b` will cost: the mean of its pairs so far (0 before the first). */
static double pair_cost(const vb_paired_bench *b)
{
    return b->pairs ? b->seconds / (double)b->pairs : 0;
}

size_t vb_paired_schedule(const vb_paired_report *r, const vb_paired_options *o, double elapsed,
                          size_t *order, bool *whole)
{
    size_t k = 0;
    bool below_min = false;
    double cost = 0;
    for (size_t i = 0; i < r->nbenches; i++) {
        const vb_paired_bench *b = &r->benches[i];
        if (!decided(b, o)) {
            order[k++] = i;
            below_min = below_min || b->pairs < o->min_pairs;
            cost += pair_cost(b);
        }
    }
    *whole = k == 0 || below_min || o->time_budget <= 0 || elapsed + cost <= o->time_budget;
    if (*whole) {
        return k; /* a whole pass, in suite order */
    }
    /* The whole pass does not fit: the undecided benchmarks by the cost of their next pair,
       cheapest first (ties in suite order), as many as fit in what is left of the budget. */
    for (size_t j = 1; j < k; j++) {
        const size_t v = order[j];
        size_t m = j;
        while (m > 0 && pair_cost(&r->benches[order[m - 1]]) > pair_cost(&r->benches[v])) {
            order[m] = order[m - 1];
            m--;
        }
        order[m] = v;
    }
    size_t fit = 0;
    for (double spent = elapsed; fit < k; fit++) {
        spent += pair_cost(&r->benches[order[fit]]);
        if (spent > o->time_budget) {
            break;
        }
    }
    return fit;
}

static vb_status report_new(const char *base, const char *head, const char *const *names,
                            const double *thresholds, size_t n, const vb_paired_options *o,
                            vb_paired_report **out, vb_error *err)
{
    vb_paired_report *r = vb__calloc(1, sizeof *r);
    if (!r || !(r->benches = vb__calloc(n ? n : 1, sizeof *r->benches))) {
        vb__free(r);
        return vb__nomem(err);
    }
    vb__strlcpy(r->base_binary, base, sizeof r->base_binary);
    vb__strlcpy(r->head_binary, head, sizeof r->head_binary);
    r->options = *o;
    r->options.extra_args = NULL; /* borrowed from the caller: not kept */
    r->nbenches = n;
    for (size_t i = 0; i < n; i++) {
        vb__strlcpy(r->benches[i].name, names[i], sizeof r->benches[i].name);
        r->benches[i].threshold = thresholds && thresholds[i] > 0 ? thresholds[i] : o->threshold;
        vb_paired_judge(&r->benches[i], o);
    }
    *out = r;
    return VB_OK;
}

vb_status vb_paired_run(const char *base_binary, const char *head_binary, const char *const *names,
                        const double *thresholds, size_t n, const vb_paired_options *opts,
                        vb_paired_progress progress, void *ctx, vb_paired_report **out,
                        vb_error *err)
{
    vb_paired_options o;
    if (opts) {
        o = *opts;
    } else {
        vb_paired_options_init(&o);
    }
    const size_t least = vb_signed_rank_min_pairs(o.confidence);
    if (!base_binary || !head_binary || !out || (n > 0 && !names) || least == 0 ||
        vb_signed_rank_min_pairs(o.change_confidence) == 0) {
        return vb__error(err, VB_ERR_INVALID,
                         "a paired run needs two binaries, names and confidences between "
                         "0 and 1");
    }
    o.min_pairs = o.min_pairs < least ? least : o.min_pairs;
    o.max_pairs = o.max_pairs < o.min_pairs ? o.min_pairs : o.max_pairs;
    const char *bins[] = {base_binary, head_binary};
    for (size_t i = 0; i < 2; i++) {
        if (access(bins[i], X_OK) != 0) {
            return vb__error(err, VB_ERR_IO, "%s: %s", bins[i], strerror(errno));
        }
    }
    pair_ctx c;
    memset(&c, 0, sizeof c);
    c.o = &o;
    snprintf(c.max_time, sizeof c.max_time, "%g", o.max_time > 0 ? o.max_time : 0.25);
    vb__strlcpy(c.dir, "/tmp/vbench-paired-XXXXXX", sizeof c.dir);
    if (!mkdtemp(c.dir)) {
        return vb__error(err, VB_ERR_IO, "cannot make a temporary folder: %s", strerror(errno));
    }
    c.precision[0] = knows_option(&c, base_binary, "--precision");
    c.precision[1] = knows_option(&c, head_binary, "--precision");
    vb_paired_report *r = NULL;
    vb_status s = report_new(base_binary, head_binary, names, thresholds, n, &o, &r, err);
    size_t *order = s == VB_OK ? vb__calloc(n ? n : 1, sizeof *order) : NULL;
    if (s == VB_OK && !order) {
        s = vb__nomem(err);
    }
    const double t0 = now_s();
    for (size_t pass = 0; s == VB_OK; pass++) {
        bool whole = true;
        const size_t k = vb_paired_schedule(r, &o, now_s() - t0, order, &whole);
        if (k == 0) {
            break;
        }
        for (size_t j = 0; j < k && s == VB_OK; j++) {
            vb_paired_bench *b = &r->benches[order[j]];
            if (progress) {
                progress(ctx, r, pass + 1, k, b->name);
            }
            /* Base first on a benchmark's even pairs, head first on its odd ones. */
            s = run_pair(&c, r, b, b->pairs % 2 == 1, err);
        }
        if (whole) {
            r->passes++;
        } else {
            r->budget_pairs += k;
        }
    }
    vb__free(order);
    if (r) {
        r->seconds = now_s() - t0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/results.json", c.dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/process.log", c.dir);
    unlink(path);
    rmdir(c.dir);
    if (s != VB_OK) {
        vb_paired_report_free(r);
        return s;
    }
    vb_paired_report_count(r);
    *out = r;
    return VB_OK;
}
