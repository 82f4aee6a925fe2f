/* SPDX-License-Identifier: MIT */
/* One self-contained HTML page of a run: the machine, the table, the thresholds and the plots. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "report_visual.h"
#include "vbench/report_files.h"

static void cell_seconds(FILE *out, const json_t *st, const char *key)
{
    const json_t *v = json_object_get(st, key);
    char buf[32] = "";
    if (json_is_number(v)) {
        vb__format_seconds(json_number_value(v), buf, sizeof buf);
    }
    fprintf(out, "<td class=\"num\">%s</td>", buf[0] ? buf : "&ndash;");
}

static void cell_bytes(FILE *out, const json_t *extra, const char *key)
{
    const json_t *v = json_object_get(extra, key);
    if (json_is_number(v) && json_number_value(v) >= 0) {
        fprintf(out, "<td class=\"num\">%.1f MiB</td>", json_number_value(v) / 1048576.0);
    } else {
        fputs("<td class=\"num\">n/a</td>", out);
    }
}

/* Keys of extra_info that belong to the regression gate, shown in the "gate" column. */
static int gate_key(const char *key)
{
    static const char *const words[] = {"threshold", "baseline",     "ratio",
                                        "p_value",   "verdict",      "limit",
                                        "exponent",  "instructions", "factor"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strstr(key, words[i])) {
            return 1;
        }
    }
    return 0;
}

static void value_text(FILE *out, const json_t *v)
{
    if (json_is_string(v)) {
        vb__xml_escape(out, json_string_value(v));
    } else if (json_is_integer(v)) {
        fprintf(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        fprintf(out, "%.4g", json_real_value(v));
    } else if (json_is_true(v) || json_is_false(v)) {
        fputs(json_is_true(v) ? "yes" : "no", out);
    } else if (json_is_object(v) || json_is_array(v)) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(4));
        vb__xml_escape(out, s ? s : "");
        free(s);
    }
}

static void machine(FILE *out, const json_t *root)
{
    const json_t *m = json_object_get(root, "machine_info");
    const json_t *cpu = json_object_get(m, "cpu");
    fputs("<section><h2>Machine</h2><table class=\"kv\">", out);
    const char *keys[][2] = {{"node", "host"},         {"system", "system"},
                             {"release", "release"},   {"machine", "architecture"},
                             {"compiler", "compiler"}, {"governor", "CPU governor"}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const json_t *v = json_object_get(m, keys[i][0]);
        if (v && !json_is_null(v)) {
            fprintf(out, "<tr><th>%s</th><td>", keys[i][1]);
            value_text(out, v);
            fputs("</td></tr>", out);
        }
    }
    if (cpu) {
        fputs("<tr><th>CPU</th><td>", out);
        vb__xml_escape(out, vb__json_str(cpu, "brand"));
        fprintf(out, ", %lld cores", (long long)json_integer_value(json_object_get(cpu, "count")));
        const json_t *mhz = json_object_get(cpu, "mhz");
        if (json_is_number(mhz)) {
            fprintf(out, " @ %.0f MHz", json_number_value(mhz));
        }
        fputs("</td></tr>", out);
    }
    /* Anything the harness adds about the environment (factor, calibration). */
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)m, key, v)
    {
        if (gate_key(key) || strstr(key, "calibration")) {
            fputs("<tr><th>", out);
            vb__xml_escape(out, key);
            fputs("</th><td>", out);
            value_text(out, v);
            fputs("</td></tr>", out);
        }
    }
    const json_t *commit = json_object_get(root, "commit_info");
    if (json_is_object(commit) && json_object_get(commit, "id")) {
        fputs("<tr><th>commit</th><td>", out);
        vb__xml_escape(out, vb__json_str(commit, "id"));
        if (json_is_true(json_object_get(commit, "dirty"))) {
            fputs(" (dirty)", out);
        }
        fputs("</td></tr>", out);
    }
    fputs("<tr><th>date</th><td>", out);
    vb__xml_escape(out, vb__json_str(root, "datetime"));
    fputs("</td></tr></table></section>\n", out);
}

/* The regression gate's line: the change, its threshold, significance and verdict. `bold`
   sets the verdict in <b> (the page's text); without it the line fits an attribute. */
static void gate_line(FILE *out, const json_t *gate, int bold)
{
    const double ratio = json_number_value(json_object_get(gate, "ratio"));
    fprintf(out, "%+.1f%% %s vs baseline (threshold %+.0f%%), p = %.2g: %s", (ratio - 1) * 100,
            vb__json_str(gate, "metric"),
            (json_number_value(json_object_get(gate, "threshold")) - 1) * 100,
            json_number_value(json_object_get(gate, "p")), bold ? "<b>" : "");
    vb__xml_escape(out, vb__json_str(gate, "verdict"));
    fputs(bold ? "</b>" : "", out);
}

/* Whether a benchmark has anything for the "Gate and checks" section: the gate's verdict,
   other gate keys of extra_info (limits, complexity), or a message. */
