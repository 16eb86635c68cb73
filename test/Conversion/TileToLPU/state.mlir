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

// A new row scattered into a state cache in place: no copy of the cache,
// one scatter per row vector and block (rows dealt one by one: 4 blocks),
// each from the row number relative to its block, broadcast to every lane.
// CHECK-LABEL: lpu.program @main
// CHECK: %[[C:.*]] = lpu.buffer input "cache"
// CHECK: %[[P:.*]] = lpu.buffer output "present" {state_of = "cache"} : tensor<4x16xf32>
// CHECK-NOT: lpu.mem.read %[[C]]
// CHECK: %[[B:.*]] = lpu.sxm.distribute %{{.*}}, lane 0, width 16 : <i32>
// CHECK: lpu.mem.scatter %{{.*}}, %[[P]][0] by %[[B]] {count = 1 : i64, fault_below, stride = 1 : i64} : <f32>, <i32>
// CHECK-COUNT-3: lpu.mem.scatter %{{.*}}, %[[P]]
// CHECK-NOT: lpu.mem.scatter
module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%cache: tensor<4x16xf32> {onnx.name = "cache"}, %row: tensor<1xi32> {onnx.name = "row"}, %new: tensor<1x16xf32> {onnx.name = "new"}) -> (tensor<4x16xf32> {onnx.name = "present", tile.state_of = 0 : i64}) {
    %0 = tile.scatter_rows %cache[%row] = %new : tensor<4x16xf32>, tensor<1xi32>, tensor<1x16xf32>
    return %0 : tensor<4x16xf32>
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
