/* SPDX-License-Identifier: MIT */
/* The performance suite binary: every bench_*.c linked into one vb_main. */
#include "vbench/vbench.h"
#include "vitals/store.h"

int main(int argc, char **argv)
{
    /* As the vitals program does: SQLite without per-allocation statistics. */
    (void)vt_store_process_init();
    return vb_main(argc, argv);
}
