/* SPDX-License-Identifier: MIT */
/* The vitals command: dispatches to its subcommands. */
#include <string.h>

#include "cli.h"
#include "cmd_import.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"generate", cmd_generate, "write deterministic synthetic health data (XML, zip or database)"},
    {"daily", cmd_daily, "daily metrics per day and metric, with de-duplicated totals"},
    {"chart", cmd_chart, "charts of steps, heart rate, HRV, energy, sleep, weight (HTML/SVG)"},
    {"query", cmd_query, "run one SQL statement against a database"},
    {"info", cmd_info, "summarise a database or an export: counts per type, date range"},
    {"import", cmd_import, "import an Apple Health export (zip, xml, stdin) into a database"},
    {"export", cmd_export, "write an export's records as CSV, without a database"},
};

static void usage(FILE *out)
{
    fputs("usage: vitals <command> [options]\n\n"
          "Streams Apple Health exports into SQLite and computes daily metrics.\n\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        fprintf(out, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    }
    fputs("\n'vitals <command> --help' describes a command. 'vitals --version' prints the "
          "version.\n",
          out);
}

int main(int argc, char **argv)
{
    /* Before anything uses SQLite: no per-allocation statistics (the CLI never reads them). */
    (void)vt_store_process_init();
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vitals %s\n", vt_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            return COMMANDS[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "vitals: unknown command '%s' (see 'vitals --help')\n", argv[1]);
    return CLI_USAGE;
}
