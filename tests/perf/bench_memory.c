/* SPDX-License-Identifier: MIT */
/* Memory benchmarks (the seed's test_memory_benchmarks): zip import, peak RSS, flat memory. */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "perf_inputs.h"
#include "vbench/vbench.h"

#define MB (1000u * 1000u)


/* The export of this benchmark: 100 MB (10 MB in smoke runs, which only check the body). */
typedef struct export_ctx {
    char path[4096];
    uint64_t bytes;
} export_ctx;

static export_ctx exports[3];

/* The benchmark's context: `e`, whose MB/s count the bytes of the XML at `xml`. */
static int use_export(vb_state *st, export_ctx *e, const char *xml)
{
    struct stat sb;
    if (stat(xml, &sb) != 0) {
        return 1;
    }
    e->bytes = (uint64_t)sb.st_size;
    vb_set_context(st, e);
    return 0;
}

static int make_export(vb_state *st, int slot, uint64_t bytes, int zip)
{
    export_ctx *e = &exports[slot];
    vt_error err;
    memset(&err, 0, sizeof err);
    if (perf_export(vb_is_smoke(st) ? 10u * MB : bytes, 0, zip, e->path, sizeof e->path,
                    &err) != 0) {
        fprintf(stderr, "cannot generate the export: %s\n", err.msg);
        return 1;
    }
    char xml[4096];
    /* The XML size (for MB/s) is that of the plain export with the same parameters. */
    if (zip && perf_export(vb_is_smoke(st) ? 10u * MB : bytes, 0, 0, xml, sizeof xml, &err) != 0) {
        return 1;
    }
    return use_export(st, e, zip ? xml : e->path);
}

static int zip_100mb(vb_state *st)
{
    return make_export(st, 1, 100u * MB, 1);
}

/* 15. Importing the same 100 MB export from an export.zip (streamed through libzip). */
static void import_from_zip(vb_state *st)
{
    const export_ctx *e = vb_context(st);
    vt_import_stats stats;
    const vt_status rc = perf_import_timed(st, e->path, "import_zip.db", 0, &stats);
    vb_check(st, rc == VT_OK && stats.records.inserted > 0, "the export.zip is imported");
    vb_set_bytes(st, (double)e->bytes);
    vb_set_items(st, (double)stats.records.inserted);
}
/* Two threads, like import_file_db. */
VB_BENCHMARK(import_from_zip, .group = "import", .marks = "performance,import,memory",
             .setup = zip_100mb, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 5.0,
             .threads = 2);

/* Imports `path` into a fresh database in a child process; gives the child's peak RSS. */
static int import_rss(const char *path, const char *db, double *rss_mib)
{
    const pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        perf_remove_db(db);
        vt_store *s = NULL;
        int ok = vt_store_open(db, NULL, &s, NULL) == VT_OK &&
                 vt_import(s, path, NULL, NULL, NULL) == VT_OK;
        vt_store_close(s);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return -1;
    }
#ifdef __APPLE__
    *rss_mib = (double)ru.ru_maxrss / 1048576.0; /* bytes on macOS */
#else
    *rss_mib = (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
#endif
    return 0;
}

/* 16. Peak RSS while importing a generated 1 GB export (seed: < 100 MB; ours: < 32 MB). */
static int xml_1gb(vb_state *st)
{
    return make_export(st, 2, 1000u * MB, 0);
}

static void import_1gb_into(vb_state *st, const char *db_name)
{
    /* The import runs in this benchmark's own process (vbench forks one per benchmark), so
     * the Peak RSS column and the 32 MiB limit are the import's. */
    const export_ctx *e = vb_context(st);
    vt_import_stats stats;
    const vt_status rc = perf_import_timed(st, e->path, db_name, 0, &stats);
    vb_check(st, rc == VT_OK && stats.records.inserted > 0, "the 1 GB export is imported");
    vb_set_bytes(st, (double)e->bytes);
    vb_set_items(st, (double)stats.records.inserted);
}

static void import_1gb_rss(vb_state *st)
{
    import_1gb_into(st, "import_1gb.db");
}
VB_BENCHMARK(import_1gb_rss, .group = "memory", .marks = "performance,memory,import",
             .setup = xml_1gb, .pedantic = 1, .rounds = 1, .iterations = 1, .warmup_rounds = 0,
             .heap_round = VB_OFF, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 30.0,
             .threads = 2);

/* 16b. The same with the dense 1 GB export (about 3.7 M records: more rows for the writer);
 * two threads, as vt_import's default. */
static int dense_1gb(vb_state *st)
{
    export_ctx *e = &exports[0];
    vt_error err;
    memset(&err, 0, sizeof err);
    if (perf_export_dense(vb_is_smoke(st) ? 10u * MB : 1000u * MB, e->path, sizeof e->path, &err) !=
        0) {
        fprintf(stderr, "cannot generate the export: %s\n", err.msg);
        return 1;
    }
    return use_export(st, e, e->path);
}

static void import_1gb_dense_rss(vb_state *st)
{
    import_1gb_into(st, "import_1gb_dense.db");
}
VB_BENCHMARK(import_1gb_dense_rss, .group = "memory", .marks = "performance,memory,import",
             .setup = dense_1gb, .pedantic = 1, .rounds = 1, .iterations = 1, .warmup_rounds = 0,
             .heap_round = VB_OFF, .max_rss_mb = IMPORT_MAX_RSS_MB, .max_mean_s = 30.0,
             .threads = 2);

/* 17. Flat memory: the peak RSS of importing 10 MB, 100 MB and 1 GB exports; the largest
 * over the smallest stays under 1.5. */
static void flat_memory(vb_state *st)
{
    static const uint64_t sizes[3] = {10u * MB, 100u * MB, 1000u * MB};
    const int n = vb_is_smoke(st) ? 2 : 3;
    double rss[3] = {0, 0, 0};
    int ok = 1;
    char db[4096];
    perf_scratch_path("flat_memory.db", db, sizeof db);
    while (vb_loop(st)) {
        for (int i = 0; i < n && ok; i++) {
            char path[4096];
            vt_error err;
            vb_pause(st);
            ok = perf_export(sizes[i], 0, 0, path, sizeof path, &err) == 0;
            vb_resume(st);
            ok = ok && import_rss(path, db, &rss[i]) == 0;
        }
    }
    perf_remove_db(db);
    vb_check(st, ok, "every import succeeds");
    const double ratio = rss[0] > 0 ? rss[n - 1] / rss[0] : 0;
    vb_counter_set(st, "rss_10mb_mib", rss[0]);
    vb_counter_set(st, "rss_100mb_mib", rss[1]);
    if (n > 2) {
        vb_counter_set(st, "rss_1gb_mib", rss[2]);
    }
    vb_counter_set(st, "rss_ratio", ratio);
    /* Sanitizer builds (IMPORT_MAX_RSS_MB 0) skew RSS with shadow memory: no bound there. */
    vb_check(st, IMPORT_MAX_RSS_MB == 0 || (ratio > 0 && ratio < 1.5),
             "largest peak RSS over smallest under 1.5");
}
VB_BENCHMARK(flat_memory, .group = "memory", .marks = "performance,memory,import",
             .pedantic = 1, .rounds = 1, .iterations = 1, .warmup_rounds = 0,
             .heap_round = VB_OFF, .max_mean_s = 60.0, .threads = 2);
