/* SPDX-License-Identifier: MIT */
/* Heap counting by interposing malloc & co. (glibc), and the process's peak and current RSS. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||                         \
    __has_feature(thread_sanitizer)
#define VB__SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define VB__SANITIZED 1
#endif

#if defined(__GLIBC__) && !defined(VB__SANITIZED) && !defined(VB_NO_HEAP_COUNTING)
#define VB__INTERPOSE 1
#endif

#ifdef VB__INTERPOSE
#include <malloc.h>

/* glibc's own entry points: our definitions of malloc & co. forward to them. Strong
   definitions in the program take precedence over libc's for every caller, shared libraries
   included, so the code under test needs no change. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_int active;
/* Set by our malloc the first time it runs: a tool that replaces malloc in the executable
   too (valgrind's memcheck) bypasses ours, and counting is then not available. */
static atomic_int interposed;
static atomic_uint_fast64_t n_allocs, n_frees, n_bytes;
static atomic_int_fast64_t live, peak;

static void count_alloc(void *p, size_t requested)
{
    if (!p || !atomic_load_explicit(&active, memory_order_relaxed)) {
        return;
    }
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&n_bytes, requested, memory_order_relaxed);
    const int_fast64_t now = atomic_fetch_add_explicit(&live, (int_fast64_t)malloc_usable_size(p),
                                                       memory_order_relaxed) +
                             (int_fast64_t)malloc_usable_size(p);
    int_fast64_t seen = atomic_load_explicit(&peak, memory_order_relaxed);
    while (now > seen && !atomic_compare_exchange_weak_explicit(
                             &peak, &seen, now, memory_order_relaxed, memory_order_relaxed)) {
    }
}

static void count_free(void *p)
{
    if (!p || !atomic_load_explicit(&active, memory_order_relaxed)) {
        return;
    }
    atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&live, (int_fast64_t)malloc_usable_size(p), memory_order_relaxed);
}

void *malloc(size_t size)
{
    if (!atomic_load_explicit(&interposed, memory_order_relaxed)) {
        atomic_store_explicit(&interposed, 1, memory_order_relaxed);
    }
    void *p = __libc_malloc(size);
    count_alloc(p, size);
    return p;
}

void *calloc(size_t count, size_t size)
{
    void *p = __libc_calloc(count, size);
    count_alloc(p, count * size);
    return p;
}

void *realloc(void *ptr, size_t size)
{
    const bool on = atomic_load_explicit(&active, memory_order_relaxed);
    const size_t old = on && ptr ? malloc_usable_size(ptr) : 0;
    void *q = __libc_realloc(ptr, size);
    if (on && (q || size == 0)) {
        if (ptr) {
            atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
            atomic_fetch_sub_explicit(&live, (int_fast64_t)old, memory_order_relaxed);
        }
        count_alloc(q, size);
    }
    return q;
}

void free(void *ptr)
{
    count_free(ptr);
    __libc_free(ptr);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) {
        return EINVAL;
    }
    void *p = __libc_memalign(alignment, size);
    if (!p) {
        return ENOMEM;
    }
    count_alloc(p, size);
    *out = p;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size)
{
    void *p = __libc_memalign(alignment, size);
    count_alloc(p, size);
    return p;
}

void *memalign(size_t alignment, size_t size)
{
    void *p = __libc_memalign(alignment, size);
    count_alloc(p, size);
    return p;
}

void *valloc(size_t size)
{
    void *p = __libc_valloc(size);
    count_alloc(p, size);
    return p;
}

void *pvalloc(size_t size)
{
    void *p = __libc_pvalloc(size);
    count_alloc(p, size);
    return p;
}

bool vb_heap_available(void)
{
    /* One allocation through a volatile pointer (the compiler may not elide it) tells
       whether malloc is ours. */
    void *(*volatile alloc)(size_t) = malloc;
    free(alloc(1));
    return atomic_load_explicit(&interposed, memory_order_relaxed) != 0;
}

void vb_heap_begin(void)
{
    atomic_store(&n_allocs, 0);
    atomic_store(&n_frees, 0);
    atomic_store(&n_bytes, 0);
    atomic_store(&live, 0);
    atomic_store(&peak, 0);
    atomic_store(&active, 1);
}

vb_heap_counts vb_heap_end(void)
{
    atomic_store(&active, 0);
    vb_heap_counts c;
    c.allocs = (uint64_t)atomic_load(&n_allocs);
    c.frees = (uint64_t)atomic_load(&n_frees);
    c.bytes = (uint64_t)atomic_load(&n_bytes);
    c.peak_live = (int64_t)atomic_load(&peak);
    return c;
}

#else /* no interposition: macOS, sanitizers */

bool vb_heap_available(void)
{
    return false;
}

void vb_heap_begin(void) {}

vb_heap_counts vb_heap_end(void)
{
    vb_heap_counts c = {0, 0, 0, -1};
    return c;
}

#endif

#if defined(__linux__)
/* A "Name:   123 kB" line of /proc/self/status, in bytes; -1 when absent. */
static int64_t proc_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) {
        return -1;
    }
    char line[256];
    int64_t value = -1;
    const size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            long long kb = 0;
            if (sscanf(line + klen + 1, "%lld", &kb) == 1) {
                value = (int64_t)kb * 1024;
            }
            break;
        }
    }
    fclose(f);
    return value;
}
#endif

int64_t vb_rss_peak(void)
{
#if defined(__linux__)
    const int64_t hwm = proc_status_kb("VmHWM");
    if (hwm >= 0) {
        return hwm;
    }
#endif
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return -1;
    }
#if defined(__APPLE__)
    return (int64_t)ru.ru_maxrss; /* bytes on macOS */
#else
    return (int64_t)ru.ru_maxrss * 1024; /* KiB on Linux and the BSDs */
#endif
}

int64_t vb_rss_current(void)
{
#if defined(__linux__)
    return proc_status_kb("VmRSS");
#else
    return -1;
#endif
}

bool vb_rss_reset_peak(void)
{
#if defined(__linux__)
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) {
        return false;
    }
    const bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
#else
    return false;
#endif
}
