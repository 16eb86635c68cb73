/*===- runtime.h - The LPU runtime C API ----------------------------------===*
 *
 * Load a .lpu binary, query its inputs and outputs, bind data, run it on the
 * reference backend and read outputs and statistics. Every function returns
 * an lpu_status; on failure lpu_last_error() describes why (per thread).
 *
 *===----------------------------------------------------------------------===*/

#ifndef LPU_RUNTIME_H
#define LPU_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LPU_RUNTIME_API_VERSION 1

typedef enum lpu_status {
  LPU_OK = 0,
  LPU_ERROR_IO = 1,               /* the file could not be read */
  LPU_ERROR_INVALID_BINARY = 2,   /* malformed, corrupted or unsupported */
  LPU_ERROR_INVALID_ARGUMENT = 3, /* bad index, size or null pointer */
  LPU_ERROR_EXECUTION = 4,        /* a hazard or missing input during a run */
} lpu_status;

typedef enum lpu_dtype { LPU_DTYPE_F32 = 1 } lpu_dtype;

typedef struct lpu_program lpu_program;
typedef struct lpu_execution lpu_execution;

typedef struct lpu_tensor_info {
  const char *name; /* owned by the program */
  lpu_dtype dtype;
  size_t rank;
  const int64_t *shape; /* owned by the program */
  size_t num_elements;
} lpu_tensor_info;

typedef struct lpu_stats {
  uint64_t cycles;       /* total cycles of the run */
  uint64_t instructions; /* issued instructions, NOPs excluded */
  uint32_t clock_mhz;    /* target clock, for latency = cycles / clock */
} lpu_stats;

/* The message for the last failed call on this thread ("" if none). */
const char *lpu_last_error(void);

lpu_status lpu_program_load_file(const char *path, lpu_program **program);
lpu_status lpu_program_load_memory(const void *data, size_t size,
                                   lpu_program **program);
void lpu_program_free(lpu_program *program);

/* The target the program was compiled for, e.g. "lpu-v1". */
const char *lpu_program_target(const lpu_program *program);
size_t lpu_program_num_inputs(const lpu_program *program);
size_t lpu_program_num_outputs(const lpu_program *program);
lpu_status lpu_program_input_info(const lpu_program *program, size_t index,
                                  lpu_tensor_info *info);
lpu_status lpu_program_output_info(const lpu_program *program, size_t index,
                                   lpu_tensor_info *info);

/* An execution binds inputs and runs the program once. */
lpu_status lpu_execution_create(const lpu_program *program,
                                lpu_execution **execution);
void lpu_execution_free(lpu_execution *execution);
lpu_status lpu_execution_set_input(lpu_execution *execution, size_t index,
                                   const float *data, size_t num_elements);
lpu_status lpu_execution_run(lpu_execution *execution);
lpu_status lpu_execution_get_output(const lpu_execution *execution,
                                    size_t index, float *data,
                                    size_t num_elements);
lpu_status lpu_execution_stats(const lpu_execution *execution,
                               lpu_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* LPU_RUNTIME_H */
