/* SPDX-License-Identifier: MIT */
/* vb_main: the command line every suite binary gets, parsed here, and the run loop. The only
   part of libvbench that prints (with cli_steps.c and cli_outputs.c). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* How an option sets its field of vb__cli. The kinds from TEXT on take a value. */
typedef enum kind {
    SET_TRUE,    /* bool = true */
    SET_FALSE,   /* bool = false */
    SET_ON,      /* int = VB_ON */
    SET_OFF,     /* int = VB_OFF */
    TEXT,        /* const char * = the value */
    COUNT,       /* long long = a positive integer */
    POSITIVE,    /* double = a positive number */
    PROBABILITY, /* double = a number strictly between 0 and 1 */
    FRACTION,    /* double = a number from 0 to 1, 1 excluded */
    CHOICE,      /* an enum: the index of the value in `choices` (see set_choice) */
    RULE         /* one more --compare-fail rule */
} kind;

#define FIELD(f) offsetof(vb__cli, f)

static const char *const sorts[] = {"name", "min", "max", "mean", "median", NULL};
static const char *const env_modes[] = {"kernel", "median", "none", NULL};
static const char *const metrics[] = {"time", "instructions", NULL};

static const struct option {
    const char *name, *alias;
    kind kind;
    size_t field;
    const char *const *choices;
} options[] = {
    {"--list", NULL, SET_TRUE, FIELD(list), NULL},
    {"--smoke", NULL, SET_TRUE, FIELD(run.smoke), NULL},
    {"--warmup", NULL, SET_ON, FIELD(run.warmup), NULL},
    {"--no-warmup", NULL, SET_OFF, FIELD(run.warmup), NULL},
    {"--no-fork", NULL, SET_FALSE, FIELD(run.fork), NULL},
    {"--no-memory", NULL, SET_FALSE, FIELD(run.memory), NULL},
    {"--quiet", "-q", SET_TRUE, FIELD(quiet), NULL},
    {"--verbose", "-v", SET_TRUE, FIELD(verbose), NULL},
    {"--help", "-h", SET_TRUE, FIELD(help), NULL},
    {"--gate", NULL, SET_TRUE, FIELD(gate.gate), NULL},
    {"--update-baseline", NULL, SET_TRUE, FIELD(gate.update), NULL},
    {"--autosave", NULL, SET_TRUE, FIELD(autosave), NULL},
    {"-k", NULL, TEXT, FIELD(run.name_filter), NULL},
    {"-m", NULL, TEXT, FIELD(run.mark_filter), NULL},
    {"--json", NULL, TEXT, FIELD(json), NULL},
    {"--gbench-json", NULL, TEXT, FIELD(gbench), NULL},
    {"--csv", NULL, TEXT, FIELD(csv), NULL},
    {"--markdown", NULL, TEXT, FIELD(markdown), NULL},
    {"--svg", NULL, TEXT, FIELD(svg), NULL},
    {"--html", NULL, TEXT, FIELD(html), NULL},
    {"--gab-json", NULL, TEXT, FIELD(gab), NULL},
    {"--baseline", NULL, TEXT, FIELD(gate.baseline), NULL},
    {"--history", NULL, TEXT, FIELD(history), NULL},
    {"--storage", NULL, TEXT, FIELD(storage), NULL},
    {"--save", NULL, TEXT, FIELD(save), NULL},
    {"--vb-exact", NULL, TEXT, FIELD(exact), NULL},
    {"--rounds", NULL, COUNT, FIELD(run.rounds), NULL},
    {"--min-rounds", NULL, COUNT, FIELD(run.min_rounds), NULL},
    {"--repetitions", NULL, COUNT, FIELD(run.repetitions), NULL},
    {"--vb-callgrind", NULL, COUNT, FIELD(run.callgrind_iterations), NULL},
    {"--max-time", NULL, POSITIVE, FIELD(run.max_time), NULL},
    {"--timeout", NULL, POSITIVE, FIELD(run.timeout), NULL},
    {"--margin", NULL, POSITIVE, FIELD(gate.opts.margin), NULL},
    {"--alpha", NULL, PROBABILITY, FIELD(gate.opts.alpha), NULL},
    {"--precision", NULL, FRACTION, FIELD(run.precision), NULL},
    {"--sort", NULL, CHOICE, FIELD(run.sort), sorts},
    {"--env-factor", NULL, CHOICE, FIELD(gate.env_mode), env_modes},
    {"--gate-metric", NULL, CHOICE, FIELD(gate.opts.metric), metrics},
    {"--compare-fail", NULL, RULE, FIELD(rules), NULL},
};