static int has_checks(const json_t *extra)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)extra, key, v)
    {
        if (gate_key(key) || strcmp(key, "gate") == 0) {
            return 1;
        }
    }
    return vb__json_str(extra, "message")[0] != '\0';
}

/* A benchmark's name, with line-break opportunities after '_' and '/' and before '[', so
   that a narrow window breaks "import_file_db_one_thread" between words, not inside one. */
static void name_text(FILE *out, const char *name)
{
    char one[2] = "";
    for (; *name; name++) {
        if (*name == '[') {
            fputs("<wbr>", out);
        }
        one[0] = *name;
        vb__xml_escape(out, one);
        if (*name == '_' || *name == '/') {
            fputs("<wbr>", out);
        }
    }
}

/* The results: a heading row per group, then one row per benchmark, every cell short so that
   the table fits a 1300 px window. The gate column holds the change and the verdict; the
   whole line, with the threshold and p, is the cell's tooltip and is written out under
   "Gate and checks", where the cell links to. */
static void table(FILE *out, const json_t *benchmarks)
{
    fputs("<section><h2>Results</h2><table class=\"results\"><thead><tr><th>benchmark</th>"
          "<th>outcome</th><th class=\"num\">min</th><th class=\"num\">median</th>"
          "<th class=\"num\">mean</th><th class=\"num\">stddev</th><th class=\"num\">IQR</th>"
          "<th class=\"num\">OPS</th><th class=\"num\">rounds</th><th class=\"num\">iter.</th>"
          "<th class=\"num\">peak RSS</th><th class=\"num\">heap peak</th><th>gate</th></tr>"
          "</thead><tbody>\n",
          out);
    size_t i;
    const json_t *b;
    const char *group = NULL;
    json_array_foreach(benchmarks, i, b)
    {
        const json_t *st = json_object_get(b, "stats");
        const json_t *extra = json_object_get(b, "extra_info");
        const char *outcome = vb__json_str(extra, "outcome");
        const int ok = !outcome[0] || strcmp(outcome, "passed") == 0;
        const char *g = vb__json_str(b, "group");
        if (!group || strcmp(group, g) != 0) {
            fputs("<tr class=\"group\"><th colspan=\"13\">", out);
            vb__xml_escape(out, g[0] ? g : "(no group)");
            fputs("</th></tr>\n", out);
            group = g;
        }
        fprintf(out, "<tr class=\"%s\"><td class=\"name\">", ok ? "ok" : "bad");
        name_text(out, vb__json_str(b, "name"));
        fputs("</td><td>", out);
        vb__xml_escape(out, outcome[0] ? outcome : "passed");
        fputs("</td>", out);
        static const char *const cols[] = {"min", "median", "mean", "stddev", "iqr"};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            cell_seconds(out, st, cols[c]);
        }
        const json_t *ops = json_object_get(st, "ops");
        if (json_is_number(ops)) {
            fprintf(out, "<td class=\"num\">%.4g</td>", json_number_value(ops));
        } else {
            fputs("<td class=\"num\">&ndash;</td>", out);
        }
        fprintf(out, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
                (long long)json_integer_value(json_object_get(st, "rounds")),
                (long long)json_integer_value(json_object_get(st, "iterations")));
        cell_bytes(out, extra, "peak_rss_bytes");
        cell_bytes(out, extra, "heap_peak_bytes");
        fputs("<td class=\"gate\">", out);
        if (has_checks(extra)) {
            const json_t *gate = json_object_get(extra, "gate");
            fprintf(out, "<a href=\"#check-%zu\"", i);
            if (json_is_object(gate)) {
                fputs(" title=\"", out);
                gate_line(out, gate, 0);
                fprintf(out, "\">%+.1f%% ",
                        (json_number_value(json_object_get(gate, "ratio")) - 1) * 100);
                vb__xml_escape(out, vb__json_str(gate, "verdict"));
            } else {
                fputs(">details", out);
            }
            fputs("</a>", out);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></section>\n", out);
}

/* Everything the gate and the checks said, a row per benchmark that has something: the
   gate's full line, the other gate keys (limits, complexity) and the message. */
static void checks(FILE *out, const json_t *benchmarks)
{
    size_t i;
    const json_t *b;
    int any = 0;
    json_array_foreach(benchmarks, i, b)
    {
        const json_t *extra = json_object_get(b, "extra_info");
        if (!has_checks(extra)) {
            continue;
        }
        if (!any) {
            fputs("<section><h2>Gate and checks</h2><table class=\"checks\"><tbody>\n", out);
            any = 1;
        }
        fprintf(out, "<tr id=\"check-%zu\"><th>", i);
        name_text(out, vb__json_str(b, "fullname"));
        fputs("</th><td>", out);
        const char *sep = "";
        const json_t *gate = json_object_get(extra, "gate");
        if (json_is_object(gate)) {
            gate_line(out, gate, 1);
            sep = "<br>";
        }
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)extra, key, v)
        {
            if (gate_key(key)) {
                fputs(sep, out);
                vb__xml_escape(out, key);
                fputs(": ", out);
                value_text(out, v);
                sep = "<br>";
            }
        }
        const char *msg = vb__json_str(extra, "message");
        if (msg[0]) {
            fputs(sep, out);
            vb__xml_escape(out, msg);
        }
        fputs("</td></tr>\n", out);
    }
    if (any) {
        fputs("</tbody></table></section>\n", out);
    }
}

