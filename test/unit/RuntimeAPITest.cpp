//===- RuntimeAPITest.cpp - The C API
//---------------------------------------===//

#include "TestPrograms.h"

#include "lpu/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include <unistd.h>

using namespace lpu::test;

namespace {

struct LoadedProgram {
  std::vector<uint8_t> bytes = lpu::writeBinary(makeAddProgram());
  lpu_program *program = nullptr;
  LoadedProgram() {
    EXPECT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
              LPU_OK)
        << lpu_last_error();
  }
  ~LoadedProgram() { lpu_program_free(program); }
};

TEST(RuntimeAPI, ReportsProducerAndProvenance) {
  lpu::Binary binary = makeAddProgram();
  binary.producer = "lpuc 9.8.7";
  binary.provenance = {{"model.sha256", "abc"}, {"precision", "fp16"}};
  std::vector<uint8_t> bytes = lpu::writeBinary(binary);
  lpu_program *program = nullptr;
  ASSERT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_OK)
      << lpu_last_error();
  EXPECT_STREQ(lpu_program_producer(program), "lpuc 9.8.7");
  ASSERT_EQ(lpu_program_num_provenance(program), 2u);
  const char *key = nullptr, *value = nullptr;
  ASSERT_EQ(lpu_program_provenance(program, 1, &key, &value), LPU_OK);
  EXPECT_STREQ(key, "precision");
  EXPECT_STREQ(value, "fp16");
  EXPECT_EQ(lpu_program_provenance(program, 2, &key, &value),
            LPU_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lpu_last_error()).find("out of range"),
            std::string::npos);
  EXPECT_EQ(lpu_program_provenance(program, 0, nullptr, &value),
            LPU_ERROR_INVALID_ARGUMENT);
  lpu_program_free(program);
}

TEST(RuntimeAPI, QueriesInputsAndOutputs) {
  LoadedProgram loaded;
  EXPECT_STREQ(lpu_program_target(loaded.program), "lpu-tiny");
  ASSERT_EQ(lpu_program_num_inputs(loaded.program), 1u);
  ASSERT_EQ(lpu_program_num_outputs(loaded.program), 1u);
  lpu_tensor_info info;
  ASSERT_EQ(lpu_program_input_info(loaded.program, 0, &info), LPU_OK);
  EXPECT_STREQ(info.name, "x");
  EXPECT_EQ(info.dtype, LPU_DTYPE_F32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.shape[0], 1);
  EXPECT_EQ(info.shape[1], 16);
  EXPECT_EQ(info.num_elements, 16u);
  EXPECT_EQ(lpu_program_output_info(loaded.program, 1, &info),
            LPU_ERROR_INVALID_ARGUMENT);
}

TEST(RuntimeAPI, RunsAndReportsStats) {
  LoadedProgram loaded;
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(loaded.program, &exec), LPU_OK);
  std::vector<float> x(16, 1.0f), y(16);
  lpu_stats stats;
  EXPECT_EQ(lpu_execution_stats(exec, &stats), LPU_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()), LPU_OK);
  EXPECT_EQ(y[3], 104.0f);
  ASSERT_EQ(lpu_execution_stats(exec, &stats), LPU_OK);
  EXPECT_EQ(stats.cycles, 12u);
  EXPECT_EQ(stats.instructions, 4u);
  EXPECT_EQ(stats.clock_mhz, 900u);
  EXPECT_DOUBLE_EQ(stats.latency_us, 12.0 / 900.0);
  ASSERT_EQ(stats.num_units, 4u);
  lpu_unit_stats unit;
  ASSERT_EQ(lpu_execution_unit_stats(exec, 3, &unit), LPU_OK);
  EXPECT_STREQ(unit.kind, "vxm");
  EXPECT_EQ(unit.slice, 6u);
  EXPECT_EQ(unit.busy_cycles, 1u);
  EXPECT_DOUBLE_EQ(unit.utilization, 1.0 / 12.0);
  EXPECT_EQ(lpu_execution_unit_stats(exec, 4, &unit),
            LPU_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lpu_execution_get_output(exec, 0, y.data(), 3),
            LPU_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lpu_last_error(), "output 'y' has 16 elements, asked for 3");
  lpu_execution_free(exec);
}

