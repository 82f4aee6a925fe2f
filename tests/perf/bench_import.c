/* SPDX-License-Identifier: MIT */
/* Import benchmarks: the export reader alone, and vt_import into a file database on one and
 * two threads, on a generated 100 MB export (10 MB in smoke runs) of each shape: Apple's
 * (about 430 bytes a record) and the dense one (about 290), in Apple's order (type after
 * type); and the dense one in the time order (the types interleaved), the worst case of the
 * natural-key index. */
#include <stdio.h>
#include <string.h>

#include "perf_inputs.h"
#include "vbench/vbench.h"

typedef struct import_input {
    char path[4096];
} import_input;

static import_input input, dense, dense_time;

static int export_100mb(vb_state *st)
{
    vt_error err;
    const uint64_t bytes = vb_is_smoke(st) ? 10u * 1000 * 1000 : 100u * 1000 * 1000;
    if (perf_export(bytes, 0, 0, input.path, sizeof input.path, &err) != 0) {
        return 1;
    }
    vb_set_context(st, &input);
    return 0;
}

/* An export of the dense shape, 100 MB (10 MB in smoke runs), made by `make`. */
static int dense_input(vb_state *st, import_input *in,
                       int (*make)(uint64_t bytes, char *path, size_t size, vt_error *err))
{
    vt_error err;
    const uint64_t bytes = vb_is_smoke(st) ? 10u * 1000 * 1000 : 100u * 1000 * 1000;
    if (make(bytes, in->path, sizeof in->path, &err) != 0) {
        return 1;
    }
    vb_set_context(st, in);
    return 0;
}

/* The same size in the dense shape (vitals generate --shape dense: no device attribute). */
static int dense_100mb(vb_state *st)
{
    return dense_input(st, &dense, perf_export_dense);
}

/* The same export with each day's records of every type interleaved (vitals generate --order
 * time): ten insertion points in the natural-key index instead of one. */
static int dense_time_100mb(vb_state *st)
{
    return dense_input(st, &dense_time, perf_export_dense_time_order);
}

/* The reader alone: parse, decode and count every Record of the export (the issue's
 * "count the Records, sum their values" measurement, with the full decoder). */
static void read_export(vb_state *st)
{
    const import_input *in = vb_context(st);
    vt_read_stats stats;
    const vt_status rc = perf_read_timed(st, in->path, NULL, &stats);
    vb_check(st, rc == VT_OK && stats.summary.records > 0, "the export reads");
    vb_set_bytes(st, (double)stats.summary.bytes);
    vb_set_items(st, (double)stats.summary.records);
}
VB_BENCHMARK(read_export, .group = "import", .marks = "performance,import,memory",
             .setup = export_100mb, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 1.0);

static void import_with(vb_state *st, int threads)
{
    const import_input *in = vb_context(st);
    vt_import_stats stats;
    const vt_status rc = perf_import_timed(st, in->path, "import.db", threads, &stats);
    vb_check(st, rc == VT_OK && stats.records.inserted > 0, "every record is stored");
    vb_set_bytes(st, (double)stats.read.summary.bytes);
    vb_set_items(st, (double)(stats.read.summary.records + stats.read.summary.correlation_members));
}

/* vitals import into a file database (WAL), commit included, two threads. */
static void import_file_db(vb_state *st)
{
    import_with(st, 2);
}
/* Two threads: when another process holds the second core of a 2-vCPU runner the import slows
 * by up to 1.9x, which the one-thread calibration kernel cannot see; .threads = 2 makes the
 * stored-baseline gate scale its baseline by the two-thread kernel, which slows alike. */
VB_BENCHMARK(import_file_db, .group = "import", .marks = "performance,import,memory",
             .setup = export_100mb, .max_rss_mb = IMPORT_MAX_RSS_MB,
             .max_mean_s = 5.0, .threads = 2);

/* The same on one thread. */
static void import_file_db_one_thread(vb_state *st)
{
    import_with(st, 1);
}
VB_BENCHMARK(import_file_db_one_thread, .group = "import", .marks = "performance,import,memory",
             .setup = export_100mb, .max_rss_mb = IMPORT_MAX_RSS_MB,
             .max_mean_s = 5.0);

/* The dense shape, two threads and one: more records per byte, so more of the writer's work. */
static void import_dense_file_db(vb_state *st)
{
    import_with(st, 2);
}
VB_BENCHMARK(import_dense_file_db, .group = "import", .marks = "performance,import,memory",
             .setup = dense_100mb, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 5.0,
             .threads = 2);

static void import_dense_file_db_one_thread(vb_state *st)
{
    import_with(st, 1);
}
VB_BENCHMARK(import_dense_file_db_one_thread, .group = "import",
             .marks = "performance,import,memory", .setup = dense_100mb,
             .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 5.0);

/* The dense shape in the time order, two threads: the worst case of the natural-key index
 * (each row seeks its place from the index's root), watched so that a change that only hurts
 * interleaved exports does not go unseen. */
static void import_dense_time_order(vb_state *st)
{
    import_with(st, 2);
}
VB_BENCHMARK(import_dense_time_order, .group = "import", .marks = "performance,import,memory",
             .setup = dense_time_100mb, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 5.0,
             .threads = 2);