static vb_status write_page(const char *results_json, const vb_history *h,
                            const vb_history_step *steps, size_t nsteps, const char *html_path,
                            vb_error *err);

vb_status vb_report_html(const char *results_json, const char *html_path, vb_error *err)
{
    return vb_report_html_history(results_json, NULL, html_path, err);
}

vb_status vb_report_html_history(const char *results_json, const char *history,
                                 const char *html_path, vb_error *err)
{
    vb_history *h = NULL;
    vb_history_step *steps = NULL;
    size_t nsteps = 0;
    if (history && (vb_history_load(history, &h, err) != VB_OK ||
                    vb_history_steps(h, NULL, &steps, &nsteps, err) != VB_OK)) {
        vb_history_free(h);
        return err ? err->code : VB_ERR_IO;
    }
    const vb_status s = write_page(results_json, h, steps, nsteps, html_path, err);
    vb_history_steps_free(steps);
    vb_history_free(h);
    return s;
}

/* The page, with the trends of `h` when it is not NULL. */
static vb_status write_page(const char *results_json, const vb_history *h,
                            const vb_history_step *steps, size_t nsteps, const char *html_path,
                            vb_error *err)
{
    json_t *root = vb__results_load(results_json, err);
    if (!root) {
        return err ? err->code : VB_ERR_PARSE;
    }
    FILE *out = fopen(html_path, "w");
    if (!out) {
        json_decref(root);
        return vb__error(err, VB_ERR_IO, "%s: %s", html_path, strerror(errno));
    }
    const json_t *benchmarks = json_object_get(root, "benchmarks");
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>vbench report</title><style>\n"
          "body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.4em}"
          "table{border-collapse:collapse;margin:0.5em 0}td,th{padding:3px 6px;"
          "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
          ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
          "tr.bad td{background:#fee}.kv th,.checks th{color:#555;font-weight:normal}"
          ".results{font-size:0.9em}.results thead th{vertical-align:bottom}"
          ".results td.name{overflow-wrap:break-word}"
          "tr.group th{padding-top:0.8em;border-bottom:1px solid #999}"
          ".gate{white-space:nowrap}.gate a{color:inherit}tr.bad .gate{color:#b00}"
          ".checks td{overflow-wrap:anywhere}"
          ".summary.fail{color:#b00}.summary.pass{color:#070}"
          ".trends{display:flex;flex-wrap:wrap;gap:6px}figure.trend{margin:0}"
          "figure.trend svg{max-width:100%;height:auto}"
          "@media print{body{margin:0}.results{font-size:0.8em}}\n"
          "</style></head><body>\n<h1>Benchmark report</h1>\n",
          out);
    size_t failed = 0, i;
    const json_t *b;
    json_array_foreach(benchmarks, i, b)
    {
        const char *o = vb__json_str(json_object_get(b, "extra_info"), "outcome");
        failed += o[0] && strcmp(o, "passed") != 0;
    }
    fprintf(out, "<p class=\"summary %s\">%zu benchmarks, %zu failed.</p>\n",
            failed ? "fail" : "pass", json_array_size(benchmarks), failed);
    machine(out, root);
    table(out, benchmarks);
    checks(out, benchmarks);
    fputs("<section><h2>Plots</h2>\n", out);
    vb__svg_render(out, root);
    fputs("</section>\n", out);
    if (h) {
        vb__trend_render(out, h, steps, nsteps);
    }
    if (failed) {
        fputs("<section><h2>Failures</h2><ul>\n", out);
        json_array_foreach(benchmarks, i, b)
        {
            const json_t *extra = json_object_get(b, "extra_info");
            const char *o = vb__json_str(extra, "outcome");
            if (o[0] && strcmp(o, "passed") != 0) {
                fputs("<li>", out);
                vb__xml_escape(out, vb__json_str(b, "fullname"));
                fputs(": ", out);
                vb__xml_escape(out, o);
                const char *msg = vb__json_str(extra, "message");
                if (msg[0]) {
                    fputs(" &ndash; ", out);
                    vb__xml_escape(out, msg);
                }
                fputs("</li>\n", out);
            }
        }
        fputs("</ul></section>\n", out);
    }
    fputs("<footer><p>Written by vbench from the pytest-benchmark JSON of the run.</p></footer>\n"
          "</body></html>\n",
          out);
    json_decref(root);
    if (fclose(out) != 0) {
        return vb__error(err, VB_ERR_IO, "%s: %s", html_path, strerror(errno));
    }
    return VB_OK;
}