// The schedule is proven by the first run and the proof serves the next
// executions of the program, which compute their own values.
TEST(RuntimeAPI, ExecutionsOfOneProgramShareItsProof) {
  LoadedProgram loaded;
  for (float value : {1.0f, 2.0f}) {
    lpu_execution *exec = nullptr;
    ASSERT_EQ(lpu_execution_create(loaded.program, &exec), LPU_OK);
    std::vector<float> x(16, value), y(16);
    ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
    ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
    ASSERT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()), LPU_OK);
    EXPECT_EQ(y[3], 103.0f + value);
    lpu_stats stats;
    ASSERT_EQ(lpu_execution_stats(exec, &stats), LPU_OK);
    EXPECT_EQ(stats.cycles, 12u);
    lpu_execution_free(exec);
  }
}

TEST(RuntimeAPI, RejectsGarbageWithAMessage) {
  const char garbage[] = "definitely not an LPU binary, but long enough";
  lpu_program *program = nullptr;
  EXPECT_EQ(lpu_program_load_memory(garbage, sizeof(garbage), &program),
            LPU_ERROR_INVALID_BINARY);
  EXPECT_EQ(program, nullptr);
  EXPECT_STREQ(lpu_last_error(), "invalid LPU binary: not an LPU binary (bad "
                                 "magic or shorter than a header)");
  EXPECT_EQ(lpu_program_load_file("/nonexistent/model.lpu", &program),
            LPU_ERROR_IO);
  EXPECT_EQ(lpu_program_load_memory(nullptr, 0, &program),
            LPU_ERROR_INVALID_ARGUMENT);
}

TEST(RuntimeAPI, LoadsFilesMappedOrRead) {
  const std::vector<uint8_t> bytes = lpu::writeBinary(makeAddProgram());
  char path[] = "/tmp/lpu-runtime-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), ssize_t(bytes.size()));
  close(fd);
  // A regular file is mapped; a pipe (/dev/fd/N) is read.
  lpu_program *program = nullptr;
  ASSERT_EQ(lpu_program_load_file(path, &program), LPU_OK) << lpu_last_error();
  EXPECT_EQ(lpu_program_num_inputs(program), 1u);
  lpu_program_free(program);
  int pipeFds[2];
  ASSERT_EQ(pipe(pipeFds), 0);
  ASSERT_EQ(write(pipeFds[1], bytes.data(), bytes.size()),
            ssize_t(bytes.size()));
  close(pipeFds[1]);
  const std::string pipePath = "/dev/fd/" + std::to_string(pipeFds[0]);
  ASSERT_EQ(lpu_program_load_file(pipePath.c_str(), &program), LPU_OK)
      << lpu_last_error();
  lpu_program_free(program);
  close(pipeFds[0]);
  // An empty file is an invalid binary, not an I/O error.
  ASSERT_EQ(truncate(path, 0), 0);
  EXPECT_EQ(lpu_program_load_file(path, &program), LPU_ERROR_INVALID_BINARY);
  EXPECT_EQ(lpu_program_load_file("/tmp", &program), LPU_ERROR_IO);
  unlink(path);
}

TEST(RuntimeAPI, ReportsHazardsAsExecutionErrors) {
  lpu::Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .at(lpu::UnitKind::Vxm, 0, 0, inst(lpu::Opcode::Relu, 4, 8))
          .build();
  std::vector<uint8_t> bytes = lpu::writeBinary(binary);
  lpu_program *program = nullptr;
  ASSERT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_OK);
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<float> x(16);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  EXPECT_EQ(lpu_execution_run(exec), LPU_ERROR_EXECUTION);
  EXPECT_NE(std::strstr(lpu_last_error(), "hazard at cycle 0: vxm[0]"), nullptr)
      << lpu_last_error();
  lpu_execution_free(exec);
  // A second execution fails with the same hazard, without a second proof.
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  EXPECT_EQ(lpu_execution_run(exec), LPU_ERROR_EXECUTION);
  EXPECT_NE(std::strstr(lpu_last_error(), "hazard at cycle 0: vxm[0]"), nullptr)
      << lpu_last_error();
  lpu_execution_free(exec);
  lpu_program_free(program);
}

} // namespace