/* Stores the index of `v` in o->choices into the enum field; false when it is none of them. */
static bool set_choice(vb__cli *c, const struct option *o, const char *v)
{
    int i = 0;
    while (o->choices[i] && strcmp(o->choices[i], v) != 0) {
        i++;
    }
    if (!o->choices[i]) {
        fprintf(stderr, "vbench: %s wants %s", o->name, o->choices[0]);
        for (int k = 1; o->choices[k]; k++) {
            fprintf(stderr, "%s%s", o->choices[k + 1] ? ", " : " or ", o->choices[k]);
        }
        fputc('\n', stderr);
        return false;
    }
    if (o->field == FIELD(run.sort)) {
        c->run.sort = (vb_sort)i;
    } else if (o->field == FIELD(gate.env_mode)) {
        c->gate.env_mode = (vb__env_mode)i;
    } else {
        c->gate.opts.metric = (vb_gate_metric)i;
    }
    return true;
}

/* Adds a --compare-fail rule (which implies --compare); false on a bad one (reported). */
static bool add_rule(vb__cli *c, const char *v)
{
    vb_error e;
    if (c->nrules == sizeof c->rules / sizeof c->rules[0]) {
        fprintf(stderr, "vbench: too many --compare-fail rules\n");
        return false;
    }
    if (vb_compare_rule_parse(v, &c->rules[c->nrules], &e) != VB_OK) {
        fprintf(stderr, "vbench: %s\n", e.msg);
        return false;
    }
    c->nrules++;
    c->compare = true;
    return true;
}

/* Sets the option's field from its value (NULL for a switch); false on a bad value. */
static bool set(vb__cli *c, const struct option *o, const char *v)
{
    void *field = (char *)c + o->field;
    long long n = 0;
    double x = 0;
    switch (o->kind) {
    case SET_TRUE:
    case SET_FALSE:
        *(bool *)field = o->kind == SET_TRUE;
        return true;
    case SET_ON:
    case SET_OFF:
        *(int *)field = o->kind == SET_ON ? VB_ON : VB_OFF;
        return true;
    case TEXT:
        *(const char **)field = v;
        return true;
    case COUNT:
        if (!vb__parse_ll(v, &n) || n < 1) {
            fprintf(stderr, "vbench: %s wants a positive integer, not '%s'\n", o->name, v);
            return false;
        }
        *(long long *)field = n;
        return true;
    case POSITIVE:
    case PROBABILITY:
    case FRACTION:
        if (!vb__parse_double(v, &x) || !(o->kind == FRACTION ? x >= 0 : x > 0) ||
            (o->kind != POSITIVE && x >= 1)) {
            fprintf(stderr, "vbench: %s wants a %s, not '%s'\n", o->name,
                    o->kind == PROBABILITY ? "probability between 0 and 1"
                    : o->kind == FRACTION  ? "fraction from 0 to 1 (0.01 is 1%)"
                                           : "positive number",
                    v);
            return false;
        }
        *(double *)field = x;
        return true;
    case CHOICE:
        return set_choice(c, o, v);
    case RULE:
        return add_rule(c, v);
    }
    return false;
}

/* The options that fit no kind of the table: --profile KIND DIR, --compare[=WHICH] and the
   paired comparison's. Returns 1 when `argv[*i]` was one (and valid), 0 when not, -1 on a
   usage error (reported). */
static int special(vb__cli *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    bool bad = false;
    if (vb__paired_parse(argc, argv, i, &c->paired, &bad)) {
        return bad ? -1 : 1;
    }
    if (strcmp(a, "--compare") == 0 || strncmp(a, "--compare=", 10) == 0) {
        c->compare = true;
        c->compare_which = a[9] == '=' ? a + 10 : NULL;
        return 1;
    }
    if (strcmp(a, "--profile") == 0) {
        if (*i + 2 >= argc) {
            fprintf(stderr, "vbench: --profile needs a kind (cpu or heap) and a directory\n");
            return -1;
        }
        c->profile_kind = argv[++*i];
        c->profile_dir = argv[++*i];
        if (strcmp(c->profile_kind, "cpu") != 0 && strcmp(c->profile_kind, "heap") != 0) {
            fprintf(stderr, "vbench: --profile wants cpu or heap, not '%s'\n", c->profile_kind);
            return -1;
        }
        return 1;
    }
    return 0;
}

/* Parses the command line into `c`; false on a usage error (already reported). An option with
   a value takes it as "--opt value" or "--opt=value". */
