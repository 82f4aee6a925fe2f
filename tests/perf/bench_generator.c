/* SPDX-License-Identifier: MIT */
/* Generator, timestamp and harness benchmarks. */
#include <stdio.h>
#include <string.h>

#include "perf_inputs.h"
#include "vbench/vbench.h"

/* 18. Timestamp parsing: 10,000 distinct Apple timestamps a pass. */
enum { N_STAMPS = 10000 };
static char stamps[N_STAMPS][VT_TIME_BUFSZ];

static int make_stamps(vb_state *st)
{
    (void)st;
    for (int i = 0; i < N_STAMPS; i++) {
        const vt_time t = {1577836800 + (int64_t)i * 7919, (int16_t)((i % 49 - 24) * 30)};
        vt_time_format(t, stamps[i]);
    }
    return 0;
}

static void parse_timestamps(vb_state *st)
{
    int64_t sum = 0;
    int bad = 0;
    while (vb_loop(st)) {
        for (int i = 0; i < N_STAMPS; i++) {
            vt_time t;
            bad |= vt_time_parse(stamps[i], 25, &t, NULL) != VT_OK;
            sum += t.utc;
        }
        vb_do_not_optimize(sum);
    }
    vb_check(st, !bad, "every timestamp parses");
    vb_set_items(st, N_STAMPS);
    vb_set_bytes(st, N_STAMPS * 25.0);
}
VB_BENCHMARK(parse_timestamps, .group = "parsing", .marks = "performance", .setup = make_stamps);

/* 19. Generating 1825 days x 100 records into a table. */
static void generate_records(vb_state *st)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 1825;
    o.per_day = 100;
    vt_table *t = NULL;
    vt_status rc = vt_table_new(&t, NULL);
    while (vb_loop(st)) {
        vt_table_clear(t);
        if (rc == VT_OK) {
            rc = vt_gen_table(&o, t, NULL);
        }
    }
    const size_t n = t ? vt_table_count(t) : 0;
    vb_check(st, rc == VT_OK && n == 1825 * 100, "1825 x 100 records");
    vb_set_items(st, (double)n);
    vt_table_free(t);
}
VB_BENCHMARK(generate_records, .group = "generator", .marks = "performance", .max_mean_s = 2.0);

/* 20. Writing a 100 MB export.xml (to a scratch file under the build tree). */
static void write_export_100mb(vb_state *st)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.target_bytes = 100u * 1000 * 1000;
    char path[4096];
    perf_scratch_path("write_export.xml", path, sizeof path);
    vt_gen_xml_stats stats;
    memset(&stats, 0, sizeof stats);
    vt_status rc = VT_OK;
    while (vb_loop(st)) {
        rc = vt_gen_write_file(&o, path, 0, &stats, NULL);
    }
    remove(path);
    vb_check(st, rc == VT_OK && stats.bytes >= o.target_bytes, "100 MB written");
    vb_set_bytes(st, (double)stats.bytes);
    vb_set_items(st, (double)stats.records);
}
VB_BENCHMARK(write_export_100mb, .group = "generator", .marks = "performance,memory",
             .max_rss_mb = 32, .max_mean_s = 5.0);

/* 21. The harness's own overhead per iteration of an empty body. */
static void empty_body(vb_state *st)
{
    while (vb_loop(st)) {
        vb_clobber();
    }
}
VB_BENCHMARK(empty_body, .group = "harness", .marks = "performance");
