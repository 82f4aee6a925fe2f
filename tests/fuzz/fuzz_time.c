/* SPDX-License-Identifier: MIT */
/* Fuzz target: the timestamp and date parsers. What parses must format back and parse again
 * to the same instant (a round trip), and errors must be one sentence. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "vitals/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    vt_time t;
    vt_error err;
    if (vt_time_parse(s, size, &t, &err) == VT_OK) {
        char buf[VT_TIME_BUFSZ];
        vt_time_format(t, buf);
        vt_time back;
        if (strlen(buf) != 25 || vt_time_parse(buf, strlen(buf), &back, NULL) != VT_OK ||
            back.utc != t.utc || back.offset_min != t.offset_min) {
            abort();
        }
        char day[VT_DAY_BUFSZ];
        vt_day_format(vt_time_local_day(t), day);
    } else if (err.code != VT_ERR_PARSE || strchr(err.msg, '\n')) {
        abort();
    }
    int32_t d;
    if (vt_date_parse(s, size, &d, &err) == VT_OK) {
        char buf[VT_DAY_BUFSZ];
        vt_day_format(d, buf);
        int32_t back;
        if (vt_date_parse(buf, strlen(buf), &back, NULL) != VT_OK || back != d) {
            abort();
        }
        int32_t y, m, dd;
        vt_civil_from_days(d, &y, &m, &dd);
        if (vt_days_from_civil(y, m, dd) != d) {
            abort();
        }
    } else if (err.code != VT_ERR_PARSE || strchr(err.msg, '\n')) {
        abort();
    }
    return 0;
}
