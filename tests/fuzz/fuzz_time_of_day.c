/* SPDX-License-Identifier: MIT */
/* Fuzz target: the locale time-of-day parser (InstantaneousBeatsPerMinute@time). Whatever it
 * accepts lies within one day. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "vitals/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int32_t ms = -1;
    vt_error err;
    if (vt_time_of_day_parse((const char *)data, size, &ms, &err) == VT_OK) {
        if (ms < 0 || ms > 86399999) {
            abort();
        }
    } else if (err.code == VT_OK || strchr(err.msg, '\n')) {
        abort();
    }
    return 0;
}
