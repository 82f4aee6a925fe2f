/* SPDX-License-Identifier: MIT */
/* The timed loop's edges (start and stop of the clock) and what a body calls inside it. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "internal.h"

static uint64_t now(const struct vb__run *r)
{
    return r->clock->now_ns(r->clock->ctx);
}

/* The CPU time of the whole process, every thread, and of the children it has waited for
   (a benchmark that imports in a child process), in ns; 0 when it cannot be read. */
static uint64_t cpu_now(void)
{
    struct timespec ts;
    struct rusage ru;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0 || getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        return 0;
    }
    const uint64_t children_us = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
                                 (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + children_us * 1000u;
}

void vb__round_reset(vb_state *st, uint64_t iterations)
{
    struct vb__run *r = st->vb__run;
    st->vb__left = 0;
    r->iterations = iterations;
    r->phase = 0;
    r->paused = false;
    r->paused_ns = 0;
    r->elapsed_ns = 0;
    r->cpu_paused_ns = 0;
    r->cpu_elapsed_ns = 0;
    r->heap_done = false;
}

bool vb__loop_edge(vb_state *st)
{
    struct vb__run *r = st->vb__run;
    if (r->phase == 0) {
        r->phase = 1;
        if (r->failed || r->iterations == 0) {
            r->phase = 2;
            return false;
        }
        st->vb__left = r->iterations - 1;
        if (r->heap_round) {
            vb_heap_begin();
        }
        if (r->hw_round) {
            vb__hw_begin();
        }
        if (r->callgrind) {
            vb__callgrind_toggle();
        }
        /* The clock is read last on the way in and first on the way out (the CPU clock just
           outside it). */
        if (r->cpu) {
            r->cpu_start_ns = cpu_now();
        }
        r->start_ns = now(r);
        return true;
    }
    if (r->phase == 1) {
        uint64_t end = now(r);
        uint64_t cpu_end = r->cpu ? cpu_now() : 0;
        if (r->callgrind) {
            vb__callgrind_toggle();
        }
        if (r->hw_round) {
            vb__hw_end(r->hw);
        }
        if (r->heap_round) {
            r->heap = vb_heap_end();
            r->heap_done = true;
        }
        if (r->paused) {
            end = r->pause_start_ns;
            cpu_end = r->cpu_pause_start_ns;
            r->paused = false;
        }
        const uint64_t span = end > r->start_ns ? end - r->start_ns : 0;
        r->elapsed_ns = span > r->paused_ns ? span - r->paused_ns : 0;
        if (r->cpu) {
            const uint64_t cpu = cpu_end > r->cpu_start_ns ? cpu_end - r->cpu_start_ns : 0;
            r->cpu_elapsed_ns = cpu > r->cpu_paused_ns ? cpu - r->cpu_paused_ns : 0;
        }
        r->phase = 2;
        return false;
    }
    return false;
}

uint64_t vb__loop_begin(vb_state *st)
{
    if (!vb__loop_edge(st)) {
        return 0;
    }
    /* The clock runs: hand the whole count to the caller's local variable. */
    const uint64_t n = st->vb__left + 1;
    st->vb__left = 0;
    return n;
}

bool vb__loop_end(vb_state *st)
{
    st->vb__left = 0;
    return vb__loop_edge(st);
}

void vb_pause(vb_state *st)
{
    struct vb__run *r = st->vb__run;
    if (r->phase == 1 && !r->paused) {
        r->paused = true;
        r->pause_start_ns = now(r);
        if (r->cpu) {
            r->cpu_pause_start_ns = cpu_now();
        }
    }
}

void vb_resume(vb_state *st)
{
    struct vb__run *r = st->vb__run;
    if (r->phase == 1 && r->paused) {
        if (r->cpu) {
            const uint64_t c = cpu_now();
            r->cpu_paused_ns += c > r->cpu_pause_start_ns ? c - r->cpu_pause_start_ns : 0;
        }
        const uint64_t t = now(r);
        r->paused_ns += t > r->pause_start_ns ? t - r->pause_start_ns : 0;
        r->paused = false;
    }
}

void vb_set_items(vb_state *st, double items_per_iteration)
{
    st->vb__run->items = items_per_iteration;
}

void vb_set_bytes(vb_state *st, double bytes_per_iteration)
{
    st->vb__run->bytes = bytes_per_iteration;
}

void vb_counter_set(vb_state *st, const char *name, double value)
{
    struct vb__run *r = st->vb__run;
    if (!name || !*name) {
        return;
    }
    for (size_t i = 0; i < r->ncounters; i++) {
        if (strncmp(r->counters[i].name, name, sizeof r->counters[i].name - 1) == 0) {
            r->counters[i].value = value;
            return;
        }
    }
    if (r->ncounters < VB_MAX_COUNTERS) {
        vb__strlcpy(r->counters[r->ncounters].name, name, sizeof r->counters[0].name);
        r->counters[r->ncounters].value = value;
        r->ncounters++;
    }
}

long long vb_param(const vb_state *st)
{
    return st->vb__run->param;
}

bool vb_has_param(const vb_state *st)
{
    return st->vb__run->has_param;
}

void *vb_context(const vb_state *st)
{
    return st->vb__run->context;
}

void vb_set_context(vb_state *st, void *context)
{
    st->vb__run->context = context;
}

uint64_t vb_iterations(const vb_state *st)
{
    return st->vb__run->iterations;
}

bool vb_is_smoke(const vb_state *st)
{
    return st->vb__run->smoke;
}

void vb__fail(vb_state *st, const char *fmt, ...)
{
    struct vb__run *r = st->vb__run;
    if (!r->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg, sizeof r->msg, fmt, ap);
        va_end(ap);
        r->failed = true;
    }
    /* End the running loop at its next test. */
    st->vb__left = 0;
}

bool vb__check(vb_state *st, bool ok, const char *msg, const char *file, int line)
{
    if (!ok) {
        const char *base = strrchr(file, '/');
        vb__fail(st, "%s:%d: check failed: %s", base ? base + 1 : file, line, msg ? msg : "");
    }
    return ok;
}

bool vb_failed(const vb_state *st)
{
    return st->vb__run->failed;
}
