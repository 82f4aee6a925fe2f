/* SPDX-License-Identifier: MIT */
/* What is known of the machine and the source tree of a run, and the warnings it deserves. */
#ifndef VBENCH_MACHINE_H
#define VBENCH_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What is known of the machine and the source tree of a run. */
typedef struct vb_machine {
    char datetime[40]; /**< ISO 8601 local time of the start, "2026-11-27T04:15:17.810721" */
    char date_utc[40]; /**< "2026-11-27T04:15:20+00:00" (Google Benchmark's context.date) */
    char host[256];
    char system[64], release[128], machine[64]; /**< uname */
    char cpu_brand[128], cpu_vendor[64];
    char executable[1024];
    int num_cpus;
    double mhz_per_cpu; /**< 0 when unknown */
    char governor[64];  /**< "" when unknown */
    bool cpu_scaling_enabled;
    double load_avg[3]; /**< -1 when unknown */
    char compiler[64];
    bool optimized; /**< every selected benchmark was built with optimisation */
    /* commit_info, from git when available */
    char commit_id[64]; /**< "unversioned" outside git */
    char commit_time[40], author_time[40], branch[128], project[128];
    bool dirty, has_commit;
    double env_factor; /**< environment factor of the run, 0 when not measured */
    double env_factor_threads; /**< the same by the two-thread kernel, 0 when not measured */
    double calib_time; /**< seconds of the environment calibration kernel, 0 when not run */
    double calib_time_threads; /**< seconds of the two-thread kernel, 0 when not run */
} vb_machine;

/**
 * Fills `m` (not NULL) from uname, /proc, sysfs and `git` (run in the current directory; a
 * missing git or repository gives "unversioned"). Never fails; unknown fields stay empty.
 * Runs child processes (git): not for a multi-threaded program's hot path.
 */
void vb_machine_probe(vb_machine *m);

/**
 * Builds the warnings of the header into `buf` (one per line, "" when none): governor not
 * `performance`, code built without optimisation, load average above the number of CPUs / 2.
 * Returns the number of warnings. Thread-safe.
 */
int vb_machine_warnings(const vb_machine *m, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
