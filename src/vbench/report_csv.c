/* SPDX-License-Identifier: MIT */
/* The --csv results file: pytest-benchmark's --benchmark-csv columns, plus memory. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

vb_status vb_report_csv_write(const vb_suite *suite, const char *path, vb_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return vb__error(err, VB_ERR_IO, "%s: cannot open for writing", path);
    }
    fputs("name,param,min,max,mean,stddev,median,iqr,outliers,ops,rounds,iterations,"
          "peak_rss_bytes,heap_peak_bytes,heap_allocs_per_iter,outcome,repetitions\n",
          f);
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        if (!r->bench) {
            continue;
        }
        const vb_stats *s = &r->stats;
        field(f, r->bench->fullname);
        if (r->bench->has_param) {
            fprintf(f, ",%lld", r->bench->param);
        } else {
            fputs(",", f);
        }
        if (r->ndata > 0) {
            fprintf(f, ",%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%llu;%llu,%.9g,%llu,%llu", s->min, s->max,
                    s->mean, s->stddev, s->median, s->iqr, (unsigned long long)s->stddev_outliers,
                    (unsigned long long)s->iqr_outliers, s->ops, (unsigned long long)s->rounds,
                    (unsigned long long)r->iterations);
        } else {
            fputs(",,,,,,,,,,", f);
        }
        fprintf(f, ",%lld,%lld,", (long long)r->peak_rss, (long long)r->heap_peak);
        if (r->heap_allocs >= 0) {
            fprintf(f, "%.6g", r->heap_allocs);
        }
        fprintf(f, ",%s,%zu\n", vb_outcome_name(r->outcome), r->nreps);
    }
    const bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        return vb__error(err, VB_ERR_IO, "%s: write failed", path);
    }
    return VB_OK;
}
