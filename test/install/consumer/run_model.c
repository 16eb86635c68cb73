/* Runs a .lpu binary through the installed C API: every input filled with
 * element i = (i % 7) - 3 (as the input's dtype), then prints each output's
 * name and elements as doubles, and the cycle count. Exit 1 on any error. */
#include <lpu/runtime.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what) {
  fprintf(stderr, "run-model: %s: %s\n", what, lpu_last_error());
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: run-model MODEL.lpu\n");
    return 2;
  }
  lpu_program *program = NULL;
  lpu_execution *execution = NULL;
  if (lpu_program_load_file(argv[1], &program) != LPU_OK)
    return fail("load");
  if (lpu_execution_create(program, &execution) != LPU_OK)
    return fail("execution");
  for (size_t i = 0; i < lpu_program_num_inputs(program); ++i) {
    lpu_tensor_info info;
    if (lpu_program_input_info(program, i, &info) != LPU_OK)
      return fail("input info");
    double *values = malloc(info.num_elements * sizeof(double));
    void *data = malloc(info.num_elements * info.element_bytes);
    for (size_t e = 0; e < info.num_elements; ++e)
      values[e] = (double)((long)(e % 7) - 3);
    if (lpu_elements_from_f64(info.dtype, values, info.num_elements, data) !=
            LPU_OK ||
        lpu_execution_set_input(execution, i, data, info.num_elements) !=
            LPU_OK)
      return fail(info.name);
    free(values);
    free(data);
  }
  if (lpu_execution_run(execution) != LPU_OK)
    return fail("run");
  for (size_t i = 0; i < lpu_program_num_outputs(program); ++i) {
    lpu_tensor_info info;
    if (lpu_program_output_info(program, i, &info) != LPU_OK)
      return fail("output info");
    void *data = malloc(info.num_elements * info.element_bytes);
    double *values = malloc(info.num_elements * sizeof(double));
    if (lpu_execution_get_output(execution, i, data, info.num_elements) !=
            LPU_OK ||
        lpu_elements_to_f64(info.dtype, data, info.num_elements, values) !=
            LPU_OK)
      return fail(info.name);
    printf("%s", info.name);
    for (size_t e = 0; e < info.num_elements; ++e)
      printf(" %.9g", values[e]);
    printf("\n");
    free(data);
    free(values);
  }
  lpu_stats stats;
  if (lpu_execution_stats(execution, &stats) != LPU_OK)
    return fail("stats");
  printf("cycles %llu\n", (unsigned long long)stats.cycles);
  lpu_execution_free(execution);
  lpu_program_free(program);
  return 0;
}
