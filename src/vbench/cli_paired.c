/* SPDX-License-Identifier: MIT */
/* vb_main's paired mode (--paired BASE_BINARY): this suite is head, the other binary base. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "vbench/paired.h"

static bool percent(const char *opt, const char *v, double *out)
{
    char buf[64];
    vb__strlcpy(buf, v, sizeof buf);
    const size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '%') {
        buf[len - 1] = '\0';
    }
    double p;
    if (!vb__parse_double(buf, &p) || !(p > 0) || p >= 1000) {
        fprintf(stderr, "vbench: %s wants a percentage such as 5%%, not '%s'\n", opt, v);
        return false;
    }
    *out = p / 100;
    return true;
}

static bool pairs(const char *v, size_t *min, size_t *max)
{
    char buf[64];
    vb__strlcpy(buf, v, sizeof buf);
    char *colon = strchr(buf, ':');
    if (colon) {
        *colon = '\0';
    }
    long long a, b;
    if (!vb__parse_ll(buf, &a) || a < 1 || (colon && (!vb__parse_ll(colon + 1, &b) || b < a))) {
        fprintf(stderr, "vbench: --pairs wants MIN or MIN:MAX (MIN <= MAX), not '%s'\n", v);
        return false;
    }
    *min = (size_t)a;
    if (colon) {
        *max = (size_t)b;
    }
    return true;
}

/* The value of "--name value" or "--name=value" at argv[*i]; NULL when argv[*i] is not it. */
static const char *value(int argc, char **argv, int *i, const char *name, bool *bad)
{
    const size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '=')) {
        return NULL;
    }
    if (a[n] == '=') {
        return a + n + 1;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "vbench: %s needs a value\n", name);
        *bad = true;
        return NULL;
    }
    return argv[++*i];
}

void vb__paired_cli_init(vb__paired_cli *pc)
{
    memset(pc, 0, sizeof *pc);
    vb_paired_options_init(&pc->opts);
}

bool vb__paired_parse(int argc, char **argv, int *i, vb__paired_cli *pc, bool *bad)
{
    const char *v;
    if ((v = value(argc, argv, i, "--paired", bad))) {
        pc->base_binary = v;
    } else if ((v = value(argc, argv, i, "--threshold", bad))) {
        *bad = !percent("--threshold", v, &pc->opts.threshold);
    } else if ((v = value(argc, argv, i, "--pairs", bad))) {
        *bad = !pairs(v, &pc->opts.min_pairs, &pc->opts.max_pairs);
    } else if ((v = value(argc, argv, i, "--time-budget", bad))) {
        if (!vb__parse_double(v, &pc->opts.time_budget) || pc->opts.time_budget < 0) {
            fprintf(stderr, "vbench: --time-budget wants seconds, not '%s'\n", v);
            *bad = true;
        }
    } else if ((v = value(argc, argv, i, "--confidence", bad))) {
        double c;
        if (!percent("--confidence", v, &c) || c >= 1) {
            fprintf(stderr, "vbench: --confidence wants a percentage below 100\n");
            *bad = true;
        }
        pc->opts.confidence = c;
    } else if ((v = value(argc, argv, i, "--change-confidence", bad))) {
        double c;
        if (!percent("--change-confidence", v, &c) || c >= 1) {
            fprintf(stderr, "vbench: --change-confidence wants a percentage below 100\n");
            *bad = true;
        }
        pc->opts.change_confidence = c;
    } else if ((v = value(argc, argv, i, "--memory-floor", bad))) {
        double mb;
        if (!vb__parse_double(v, &mb) || mb < 0) {
            fprintf(stderr, "vbench: --memory-floor wants MiB, not '%s'\n", v);
            *bad = true;
        }
        pc->opts.memory_floor = mb * 1048576.0;
    } else {
        return *bad;
    }
    return true;
}

typedef struct progress_ctx {
    bool tty;
    size_t last_pass;
} progress_ctx;

