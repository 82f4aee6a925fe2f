/* SPDX-License-Identifier: MIT */
/* Proof that the regression gate works: benchmarks that a knob of this suite (environment
   variables, not product code) slows down on purpose, and --self-check, which runs this
   binary again and again against baselines it builds, and counts the alerts. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vbench/vbench.h"

/* The knobs: VB_SELFTEST_SLOWDOWN multiplies the work (1.5 = 50% more), VB_SELFTEST_QUADRATIC
   makes the scan quadratic. */
static double slowdown(void)
{
    const char *s = getenv("VB_SELFTEST_SLOWDOWN");
    char *end = NULL;
    const double v = s ? strtod(s, &end) : 1.0;
    return s && end && *end == '\0' && v > 0 ? v : 1.0;
}

static uint64_t xorshift(uint64_t x, long steps)
{
    for (long i = 0; i < steps; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

/* About 20 us of integer work, times the slowdown. */
static void integer_work(vb_state *st)
{
    const long steps = (long)(14000 * slowdown());
    uint64_t x = 88172645463325252u;
    while (vb_loop(st)) {
        x = xorshift(x, steps);
        vb_do_not_optimize(x);
    }
    vb_check(st, x != 0, "xorshift never reaches 0");
}
VB_BENCHMARK(integer_work, .group = "gate", .marks = "performance");

/* A checksum of a 256 KiB buffer (memory-bound), times the slowdown. */
static int make_buffer(vb_state *st)
{
    unsigned char *b = malloc(256 * 1024);
    if (!b) {
        return 1;
    }
    for (size_t i = 0; i < 256 * 1024; i++) {
        b[i] = (unsigned char)(i * 31);
    }
    vb_set_context(st, b);
    return 0;
}

static void free_buffer(vb_state *st)
{
    free(vb_context(st));
}

static void checksum(vb_state *st)
{
    const unsigned char *b = vb_context(st);
    const size_t n = (size_t)(256 * 1024 * slowdown());
    uint64_t sum = 0;
    while (vb_loop(st)) {
        for (size_t i = 0; i < n; i++) {
            sum = sum * 31 + b[i % (256 * 1024)];
        }
        vb_do_not_optimize(sum);
    }
}
VB_BENCHMARK(checksum, .group = "gate", .marks = "performance", .setup = make_buffer,
             .teardown = free_buffer);

/* A scan that must stay linear: the quadratic knob compares every pair instead. */
static void scan(vb_state *st)
{
    const long n = (long)vb_param(st);
    const bool quadratic = getenv("VB_SELFTEST_QUADRATIC") != NULL;
    uint64_t acc = 0;
    while (vb_loop(st)) {
        for (long i = 0; i < n; i++) {
            if (quadratic) {
                for (long j = 0; j < n; j++) {
                    acc += (uint64_t)(i ^ j);
                }
            } else {
                acc += (uint64_t)(i * i);
            }
        }
        vb_do_not_optimize(acc);
    }
}
VB_BENCHMARK(scan, .group = "linear", .marks = "performance", VB_PARAMS(250, 500, 1000, 2000),
             .max_exponent = 1.15);

/* ---- --self-check: the protocol ------------------------------------------------------- */

static char self[1024];
static char dir[64];

/* Runs this binary with `args` (NULL-terminated) and the knob `slow` ("" for none), its
   output to dir/log; returns its exit status. */
static int run(const char *slow, bool quadratic, const char *const *args)
{
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        char log[128];
        snprintf(log, sizeof log, "%s/log", dir);
        const int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (slow[0]) {
            setenv("VB_SELFTEST_SLOWDOWN", slow, 1);
        }
        if (quadratic) {
            setenv("VB_SELFTEST_QUADRATIC", "1", 1);
        }
        char *argv[32];
        int n = 0;
        argv[n++] = self;
        for (; args[n - 1] && n < 31; n++) {
            argv[n] = (char *)args[n - 1];
        }
        argv[n] = NULL;
        execv(self, argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int self_check(void)
{
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "self-check: cannot find this program\n");
        return 3;
    }
    self[len] = '\0';
    strcpy(dir, "/tmp/vbgateXXXXXX");
    if (!mkdtemp(dir)) {
        return 3;
    }
    char base[128], ibase[128];
    snprintf(base, sizeof base, "%s/baseline.json", dir);
    snprintf(ibase, sizeof ibase, "%s/instructions.json", dir);
    /* Three processes per benchmark and run: the gate tests process medians, and three against
       the fifteen of a baseline of five runs can reach p < 0.01. */
    const char *update[] = {"-k", "gate/",   "--max-time",        "0.1",        "--repetitions",
                            "3",  "--quiet", "--update-baseline", "--baseline", base,
                            NULL};
    const char *gate[] = {"-k", "gate/",   "--max-time", "0.1",        "--repetitions",
                          "3",  "--quiet", "--gate",     "--baseline", base,
                          NULL};
    const char *iupdate[] = {"-k",
                             "gate/",
                             "--max-time",
                             "0.02",
                             "--repetitions",
                             "3",
                             "--quiet",
                             "--update-baseline",
                             "--gate-metric",
                             "instructions",
                             "--baseline",
                             ibase,
                             NULL};
    const char *igate[] = {"-k",         "gate/",   "--max-time", "0.02",          "--repetitions",
                           "3",          "--quiet", "--gate",     "--gate-metric", "instructions",
                           "--baseline", ibase,     NULL};
    const char *linear[] = {"-k", "linear/", "--max-time", "0.05", "--quiet", NULL};
    int bad = 0;

    for (int i = 0; i < 5; i++) {
        bad += run("", false, update) != 0;
    }
    int false_alarms = 0, alerts = 0, ialerts = 0, ifalse = 0;
    for (int i = 0; i < 10; i++) {
        const int rc = run("", false, gate);
        false_alarms += rc == 1;
        bad += rc != 0 && rc != 1;
    }
    for (int i = 0; i < 5; i++) {
        alerts += run("1.5", false, gate) == 1;
    }
    printf("time gate: %d false alarm%s in 10 unchanged runs; %d of 5 runs slowed 1.5x alerted\n",
           false_alarms, false_alarms == 1 ? "" : "s", alerts);

    const bool have_valgrind = vb_valgrind_available();
    if (have_valgrind) {
        for (int i = 0; i < 2; i++) {
            bad += run("", false, iupdate) != 0;
        }
        for (int i = 0; i < 2; i++) {
            ifalse += run("", false, igate) == 1;
        }
        for (int i = 0; i < 3; i++) {
            ialerts += run("1.10", false, igate) == 1;
        }
        printf("instruction gate: %d false alarm%s in 2 unchanged runs; %d of 3 runs slowed "
               "1.10x alerted\n",
               ifalse, ifalse == 1 ? "" : "s", ialerts);
    } else {
        printf("instruction gate: valgrind is not installed; not checked\n");
    }
    const int lin = run("", false, linear), quad = run("", true, linear);
    printf("linearity: the linear scan exits %d, the quadratic one exits %d (1 expected)\n", lin,
           quad);

    const bool ok = bad == 0 && false_alarms == 0 && alerts == 5 &&
                    (!have_valgrind || (ifalse == 0 && ialerts == 3)) && lin == 0 && quad == 1;
    if (!ok) {
        printf("self-check FAILED (%d runs went wrong); the runs' output is in %s/log\n", bad, dir);
        return 1;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
        printf("could not remove %s\n", dir);
    }
    printf("self-check passed\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--self-check") == 0) {
        return self_check();
    }
    return vb_main(argc, argv);
}
