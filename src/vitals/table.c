/* SPDX-License-Identifier: MIT */
/* The in-memory columnar record table: one growable array per field. */
#include <string.h>

#include "internal.h"

struct vt_table {
    vt_strpool *strings;
    size_t count, cap;
    uint32_t *type, *source, *unit, *device, *category, *flags;
    double *value;
    int64_t *start, *end, *created;
    int16_t *start_off, *end_off, *created_off;
    int32_t *day;
};

/* The columns as (pointer to array, element size), so growth and freeing are one loop. */
#define TABLE_COLUMNS(t)                                                                        \
    {                                                                                           \
        {(void **)&(t)->type, sizeof *(t)->type}, {(void **)&(t)->source, sizeof *(t)->source}, \
        {(void **)&(t)->unit, sizeof *(t)->unit}, {(void **)&(t)->device, sizeof *(t)->device}, \
        {(void **)&(t)->category, sizeof *(t)->category},                                       \
        {(void **)&(t)->flags, sizeof *(t)->flags}, {(void **)&(t)->value, sizeof *(t)->value}, \
        {(void **)&(t)->start, sizeof *(t)->start}, {(void **)&(t)->end, sizeof *(t)->end},     \
        {(void **)&(t)->created, sizeof *(t)->created},                                         \
        {(void **)&(t)->start_off, sizeof *(t)->start_off},                                     \
        {(void **)&(t)->end_off, sizeof *(t)->end_off},                                         \
        {(void **)&(t)->created_off, sizeof *(t)->created_off},                                 \
        {(void **)&(t)->day, sizeof *(t)->day},                                                 \
    }

typedef struct column_ref {
    void **array;
    size_t elem;
} column_ref;

enum { N_COLUMNS = 14 };

static int reserve(vt_table *t, size_t need);

vt_status vt_table_new(vt_table **out, vt_error *err)
{
    vt_table *t = vt__calloc(1, sizeof *t);
    if (!t) {
        return vt__nomem(err);
    }
    if (vt_strpool_new(&t->strings, err) != VT_OK) {
        vt__free(t);
        return VT_ERR_NOMEM;
    }
    /* Columns always exist, so a slice of an empty table never offsets a null pointer. */
    if (reserve(t, 256) != 0) {
        vt_table_free(t);
        return vt__nomem(err);
    }
    *out = t;
    return VT_OK;
}

void vt_table_free(vt_table *t)
{
    if (!t) {
        return;
    }
    const column_ref cols[N_COLUMNS] = TABLE_COLUMNS(t);
    for (int i = 0; i < N_COLUMNS; i++) {
        vt__free(*cols[i].array);
    }
    vt_strpool_free(t->strings);
    vt__free(t);
}

void vt_table_clear(vt_table *t)
{
    t->count = 0;
}

vt_strpool *vt_table_strings(vt_table *t)
{
    return t->strings;
}

const vt_strpool *vt_table_strings_const(const vt_table *t)
{
    return t->strings;
}

static int reserve(vt_table *t, size_t need)
{
    if (need <= t->cap) {
        return 0;
    }
    size_t cap = t->cap ? t->cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    const column_ref cols[N_COLUMNS] = TABLE_COLUMNS(t);
    for (int i = 0; i < N_COLUMNS; i++) {
        /* Columns already grown keep their larger size if a later one fails: harmless. */
        void *p = vt__realloc(*cols[i].array, cap * cols[i].elem);
        if (!p) {
            return -1;
        }
        *cols[i].array = p;
    }
    t->cap = cap;
    return 0;
}

vt_status vt_table_append(vt_table *t, const vt_record *r, vt_error *err)
{
    if (VT__UNLIKELY(t->count == t->cap) && reserve(t, t->count + 1) != 0) {
        return vt__nomem(err);
    }
    const size_t i = t->count++;
    t->type[i] = r->type;
    t->source[i] = r->source;
    t->unit[i] = r->unit;
    t->device[i] = r->device;
    t->category[i] = r->category;
    t->flags[i] = r->flags;
    t->value[i] = r->value;
    t->start[i] = r->start.utc;
    t->end[i] = r->end.utc;
    t->created[i] = r->created.utc;
    t->start_off[i] = r->start.offset_min;
    t->end_off[i] = r->end.offset_min;
    t->created_off[i] = r->created.offset_min;
    t->day[i] = vt_time_local_day(r->start);
    return VT_OK;
}

static vt_status map_id(vt_table *t, const vt_strpool *from, uint32_t id, uint32_t *out,
                        vt_error *err)
{
    if (id == 0) {
        *out = 0;
        return VT_OK;
    }
    size_t len;
    const char *s = vt_strpool_get(from, id, &len);
    return vt_strpool_intern(t->strings, s, len, out, err);
}

vt_status vt_table_append_from(vt_table *t, const vt_record *r, const vt_strpool *strings,
                               vt_error *err)
{
    if (strings == t->strings) {
        return vt_table_append(t, r, err);
    }
    vt_record c = *r;
    vt_status st;
    if ((st = map_id(t, strings, r->type, &c.type, err)) != VT_OK ||
        (st = map_id(t, strings, r->source, &c.source, err)) != VT_OK ||
        (st = map_id(t, strings, r->unit, &c.unit, err)) != VT_OK ||
        (st = map_id(t, strings, r->device, &c.device, err)) != VT_OK ||
        (st = map_id(t, strings, r->category, &c.category, err)) != VT_OK) {
        return st;
    }
    c.source_version = 0;
    return vt_table_append(t, &c, err);
}

size_t vt_table_count(const vt_table *t)
{
    return t->count;
}

void vt_table_get(const vt_table *t, size_t i, vt_record *out)
{
    memset(out, 0, sizeof *out);
    out->type = t->type[i];
    out->source = t->source[i];
    out->unit = t->unit[i];
    out->device = t->device[i];
    out->category = t->category[i];
    out->flags = t->flags[i];
    out->value = t->value[i];
    out->start.utc = t->start[i];
    out->start.offset_min = t->start_off[i];
    out->end.utc = t->end[i];
    out->end.offset_min = t->end_off[i];
    out->created.utc = t->created[i];
    out->created.offset_min = t->created_off[i];
}

void vt_table_slice(const vt_table *t, size_t first, size_t n, vt_columns *c)
{
    if (first > t->count) {
        first = t->count;
    }
    if (n > t->count - first) {
        n = t->count - first;
    }
    c->count = n;
    c->type = t->type + first;
    c->source = t->source + first;
    c->unit = t->unit + first;
    c->device = t->device + first;
    c->category = t->category + first;
    c->flags = t->flags + first;
    c->value = t->value + first;
    c->start = t->start + first;
    c->end = t->end + first;
    c->created = t->created + first;
    c->start_off = t->start_off + first;
    c->end_off = t->end_off + first;
    c->created_off = t->created_off + first;
    c->day = t->day + first;
}
