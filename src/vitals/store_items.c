/* SPDX-License-Identifier: MIT */
/* Tables of the items an export holds beside records; filled in by the import reader. */
#include <sqlite3.h>

#include "internal.h"

vt_status vt__store_items_schema(sqlite3 *db, vt_error *err)
{
    /* Schema version 1 holds records only until the reader's tables land here. */
    (void)db;
    (void)err;
    return VT_OK;
}
