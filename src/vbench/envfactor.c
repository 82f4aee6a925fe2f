/* SPDX-License-Identifier: MIT */
/* The environment calibration kernel: how fast this machine is now, CPU and memory together. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The largest cache of cpu0 in bytes (sysfs), 32 MiB when unknown. */
static size_t last_level_cache(void)
{
    size_t best = 0;
    for (int i = 0; i < 16; i++) {
        char path[96], buf[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        FILE *f = fopen(path, "r");
        if (!f) {
            break;
        }
        const bool got = fgets(buf, sizeof buf, f) != NULL;
        fclose(f);
        long long v = 0;
        char unit = 'B';
        if (got && sscanf(buf, "%lld%c", &v, &unit) >= 1 && v > 0) {
            const size_t bytes = (size_t)v * (unit == 'K' ? 1024u : unit == 'M' ? 1048576u : 1u);
            best = bytes > best ? bytes : best;
        }
    }
    return best ? best : (size_t)32 << 20;
}

/* The CPU-bound part: an integer LCG and a floating-point recurrence, fixed work. */
static double cpu_work(void)
{
    uint64_t a = 0x9e3779b97f4a7c15u;
    double x = 0.5;
    for (int i = 0; i < 6000000; i++) {
        a = a * 6364136223846793005u + 1442695040888963407u;
        x = x * 0.999999 + (double)(a >> 40) * 1e-12;
    }
    return x + (double)(a & 0xff);
}

/* The memory-bound part: one read-modify-write per cache line of the buffer. */
static uint64_t memory_work(unsigned char *buf, size_t size)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < size; i += 64) {
        buf[i] = (unsigned char)(buf[i] + 1);
        sum += buf[i];
    }
    return sum;
}

vb_status vb_envfactor_kernel(int runs, double *seconds, vb_error *err)
{
    if (runs < 1 || runs > 101 || !seconds) {
        return vb__error(err, VB_ERR_INVALID, "the calibration kernel needs 1 to 101 runs");
    }
    size_t size = 2 * last_level_cache();
    size = size < ((size_t)16 << 20) ? (size_t)16 << 20 : size;
    size = size > ((size_t)128 << 20) ? (size_t)128 << 20 : size;
    unsigned char *buf = vb__malloc(size);
    if (!buf) {
        return vb__nomem(err);
    }
    memset(buf, 1, size); /* fault the pages in before timing */
    double times[101];
    const vb_clock *clk = vb_clock_monotonic();
    volatile double sink = 0;
    for (int r = 0; r < runs; r++) {
        const uint64_t t0 = clk->now_ns(clk->ctx);
        sink = sink + cpu_work();
        sink = sink + (double)memory_work(buf, size);
        sink = sink + (double)memory_work(buf, size);
        times[r] = (double)(clk->now_ns(clk->ctx) - t0) * 1e-9;
    }
    vb__free(buf);
    vb_stats_sort(times, (size_t)runs);
    *seconds = vb_stats_median_sorted(times, (size_t)runs);
    return VB_OK;
}

/* One thread of the multi-thread kernel: the same work on its own buffer. */
typedef struct kernel_thread {
    unsigned char *buf;
    size_t size;
    double sink;
} kernel_thread;

static void *kernel_thread_run(void *arg)
{
    kernel_thread *k = arg;
    k->sink =
        cpu_work() + (double)memory_work(k->buf, k->size) + (double)memory_work(k->buf, k->size);
    return NULL;
}

vb_status vb_envfactor_kernel_threads(int threads, int runs, double *seconds, vb_error *err)
{
    if (threads < 1 || threads > 16 || runs < 1 || runs > 101 || !seconds) {
        return vb__error(err, VB_ERR_INVALID,
                         "the calibration kernel needs 1 to 16 threads and 1 to 101 runs");
    }
    /* Each thread streams its share of twice the last-level cache, so that together they
       load the memory as the one-thread kernel does. */
    size_t size = 2 * last_level_cache() / (size_t)threads;
    size = size < ((size_t)8 << 20) ? (size_t)8 << 20 : size;
    size = size > ((size_t)64 << 20) ? (size_t)64 << 20 : size;
    kernel_thread k[16];
    vb_status s = VB_OK;
    int made = 0;
    for (; made < threads; made++) {
        k[made].size = size;
        k[made].buf = vb__malloc(size);
        if (!k[made].buf) {
            s = vb__nomem(err);
            break;
        }
        memset(k[made].buf, 1, size);
    }
    double times[101];
    const vb_clock *clk = vb_clock_monotonic();
    for (int r = 0; r < runs && s == VB_OK; r++) {
        pthread_t tid[16];
        int started = 0;
        const uint64_t t0 = clk->now_ns(clk->ctx);
        for (; started < threads; started++) {
            if (pthread_create(&tid[started], NULL, kernel_thread_run, &k[started]) != 0) {
                s = vb__error(err, VB_ERR_INTERNAL, "cannot start a calibration thread");
                break;
            }
        }
        for (int t = 0; t < started; t++) {
            pthread_join(tid[t], NULL);
        }
        times[r] = (double)(clk->now_ns(clk->ctx) - t0) * 1e-9;
    }
    for (int t = 0; t < made; t++) {
        vb__free(k[t].buf);
    }
    if (s != VB_OK) {
        return s;
    }
    vb_stats_sort(times, (size_t)runs);
    *seconds = vb_stats_median_sorted(times, (size_t)runs);
    return VB_OK;
}
