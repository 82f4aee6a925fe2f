/* SPDX-License-Identifier: MIT */
/* What the reports share: ordering results, scaling time units. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static vb_sort sort_key;

static const char *group_of(const vb_result *r)
{
    return r->bench && r->bench->opts.group ? r->bench->opts.group : "";
}

static double key_of(const vb_result *r)
{
    switch (sort_key) {
    case VB_SORT_MIN:
        return r->stats.min;
    case VB_SORT_MAX:
        return r->stats.max;
    case VB_SORT_MEAN:
        return r->stats.mean;
    case VB_SORT_MEDIAN:
        return r->stats.median;
    case VB_SORT_NAME:
        break;
    }
    return 0;
}

static int compare_results(const void *pa, const void *pb)
{
    const vb_result *a = pa, *b = pb;
    const int g = strcmp(group_of(a), group_of(b));
    if (g != 0) {
        return g;
    }
    const double ka = key_of(a), kb = key_of(b);
    if (ka != kb) {
        return ka < kb ? -1 : 1;
    }
    const char *na = a->bench ? a->bench->fullname : "", *nb = b->bench ? b->bench->fullname : "";
    /* Parameters sort by value, not as text: daily[30] before daily[365]. */
    if (a->bench && b->bench && strcmp(a->bench->base, b->bench->base) == 0 &&
        a->bench->has_param && b->bench->has_param && a->bench->param != b->bench->param) {
        return a->bench->param < b->bench->param ? -1 : 1;
    }
    return strcmp(na, nb);
}

void vb_results_sort(vb_result *results, size_t count, vb_sort key)
{
    /* qsort has no context argument in C11: the key lives in a static for the call. */
    sort_key = key;
    if (count > 1) {
        qsort(results, count, sizeof *results, compare_results);
    }
}

const char *vb_format_time(double seconds, char *buf, size_t size)
{
    const double a = seconds < 0 ? -seconds : seconds;
    if (a < 1e-6) {
        snprintf(buf, size, "%.4f ns", seconds * 1e9);
    } else if (a < 1e-3) {
        snprintf(buf, size, "%.4f us", seconds * 1e6);
    } else if (a < 1) {
        snprintf(buf, size, "%.4f ms", seconds * 1e3);
    } else {
        snprintf(buf, size, "%.4f s", seconds);
    }
    return buf;
}
