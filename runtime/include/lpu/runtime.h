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

#define LPU_RUNTIME_API_VERSION 7

typedef enum lpu_status {
  LPU_OK = 0,
  LPU_ERROR_IO = 1,               /* the file could not be read */
  LPU_ERROR_INVALID_BINARY = 2,   /* malformed, corrupted or unsupported */
  LPU_ERROR_INVALID_ARGUMENT = 3, /* bad index, size or null pointer */
  LPU_ERROR_EXECUTION = 4,        /* a hazard or missing input during a run */
  LPU_ERROR_TARGET_MISMATCH = 5,  /* compiled for another chip description */
} lpu_status;

/* Element types, numbered as ONNX's TensorProto.DataType. Host buffers hold
 * elements of the natural size: 8 bytes for i64/u64/f64, 4 for
 * f32/i32/u32, 2 for f16/bf16 (IEEE binary16 / bfloat16 bit patterns) and
 * i16/u16, 1 for i8/u8/bool. The chip computes every integer type in i32
 * and bool and f64 in f32 (f16 and bf16 too, where the model computes with
 * them): setting an input fails if an integer does not fit in int32 (f64
 * rounds to f32), and getting an output fails if a value does not fit the
 * output's type (f32 rounds to f16 and bf16). */
typedef enum lpu_dtype {
  LPU_DTYPE_F32 = 1,
  LPU_DTYPE_U8 = 2,
  LPU_DTYPE_I8 = 3,
  LPU_DTYPE_U16 = 4,
  LPU_DTYPE_I16 = 5,
  LPU_DTYPE_I32 = 6,
  LPU_DTYPE_I64 = 7,
  LPU_DTYPE_BOOL = 9,
  LPU_DTYPE_F16 = 10,
  LPU_DTYPE_F64 = 11,
  LPU_DTYPE_U32 = 12,
  LPU_DTYPE_U64 = 13,
  LPU_DTYPE_BF16 = 16,
} lpu_dtype;

typedef struct lpu_program lpu_program;
typedef struct lpu_execution lpu_execution;

typedef struct lpu_tensor_info {
  const char *name; /* owned by the program */
  lpu_dtype dtype;
  size_t rank;
  const int64_t *shape; /* owned by the program */
  size_t num_elements;
  size_t element_bytes; /* host bytes per element */
} lpu_tensor_info;

typedef struct lpu_stats {
  uint64_t cycles;            /* total cycles of the run */
  uint64_t instructions;      /* issues, NOPs excluded, repeats expanded */
  uint64_t instruction_words; /* words in the binary, NOPs included */
  uint32_t clock_mhz;         /* target clock */
  double latency_us;          /* cycles / clock */
  uint64_t stream_writes;     /* values put on streams */
  uint64_t stream_reads;      /* operands taken from streams */
  uint64_t sram_bytes_used;   /* SRAM high-water mark, in bytes */
  uint64_t sram_bytes_total;  /* SRAM capacity, in bytes */
  size_t num_units;           /* queues with instructions; see below */
} lpu_stats;

typedef struct lpu_unit_stats {
  const char *kind;     /* "mem", "vxm", "mxm", "sxm" or "mxw" */
  uint32_t index;       /* queue index within its kind */
  uint32_t slice;       /* floorplan column (0 = west edge) */
  uint64_t busy_cycles; /* issue cycles used */
  double utilization;   /* busy_cycles / cycles */
} lpu_unit_stats;

/* Host element conversions, for tools that read and print tensors: doubles
 * to elements of `dtype` (floats round to nearest even, integers round and
 * saturate) and back. */
lpu_status lpu_elements_from_f64(lpu_dtype dtype, const double *in, size_t n,
                                 void *out);
lpu_status lpu_elements_to_f64(lpu_dtype dtype, const void *in, size_t n,
                               double *out);

/* The message for the last failed call on this thread ("" if none). */
const char *lpu_last_error(void);

lpu_status lpu_program_load_file(const char *path, lpu_program **program);
lpu_status lpu_program_load_memory(const void *data, size_t size,
                                   lpu_program **program);
void lpu_program_free(lpu_program *program);

/* The target the program was compiled for, e.g. "lpu-v1". Loading refuses a
 * binary that names a built-in target but describes it differently. */
const char *lpu_program_target(const lpu_program *program);
/* LPU_OK if the program was compiled for exactly this target (a built-in
 * name or a target description file), LPU_ERROR_TARGET_MISMATCH if not. */
lpu_status lpu_program_check_target(const lpu_program *program,
                                    const char *name_or_path);
/* The compiler that made the program and its version, e.g. "lpuc 0.1.0". */
const char *lpu_program_producer(const lpu_program *program);
/* What the program was made from, as key/value pairs in the compiler's
 * order: "model.sha256", "target", "target.sha256", "precision", "flags"
 * (docs/binary-format.md). `key` and `value` live as long as the program. */
size_t lpu_program_num_provenance(const lpu_program *program);
lpu_status lpu_program_provenance(const lpu_program *program, size_t index,
                                  const char **key, const char **value);
size_t lpu_program_num_inputs(const lpu_program *program);
size_t lpu_program_num_outputs(const lpu_program *program);
lpu_status lpu_program_input_info(const lpu_program *program, size_t index,
                                  lpu_tensor_info *info);
lpu_status lpu_program_output_info(const lpu_program *program, size_t index,
                                   lpu_tensor_info *info);

/* State (a KV cache): the output whose value input `input_index` takes at
 * the next run of an execution, or -1 if it is no state. Both lie in the
 * same SRAM: the value never leaves the chip. */
int64_t lpu_program_state_output(const lpu_program *program,
                                 size_t input_index);

/* An execution binds inputs and runs the program, as often as asked: each
 * run starts from the inputs of the last (set_input changes one), a state
 * input from zeros, then from the value its output left. Outputs and stats
 * are the last run's until an input is set for the next. */
lpu_status lpu_execution_create(const lpu_program *program,
                                lpu_execution **execution);
void lpu_execution_free(lpu_execution *execution);
/* `data` holds num_elements host elements of the input's dtype. */
lpu_status lpu_execution_set_input(lpu_execution *execution, size_t index,
                                   const void *data, size_t num_elements);
lpu_status lpu_execution_run(lpu_execution *execution);
lpu_status lpu_execution_get_output(const lpu_execution *execution,
                                    size_t index, void *data,
                                    size_t num_elements);
lpu_status lpu_execution_stats(const lpu_execution *execution,
                               lpu_stats *stats);
/* Per-queue statistics, index < lpu_stats.num_units. */
lpu_status lpu_execution_unit_stats(const lpu_execution *execution,
                                    size_t index, lpu_unit_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* LPU_RUNTIME_H */
