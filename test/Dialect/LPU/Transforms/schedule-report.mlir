// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-print-schedule-report{format=json}))' -o /dev/null | FileCheck %s
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-print-schedule-report))' -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule{op-by-op},lpu-print-schedule-report{format=json}))' -o /dev/null | FileCheck %s --check-prefix=OPBYOP
// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(lpu.program(lpu-schedule,lpu-print-schedule-report{format=timeline}))' -o /dev/null | %python -c "import json,sys; t=json.load(sys.stdin); print(len([e for e in t['traceEvents'] if e['ph']=='X']), t['otherData']['target'])" | FileCheck %s --check-prefix=TRACE
// Reports on lpu-tiny (read 2, write 1, VXM 2; mem[0..3] at slices 2..5,
// the VXM at slice 6).

// Two nodes that share nothing (the three inputs are the peak of live SRAM). The critical path is the add's: x read at
// slice 2 (0 + 2), 4 slices to the VXM (add at 6, lands at 8), 2 slices
// back to mem[2] (write at 10, lands at 11). The global schedule reaches it;
// op-by-op starts the relu only when the add has landed (z read at 11, relu
// at 14, write lands at 18). All 11 cycles of the path are the add's.
// CHECK: "bound": {
// CHECK-NEXT: "bound_over_cycles": 1,
// CHECK-NEXT: "critical_path": 11,
// CHECK-NEXT: "critical_path_nodes": [
// CHECK-NEXT: {
// CHECK-NEXT: "cycles": 11,
// CHECK-NEXT: "name": "add",
// CHECK-NEXT: "op_type": "Add"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK-NEXT: "cycles": 11,
// CHECK-NEXT: "limited_by": "critical path"
// CHECK: "cycles": 11,
// CHECK: "instructions": 7,
// CHECK: "nodes": [
// CHECK: "cycles": 11,
// CHECK-NEXT: "first_cycle": 0,
// CHECK-NEXT: "instructions": 4,
// CHECK-NEXT: "last_cycle": 11,
// CHECK-NEXT: "name": "add",
// CHECK-NEXT: "op_type": "Add",
// CHECK-NEXT: "units": [
// CHECK-NEXT: "mem[0]",
// CHECK-NEXT: "mem[1]",
// CHECK-NEXT: "mem[2]",
// CHECK-NEXT: "vxm[0]"
// CHECK: "name": "relu",
// CHECK: "sram": {
// CHECK-NEXT: "address_bytes": 16,
// CHECK-NEXT: "allocated_bytes": 272,
// CHECK-NEXT: "capacity_bytes": 524288,
// CHECK-NEXT: "peak_live_bytes": 192,
// CHECK-NEXT: "tensor_bytes": 320
// Five f32 accesses, each holding both ports of its slice for two cycles.
// CHECK: "mem": {
// CHECK-NEXT: "bound_cycles": 2,
// CHECK-NEXT: "busy_cycles": 10,
// CHECK-NEXT: "units": 8,

// TEXT: lpu-tiny: 11 cycles = 0.012 us at 900 MHz, 7 instructions
// TEXT-NEXT: lower bound: 11 cycles (limited by critical path), bound/cycles 1.00
// TEXT-NEXT: critical path 11, mem 10/8 = 2, vxm 2/4 = 1, mxm 0/2 = 0, mxw 0/2 = 0, sxm 0/2 = 0
// TEXT-NEXT: critical path by node: add 11
// TEXT: add (Add) 0 .. 11 4 instructions on 3 mem 1 vxm
// TEXT-NEXT: relu (Relu)

// OPBYOP: "critical_path": 11,
// OPBYOP: "limited_by": "critical path"
// OPBYOP: "cycles": 18,
// OPBYOP: "first_cycle": 11,
// OPBYOP: "name": "relu",

// TRACE: 7 lpu-tiny
lpu.program @two_nodes target("lpu-tiny") {
  %x = lpu.buffer input "x" {slice = 0 : i32, address = 0 : i32} : tensor<4xf32>
  %y = lpu.buffer input "y" {slice = 1 : i32, address = 0 : i32} : tensor<4xf32>
  %o = lpu.buffer output "o" {slice = 2 : i32, address = 0 : i32} : tensor<4xf32>
  %z = lpu.buffer input "z" {slice = 3 : i32, address = 0 : i32} : tensor<4xf32>
  %r = lpu.buffer output "r" {slice = 3 : i32, address = 1 : i32} : tensor<4xf32>
  %a = lpu.mem.read %x[0] : !lpu.vector<f32> loc(#add)
  %b = lpu.mem.read %y[0] : !lpu.vector<f32> loc(#add)
  %s = lpu.vxm.add %a, %b : !lpu.vector<f32> loc(#add)
  lpu.mem.write %s, %o[0] : !lpu.vector<f32> loc(#add)
  %c = lpu.mem.read %z[0] : !lpu.vector<f32> loc(#relu)
  %d = lpu.vxm.relu %c : !lpu.vector<f32> loc(#relu)
  lpu.mem.write %d, %r[0] : !lpu.vector<f32> loc(#relu)
}
#add = loc("add"(fused<"Add">["m.onnx":0:0]))
#relu = loc("relu"(fused<"Relu">["m.onnx":0:0]))
