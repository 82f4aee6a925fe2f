/* SPDX-License-Identifier: MIT */
/* The main() of a fuzz target built without libFuzzer: feeds every file named on the command
 * line (folders: every file in them) to LLVMFuzzerTestOneInput once, so the corpus and the
 * crash fixtures replay as a regression test under any compiler, ASan or valgrind. The
 * libraries must not print: anything written to stderr during the replay fails it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_target.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            fprintf(stderr, "%s: out of memory\n", path);
            return 1;
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        cap *= 2;
        uint8_t *bigger = realloc(buf, cap);
        if (!bigger) {
            free(buf);
        }
        buf = bigger;
    }
    const int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "%s: read error\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of `dir` in name order; the count run, -1 on error. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) {
                break;
            }
            names = more;
        }
        const size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (names[n]) {
            snprintf(names[n], len, "%s/%s", dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    if (n) {
        qsort(names, n, sizeof *names, name_cmp);
    }
    long ran = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (run_file(names[i]) != 0) {
                ran = -1;
            } else if (ran >= 0) {
                ran++;
            }
        }
        free(names[i]);
    }
    free(names);
    return ran;
}

/* Points stderr at a temporary file; the saved descriptor, or -1. */
static int capture_stderr(FILE **cap)
{
    *cap = tmpfile();
    const int saved = *cap ? dup(2) : -1;
    if (saved < 0 || dup2(fileno(*cap), 2) < 0) {
        return -1;
    }
    return saved;
}

/* Restores stderr; 1 when something was written to it meanwhile (then shown). */
static int release_stderr(FILE *cap, int saved)
{
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat sb;
    const long n = fstat(fileno(cap), &sb) == 0 ? (long)sb.st_size : 0;
    if (n > 0) {
        fprintf(stderr, "the libraries printed %ld bytes to stderr during the replay:\n", n);
        char line[512];
        lseek(fileno(cap), 0, SEEK_SET);
        rewind(cap);
        for (int i = 0; i < 20 && fgets(line, sizeof line, cap); i++) {
            fputs(line, stderr);
        }
    }
    fclose(cap);
    return n > 0;
}

int main(int argc, char **argv)
{
    FILE *cap = NULL;
    const int saved = capture_stderr(&cap);
    if (saved < 0) {
        perror("capturing stderr");
        return 1;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            perror(argv[i]);
            release_stderr(cap, saved);
            return 1;
        }
        const long n = S_ISDIR(sb.st_mode) ? run_dir(argv[i]) : (run_file(argv[i]) == 0 ? 1 : -1);
        if (n < 0) {
            release_stderr(cap, saved);
            return 1;
        }
        total += n;
    }
    if (release_stderr(cap, saved)) {
        return 1;
    }
    printf("%s: %ld inputs replayed without a crash\n", argc > 0 ? argv[0] : "fuzz", total);
    /* An empty corpus would make the test pass without testing anything. */
    return total > 0 ? 0 : 1;
}
