#!/bin/sh
# SPDX-License-Identifier: MIT
# Sums up the memcheck logs of `make valgrind`: memcheck-summary.sh DIR (one <pid>.log a
# process). Prints the processes checked, their errors and leaks, and the logs with any.
set -eu
dir=$1
logs=$(ls "$dir"/*.log 2>/dev/null | wc -l)
awk '
/ERROR SUMMARY:/      { runs++; errors += $4; if ($4 > 0) bad[FILENAME] = 1 }
/definitely lost:/    { gsub(",", "", $4); definite += $4; if ($4 > 0) bad[FILENAME] = 1 }
/indirectly lost:/    { gsub(",", "", $4); indirect += $4; if ($4 > 0) bad[FILENAME] = 1 }
END {
    printf "memcheck: %d process reports, %d errors, %d bytes definitely lost, %d bytes indirectly lost\n",
           runs, errors, definite, indirect
    for (f in bad) printf "memcheck: see %s\n", f
}' "$dir"/*.log
echo "memcheck: $logs log files in $dir (a process that was killed, or exec'd a program valgrind does not follow, leaves no summary)"
