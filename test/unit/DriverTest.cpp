//===- DriverTest.cpp - The driver's in-memory compile and diagnostics ----===//

#include "compiler/Driver/Driver.h"
#include "lpu/Binary.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <iterator>
#include <unistd.h>

namespace {

/// A file in the test's own temporary directory, removed at the end.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string &name)
      : path(::testing::TempDir() + "lpu-driver-test." +
             std::to_string(::getpid()) + "." + name) {}
  ~TempFile() { std::remove(path.c_str()); }
  void write(const std::string &bytes) const {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  std::vector<uint8_t> read() const {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in),
            std::istreambuf_iterator<char>()};
  }
};

/// y = Relu(x) over a 1x8 float tensor, at opset 13.
std::string reluModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto *graph = model.mutable_graph();
  graph->set_name("relu");
  onnx::NodeProto *node = graph->add_node();
  node->set_op_type("Relu");
  node->add_input("x");
  node->add_output("y");
  for (auto [name, info] :
       {std::pair{"x", graph->add_input()}, {"y", graph->add_output()}}) {
    info->set_name(name);
    auto *tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_value(1);
    tensor->mutable_shape()->add_dim()->set_dim_value(8);
  }
  return model.SerializeAsString();
}

lpuc::DriverOptions optionsFor(const TempFile &model) {
  lpuc::DriverOptions options;
  options.inputPath = model.path;
  options.target = "lpu-tiny";
  options.maxMemoryMiB = 0;
  return options;
}

TEST(DriverTest, CompileToBinaryMatchesTheFileRunCompilerWrites) {
  TempFile model("relu.onnx"), output("relu.lpu");
  model.write(reluModel());
  std::vector<uint8_t> inMemory;
  ASSERT_EQ(lpuc::compileToBinary(optionsFor(model), inMemory), 0);
  lpu::Binary binary;
  std::string error;
  ASSERT_TRUE(lpu::readBinary(inMemory.data(), inMemory.size(), binary, error))
      << error;
  EXPECT_EQ(binary.target.name, "lpu-tiny");

  lpuc::DriverOptions toFile = optionsFor(model);
  toFile.outputPath = output.path;
  ASSERT_EQ(lpuc::runCompiler(toFile), 0);
  EXPECT_EQ(output.read(), inMemory);
}

TEST(DriverTest, CompileToBinaryRefusesBadInputAndOtherPhases) {
  TempFile model("bad.onnx");
  model.write("not a model");
  std::vector<uint8_t> bytes;
  EXPECT_EQ(lpuc::compileToBinary(optionsFor(model), bytes), 1);
  EXPECT_TRUE(bytes.empty());

  model.write(reluModel());
  lpuc::DriverOptions text = optionsFor(model);
  text.emit = "asm";
  EXPECT_EQ(lpuc::compileToBinary(text, bytes), 1);
  EXPECT_TRUE(bytes.empty());
}

// A failed verifier of lpuc's own ops is reported as lpuc's bug; a check
// on the model, which names its node or an onnx op, is the user's error.
TEST(DriverTest, InternalChecksAreTheCompilersOwnOps) {
  EXPECT_TRUE(lpuc::isInternalCheck(
      "'lpu.mem.read' op offset 4 is outside buffer 'x'"));
  EXPECT_TRUE(lpuc::isInternalCheck("'tile.conv' op expects 4-d operands"));
  EXPECT_TRUE(lpuc::isInternalCheck(
      "'func.return' op has 1 operands, but enclosing function returns 2"));
  EXPECT_FALSE(lpuc::isInternalCheck(
      "'onnx.Reshape' op cannot reshape 6 elements into 4"));
  EXPECT_FALSE(lpuc::isInternalCheck(
      "node 'r' (Reshape): cannot reshape [2x3] into [4]"));
  EXPECT_FALSE(lpuc::isInternalCheck("'x' op is not a dialect op"));
  EXPECT_FALSE(lpuc::isInternalCheck("'my model.onnx' op: no such file"));
  EXPECT_FALSE(lpuc::isInternalCheck(""));
}

} // namespace
