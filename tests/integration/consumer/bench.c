/* SPDX-License-Identifier: MIT */
/* A program outside the tree that writes a benchmark with the installed libvbench: the
   registration macro, both timed loops and a check, which call into the library from the
   user's code. Run with --smoke it runs each body once with its checks. */
#include <stdint.h>

#include <vbench/vbench.h>

static void sum(vb_state *st)
{
    uint64_t total = 0;
    while (vb_loop(st)) {
        for (uint64_t i = 1; i <= 100; i++) {
            total += i;
        }
        vb_do_not_optimize(total);
    }
    vb_check(st, total % 5050 == 0, "the sum of 1..100 is 5050");
}
VB_BENCHMARK(sum, .group = "consumer");

static void empty(vb_state *st)
{
    vb_for(st)
    {
        vb_clobber();
    }
}
VB_BENCHMARK(empty, .group = "consumer");

int main(int argc, char **argv)
{
    return vb_main(argc, argv);
}
