/* SPDX-License-Identifier: MIT */
/* Tests of the SVG and HTML reports made from a results file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "vbench/vbench.h"
#include "vbench/report_files.h"

#define RESULTS VITALS_TMP_PREFIX "vb-test-visual.json"
#define SVG     VITALS_TMP_PREFIX "vb-test-visual.svg"
#define HTML    VITALS_TMP_PREFIX "vb-test-visual.html"

static json_t *bench(const char *group, const char *name, double base, const char *outcome)
{
    json_t *data = json_array();
    for (int i = 0; i < 9; i++) {
        json_array_append_new(data, json_real(base * (1 + 0.01 * i)));
    }
    char fullname[256];
    snprintf(fullname, sizeof fullname, "%s/%s", group, name);
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:I, s:I, s:f, s:f, s:s}, s:{s:f, s:f, s:f, s:f, "
                     "s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:I, s:o}}",
                     "group", group, "name", name, "fullname", fullname, "extra_info", "outcome",
                     outcome, "peak_rss_bytes", (json_int_t)(3 << 20), "heap_peak_bytes",
                     (json_int_t)4096, "threshold_s", base * 1.5, "ratio", 0.97, "verdict",
                     "no change", "stats", "min", base, "max", base * 1.08, "mean", base * 1.04,
                     "median", base * 1.04, "q1", base * 1.02, "q3", base * 1.06, "iqr",
                     base * 0.04, "ld15iqr", base, "hd15iqr", base * 1.08, "stddev", base * 0.03,
                     "rounds", (json_int_t)9, "iterations", (json_int_t)1, "data", data);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

static void writes_plots_and_page(void **state)
{
    (void)state;
    json_t *root = json_pack(
        "{s:{s:s, s:{s:s, s:I}}, s:[o, o, o, o], s:s, s:s}", "machine_info", "node", "testhost",
        "cpu", "brand", "Test CPU", "count", (json_int_t)2, "benchmarks",
        bench("db", "insert", 0.04, "passed"), bench("db", "query<&>", 0.004, "passed"),
        bench("calc", "daily[30]", 2e-4, "passed"), bench("calc", "daily[365]", 3e-3, "failed"),
        "datetime", "2026-11-27T00:00:00", "version", "0.1.0");
    /* A smoke result without statistics is listed but not plotted. */
    json_array_append_new(json_object_get(root, "benchmarks"),
                          json_pack("{s:s, s:s, s:s, s:{s:s}}", "group", "calc", "name", "smoke",
                                    "fullname", "calc/smoke", "extra_info", "outcome", "passed"));
    /* A gated benchmark: the gate's verdict shows in the page. */
    json_t *first = json_array_get(json_object_get(root, "benchmarks"), 0);
    json_object_set_new(json_object_get(first, "extra_info"), "gate",
                        json_pack("{s:s, s:f, s:f, s:f, s:s}", "metric", "median", "ratio", 1.25,
                                  "p", 0.001, "threshold", 1.2, "verdict", "regression"));
    assert_int_equal(json_dump_file(root, RESULTS, 0), 0);
    json_decref(root);
    vb_error err;
    assert_int_equal(vb_report_svg(RESULTS, SVG, &err), VB_OK);
    char *svg = slurp(SVG);
    assert_int_equal(count_of(svg, "<rect class=\"box\""), 4);
    assert_int_equal(count_of(svg, "class=\"title\">db<"), 1);
    assert_int_equal(count_of(svg, "class=\"title\">calc<"), 1);
    assert_non_null(strstr(svg, "query&lt;&amp;&gt;"));
    assert_null(strstr(svg, "query<&>"));
    assert_int_equal(count_of(svg, "class=\"bench failed\""), 1);
    free(svg);
    if (system("command -v xmllint >/dev/null 2>&1") == 0) {
        assert_int_equal(system("xmllint --noout " SVG), 0);
    }
    assert_int_equal(vb_report_html(RESULTS, HTML, &err), VB_OK);
    char *html = slurp(HTML);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "5 benchmarks, 1 failed."));
    assert_non_null(strstr(html, "Test CPU, 2 cores"));
    assert_int_equal(count_of(html, "<svg "), 1);
    assert_int_equal(count_of(html, "<rect class=\"box\""), 4);
    assert_int_equal(count_of(html, "<tr class=\"bad\">"), 1);
    assert_non_null(strstr(html, "threshold_s: 0.06"));
    assert_non_null(
        strstr(html, "+25.0% median vs baseline (threshold +20%), p = 0.001: <b>regression</b>"));
    assert_non_null(strstr(html, "<h2>Failures</h2>"));
    assert_non_null(strstr(html, "calc/daily[365]: failed"));
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "</html>"));
    free(html);
    unlink(RESULTS);
    unlink(SVG);
    unlink(HTML);
}

static void bad_results_files_are_errors(void **state)
{
    (void)state;
    vb_error err;
    FILE *f = fopen(RESULTS, "w");
    fputs("{\"benchmarks\": [", f);
    fclose(f);
    assert_int_equal(vb_report_svg(RESULTS, SVG, &err), VB_ERR_PARSE);
    assert_non_null(strstr(err.msg, RESULTS));
    f = fopen(RESULTS, "w");
    fputs("{\"other\": 1}", f);
    fclose(f);
    assert_int_equal(vb_report_html(RESULTS, HTML, &err), VB_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a results file"));
    assert_int_equal(vb_report_svg("/nonexistent/results.json", SVG, &err), VB_ERR_PARSE);
    unlink(RESULTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_plots_and_page),
        cmocka_unit_test(bad_results_files_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