// An int64 tensor is i32 on the chip: the C API takes and gives int64
// elements, refuses a value outside int32 and sign-extends outputs.
TEST(RuntimeAPI, Int64TensorsAreCheckedAndWidened) {
  ProgramBuilder builder;
  builder.input("ids", {1, 16}, 0, 0, lpu::DType::I32)
      .output("out", {1, 16}, 0, 8, lpu::DType::I32)
      .at(lpu::UnitKind::Mem, 0, 0, typed(memRead(0, 0), lpu::DType::I32))
      .at(lpu::UnitKind::Mem, 0, 2, typed(memWrite(0, 8), lpu::DType::I32));
  lpu::Binary binary = builder.build();
  binary.inputs[0].host = binary.outputs[0].host = lpu::HostType::I64;
  std::vector<uint8_t> bytes = lpu::writeBinary(binary);
  lpu_program *program = nullptr;
  ASSERT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_OK)
      << lpu_last_error();
  lpu_tensor_info info;
  ASSERT_EQ(lpu_program_input_info(program, 0, &info), LPU_OK);
  EXPECT_EQ(info.dtype, LPU_DTYPE_I64);
  EXPECT_EQ(info.element_bytes, 8u);
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<int64_t> ids(16, 5), out(16);
  ids[0] = INT32_MIN;
  ids[1] = INT32_MAX;
  ids[2] = int64_t(INT32_MAX) + 1;
  EXPECT_EQ(lpu_execution_set_input(exec, 0, ids.data(), ids.size()),
            LPU_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lpu_last_error(),
               "input 'ids' element 2 is 2147483648, outside the int32 range "
               "the LPU computes integers in");
  ids[2] = -7;
  ASSERT_EQ(lpu_execution_set_input(exec, 0, ids.data(), ids.size()), LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, out.data(), out.size()), LPU_OK);
  EXPECT_EQ(out, ids);
  lpu_execution_free(exec);
  lpu_program_free(program);
}

namespace {
/// A program that copies a 16-element i32 (or f32) input to its output,
/// with the given host types.
lpu_program *loadCopy(lpu::DType chip, lpu::HostType in, lpu::HostType out) {
  ProgramBuilder builder;
  builder.input("x", {1, 16}, 0, 0, chip)
      .output("y", {1, 16}, 0, 8, chip)
      .at(lpu::UnitKind::Mem, 0, 0, typed(memRead(0, 0), chip))
      .at(lpu::UnitKind::Mem, 0, 2, typed(memWrite(0, 8), chip));
  lpu::Binary binary = builder.build();
  binary.inputs[0].host = in;
  binary.outputs[0].host = out;
  std::vector<uint8_t> bytes = lpu::writeBinary(binary);
  lpu_program *program = nullptr;
  EXPECT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_OK)
      << lpu_last_error();
  return program;
}
} // namespace

// Narrow integers are i32 on the chip: the values round-trip, and an output
// value outside its type's range is an error, not a silent truncation.
TEST(RuntimeAPI, NarrowIntegersAreConvertedAndChecked) {
  lpu_program *program =
      loadCopy(lpu::DType::I32, lpu::HostType::U8, lpu::HostType::U8);
  ASSERT_TRUE(program);
  lpu_tensor_info info;
  ASSERT_EQ(lpu_program_output_info(program, 0, &info), LPU_OK);
  EXPECT_EQ(info.dtype, LPU_DTYPE_U8);
  EXPECT_EQ(info.element_bytes, 1u);
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<uint8_t> x(16), y(16);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = uint8_t(250 + i);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()), LPU_OK);
  EXPECT_EQ(y, x);
  lpu_execution_free(exec);
  lpu_program_free(program);

  program = loadCopy(lpu::DType::I32, lpu::HostType::U8, lpu::HostType::I8);
  ASSERT_TRUE(program);
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  x.assign(16, 100);
  x[3] = 200;
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  EXPECT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()),
            LPU_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lpu_last_error(),
               "output 'y' element 3 is 200, outside the i8 range");
  lpu_execution_free(exec);
  lpu_program_free(program);
}

