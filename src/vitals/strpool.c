/* SPDX-License-Identifier: MIT */
/* String interning: an open-addressing hash table over strings kept in fixed arena blocks. */
#include <string.h>

#include "internal.h"

#define ARENA_BLOCK (64u * 1024u)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    char data[];
} arena_block;

typedef struct entry {
    const char *str;
    uint32_t len;
} entry;

struct vt_strpool {
    entry *entries;   /* by id; entries[0] is the empty string */
    size_t entry_cap;
    uint32_t count;   /* largest id given */
    uint32_t *slots;  /* hash table of ids, 0 = empty */
    uint64_t *hashes; /* hash of each id, to skip string compares and rehash cheaply */
    size_t hash_cap;  /* slots, a power of two */
    arena_block *arena;
    uint64_t serial;
};

static _Atomic uint64_t next_serial = 1;

uint64_t vt__hash_bytes(const void *data, size_t len, uint64_t seed)
{
    /* FNV-1a over 8-byte words, finished with a mix; endianness-independent. */
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    while (len >= 8) {
        uint64_t w = 0;
        for (int i = 7; i >= 0; i--) {
            w = (w << 8) | p[i];
        }
        h = (h ^ w) * 0x100000001b3ull;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    for (size_t i = len; i > 0; i--) {
        w = (w << 8) | p[i - 1];
    }
    h = (h ^ w ^ ((uint64_t)len << 56)) * 0x100000001b3ull;
    return vt__hash_mix(h, 0);
}

vt_status vt_strpool_new(vt_strpool **out, vt_error *err)
{
    vt_strpool *pool = vt__calloc(1, sizeof *pool);
    if (!pool) {
        return vt__nomem(err);
    }
    pool->entry_cap = 64;
    pool->hash_cap = 128;
    pool->entries = vt__calloc(pool->entry_cap, sizeof *pool->entries);
    pool->hashes = vt__calloc(pool->entry_cap, sizeof *pool->hashes);
    pool->slots = vt__calloc(pool->hash_cap, sizeof *pool->slots);
    if (!pool->entries || !pool->slots || !pool->hashes) {
        vt_strpool_free(pool);
        return vt__nomem(err);
    }
    pool->entries[0].str = "";
    pool->serial = next_serial++;
    *out = pool;
    return VT_OK;
}

void vt_strpool_free(vt_strpool *pool)
{
    if (!pool) {
        return;
    }
    for (arena_block *b = pool->arena; b;) {
        arena_block *next = b->next;
        vt__free(b);
        b = next;
    }
    vt__free(pool->entries);
    vt__free(pool->hashes);
    vt__free(pool->slots);
    vt__free(pool);
}

static uint32_t lookup(const vt_strpool *pool, const char *s, size_t len, uint64_t h,
                       size_t *slot)
{
    const size_t mask = pool->hash_cap - 1;
    size_t i = (size_t)h & mask;
    for (;;) {
        const uint32_t id = pool->slots[i];
        if (id == 0) {
            *slot = i;
            return 0;
        }
        if (pool->hashes[id] == h && pool->entries[id].len == len &&
            memcmp(pool->entries[id].str, s, len) == 0) {
            *slot = i;
            return id;
        }
        i = (i + 1) & mask;
    }
}

uint32_t vt_strpool_find(const vt_strpool *pool, const char *s, size_t len)
{
    size_t slot;
    return lookup(pool, s, len, vt__hash_bytes(s, len, 0), &slot);
}

static char *arena_copy(vt_strpool *pool, const char *s, size_t len)
{
    arena_block *b = pool->arena;
    if (!b || b->size - b->used < len + 1) {
        const size_t size = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = vt__malloc(sizeof *b + size);
        if (!b) {
            return NULL;
        }
        b->size = size;
        b->used = 0;
        b->next = pool->arena;
        pool->arena = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

static int rehash(vt_strpool *pool)
{
    const size_t cap = pool->hash_cap * 2;
    uint32_t *slots = vt__calloc(cap, sizeof *slots);
    if (!slots) {
        return -1;
    }
    for (uint32_t id = 1; id <= pool->count; id++) {
        size_t i = (size_t)pool->hashes[id] & (cap - 1);
        while (slots[i]) {
            i = (i + 1) & (cap - 1);
        }
        slots[i] = id;
    }
    vt__free(pool->slots);
    pool->slots = slots;
    pool->hash_cap = cap;
    return 0;
}

vt_status vt_strpool_intern(vt_strpool *pool, const char *s, size_t len, uint32_t *id,
                            vt_error *err)
{
    const uint64_t h = vt__hash_bytes(s, len, 0);
    size_t slot;
    const uint32_t found = lookup(pool, s, len, h, &slot);
    if (found) {
        *id = found;
        return VT_OK;
    }
    if (len > UINT32_MAX || pool->count == UINT32_MAX - 1) {
        return vt__error(err, VT_ERR_LIMIT, "string pool full");
    }
    const size_t need = (size_t)pool->count + 2;
    if (need > pool->entry_cap) {
        size_t cap = pool->entry_cap;
        if (vt__grow((void **)&pool->entries, &cap, need, sizeof *pool->entries) != 0) {
            return vt__nomem(err);
        }
        size_t hcap = pool->entry_cap;
        if (vt__grow((void **)&pool->hashes, &hcap, need, sizeof *pool->hashes) != 0) {
            return vt__nomem(err);
        }
        pool->entry_cap = cap < hcap ? cap : hcap;
    }
    char *copy = arena_copy(pool, s, len);
    if (!copy) {
        return vt__nomem(err);
    }
    const uint32_t nid = ++pool->count;
    pool->entries[nid].str = copy;
    pool->entries[nid].len = (uint32_t)len;
    pool->hashes[nid] = h;
    pool->slots[slot] = nid;
    /* Keep the load factor under one half so probes stay short. */
    if ((size_t)pool->count * 2 > pool->hash_cap && rehash(pool) != 0) {
        pool->slots[slot] = 0;
        pool->count--;
        return vt__nomem(err);
    }
    *id = nid;
    return VT_OK;
}

const char *vt_strpool_get(const vt_strpool *pool, uint32_t id, size_t *len)
{
    if (!pool || id == 0 || id > pool->count) {
        if (len) {
            *len = 0;
        }
        return "";
    }
    if (len) {
        *len = pool->entries[id].len;
    }
    return pool->entries[id].str;
}

uint32_t vt_strpool_count(const vt_strpool *pool)
{
    return pool ? pool->count : 0;
}

uint64_t vt__strpool_serial(const vt_strpool *pool)
{
    return pool->serial;
}
