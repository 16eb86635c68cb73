// RUN: lpu-opt %s -split-input-file -verify-diagnostics --convert-tile-to-lpu | FileCheck %s
// A graph result that is state (tile.state_of, lpuc --state) is an output
// buffer that names its input: the SRAM allocator gives it the input's
// place, so the value stays on the chip between runs.

// CHECK-LABEL: lpu.program @main
// CHECK: %[[S:.*]] = lpu.buffer input "total"
// CHECK: %[[N:.*]] = lpu.buffer output "next" {state_of = "total"} : tensor<16xf32>
// CHECK: %[[A:.*]] = lpu.mem.read %[[S]][0]
// CHECK: lpu.mem.write %{{.*}}, %[[N]][0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%total: tensor<16xf32> {onnx.name = "total"}, %x: tensor<16xf32> {onnx.name = "x"}) -> (tensor<16xf32> {onnx.name = "next", tile.state_of = 0 : i64}) {
    %0 = tile.map(%total, %x) [in0, add in1] : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    return %0 : tensor<16xf32>
  }
}

// -----

// The output overwrites the input's SRAM: a read of the input after the
// output's first write would see the new value.
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%total: tensor<16xf32> {onnx.name = "total"}, %x: tensor<16xf32> {onnx.name = "x"}) -> (tensor<16xf32> {onnx.name = "next", tile.state_of = 0 : i64}, tensor<16xf32> {onnx.name = "twice"}) {
    %0 = tile.map(%total, %x) [in0, add in1] : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    // expected-error @+1 {{reads state input 'total' after its next value, output 'next', has overwritten that part of it in the same SRAM; make the graph read the input only before it computes the output}}
    %1 = tile.map(%total) [in0, scale 2.0] : (tensor<16xf32>) -> tensor<16xf32>
    return %0, %1 : tensor<16xf32>, tensor<16xf32>
  }
}
