/* SPDX-License-Identifier: MIT */
/* Clocks and calibration: how many iterations a round holds and how many rounds to run. */
#ifndef VBENCH_CALIBRATE_H
#define VBENCH_CALIBRATE_H

#include <stdint.h>

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Calibration options; see vb_calibrate. Fill with vb_calibrate_options_init. */
typedef struct vb_calibrate_options {
    double timer_precision;       /**< the timer's precision in seconds; 0 (the default): that of
                                       CLOCK_MONOTONIC, measured once per process */
    double min_time;              /**< minimum round time, seconds (pytest default 5e-6) */
    double max_time;              /**< measurement budget, seconds (default 1.0) */
    double calibration_precision; /**< default 10 */
    long long min_rounds;         /**< default 5 */
    int warmup;                   /**< nonzero (the default): warm up during calibration and
                                       before the rounds */
    long long warmup_iterations;  /**< default 100000 */
} vb_calibrate_options;

/** Fills `o` (not NULL) with pytest-benchmark's defaults, listed above. Thread-safe. */
void vb_calibrate_options_init(vb_calibrate_options *o);

/** What calibration chose. */
typedef struct vb_calibrate_result {
    uint64_t iterations;    /**< iterations per round */
    double round_time;      /**< seconds of the last calibration round */
    uint64_t rounds;        /**< rounds to measure */
    uint64_t warmup_rounds; /**< untimed rounds to run before measuring */
    uint64_t calib_rounds;  /**< rounds spent calibrating (warm-up included) */
} vb_calibrate_result;

/** Runs one round of `loops` iterations and returns its duration in seconds (< 0: abort). */
typedef double (*vb_round_fn)(void *ctx, uint64_t loops);

/**
 * pytest-benchmark's calibration (fixture.py, _calibrate_timer and _raw):
 * target = max(min_time, timer_precision x calibration_precision); loops = 1, 10, 100... until a
 * round reaches target x 5 / calibration_precision, then loops = ceil(target x loops / duration)
 * until a round reaches the target; rounds = max(ceil(max_time / round_time), min_rounds).
 * With warm-up, each calibration step repeats its round (keeping the fastest) until
 * warmup_iterations iterations or max_time seconds of rounds, and warmup_rounds =
 * min(rounds, max(1, warmup_iterations / iterations), ceil(max_time / round_time)) (the last
 * bound is vbench's: it keeps the warm-up of a slow benchmark within max_time). Time is what `run`
 * returns, so a fake runner makes it deterministic. Returns VB_ERR_INVALID for bad parameters or
 * when rounds never reach the target (an empty body on a coarse clock), VB_ERR_INTERNAL when `run`
 * returns a negative duration (the body failed). `opts`, `run` and `out` must not be NULL.
 * Thread-safe when `run` is.
 */
vb_status vb_calibrate(const vb_calibrate_options *opts, vb_round_fn run, void *ctx,
                       vb_calibrate_result *out, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
