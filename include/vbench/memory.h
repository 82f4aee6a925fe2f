/* SPDX-License-Identifier: MIT */
/* Memory of the running process: heap counting by malloc interposition, peak and current RSS. */
#ifndef VBENCH_MEMORY_H
#define VBENCH_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Heap figures of a counted region. */
typedef struct vb_heap_counts {
    uint64_t allocs;   /**< calls to malloc, calloc, realloc, memalign and friends */
    uint64_t frees;    /**< calls to free with a non-NULL pointer */
    uint64_t bytes;    /**< bytes requested */
    int64_t peak_live; /**< peak of live bytes (usable sizes) above the start of the region */
} vb_heap_counts;

/**
 * Whether this build counts heap operations: true on glibc without sanitizers, where libvbench
 * defines malloc & co. calling glibc's __libc_malloc & co.; false elsewhere (macOS,
 * AddressSanitizer builds, or a tool such as valgrind replacing malloc in the program too,
 * which a probe allocation detects), where heap figures are reported "n/a". Probed once per
 * process (not thread-safe the first time).
 */
bool vb_heap_available(void);

/** Starts counting (process-wide, every thread, atomics). Regions do not nest: one thread
    begins and ends a region. */
void vb_heap_begin(void);
/** Stops counting and returns the figures of the region. */
vb_heap_counts vb_heap_end(void);

/** The process's peak resident set size in bytes (VmHWM, or ru_maxrss); -1 when unknown. */
int64_t vb_rss_peak(void);
/** The process's current resident set size in bytes (VmRSS); -1 when unknown. */
int64_t vb_rss_current(void);
/** Resets the peak RSS to the current RSS where the kernel allows it (Linux clear_refs 5);
    false when it cannot. The RSS functions are thread-safe but process-wide. */
bool vb_rss_reset_peak(void);

#ifdef __cplusplus
}
#endif
#endif
