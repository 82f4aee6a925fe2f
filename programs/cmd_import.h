/* SPDX-License-Identifier: MIT */
/* The subcommands that read Apple Health exports: import, export, and info of an export. */
#ifndef VITALS_CMD_IMPORT_H
#define VITALS_CMD_IMPORT_H

/* vitals import EXPORT --db DB: the export into a database, all or nothing. */
int cmd_import(int argc, char **argv);
/* vitals export EXPORT --format csv: the export's records as CSV on standard output. */
int cmd_export(int argc, char **argv);
/* vitals info EXPORT: counts per element kind and per type, date range; no database.
 * Called by cmd_info when its argument is an export rather than a database. */
int vitals_info_export(int argc, char **argv);
/* Whether `path` is an export (a zip, XML, or "-") rather than a database, by content. */
int vitals_is_export(const char *path);

#endif
