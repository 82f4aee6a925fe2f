/* SPDX-License-Identifier: MIT */
/* A program outside the tree that uses the installed libvitals as its README says: imports
   Apple Health exports into a new database and checks the number of records stored.
     app VERSION EXPECTED_RECORDS DATABASE EXPORT...   (exit 0 when both match) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitals/vitals.h>

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: app VERSION EXPECTED_RECORDS DATABASE EXPORT...\n");
        return 2;
    }
    char *end = NULL;
    errno = 0;
    const unsigned long long expected = strtoull(argv[2], &end, 10);
    if (errno != 0 || end == argv[2] || *end != '\0') {
        fprintf(stderr, "app: %s: not a count\n", argv[2]);
        return 2;
    }
    if (strcmp(vt_version(), argv[1]) != 0) {
        fprintf(stderr, "app: libvitals says version %s, expected %s\n", vt_version(), argv[1]);
        return 1;
    }
    vt_error err;
    vt_store *store = NULL;
    if (vt_store_open(argv[3], NULL, &store, &err) != VT_OK) {
        fprintf(stderr, "app: %s: %s\n", argv[3], err.msg);
        return 1;
    }
    uint64_t inserted = 0;
    for (int i = 4; i < argc; i++) {
        vt_import_stats stats;
        if (vt_import(store, argv[i], NULL, &stats, &err) != VT_OK) {
            fprintf(stderr, "app: %s: %s\n", argv[i], err.msg);
            vt_store_close(store);
            return 1;
        }
        inserted += stats.records.inserted;
    }
    uint64_t stored = 0;
    const vt_status counted = vt_store_count(store, &stored, &err);
    vt_store_close(store);
    if (counted != VT_OK) {
        fprintf(stderr, "app: %s: %s\n", argv[3], err.msg);
        return 1;
    }
    printf("app: libvitals %s imported %" PRIu64 " records, the database holds %" PRIu64
           ", expected %llu\n",
           vt_version(), inserted, stored, expected);
    return inserted == expected && stored == expected ? 0 : 1;
}