// f64 and bool are f32 on the chip: f64 inputs round to f32, outputs widen;
// bools are one byte on the host, 0 / 1 on the chip.
TEST(RuntimeAPI, F64AndBoolAreF32OnTheChip) {
  lpu_program *program =
      loadCopy(lpu::DType::F32, lpu::HostType::F64, lpu::HostType::Bool);
  ASSERT_TRUE(program);
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<double> x(16, 0.0);
  x[1] = 0.1;
  x[2] = -3.0;
  std::vector<uint8_t> y(16, 7);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()), LPU_OK);
  std::vector<uint8_t> expected(16, 0);
  expected[1] = expected[2] = 1;
  EXPECT_EQ(y, expected);
  lpu_execution_free(exec);
  lpu_program_free(program);

  program = loadCopy(lpu::DType::F32, lpu::HostType::Bool, lpu::HostType::F64);
  ASSERT_TRUE(program);
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<uint8_t> flags(16, 0);
  flags[0] = 1;
  flags[5] = 255; // any non-zero byte is true
  std::vector<double> out(16, -1.0);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, flags.data(), flags.size()),
            LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, out.data(), out.size()), LPU_OK);
  std::vector<double> want(16, 0.0);
  want[0] = want[5] = 1.0;
  EXPECT_EQ(out, want);
  lpu_execution_free(exec);
  lpu_program_free(program);
}

// An fp16 model's inputs and outputs are f32 on the chip: f16 inputs widen
// exactly, outputs round to nearest even (bf16 likewise).
TEST(RuntimeAPI, HalfHostTypesAreF32OnTheChip) {
  lpu_program *program =
      loadCopy(lpu::DType::F32, lpu::HostType::F16, lpu::HostType::BF16);
  ASSERT_TRUE(program);
  lpu_tensor_info info;
  ASSERT_EQ(lpu_program_input_info(program, 0, &info), LPU_OK);
  EXPECT_EQ(info.dtype, LPU_DTYPE_F16);
  EXPECT_EQ(info.element_bytes, 2u);
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  // f16: 1.0, -2.5, 65504 (the largest), 2^-24 (the smallest subnormal),
  // 1 + 2^-10 (one unit above 1, which bf16 cannot hold).
  std::vector<uint16_t> x(16, 0);
  x[0] = 0x3c00;
  x[1] = 0xc100;
  x[2] = 0x7bff;
  x[3] = 0x0001;
  x[4] = 0x3c01;
  std::vector<uint16_t> y(16, 0xffff);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()), LPU_OK);
  // bf16 of the same values: 1.0, -2.5, 65504 rounds to 65536, 2^-24 is
  // exact, 1 + 2^-10 rounds to 1.0 (nearest even).
  std::vector<uint16_t> expected(16, 0);
  expected[0] = 0x3f80;
  expected[1] = 0xc020;
  expected[2] = 0x4780;
  expected[3] = 0x3380;
  expected[4] = 0x3f80;
  EXPECT_EQ(y, expected);
  lpu_execution_free(exec);
  lpu_program_free(program);
}

// The loader refuses a host type the chip type cannot hold.
TEST(RuntimeAPI, HostTypeMustFitTheChipType) {
  ProgramBuilder builder;
  builder.input("x", {1, 16}, 0, 0, lpu::DType::F16)
      .output("y", {1, 16}, 0, 8, lpu::DType::F16)
      .at(lpu::UnitKind::Mem, 0, 0, typed(memRead(0, 0), lpu::DType::F16))
      .at(lpu::UnitKind::Mem, 0, 2, typed(memWrite(0, 8), lpu::DType::F16));
  lpu::Binary binary = builder.build();
  binary.inputs[0].host = lpu::HostType::I64;
  std::vector<uint8_t> bytes = lpu::writeBinary(binary);
  lpu_program *program = nullptr;
  EXPECT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_ERROR_INVALID_BINARY);
  EXPECT_NE(
      std::string(lpu_last_error()).find("unsupported types: host 7, chip 10"),
      std::string::npos)
      << lpu_last_error();
}

