/* SPDX-License-Identifier: MIT */
/* Hardware event counters through perf_event_open (Linux), where the CPU and kernel offer
   them: instructions, cycles, branch and cache misses of the counting round's loop. */
#if defined(__linux__)
#define _DEFAULT_SOURCE 1 /* syscall() */
#endif

#include <string.h>
#include <unistd.h>

#include "internal.h"

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/perf_event.h>)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#define VB__HAVE_PERF 1
#endif
#endif

#ifdef VB__HAVE_PERF
static const uint64_t events[VB__HW_EVENTS] = {PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CPU_CYCLES,
                                               PERF_COUNT_HW_BRANCH_MISSES,
                                               PERF_COUNT_HW_CACHE_MISSES};
static int fds[VB__HW_EVENTS] = {-1, -1, -1, -1};
static int state; /* 0 not tried, 1 open, -1 unavailable */

static int open_event(uint64_t config)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_HARDWARE;
    a.size = sizeof a;
    a.config = config;
    a.disabled = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

bool vb_hw_available(void)
{
    if (state == 0) {
        /* Instructions are required; the other events are taken when they open. */
        for (int i = 0; i < VB__HW_EVENTS; i++) {
            fds[i] = open_event(events[i]);
        }
        state = fds[0] >= 0 ? 1 : -1;
    }
    return state == 1;
}

void vb__hw_begin(void)
{
    for (int i = 0; i < VB__HW_EVENTS; i++) {
        if (fds[i] >= 0) {
            ioctl(fds[i], PERF_EVENT_IOC_RESET, 0);
            ioctl(fds[i], PERF_EVENT_IOC_ENABLE, 0);
        }
    }
}

void vb__hw_end(double counts[VB__HW_EVENTS])
{
    for (int i = 0; i < VB__HW_EVENTS; i++) {
        counts[i] = -1;
        uint64_t v = 0;
        if (fds[i] >= 0) {
            ioctl(fds[i], PERF_EVENT_IOC_DISABLE, 0);
            if (read(fds[i], &v, sizeof v) == (ssize_t)sizeof v) {
                counts[i] = (double)v;
            }
        }
    }
}

#else

bool vb_hw_available(void)
{
    return false;
}

void vb__hw_begin(void) {}

void vb__hw_end(double counts[VB__HW_EVENTS])
{
    for (int i = 0; i < VB__HW_EVENTS; i++) {
        counts[i] = -1;
    }
}

#endif
