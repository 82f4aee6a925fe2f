/* SPDX-License-Identifier: MIT */
/* libvbench: a benchmark harness for C. Knows nothing of the code it measures. */
#ifndef VBENCH_VBENCH_H
#define VBENCH_VBENCH_H

#ifdef __cplusplus
extern "C" {
#endif

/** The library's version string. */
const char *vb_version(void);

#ifdef __cplusplus
}
#endif
#endif
