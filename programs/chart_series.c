/* SPDX-License-Identifier: MIT */
/* vitals chart: the daily values of each charted metric, from vt_daily, on two threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

static vt_status fail(vt_error *err, vt_status code, const char *msg)
{
    if (err) {
        vt_error_clear(err);
        err->code = code;
        snprintf(err->msg, sizeof err->msg, "%s", msg);
    }
    return code;
}

void chart_series_free(chart_series *s)
{
    free(s->days);
    s->days = NULL;
    s->count = s->cap = 0;
}

/* Receives one `vitals daily` row of the series' metric and keeps its plotted value. */
static vt_status add_row(void *ctx, const vt_daily_row *r, vt_error *err)
{
    chart_series *s = ctx;
    double v = r->mean;
    if (s->metric.value == CHART_TOTAL) {
        v = r->has_total ? r->total : r->sum;
    } else if (s->metric.value == CHART_HOURS) {
        v = r->sum / 60.0;
    }
    if (s->count == s->cap) {
        const size_t cap = s->cap ? s->cap * 2 : 512;
        chart_day *days = realloc(s->days, cap * sizeof *days);
        if (!days) {
            return fail(err, VT_ERR_NOMEM, "chart: out of memory");
        }
        s->days = days;
        s->cap = cap;
    }
    s->days[s->count].day = r->day;
    s->days[s->count].value = v;
    s->count++;
    size_t u = 0;
    while (u < s->nunits && strcmp(s->units[u], r->unit) != 0) {
        u++;
    }
    if (u == s->nunits) {
        if (u < CHART_MAX_UNITS) {
            snprintf(s->units[u], sizeof s->units[u], "%s", r->unit);
            s->nunits++;
        } else {
            s->more_units = 1;
        }
    }
    return VT_OK;
}

static int cmp_day(const void *a, const void *b)
{
    const chart_day *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

/* The unit as people read it; several units are shown as they are, since none is converted. */
static void finish_series(chart_series *s)
{
    /* Rows come by metric name, then day; sort in case two identifiers share a name. */
    for (size_t i = 1; i < s->count; i++) {
        if (s->days[i].day < s->days[i - 1].day) {
            qsort(s->days, s->count, sizeof *s->days, cmp_day);
            break;
        }
    }
    const chart_metric *m = &s->metric;
    if (m->value == CHART_HOURS || s->nunits == 0 ||
        (s->nunits == 1 && strcmp(s->units[0], m->unit) == 0)) {
        snprintf(s->label, sizeof s->label, "%s", m->label);
        return;
    }
    if (s->nunits == 1) {
        snprintf(s->label, sizeof s->label, "%s",
                 strcmp(s->units[0], "count/min") == 0 ? "bpm" : s->units[0]);
        return;
    }
    size_t o = 0;
    for (size_t u = 0; u < s->nunits && o < sizeof s->label; u++) {
        o +=
            (size_t)snprintf(s->label + o, sizeof s->label - o, "%s%s", u ? ", " : "", s->units[u]);
    }
    if (o < sizeof s->label) {
        snprintf(s->label + o, sizeof s->label - o, "%s (mixed, not converted)",
                 s->more_units ? ", ..." : "");
    }
}

/* The shared queue of series that workers take one at a time. */
typedef struct collect_job {
    const char *db;
    const vt_daily_options *options;
    chart_series *series;
    size_t count, next;
    pthread_mutex_t lock;
    vt_status status; /* the first error, with its message */
    vt_error err;
} collect_job;

static void job_fail(collect_job *job, vt_status st, const vt_error *err)
{
    pthread_mutex_lock(&job->lock);
    if (job->status == VT_OK) {
        job->status = st;
        job->err = *err;
    }
    pthread_mutex_unlock(&job->lock);
}

static void run_series(vt_store *store, collect_job *job)
{
    for (;;) {
        pthread_mutex_lock(&job->lock);
        const size_t i = job->next++;
        const int stop = i >= job->count || job->status != VT_OK;
        pthread_mutex_unlock(&job->lock);
        if (stop) {
            return;
        }
        vt_daily_options o = *job->options;
        o.metric = job->series[i].metric.name;
        vt_error err;
        vt_error_clear(&err);
        const vt_status st = vt_daily_compute_store(store, &o, add_row, &job->series[i], &err);
        if (st != VT_OK) {
            job_fail(job, st, &err);
            return;
        }
    }
}

static void *worker(void *arg)
{
    collect_job *job = arg;
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    const vt_store_options so = {1, 5000, 0};
    const vt_status st = vt_store_open(job->db, &so, &store, &err);
    if (st != VT_OK) {
        job_fail(job, st, &err);
        return NULL;
    }
    run_series(store, job);
    vt_store_close(store);
    return NULL;
}

vt_status chart_collect(vt_store *store, const char *db, const vt_daily_options *options,
                        chart_series *series, size_t count, unsigned threads, vt_error *err)
{
    collect_job job;
    memset(&job, 0, sizeof job);
    job.db = db;
    job.options = options;
    job.series = series;
    job.count = count;
    if (pthread_mutex_init(&job.lock, NULL) != 0) {
        return fail(err, VT_ERR_INTERNAL, "chart: cannot create a mutex");
    }
    /* Each series is one vt_daily computation; a machine with two cores runs two at a time
     * (steps, the largest, beside all the others on the 10-year page). */
    pthread_t tids[8];
    size_t started = 0;
    const size_t want = threads < count ? threads : count;
    for (size_t t = 1; t < want && started < sizeof tids / sizeof tids[0]; t++) {
        if (pthread_create(&tids[started], NULL, worker, &job) == 0) {
            started++;
        }
    }
    run_series(store, &job);
    for (size_t t = 0; t < started; t++) {
        pthread_join(tids[t], NULL);
    }
    pthread_mutex_destroy(&job.lock);
    if (job.status != VT_OK) {
        if (err) {
            *err = job.err;
        }
        return job.status;
    }
    for (size_t i = 0; i < count; i++) {
        finish_series(&series[i]);
    }
    return VT_OK;
}
