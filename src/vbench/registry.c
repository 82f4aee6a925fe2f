/* SPDX-License-Identifier: MIT */
/* The registry of benchmarks: filled before main() by VB_BENCHMARK's constructors. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* A process-wide registry is the point of constructor registration (Google Benchmark's
   BENCHMARK works the same way); it is written before main() and only read afterwards. */
static vb_bench *benches;
static size_t nbenches, capacity;
static vb_error first_error; /* code VB_OK until a registration fails */

void vb_bench_options_init(vb_bench_options *o)
{
    memset(o, 0, sizeof *o);
}

size_t vb_registry_count(void)
{
    return nbenches;
}

const vb_bench *vb_registry_get(size_t i)
{
    return i < nbenches ? &benches[i] : NULL;
}

void vb_registry_clear(void)
{
    vb__free(benches);
    benches = NULL;
    nbenches = capacity = 0;
    vb_error_clear(&first_error);
}

bool vb_registry_error(vb_error *out)
{
    if (out) {
        *out = first_error;
    }
    return first_error.code != VB_OK;
}

static vb_status add_one(const char *name, vb_fn fn, const vb_bench_options *opts, bool has_param,
                         long long param, vb_error *err)
{
    if (nbenches == capacity) {
        const size_t cap = capacity ? capacity * 2 : 32;
        vb_bench *grown = vb__realloc(benches, cap * sizeof *grown);
        if (!grown) {
            return vb__nomem(err);
        }
        benches = grown;
        capacity = cap;
    }
    vb_bench *b = &benches[nbenches];
    memset(b, 0, sizeof *b);
    b->fn = fn;
    b->opts = *opts;
    b->opts.params = NULL;
    b->opts.nparams = 0;
    b->has_param = has_param;
    b->param = param;
    vb__strlcpy(b->base, name, sizeof b->base);
    if (has_param) {
        snprintf(b->name, sizeof b->name, "%s[%lld]", name, param);
    } else {
        vb__strlcpy(b->name, name, sizeof b->name);
    }
    if (opts->group && *opts->group) {
        snprintf(b->fullname, sizeof b->fullname, "%s/%s", opts->group, b->name);
    } else {
        vb__strlcpy(b->fullname, b->name, sizeof b->fullname);
    }
    for (size_t i = 0; i < nbenches; i++) {
        if (strcmp(benches[i].fullname, b->fullname) == 0) {
            return vb__error(err, VB_ERR_INVALID, "benchmark %s is registered twice", b->fullname);
        }
    }
    nbenches++;
    return VB_OK;
}

vb_status vb_register(const char *name, vb_fn fn, const vb_bench_options *opts, vb_error *err)
{
    static const vb_bench_options none;
    if (!opts) {
        opts = &none;
    }
    if (opts->name && *opts->name) {
        name = opts->name;
    }
    if (!name || !*name || !fn) {
        return vb__error(err, VB_ERR_INVALID, "a benchmark needs a name and a function");
    }
    if (strlen(name) + 24 >= sizeof benches[0].name) {
        return vb__error(err, VB_ERR_INVALID, "benchmark name %.40s... is too long", name);
    }
    if (opts->nparams > 0 && !opts->params) {
        return vb__error(err, VB_ERR_INVALID, "benchmark %s: nparams without params", name);
    }
    if (opts->nparams == 0) {
        return add_one(name, fn, opts, false, 0, err);
    }
    for (size_t i = 0; i < opts->nparams; i++) {
        const vb_status s = add_one(name, fn, opts, true, opts->params[i], err);
        if (s != VB_OK) {
            return s;
        }
    }
    return VB_OK;
}

void vb__register_or_die(const char *name, vb_fn fn, const vb_bench_options *opts)
{
    /* Before main() there is nobody to tell: keep the first error for vb_main to report. */
    vb_error e;
    if (vb_register(name, fn, opts, &e) != VB_OK && first_error.code == VB_OK) {
        first_error = e;
    }
}
