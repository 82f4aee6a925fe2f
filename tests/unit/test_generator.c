/* SPDX-License-Identifier: MIT */
/* Tests of the generator: determinism, well-formed Apple XML, zip output, sizes, shapes,
 * options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "vitals/vitals.h"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    }
    return h;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

static void write_to(const vt_gen_options *o, const char *path, vt_gen_xml_stats *stats)
{
    vt_error err;
    assert_int_equal(vt_gen_write_file(o, path, 0, stats, &err), VT_OK);
}

static void same_seed_same_bytes_on_every_machine(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 30;
    o.per_day = 100;
    o.seed = 42;
    const char *a = VITALS_TMP_PREFIX "test-gen-a.xml", *b = VITALS_TMP_PREFIX "test-gen-b.xml";
    vt_gen_xml_stats sa, sb;
    write_to(&o, a, &sa);
    write_to(&o, b, &sb);
    size_t na, nb;
    char *xa = read_all(a, &na), *xb = read_all(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(xa, xb, na);
    assert_int_equal(sa.bytes, na);
    /* The anchors: FNV-1a 64 of this output, computed outside the test with
     *   vitals generate --days 30 --per-day 100 --seed 42 [--order time] -o g.xml
     *   python3 -c "h=0xcbf29ce484222325
     *   for b in open('g.xml','rb').read(): h=((h^b)*0x100000001b3)&(2**64-1)
     *   print(hex(h))"
     * The type order (default): sha256 b22158e5899909b53607ad6140974cad5a99f0eacc06fc5ca72c0e7d
     * 0b54d992; the time order, the only one before 2026-12-02, is byte for byte what those
     * versions wrote: sha256 4503cb37efeb4318e46f30ddeaaeb478f49437b28bd5ff85d3112597ffe959cc.
     * Both are 1292200 bytes. They change only when the generator's output changes on purpose. */
    assert_int_equal(na, 1292200);
    assert_int_equal(fnv1a(xa, na), 0x511729b4cb4fb7d4ull);
    o.order = VT_GEN_ORDER_TIME;
    write_to(&o, b, &sb);
    free(xb);
    xb = read_all(b, &nb);
    assert_int_equal(nb, 1292200);
    assert_int_equal(fnv1a(xb, nb), 0x018fce995c7c5c68ull);
    o.order = VT_GEN_ORDER_TYPE;
    /* Another seed, other bytes. */
    o.seed = 43;
    write_to(&o, b, &sb);
    free(xb);
    xb = read_all(b, &nb);
    assert_true(na != nb || memcmp(xa, xb, na) != 0);
    free(xa);
    free(xb);
    unlink(a);
    unlink(b);
}