namespace {
/// x_next = x + y, x_next in x's SRAM (mem[0]) as its state: the sum lands
/// at the VXM at 8 and reaches mem[0] (slice 2) westward at 12.
lpu::Binary makeAccumulator() {
  lpu::Binary binary = inputPairAtTheVXM(lpu::DType::F32)
                           .output("x_next", {1, 16}, 0, 0)
                           .at(lpu::UnitKind::Vxm, 0, 6,
                               inst(lpu::Opcode::Add, w(0), e(0), e(1)))
                           .at(lpu::UnitKind::Mem, 0, 12, memWrite(w(0), 0))
                           .build();
  binary.outputs[0].stateOf = 0;
  return binary;
}
} // namespace

// A state input starts as zeros, then holds what its output left: the
// execution runs again and again without the host passing it.
TEST(RuntimeAPI, StateStaysFromRunToRun) {
  std::vector<uint8_t> bytes = lpu::writeBinary(makeAccumulator());
  lpu_program *program = nullptr;
  ASSERT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_OK)
      << lpu_last_error();
  EXPECT_EQ(lpu_program_state_output(program, 0), 0);
  EXPECT_EQ(lpu_program_state_output(program, 1), -1);
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<float> y(16, 1.5f), x(16);
  for (int run = 1; run <= 3; ++run) {
    ASSERT_EQ(lpu_execution_set_input(exec, 1, y.data(), y.size()), LPU_OK);
    ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
    ASSERT_EQ(lpu_execution_get_output(exec, 0, x.data(), x.size()), LPU_OK);
    EXPECT_EQ(x[5], 1.5f * run);
  }
  // Setting the state starts over from that value; y stays as set.
  std::vector<float> start(16, 10.0f);
  ASSERT_EQ(lpu_execution_set_input(exec, 0, start.data(), start.size()),
            LPU_OK);
  ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
  ASSERT_EQ(lpu_execution_get_output(exec, 0, x.data(), x.size()), LPU_OK);
  EXPECT_EQ(x[0], 11.5f);
  lpu_execution_free(exec);
  lpu_program_free(program);
}

// The next run of an execution starts in the SRAM the last one left, with the
// binary's image written again: y = x + c, whose sum also lands over c's
// cell once c is read (mem[2], slice 4, at cycle 10), gives x + c every run.
TEST(RuntimeAPI, ConstantsAreWholeAgainForTheNextRun) {
  std::vector<float> c(16);
  for (int i = 0; i < 16; ++i)
    c[i] = 100.0f + i;
  std::vector<uint8_t> bytes =
      lpu::writeBinary(operandsAtTheVXM(c)
                           .at(lpu::UnitKind::Vxm, 0, 6,
                               inst(lpu::Opcode::Add, w(0), e(0), e(1)))
                           .at(lpu::UnitKind::Mem, 2, 10, memWrite(w(0), 0))
                           .at(lpu::UnitKind::Mem, 1, 11, memWrite(w(0), 0))
                           .build());
  lpu_program *program = nullptr;
  ASSERT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_OK)
      << lpu_last_error();
  lpu_execution *exec = nullptr;
  ASSERT_EQ(lpu_execution_create(program, &exec), LPU_OK);
  std::vector<float> x(16, 1.0f), y(16);
  for (int run = 0; run < 3; ++run) {
    ASSERT_EQ(lpu_execution_set_input(exec, 0, x.data(), x.size()), LPU_OK);
    ASSERT_EQ(lpu_execution_run(exec), LPU_OK) << lpu_last_error();
    ASSERT_EQ(lpu_execution_get_output(exec, 0, y.data(), y.size()), LPU_OK);
    EXPECT_EQ(y[3], 104.0f) << "run " << run;
  }
  lpu_execution_free(exec);
  lpu_program_free(program);
}

// A state output must be its input's SRAM: otherwise the value would leave
// the chip between runs.
TEST(RuntimeAPI, RefusesStateElsewhereInSram) {
  lpu::Binary binary = makeAccumulator();
  binary.outputs[0].parts[0].address = 8;
  std::vector<uint8_t> bytes = lpu::writeBinary(binary);
  lpu_program *program = nullptr;
  EXPECT_EQ(lpu_program_load_memory(bytes.data(), bytes.size(), &program),
            LPU_ERROR_INVALID_BINARY);
  EXPECT_NE(std::string(lpu_last_error())
                .find("output 'x_next' is the state of input 'x' but differs "
                      "in type, shape or SRAM"),
            std::string::npos)
      << lpu_last_error();
}
