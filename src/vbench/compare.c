/* SPDX-License-Identifier: MIT */
/* --compare: this run against a saved one, metric by metric, with a rank test. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const metrics[] = {"min",    "max",      "mean",     "median",
                                      "stddev", "peak_rss", "heap_peak"};
enum { NMETRICS = sizeof metrics / sizeof metrics[0] };

vb_status vb_compare_rule_parse(const char *text, vb_compare_rule *rule, vb_error *err)
{
    memset(rule, 0, sizeof *rule);
    const char *colon = text ? strchr(text, ':') : NULL;
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof rule->metric) {
        return vb__error(err, VB_ERR_PARSE, "--compare-fail \"%s\": expected METRIC:PERCENT%%",
                         text ? text : "");
    }
    memcpy(rule->metric, text, (size_t)(colon - text));
    bool known = false;
    for (int i = 0; i < NMETRICS; i++) {
        known = known || strcmp(rule->metric, metrics[i]) == 0;
    }
    if (!known) {
        return vb__error(err, VB_ERR_PARSE, "--compare-fail: unknown metric \"%s\"", rule->metric);
    }
    char num[32];
    vb__strlcpy(num, colon + 1, sizeof num);
    const size_t n = strlen(num);
    if (n > 0 && num[n - 1] == '%') {
        num[n - 1] = '\0';
    }
    if (!vb__parse_double(num, &rule->percent) || rule->percent < 0) {
        return vb__error(err, VB_ERR_PARSE, "--compare-fail \"%s\": bad percentage", text);
    }
    return VB_OK;
}

/* A metric of this run; -1 when not available. */
static double now_value(const vb_result *r, int m)
{
    switch (m) {
    case 0:
        return r->stats.min;
    case 1:
        return r->stats.max;
    case 2:
        return r->stats.mean;
    case 3:
        return r->stats.median;
    case 4:
        return r->stats.stddev;
    case 5:
        return (double)r->peak_rss;
    case 6:
        return (double)r->heap_peak;
    default:
        return -1;
    }
}

/* The same metric in a saved pytest-schema benchmark. */
static double saved_value(json_t *b, int m)
{
    json_t *v = m < 5 ? json_object_get(json_object_get(b, "stats"), metrics[m])
                      : json_object_get(json_object_get(b, "extra_info"),
                                        m == 5 ? "peak_rss_bytes" : "heap_peak_bytes");
    return json_is_number(v) ? json_number_value(v) : -1;
}

static json_t *find_saved(json_t *list, const char *fullname)
{
    size_t i;
    json_t *b;
    json_array_foreach(list, i, b)
    {
        const char *fn = json_string_value(json_object_get(b, "fullname"));
        if (fn && strcmp(fn, fullname) == 0) {
            return b;
        }
    }
    return NULL;
}

/* Two-sided p of this run's rounds against the saved rounds; 1 without data. */
static double rank_p(const vb_result *r, json_t *b, double *median_ratio)
{
    json_t *data = json_object_get(json_object_get(b, "stats"), "data");
    const size_t n = json_array_size(data);
    *median_ratio = 1;
    if (n == 0 || r->ndata == 0) {
        return 1;
    }
    double *y = vb__malloc(n * sizeof *y);
    if (!y) {
        return 1;
    }
    size_t k = 0, i;
    json_t *v;
    json_array_foreach(data, i, v)
    {
        if (json_is_number(v)) {
            y[k++] = json_number_value(v);
        }
    }
    double p = 1;
    if (k > 0) {
        vb_mann_whitney(r->data, r->ndata, y, k, VB_TWO_SIDED, NULL, &p, NULL);
    }
    vb__free(y);
    return p;
}

vb_status vb_compare_print(FILE *out, const vb_suite *suite, const char *path,
                           const vb_compare_rule *rules, size_t nrules, double alpha,
                           size_t *failures, vb_error *err)
{
    *failures = 0;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        return vb__error(err, VB_ERR_PARSE, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    json_t *list = json_object_get(root, "benchmarks");
    if (!json_is_array(list)) {
        json_decref(root);
        return vb__error(err, VB_ERR_FORMAT, "%s: no \"benchmarks\" array", path);
    }
    fprintf(out, "\nComparison with %s:\n", path);
    for (size_t i = 0; i < suite->count; i++) {
        const vb_result *r = &suite->results[i];
        if (!r->bench || r->ndata == 0) {
            continue;
        }
        json_t *b = find_saved(list, r->bench->fullname);
        if (!b) {
            fprintf(out, "  %-40s (not in the saved run)\n", r->bench->fullname);
            continue;
        }
        double ratio;
        const double p = rank_p(r, b, &ratio);
        const double now_median = r->stats.median, then_median = saved_value(b, 3);
        const bool significant = p < alpha;
        const char *verdict = !significant               ? "no change"
                              : now_median > then_median ? "slower"
                                                         : "faster";
        fprintf(out, "  %-40s", r->bench->fullname);
        for (int m = 0; m < NMETRICS; m++) {
            const double a = now_value(r, m), c = saved_value(b, m);
            if (a < 0 || !(c > 0)) {
                continue;
            }
            const double change = (a - c) / c * 100;
            fprintf(out, " %s %+.1f%%", metrics[m], change);
            for (size_t k = 0; k < nrules; k++) {
                /* Times must also differ significantly; memory figures are single values. */
                if (strcmp(rules[k].metric, metrics[m]) == 0 && change > rules[k].percent &&
                    (m >= 5 || significant)) {
                    (*failures)++;
                }
            }
        }
        fprintf(out, "  p = %.3g: %s\n", p, verdict);
    }
    json_decref(root);
    return VB_OK;
}