static void export_has_apples_shape(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 21;
    o.per_day = 50;
    const char *path = VITALS_TMP_PREFIX "test-gen-shape.xml";
    vt_gen_xml_stats st;
    write_to(&o, path, &st);
    size_t n;
    char *x = read_all(path, &n);
    assert_true(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE HealthData [", 61) == 0);
    assert_non_null(strstr(x, "HealthKit Export Version: 14"));
    assert_non_null(strstr(x, "<HealthData locale=\"en_US\">"));
    assert_int_equal(count_of(x, "<ExportDate "), 1);
    assert_int_equal(count_of(x, "<Me "), 1);
    assert_int_equal(count_of(x, "<ActivitySummary "), 21);
    assert_int_equal(count_of(x, "<Workout "), 7);
    assert_true(count_of(x, "<WorkoutStatistics ") > 0);
    assert_true(count_of(x, "<WorkoutEvent ") > 0);
    assert_int_equal(count_of(x, "<Correlation "), 3);
    assert_true(count_of(x, "<MetadataEntry ") > 100);
    assert_true(count_of(x, "<InstantaneousBeatsPerMinute ") >= 21 * 2 * 3);
    assert_non_null(strstr(x, "device=\"&lt;&lt;HKDevice: 0x"));
    assert_non_null(strstr(x, "HKCategoryValueSleepAnalysisAsleepDeep"));
    assert_non_null(strstr(x, "sourceName=\"Alice\xe2\x80\x99s iPhone\""));
    /* Every Record is counted once: the Correlation's members repeat top-level ones. */
    assert_int_equal(count_of(x, "<Record "), st.records + 2 * 3);
    assert_true(strcmp(x + n - 14, "</HealthData>\n") == 0);
    /* The table gets exactly the top-level records. */
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    assert_int_equal(vt_gen_table(&o, t, NULL), VT_OK);
    assert_int_equal(vt_table_count(t), st.records);
    vt_table_free(t);
    free(x);
    /* Well-formed, checked by libxml2's own tool when it is installed. */
    if (system("command -v xmllint >/dev/null 2>&1") == 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "xmllint --noout --stream %s", path);
        assert_int_equal(system(cmd), 0);
    } else {
        fprintf(stderr, "note: xmllint not installed; well-formedness checked by the reader tests\n");
    }
    unlink(path);
}

static void zip_holds_the_same_xml(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 10;
    const char *xml = VITALS_TMP_PREFIX "test-gen-z.xml",
               *zpath = VITALS_TMP_PREFIX "test-gen-z.zip";
    vt_gen_xml_stats sx, sz;
    write_to(&o, xml, &sx);
    vt_error err;
    assert_int_equal(vt_gen_write_file(&o, zpath, 1, &sz, &err), VT_OK);
    assert_int_equal(sx.bytes, sz.bytes);
    size_t n;
    char *x = read_all(xml, &n);
    int zerr;
    zip_t *z = zip_open(zpath, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    assert_int_equal(zip_get_num_entries(z, 0), 1);
    assert_string_equal(zip_get_name(z, 0, 0), "apple_health_export/export.xml");
    zip_stat_t zs;
    assert_int_equal(zip_stat_index(z, 0, 0, &zs), 0);
    assert_int_equal(zs.size, n);
    assert_true(zs.comp_size < n / 4);
    zip_file_t *f = zip_fopen_index(z, 0, 0);
    char *y = malloc(n);
    assert_int_equal(zip_fread(f, y, n), (zip_int64_t)n);
    assert_memory_equal(x, y, n);
    zip_fclose(f);
    zip_close(z);
    free(x);
    free(y);
    unlink(xml);
    unlink(zpath);
}

static void size_target_adds_days(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 1;
    o.target_bytes = 3u * 1024 * 1024;
    const char *path = VITALS_TMP_PREFIX "test-gen-size.xml";
    vt_gen_xml_stats st;
    write_to(&o, path, &st);
    size_t n;
    char *x = read_all(path, &n);
    assert_true(n >= o.target_bytes);
    assert_true(n < o.target_bytes + 200 * 1024); /* at most about a day more */
    assert_true(st.days > 50);
    assert_int_equal(count_of(x, "<ActivitySummary "), st.days);
    free(x);
    unlink(path);
}

/* The dense shape: the same records without their device, about 290 bytes each. */
static void dense_shape_drops_the_device(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 20;
    const char *apple = VITALS_TMP_PREFIX "test-gen-apple.xml";
    const char *dense = VITALS_TMP_PREFIX "test-gen-dense.xml";
    vt_gen_xml_stats sa, sd;
    write_to(&o, apple, &sa);
    o.shape = VT_GEN_SHAPE_DENSE;
    write_to(&o, dense, &sd);
    size_t na, nd;
    char *xa = read_all(apple, &na);
    char *xd = read_all(dense, &nd);
    assert_int_equal(sd.records, sa.records);
    assert_int_equal(count_of(xd, "<Record "), count_of(xa, "<Record "));
    assert_true(count_of(xa, " device=\"") > 0);
    /* Records lose it; Workouts and Correlations keep theirs. */
    assert_int_equal(count_of(xd, "<Record type"), count_of(xa, "<Record type"));
    const char *r = strstr(xd, "<Record ");
    assert_non_null(r);
    char tag[1024];
    snprintf(tag, sizeof tag, "%.*s", (int)strcspn(r, ">"), r);
    assert_null(strstr(tag, "device="));
    /* The body per record: HealthData to the end, over the records. */
    const char *body = strstr(xd, "<HealthData");
    const double per_record = (double)(nd - (size_t)(body - xd)) / (double)sd.records;
    assert_true(per_record > 250 && per_record < 330);
    free(xa);
    free(xd);
    unlink(apple);
    unlink(dense);
    o.shape = 7;
    vt_error err;
    assert_int_equal(vt_gen_write_file(&o, dense, 0, NULL, &err), VT_ERR_INVALID);
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The document's lines, sorted (the buffer is cut into lines in place). */
static char **sorted_lines(char *x, size_t *count)
{
    size_t n = count_of(x, "\n"), k = 0;
    char **lines = malloc((n + 1) * sizeof *lines);
    for (char *p = x, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        *nl = '\0';
        lines[k++] = p;
    }
    qsort(lines, k, sizeof *lines, cmp_lines);
    *count = k;
    return lines;
}

/* The type order lists each type's records in one run, as Apple does, with the same lines as
 * the time order; with a size to reach, both orders cover the same days. */
static void type_order_lists_each_type_once(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.per_day = 60;
    o.target_bytes = 400000;
    const char *a = VITALS_TMP_PREFIX "test-gen-type.xml", *b = VITALS_TMP_PREFIX "test-gen-time.xml";
    vt_gen_xml_stats sa, sb;
    write_to(&o, a, &sa);
    o.order = VT_GEN_ORDER_TIME;
    write_to(&o, b, &sb);
    assert_int_equal(sa.days, sb.days);
    assert_int_equal(sa.bytes, sb.bytes);
    assert_int_equal(sa.records, sb.records);
    assert_true(sa.bytes >= 400000);
    size_t na, nb;
    char *xa = read_all(a, &na), *xb = read_all(b, &nb);
    assert_int_equal(na, nb);
    assert_true(memcmp(xa, xb, na) != 0);
    /* Runs of top-level Records of one type: one a type in the type order, many in the other. */
    size_t runs[2] = {0, 0};
    char *docs[2] = {xa, xb};
    for (int d = 0; d < 2; d++) {
        char prev[96] = "";
        for (const char *p = docs[d]; (p = strstr(p, "\n <Record type=\"")); p++) {
            const char *t = p + 16, *q = strchr(t, '"');
            char cur[96];
            snprintf(cur, sizeof cur, "%.*s", (int)(q - t), t);
            if (strcmp(cur, prev) != 0) {
                runs[d]++;
                strcpy(prev, cur);
            }
        }
    }
    assert_int_equal(runs[0], 10);
    assert_true(runs[1] > 100);
    size_t ka, kb;
    char **la = sorted_lines(xa, &ka), **lb = sorted_lines(xb, &kb);
    assert_int_equal(ka, kb);
    for (size_t i = 0; i < ka; i++) {
        assert_string_equal(la[i], lb[i]);
    }
    free(la);
    free(lb);
    free(xa);
    free(xb);
    /* The records a sink gets follow the order too: one run a type. */
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    o.order = VT_GEN_ORDER_TYPE;
    o.days = 20;
    o.target_bytes = 0;
    assert_int_equal(vt_gen_table(&o, t, NULL), VT_OK);
    size_t type_runs = 0;
    uint32_t prev_type = 0;
    for (size_t i = 0; i < vt_table_count(t); i++) {
        vt_record r;
        vt_table_get(t, i, &r);
        type_runs += r.type != prev_type;
        prev_type = r.type;
    }
    assert_int_equal(type_runs, 10);
    vt_table_free(t);
    unlink(a);
    unlink(b);
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    vt_error err;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    o.per_day = 0;
    assert_int_equal(vt_gen_table(&o, t, &err), VT_ERR_INVALID);
    assert_non_null(strstr(err.msg, "per-day"));
    vt_gen_options_default(&o);
    o.metrics = 0;
    assert_int_equal(vt_gen_table(&o, t, &err), VT_ERR_INVALID);
    vt_gen_options_default(&o);
    o.order = VT_GEN_ORDER_TIME + 1;
    assert_int_equal(vt_gen_table(&o, t, &err), VT_ERR_INVALID);
    assert_non_null(strstr(err.msg, "order"));
    vt_gen_options_default(&o);
    assert_int_equal(vt_gen_write_file(&o, "/nonexistent-dir/x.xml", 0, NULL, &err), VT_ERR_IO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.xml"));
    assert_int_equal(vt_table_count(t), 0);
    /* One metric only. */
    o.metrics = VT_GEN_HEART_RATE;
    o.days = 3;
    o.per_day = 40;
    assert_int_equal(vt_gen_table(&o, t, &err), VT_OK);
    assert_int_equal(vt_table_count(t), 3 * 40);
    vt_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_bytes_on_every_machine),
        cmocka_unit_test(export_has_apples_shape),
        cmocka_unit_test(zip_holds_the_same_xml),
        cmocka_unit_test(size_target_adds_days),
        cmocka_unit_test(dense_shape_drops_the_device),
        cmocka_unit_test(type_order_lists_each_type_once),
        cmocka_unit_test(bad_options_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
