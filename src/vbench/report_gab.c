/* SPDX-License-Identifier: MIT */
/* github-action-benchmark's custom format ("customSmallerIsBetter"): one value per benchmark,
   the series its history and alerts are kept on. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "internal.h"

static vb_status write_list(json_t *list, const char *path, vb_error *err)
{
    const int rc = json_dump_file(list, path, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(list);
    return rc == 0 ? VB_OK : vb__error(err, VB_ERR_IO, "%s: cannot write", path);
}

vb_status vb_report_gab_write(const vb_suite *suite, const char *path, vb_error *err)
{
    json_t *list = json_array();
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        if (r->outcome != VB_OUTCOME_PASSED || r->ndata == 0 || !r->bench) {
            continue;
        }
        const double median = vb__result_median(r);
        const double factor = vb__result_env_factor(r, suite->machine);
        char extra[160];
        snprintf(extra, sizeof extra,
                 "median %.6g s per iteration on this machine, environment factor %.3f", median,
                 factor);
        json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:s}", "name", r->bench->fullname,
                                              "unit", "s (normalised)", "value", median / factor,
                                              "extra", extra));
    }
    return write_list(list, path, err);
}

vb_status vb_paired_write_gab(const vb_paired_report *r, const char *path, vb_error *err)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->nbenches; i++) {
        const vb_paired_bench *b = &r->benches[i];
        if (!b->time.present || !isfinite(b->time.ratio)) {
            continue;
        }
        char range[64], extra[128];
        snprintf(range, sizeof range, "%.4f..%.4f", b->time.low, b->time.high);
        snprintf(extra, sizeof extra, "head/base over %zu pairs, base %s", b->pairs,
                 r->base_commit);
        json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:s, s:s}", "name", b->name, "unit",
                                              "ratio", "value", b->time.ratio, "range", range,
                                              "extra", extra));
    }
    return write_list(list, path, err);
}
