/* SPDX-License-Identifier: MIT */
/* An anonymous in-memory file holding the fuzzer's bytes, named by its /proc/self/fd path. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_target.h"

int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    const int fd = memfd_create("vitals-fuzz", MFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t done = 0;
    while (done < size) {
        const ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}