static bool parse(int argc, char **argv, vb__cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const int s = special(c, argc, argv, &i);
        if (s != 0) {
            if (s < 0) {
                return false;
            }
            continue;
        }
        const struct option *o = NULL;
        const char *v = NULL;
        for (size_t k = 0; k < sizeof options / sizeof options[0] && !o; k++) {
            const struct option *t = &options[k];
            const size_t len = strlen(t->name);
            if (strcmp(a, t->name) == 0 || (t->alias && strcmp(a, t->alias) == 0)) {
                o = t;
            } else if (t->kind >= TEXT && strncmp(a, t->name, len) == 0 && a[len] == '=') {
                o = t;
                v = a + len + 1;
            }
        }
        if (!o) {
            fprintf(stderr, "vbench: unknown option '%s' (try --help)\n", a);
            return false;
        }
        if (o->kind >= TEXT && !v) {
            if (i + 1 >= argc) {
                fprintf(stderr, "vbench: %s needs a value\n", o->name);
                return false;
            }
            v = argv[++i];
        }
        if (!set(c, o, v)) {
            return false;
        }
    }
    return true;
}

/* Marks each registered benchmark selected or not; returns how many are, -1 on a bad -m. */
static long select_benches(const vb__cli *c, bool *selected)
{
    long count = 0;
    for (size_t i = 0; i < vb_registry_count(); i++) {
        const vb_bench *b = vb_registry_get(i);
        bool marks = true;
        vb_error e;
        if (vb_filter_marks(c->run.mark_filter, b->opts.marks, &marks, &e) != VB_OK) {
            fprintf(stderr, "vbench: %s\n", e.msg);
            return -1;
        }
        selected[i] = marks && vb_filter_name(c->run.name_filter, b->fullname) &&
                      (!c->exact || strcmp(c->exact, b->fullname) == 0);
        count += selected[i];
    }
    return count;
}

/* Runs the selected benchmarks into `results`; returns how many ran. */
static size_t run_all(const vb__cli *c, const bool *selected, long nsel, vb_result *results)
{
    const bool progress = !c->quiet && isatty(STDERR_FILENO);
    size_t n = 0;
    for (size_t i = 0; i < vb_registry_count(); i++) {
        if (!selected[i]) {
            continue;
        }
        const vb_bench *b = vb_registry_get(i);
        if (progress) {
            fprintf(stderr, "\r\x1b[K[%zu/%ld] %s", n + 1, nsel, b->fullname);
            fflush(stderr);
        }
        vb_error e;
        if (vb_run_bench(b, &c->run, &results[n], &e) != VB_OK && !c->quiet) {
            fprintf(stderr, "%svbench: %s\n", progress ? "\r\x1b[K" : "", e.msg);
        }
        if (c->run.smoke && !c->quiet) {
            printf("%-8s %s%s%s\n", vb_outcome_name(results[n].outcome), b->fullname,
                   results[n].msg[0] ? ": " : "", results[n].msg);
        }
        n++;
    }
    if (progress) {
        fprintf(stderr, "\r\x1b[K");
    }
    return n;
}

int vb_main(int argc, char **argv)
{
    vb_error reg;
    if (vb_registry_error(&reg)) {
        fprintf(stderr, "vbench: registration failed: %s\n", reg.msg);
        return 3;
    }
    vb__cli c;
    memset(&c, 0, sizeof c);
    vb_run_options_init(&c.run);
    vb_gate_options_init(&c.gate.opts);
    c.gate.baseline = "benchmarks/baseline.json";
    c.storage = ".benchmarks";
    vb__paired_cli_init(&c.paired);
    if (!parse(argc, argv, &c)) {
        return 2;
    }
    if (c.help) {
        printf(vb__cli_usage, argc > 0 ? argv[0] : "suite");
        fputs(vb__cli_usage_more, stdout);
        return 0;
    }
    const size_t total = vb_registry_count();
    bool *selected = vb__calloc(total, sizeof *selected);
    vb_result *results = vb__calloc(total, sizeof *results);
    if (!selected || !results) {
        fprintf(stderr, "vbench: out of memory\n");
        vb__free(selected);
        vb__free(results);
        return 3;
    }
    const long nsel = select_benches(&c, selected);
    int code = 0;
    if (nsel < 0) {
        code = 2;
    } else if (c.list) {
        vb__cli_list(selected);
    } else if (c.paired.base_binary) {
        const vb__outputs outs = {c.json, c.markdown, c.html, c.gab};
        code = vb__paired_main(&c.paired, &c.run, selected, &outs, c.quiet);
    } else {
        vb_machine m;
        vb__cli_begin(&c, selected, &m);
        const size_t n = run_all(&c, selected, nsel, results);
        code = vb__cli_end(&c, &m, results, n);
    }
    vb__free(selected);
    vb__free(results);
    return code;
}
