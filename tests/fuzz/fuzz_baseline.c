/* SPDX-License-Identifier: MIT */
/* Fuzz target: vbench's baseline loader (benchmarks/baseline.json) and the lookup of every
 * benchmark it names, through an in-memory file. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_target.h"
#include "vbench/gate.h"

static void look_up(const vb_baseline *b, const char *name)
{
    vb_baseline_entry e;
    vb_error err;
    if (vb_baseline_lookup(b, name, &e, &err) == VB_OK) {
        double sum = 0;
        for (size_t i = 0; i < e.nsamples; i++) {
            sum += e.samples[i];
        }
        (void)sum;
        if (e.runs == 0) {
            abort();
        }
    }
    vb_baseline_entry_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    const int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0) {
        return 0;
    }
    vb_baseline *b = NULL;
    vb_error err;
    if (vb_baseline_load(path, &b, &err) == VB_OK) {
        (void)vb_baseline_reference_time(b);
        /* The names to look up come from a second, independent parse of the same bytes. */
        json_t *root = json_loadb((const char *)data, size, 0, NULL);
        const char *name;
        json_t *v;
        json_object_foreach(json_object_get(root, "benchmarks"), name, v)
        {
            look_up(b, name);
        }
        json_decref(root);
        look_up(b, "no/such/benchmark");
    } else if (b != NULL || err.msg[0] == '\0' || strchr(err.msg, '\n')) {
        abort();
    }
    vb_baseline_free(b);
    close(fd);
    return 0;
}
