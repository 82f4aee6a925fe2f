/* SPDX-License-Identifier: MIT */
/* The vitals command: placeholder until the subcommands land. */
#include <stdio.h>

#include "vitals/vitals.h"

int main(void)
{
    printf("vitals %s\n", vt_version());
    return 0;
}