static void progress(void *ctx, const vb_paired_report *r, size_t pass, size_t pairs,
                     const char *running)
{
    progress_ctx *p = ctx;
    if (p->tty) {
        fprintf(stderr, "\r\x1b[K[pass %zu, %zu to run, %.0f s] %s", pass, pairs, r->seconds,
                running);
    } else if (pass != p->last_pass) {
        fprintf(stderr, "paired: pass %zu, %zu benchmark%s to run\n", pass, pairs,
                pairs == 1 ? "" : "s");
    }
    p->last_pass = pass;
    fflush(stderr);
}

/* The arguments every process gets beyond the fixed ones, from this run's options. */
static size_t process_args(const vb_run_options *cfg, char store[][32], const char **args,
                           size_t max)
{
    size_t n = 0;
    if (cfg->min_rounds > 0 && n + 2 < max) {
        args[n++] = "--min-rounds";
        snprintf(store[0], 32, "%lld", cfg->min_rounds);
        args[n++] = store[0];
    }
    if (cfg->warmup == VB_ON && n + 1 < max) {
        args[n++] = "--warmup";
    }
    if (!cfg->memory && n + 1 < max) {
        args[n++] = "--no-memory";
    }
    args[n] = NULL;
    return n;
}

int vb__paired_main(vb__paired_cli *pc, const vb_run_options *cfg, const bool *selected,
                    const vb__outputs *outs, bool quiet)
{
    char head[PATH_MAX];
    const ssize_t len = readlink("/proc/self/exe", head, sizeof head - 1);
    if (len <= 0) {
        fprintf(stderr, "vbench: --paired: cannot find this suite's own binary: %s\n",
                strerror(errno));
        return 3;
    }
    head[len] = '\0';
    const size_t total = vb_registry_count();
    const char **names = vb__calloc(total ? total : 1, sizeof *names);
    double *thresholds = vb__calloc(total ? total : 1, sizeof *thresholds);
    if (!names || !thresholds) {
        vb__free((void *)names);
        vb__free(thresholds);
        fprintf(stderr, "vbench: out of memory\n");
        return 3;
    }
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        if (selected[i]) {
            const vb_bench *b = vb_registry_get(i);
            names[n] = b->fullname;
            thresholds[n++] = b->opts.threshold;
        }
    }
    char store[1][32];
    const char *extra[8];
    process_args(cfg, store, extra, sizeof extra / sizeof extra[0]);
    pc->opts.extra_args = extra;
    if (cfg->max_time > 0) {
        pc->opts.max_time = cfg->max_time;
    }
    if (cfg->timeout > 0) {
        pc->opts.timeout = cfg->timeout;
    }
    progress_ctx pctx = {!quiet && isatty(STDERR_FILENO), 0};
    vb_paired_report *r = NULL;
    vb_error e;
    const vb_status s = vb_paired_run(pc->base_binary, head, names, thresholds, n, &pc->opts,
                                      quiet ? NULL : progress, &pctx, &r, &e);
    if (pctx.tty) {
        fprintf(stderr, "\r\x1b[K");
    }
    vb__free((void *)names);
    vb__free(thresholds);
    if (s != VB_OK) {
        fprintf(stderr, "vbench: --paired: %s\n", e.msg);
        return s == VB_ERR_INVALID ? 2 : 3;
    }
    if (!quiet) {
        vb_paired_print(stdout, r, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
    }
    int code = r->regressions > 0 ? 1 : 0;
    for (size_t i = 0; i < r->nbenches; i++) {
        code = r->benches[i].failed && r->benches[i].head_failed ? 1 : code;
    }
    const struct {
        const char *path;
        vb_status (*write)(const vb_paired_report *, const char *, vb_error *);
    } files[] = {{outs->json, vb_paired_write_json},
                 {outs->markdown, vb_paired_write_markdown},
                 {outs->html, vb_paired_write_html},
                 {outs->gab, vb_paired_write_gab}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!files[i].path) {
            continue;
        }
        if (files[i].write(r, files[i].path, &e) != VB_OK) {
            fprintf(stderr, "vbench: %s\n", e.msg);
            code = 3;
        } else if (!quiet) {
            printf("wrote %s\n", files[i].path);
        }
    }
    vb_paired_report_free(r);
    return code;
}
