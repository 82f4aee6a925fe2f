/* SPDX-License-Identifier: MIT */
/* What is known of the machine and the source tree: uname, /proc, sysfs, git; and warnings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) {
        s[--n] = '\0';
    }
}

/* The first line printed by a shell command, "" when it fails. */
static bool command_line(const char *cmd, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (!p) {
        return false;
    }
    const bool got = fgets(buf, (int)size, p) != NULL;
    const int status = pclose(p);
    if (!got || status != 0) {
        buf[0] = '\0';
        return false;
    }
    chomp(buf);
    return true;
}

static bool read_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) {
        return false;
    }
    const bool got = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    if (!got) {
        buf[0] = '\0';
    }
    chomp(buf);
    return got;
}

const char *vb__cpu_governor(char *buf, size_t size)
{
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, size);
    return buf;
}

static void cpuinfo(vb_machine *m)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon) {
            continue;
        }
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t') {
            value++;
        }
        chomp(value);
        if (!m->cpu_brand[0] && strncmp(line, "model name", 10) == 0) {
            vb__strlcpy(m->cpu_brand, value, sizeof m->cpu_brand);
        } else if (!m->cpu_vendor[0] && strncmp(line, "vendor_id", 9) == 0) {
            vb__strlcpy(m->cpu_vendor, value, sizeof m->cpu_vendor);
        } else if (m->mhz_per_cpu <= 0 && strncmp(line, "cpu MHz", 7) == 0) {
            double mhz;
            if (vb__parse_double(value, &mhz)) {
                m->mhz_per_cpu = mhz;
            }
        }
    }
    fclose(f);
}

void vb__machine_probe_commit(vb_machine *m)
{
    char buf[256];
    vb__strlcpy(m->commit_id, "unversioned", sizeof m->commit_id);
    if (!command_line("git rev-parse HEAD 2>/dev/null", buf, sizeof buf)) {
        return;
    }
    m->has_commit = true;
    vb__strlcpy(m->commit_id, buf, sizeof m->commit_id);
    command_line("git log -1 --format=%cI 2>/dev/null", m->commit_time, sizeof m->commit_time);
    command_line("git log -1 --format=%aI 2>/dev/null", m->author_time, sizeof m->author_time);
    command_line("git rev-parse --abbrev-ref HEAD 2>/dev/null", m->branch, sizeof m->branch);
    if (command_line("git rev-parse --show-toplevel 2>/dev/null", buf, sizeof buf)) {
        const char *slash = strrchr(buf, '/');
        vb__strlcpy(m->project, slash ? slash + 1 : buf, sizeof m->project);
    }
    m->dirty = command_line("git status --porcelain --untracked-files=no 2>/dev/null | head -1",
                            buf, sizeof buf) &&
               buf[0] != '\0';
}

void vb__machine_probe_system(vb_machine *m)
{
    memset(m, 0, sizeof *m);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    const time_t secs = tv.tv_sec;
    struct tm utc;
    gmtime_r(&secs, &utc);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(m->datetime, sizeof m->datetime, "%s.%06ld", base, (long)tv.tv_usec);
    snprintf(m->date_utc, sizeof m->date_utc, "%s+00:00", base);

    if (gethostname(m->host, sizeof m->host) != 0) {
        m->host[0] = '\0';
    }
    m->host[sizeof m->host - 1] = '\0';
    struct utsname u;
    if (uname(&u) == 0) {
        vb__strlcpy(m->system, u.sysname, sizeof m->system);
        vb__strlcpy(m->release, u.release, sizeof m->release);
        vb__strlcpy(m->machine, u.machine, sizeof m->machine);
    }
    const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    m->num_cpus = ncpu > 0 ? (int)ncpu : 1;
    cpuinfo(m);
    vb__cpu_governor(m->governor, sizeof m->governor);
    m->cpu_scaling_enabled = m->governor[0] && strcmp(m->governor, "performance") != 0;
    m->load_avg[0] = m->load_avg[1] = m->load_avg[2] = -1;
    char line[128];
    if (read_line("/proc/loadavg", line, sizeof line)) {
        sscanf(line, "%lf %lf %lf", &m->load_avg[0], &m->load_avg[1], &m->load_avg[2]);
    }
#if defined(__linux__)
    const ssize_t n = readlink("/proc/self/exe", m->executable, sizeof m->executable - 1);
    m->executable[n > 0 ? n : 0] = '\0';
#endif
#if defined(__clang__)
    snprintf(m->compiler, sizeof m->compiler, "clang %d.%d.%d", __clang_major__, __clang_minor__,
             __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(m->compiler, sizeof m->compiler, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__,
             __GNUC_PATCHLEVEL__);
#endif
    m->optimized = true;
}

void vb_machine_probe(vb_machine *m)
{
    vb__machine_probe_system(m);
    vb__machine_probe_commit(m);
}

int vb_machine_warnings(const vb_machine *m, char *buf, size_t size)
{
    int count = 0;
    size_t used = 0;
    buf[0] = '\0';
    char line[256];
    for (int i = 0; i < 3; i++) {
        line[0] = '\0';
        if (i == 0 && m->governor[0] && strcmp(m->governor, "performance") != 0) {
            snprintf(line, sizeof line,
                     "WARNING: CPU frequency governor is '%s', not 'performance': timings will "
                     "vary with the clock.",
                     m->governor);
        } else if (i == 1 && !m->optimized) {
            snprintf(line, sizeof line,
                     "WARNING: benchmarks were compiled without optimisation: timings do not "
                     "describe a release build.");
        } else if (i == 2 && m->load_avg[0] > (double)m->num_cpus / 2) {
            snprintf(line, sizeof line,
                     "WARNING: load average %.2f on %d CPUs: other work will disturb the "
                     "timings.",
                     m->load_avg[0], m->num_cpus);
        }
        if (line[0]) {
            const int w = snprintf(buf + used, size - used, "%s\n", line);
            if (w > 0 && (size_t)w < size - used) {
                used += (size_t)w;
            }
            count++;
        }
    }
    return count;
}
