// RUN: lpu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tile-fuse-elementwise))' | FileCheck %s
// Maps that are the only reader of a product's or another map's result join
// its chain.

// Bias and Relu after a product: one epilogue, where the product was.
// CHECK-LABEL: func.func @bias_relu
// CHECK: %[[Y:.*]] = tile.matmul %arg0, %{{.*}} epilogue(%arg1 : tensor<8xf32>) [scale 5.000000e-01, add in0, relu]
// CHECK-NOT: tile.map
// CHECK: return %[[Y]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @bias_relu(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
    %w = arith.constant dense<1.0> : tensor<8x8xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
    %1 = tile.map(%0, %b) [in0 * 0.5, add in1] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %2 = tile.map(%1) [in0, relu] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    return %2 : tensor<4x8xf32>
  }
}

// -----

// The value as the second operand of a commutative map: a residual add.
// CHECK-LABEL: func.func @residual
// CHECK: tile.conv %arg0, %{{.*}} epilogue(%arg1 : tensor<1x4x4x2xf32>) [add in0]
module attributes {tile.target = "lpu-tiny"} {
  func.func @residual(%x: tensor<1x4x4x2xf32>, %r: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
    %w = arith.constant dense<1.0> : tensor<2x2x3x3xf32>
    %0 = tile.conv %x, %w [] {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>, group = 1 : i64} : tensor<1x4x4x2xf32>, tensor<2x2x3x3xf32> -> tensor<1x4x4x2xf32>
    %1 = tile.map(%r, %0) [in0, add in1] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    return %1 : tensor<1x4x4x2xf32>
  }
}

// -----

// Chains of maps make one chain; operands are shared.
// CHECK-LABEL: func.func @maps
// CHECK: %[[Y:.*]] = tile.map(%arg0, %arg1) [in0, sub in1, exp, mul in1]
// CHECK-NEXT: return %[[Y]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @maps(%x: tensor<4x8xf32>, %m: tensor<4x1xf32>) -> tensor<4x8xf32> {
    %0 = tile.map(%x, %m) [in0, sub in1, exp] : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
    %1 = tile.map(%0, %m) [in0, mul in1] : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
    return %1 : tensor<4x8xf32>
  }
}

// -----

// Not fused: a value read twice, a graph output, a map reading the value in
// two steps, an operand computed after the producer, and a broadcast.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-6: tile.map
module attributes {tile.target = "lpu-tiny"} {
  func.func @kept(%x: tensor<4x8xf32>, %y: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x4x8xf32>) {
    %0 = tile.map(%x) [in0, exp] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %1 = tile.map(%0) [in0, relu] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %2 = tile.map(%0, %1) [in0, mul in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %3 = tile.map(%2) [in0, mul in0] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %4 = tile.map(%x) [in0, abs] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %5 = tile.map(%4) [in0, add in0] : (tensor<4x8xf32>) -> tensor<2x4x8xf32>
    return %3, %2, %1, %5 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x4x8xf32>
  }
}

// -----

// An int8 product's rescaling and the quantization of its result join the
// epilogue. A map that alone reads the quantized values (its
// dequantization) goes on from them through a round_i8 step, which is what
// writing and reading them as i8 did; with a second reader the product
// writes i8.
// CHECK-LABEL: func.func @quantized
// CHECK: %[[Y:.*]] = tile.matmul %arg0, %{{.*}} epilogue(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<1xf32>) [mul in0, relu, div in1, round_i8, mul in1] {{.*}} -> tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @quantized(%a: tensor<4x8xi8>) -> tensor<4x8xf32> {
    %w = arith.constant dense<1> : tensor<8x8xi8>
    %s = arith.constant dense<0.5> : tensor<8xf32>
    %ys = arith.constant dense<0.25> : tensor<1xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xi8>, tensor<8x8xi8> -> tensor<4x8xf32>
    %1 = tile.map(%0, %s) [in0, mul in1, relu] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %2 = tile.map(%1, %ys) [in0, div in1] : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xi8>
    %3 = tile.map(%2, %ys) [in0, mul in1] : (tensor<4x8xi8>, tensor<1xf32>) -> tensor<4x8xf32>
    return %3 : tensor<4x8xf32>
  }
}

// -----

// CHECK-LABEL: func.func @quantized_twice
// CHECK: %[[Y:.*]] = tile.matmul %arg0, %{{.*}} epilogue(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<1xf32>) [mul in0, relu, div in1] {{.*}} -> tensor<4x8xi8>
// CHECK: tile.map(%[[Y]], %{{.*}}) [in0, mul in1] : (tensor<4x8xi8>, tensor<1xf32>) -> tensor<4x8xf32>
// CHECK: return %[[Y]], %{{.*}}
module attributes {tile.target = "lpu-tiny"} {
  func.func @quantized_twice(%a: tensor<4x8xi8>) -> (tensor<4x8xi8>, tensor<4x8xf32>) {
    %w = arith.constant dense<1> : tensor<8x8xi8>
    %s = arith.constant dense<0.5> : tensor<8xf32>
    %ys = arith.constant dense<0.25> : tensor<1xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xi8>, tensor<8x8xi8> -> tensor<4x8xf32>
    %1 = tile.map(%0, %s) [in0, mul in1, relu] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %2 = tile.map(%1, %ys) [in0, div in1] : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xi8>
    %3 = tile.map(%2, %ys) [in0, mul in1] : (tensor<4x8xi8>, tensor<1xf32>) -> tensor<4x8xf32>
    return %2, %3 : tensor<4x8xi8>, tensor<4x8xf32>
  }
}

// -----

// A residual sum of two dequantized tensors: the dequantization of the one
// added (an affine map of one i8 tensor with scalar constants, read by the
// sum alone) is not written as f32; the sum reads the i8 tensor, times the
// scale, then adds -zero point x scale. A dequantization read twice stays.
// CHECK-LABEL: func.func @dequantized_residual
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant dense<-1.500000e+00> : tensor<1xf32>
// CHECK-DAG: %[[SCALE:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<3.000000e+00> : tensor<1xf32>
// CHECK: %[[Y:.*]] = tile.map(%arg1, %[[ZERO]], %[[SCALE]], %arg0, %[[OFFSET]]) [in0, sub in1, mul in2, add in3 * 5.000000e-01, add in4] : (tensor<4x8xi8>, tensor<1xf32>, tensor<1xf32>, tensor<4x8xi8>, tensor<1xf32>) -> tensor<4x8xf32>
// CHECK: %[[D:.*]] = tile.map(%arg2, %[[ZERO]], %[[SCALE]]) [in0, sub in1, mul in2]
// CHECK: tile.map(%[[Y]], %[[D]]) [in0, sub in1]
// CHECK: return
module attributes {tile.target = "lpu-tiny"} {
  func.func @dequantized_residual(%a: tensor<4x8xi8>, %b: tensor<4x8xi8>, %c: tensor<4x8xi8>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    %zero = arith.constant dense<3.0> : tensor<1xf32>
    %scale = arith.constant dense<0.5> : tensor<1xf32>
    %da = tile.map(%a, %zero, %scale) [in0, sub in1, mul in2] : (tensor<4x8xi8>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xf32>
    %db = tile.map(%b, %zero, %scale) [in0, sub in1, mul in2] : (tensor<4x8xi8>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xf32>
    %sum = tile.map(%da, %db) [in0, add in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %dc = tile.map(%c, %zero, %scale) [in0, sub in1, mul in2] : (tensor<4x8xi8>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8xf32>
    %diff = tile.map(%sum, %dc) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    return %diff, %dc : tensor<4x8xf32>, tensor<4x8xf32>
  }
}

// -----

// A product's epilogue that never decreases (a scale at least zero, a
// per-channel bias, relu) moves past the max pool that alone reads it,
// onto the pooled pixels, and joins the map after the pool.
// CHECK-LABEL: func.func @sink_epilogue_below_max_pool
// CHECK: %[[P:.*]] = tile.matmul %{{.*}}, %{{.*}} [] {
// CHECK: %[[Q:.*]] = tile.pool max %[[P]]
// CHECK: tile.map(%[[Q]], %{{.*}}, %{{.*}}, %{{.*}}) [in0, mul in1, add in2, relu, div in3] {{.*}} -> tensor<1x4x4x64xi8>
func.func @sink_epilogue_below_max_pool(%a: tensor<64x32xf32>, %w: tensor<32x64xf32>) -> tensor<1x4x4x64xi8> {
  %s = arith.constant dense<0.5> : tensor<1x1x1x64xf32>
  %b = arith.constant dense<-0.25> : tensor<1x1x1x64xf32>
  %q = arith.constant dense<0.1> : tensor<1xf32>
  %0 = tile.matmul %a, %w epilogue(%s, %b : tensor<1x1x1x64xf32>, tensor<1x1x1x64xf32>) [mul in0, add in1, relu] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 64 : i64, n = 64 : i64} : tensor<64x32xf32>, tensor<32x64xf32> -> tensor<1x8x8x64xf32>
  %1 = tile.pool max %0 {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, strides = array<i64: 2, 2>} : tensor<1x8x8x64xf32> -> tensor<1x4x4x64xf32>
  %2 = tile.map(%1, %q) [in0, div in1] : (tensor<1x4x4x64xf32>, tensor<1xf32>) -> tensor<1x4x4x64xi8>
  return %2 : tensor<1x4x4x64xi8>
}

// -----

// A map before a max pool moves past it too, and a negative scale keeps it
// where it is (max of the scaled values is not the scaled max).
// CHECK-LABEL: func.func @sink_map_below_max_pool
// CHECK: %[[Q:.*]] = tile.pool max %arg0
// CHECK: tile.map(%[[Q]], %{{.*}}) [in0, add in1, relu]
// CHECK-LABEL: func.func @keep_decreasing_map
// CHECK: %[[M:.*]] = tile.map(%arg0, %{{.*}}) [in0, mul in1]
// CHECK: tile.pool max %[[M]]
func.func @sink_map_below_max_pool(%x: tensor<1x8x8x64xf32>) -> tensor<1x4x4x64xf32> {
  %b = arith.constant dense<0.25> : tensor<64xf32>
  %0 = tile.map(%x, %b) [in0, add in1, relu] : (tensor<1x8x8x64xf32>, tensor<64xf32>) -> tensor<1x8x8x64xf32>
  %1 = tile.pool max %0 {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x8x64xf32> -> tensor<1x4x4x64xf32>
  return %1 : tensor<1x4x4x64xf32>
}
func.func @keep_decreasing_map(%x: tensor<1x8x8x64xf32>) -> tensor<1x4x4x64xf32> {
  %s = arith.constant dense<-0.5> : tensor<64xf32>
  %0 = tile.map(%x, %s) [in0, mul in1] : (tensor<1x8x8x64xf32>, tensor<64xf32>) -> tensor<1x8x8x64xf32>
  %1 = tile.pool max %0 {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x8x64xf32> -> tensor<1x4x4x64xf32>
  return %1 : tensor<1x4x4x64xf32>
}

// -----

// An operand that varies over the pool's windows (a residual) keeps the
// chain before the pool.
// CHECK-LABEL: func.func @keep_residual_before_max_pool
// CHECK: %[[M:.*]] = tile.map(%arg0, %arg1) [in0, add in1]
// CHECK: tile.pool max %[[M]]
func.func @keep_residual_before_max_pool(%x: tensor<1x8x8x64xf32>, %r: tensor<1x8x8x64xf32>) -> tensor<1x4x4x64xf32> {
  %0 = tile.map(%x, %r) [in0, add in1] : (tensor<1x8x8x64xf32>, tensor<1x8x8x64xf32>) -> tensor<1x8x8x64xf32>
  %1 = tile.pool max %0 {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pad_begin = array<i64: 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x8x64xf32> -> tensor<1x4x4x64xf32>
  return %1 : tensor<1x4x4x64xf32>
}

// -----

// An epilogue that quantizes stays with its product: without it the product
// would give f32, not the i8 the pool reads.
// CHECK-LABEL: func.func @keep_quantizing_epilogue
// CHECK: %[[P:.*]] = tile.matmul %{{.*}}, %{{.*}} epilogue
// CHECK: tile.pool max %[[P]]
func.func @keep_quantizing_epilogue(%a: tensor<64x32xi8>, %w: tensor<32x64xi8>) -> tensor<1x4x4x64xi8> {
  %q = arith.constant dense<0.1> : tensor<1xf32>
  %0 = tile.matmul %a, %w epilogue(%q : tensor<1xf32>) [div in0] {batches = array<i64: 0, 0, 0>, k = 32 : i64, m = 64 : i64, n = 64 : i64} : tensor<64x32xi8>, tensor<32x64xi8> -> tensor<1x8x8x64xi8>
  %1 = tile.pool max %0 {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad_begin = array<i64: 1, 1>, strides = array<i64: 2, 2>} : tensor<1x8x8x64xi8> -> tensor<1x4x4x64xi8>
  return %1 : tensor<1x4x4x64xi8>
}

// -----

// A product reshaped only by a leading size-1 dimension gives that shape
// itself, and the residual add joins its epilogue; a reshape that splits
// the rows stays, and so does the map after it.
// CHECK-LABEL: func.func @leading_unit
// CHECK: %[[P:.*]] = tile.matmul %arg0, %arg1 epilogue(%arg2 : tensor<1x4x8xf32>) [add in0] {{.*}} -> tensor<1x4x8xf32>
// CHECK-NEXT: %[[Q:.*]] = tile.matmul %arg0, %arg1 [] {{.*}} -> tensor<4x8xf32>
// CHECK-NEXT: %[[R:.*]] = tile.reshape %[[Q]] : tensor<4x8xf32> -> tensor<2x2x8xf32>
// CHECK-NEXT: tile.map(%[[R]]) [in0, relu]
module attributes {tile.target = "lpu-tiny"} {
  func.func @leading_unit(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>, %x: tensor<1x4x8xf32>) -> (tensor<1x4x8xf32>, tensor<2x2x8xf32>) {
    %0 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
    %1 = tile.reshape %0 : tensor<4x8xf32> -> tensor<1x4x8xf32>
    %2 = tile.map(%x, %1) [in0, add in1] : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
    %3 = tile.matmul %a, %b [] {batches = array<i64: 0, 0, 0>, k = 16 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
    %4 = tile.reshape %3 : tensor<4x8xf32> -> tensor<2x2x8xf32>
    %5 = tile.map(%4) [in0, relu] : (tensor<2x2x8xf32>) -> tensor<2x2x8xf32>
    return %2, %5 : tensor<1x4x8xf32>, tensor<2x2x8xf32>
  }
}

// -----

// Maps after the unpacking of pixel groups (tile-pack-conv-taps) whose
// other operands are the same for every pixel run on the groups instead,
// their [1, 1, 1, F] constants repeated per pixel before the product, and
// join its epilogue: a quantization then runs on a pixels-th as many
// vectors. So does a map that adds a tensor of pixels computed at run time,
// which it reads gathered into groups of the same pixels.
// CHECK-LABEL: func.func @unpacked_groups
// CHECK: %[[S:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, 3.000000e+00, 2.000000e+00, 3.000000e+00]]]]> : tensor<1x1x1x4xf32>
// CHECK: %[[Y:.*]] = tile.matmul %arg0, %arg1 epilogue(%[[S]], %{{.*}} : tensor<1x1x1x4xf32>, tensor<1xf32>) [mul in0, add in1] {{.*}} -> tensor<1x4x2x4xi8>
// CHECK: %[[U:.*]] = tile.gather %[[Y]] {{.*}} : tensor<1x4x2x4xi8> -> tensor<1x4x4x2xi8>
// CHECK: return %[[U]]
// CHECK-LABEL: func.func @run_time_operand
// CHECK: %[[R:.*]] = tile.gather %arg2 {count = array<i64: 1, 1, 2, 1>, first = array<i64: 0, 1, 2, 3>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1, 2, 2, 3, 3>, array<i64: 0, 1, 0, 1>]} : tensor<1x4x4x2xf32> -> tensor<1x4x2x4xf32>
// CHECK-NEXT: %[[Y:.*]] = tile.matmul %arg0, %arg1 epilogue(%[[R]] : tensor<1x4x2x4xf32>) [add in0] {{.*}} -> tensor<1x4x2x4xf32>
// CHECK-NEXT: %[[U:.*]] = tile.gather %[[Y]] {{.*}} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
// CHECK-NEXT: return %[[U]]
module attributes {tile.target = "lpu-tiny"} {
  func.func @unpacked_groups(%a: tensor<1x4x2x15xi8>, %w: tensor<15x4xi8>) -> tensor<1x4x4x2xi8> {
    %s = arith.constant dense<[[[[2.0, 3.0]]]]> : tensor<1x1x1x2xf32>
    %z = arith.constant dense<1.0> : tensor<1xf32>
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.map(%1, %s) [in0, mul in1] : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
    %3 = tile.map(%2, %z) [in0, add in1] : (tensor<1x4x4x2xf32>, tensor<1xf32>) -> tensor<1x4x4x2xi8>
    return %3 : tensor<1x4x4x2xi8>
  }
  func.func @run_time_operand(%a: tensor<1x4x2x15xi8>, %w: tensor<15x4xi8>, %r: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.map(%1, %r) [in0, add in1] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    return %2 : tensor<1x4x4x2xf32>
  }
}

// -----

// A max pool that alone reads the unpacking of pixel groups pools its
// window rows on the groups (two pixels per vector here), then unpacks the
// pooled rows, then pools the window columns: max is separable. Here that
// saves 1,024 maxima (256 cycles of lpu-tiny's 4 VXM queues), enough to pay
// for the extra pass through SRAM; on a 4x4 image it would not, and the
// pool stays.
// CHECK-LABEL: func.func @pool_groups
// CHECK: %[[Y:.*]] = tile.matmul
// CHECK: %[[R:.*]] = tile.pool max %[[Y]] {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 1>, pad_begin = array<i64: 1, 0>, strides = array<i64: 2, 1>} : tensor<1x64x8x4xf32> -> tensor<1x32x8x4xf32>
// CHECK: %[[U:.*]] = tile.gather %[[R]] {{.*}} : tensor<1x32x8x4xf32> -> tensor<1x32x16x2xf32>
// CHECK: %[[C:.*]] = tile.pool max %[[U]] {dilations = array<i64: 1, 1>, kernel = array<i64: 1, 3>, pad_begin = array<i64: 0, 1>, strides = array<i64: 1, 2>} : tensor<1x32x16x2xf32> -> tensor<1x32x8x2xf32>
// CHECK: return %[[C]]
// CHECK-LABEL: func.func @small_pool
// CHECK: %[[U:.*]] = tile.gather
// CHECK: tile.pool max %[[U]] {{.*}}kernel = array<i64: 3, 3>{{.*}} : tensor<1x4x4x2xf32> -> tensor<1x2x2x2xf32>
module attributes {tile.target = "lpu-tiny"} {
  func.func @pool_groups(%a: tensor<1x64x8x15xi8>, %w: tensor<15x4xi8>) -> tensor<1x32x8x2xf32> {
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 512 : i64, n = 4 : i64} : tensor<1x64x8x15xi8>, tensor<15x4xi8> -> tensor<1x64x8x4xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63>, array<i64: 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x64x8x4xf32> -> tensor<1x64x16x2xf32>
    %2 = tile.pool max %1 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x64x16x2xf32> -> tensor<1x32x8x2xf32>
    return %2 : tensor<1x32x8x2xf32>
  }
  func.func @small_pool(%a: tensor<1x4x2x15xi8>, %w: tensor<15x4xi8>) -> tensor<1x2x2x2xf32> {
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.pool max %1 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pad_begin = array<i64: 1, 1>} : tensor<1x4x4x2xf32> -> tensor<1x2x2x2xf32>
    return %2 : tensor<1x2x2x2xf32>
  }
}

// -----

// Residual sums of unpacked groups, one after the other: the first runs on
// the groups (its run-time operand gathered into groups); the second then
// reads the first's groups instead of its unpacking, which goes. Both join
// their products' epilogues; only the last result is unpacked.
// CHECK-LABEL: func.func @chained_residuals
// CHECK: %[[R:.*]] = tile.gather %arg2 {{.*}} : tensor<1x4x4x2xf32> -> tensor<1x4x2x4xf32>
// CHECK-NEXT: %[[Y0:.*]] = tile.matmul %arg0, %arg1 epilogue(%[[R]] : tensor<1x4x2x4xf32>) [add in0]
// CHECK-NEXT: %[[Y1:.*]] = tile.matmul %arg0, %arg1 epilogue(%[[Y0]] : tensor<1x4x2x4xf32>) [add in0, relu]
// CHECK-NEXT: %[[U:.*]] = tile.gather %[[Y1]] {{.*}} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
// CHECK-NEXT: return %[[U]]
// A tensor two such sums read is gathered into groups once.
// CHECK-LABEL: func.func @shared_residual
// CHECK: %[[R:.*]] = tile.gather %arg2
// CHECK-NOT: tile.gather %arg2
// CHECK: tile.matmul %arg0, %arg1 epilogue(%[[R]] : tensor<1x4x2x4xf32>) [add in0]
// CHECK: tile.matmul %arg0, %arg1 epilogue(%[[R]] : tensor<1x4x2x4xf32>) [add in0, relu]
module attributes {tile.target = "lpu-tiny"} {
  func.func @chained_residuals(%a: tensor<1x4x2x15xi8>, %w: tensor<15x4xi8>, %r: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.map(%1, %r) [in0, add in1] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    %3 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %4 = tile.gather %3 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %5 = tile.map(%4, %2) [in0, add in1, relu] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    return %5 : tensor<1x4x4x2xf32>
  }
  func.func @shared_residual(%a: tensor<1x4x2x15xi8>, %w: tensor<15x4xi8>, %r: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
    %0 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %1 = tile.gather %0 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %2 = tile.map(%1, %r) [in0, add in1] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    %3 = tile.matmul %a, %w [] {batches = array<i64: 0, 0, 0>, k = 15 : i64, m = 8 : i64, n = 4 : i64} : tensor<1x4x2x15xi8>, tensor<15x4xi8> -> tensor<1x4x2x4xf32>
    %4 = tile.gather %3 {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xf32> -> tensor<1x4x4x2xf32>
    %5 = tile.map(%4, %r) [in0, add in1, relu] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    return %2, %5 : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
  }
}

// -----

// Window taps packed from unpacked pixel groups (2 pixels of 2 channels)
// are one gather from the groups, the padding the zero point -128: output
// position j reads pixels j - 1 .. j + 1 (tables over position and lane).
// The unpacking goes. An unpacking another op still reads stays, and so
// does the packing of its pixels.
// CHECK-LABEL: func.func @packed_from_groups
// CHECK: %[[Z:.*]] = arith.constant dense<-128> : tensor<1xi8>
// CHECK: %[[P:.*]] = tile.gather %[[G:.*]] padding %[[Z]] : tensor<1xi8> {count = array<i64: 1, 1, 2, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1>, array<i64: -1, -1, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, -1, -1>], tile.split_rows = 1 : i64} : tensor<1x4x2x4xi8> -> tensor<1x4x4x6xi8>
// CHECK-NOT: tile.pack_taps
// CHECK: return %[[P]]
// CHECK-LABEL: func.func @unpacking_read_otherwise
// CHECK: tile.pack_taps
module attributes {tile.target = "lpu-tiny"} {
  func.func @packed_from_groups(%g: tensor<1x4x2x4xi8>) -> tensor<1x4x4x6xi8> {
    %0 = tile.gather %g {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xi8> -> tensor<1x4x4x2xi8>
    %1 = tile.pack_taps %0 {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64, padding_value = -128 : i64, tile.split_rows = 1 : i64} : tensor<1x4x4x2xi8> -> tensor<1x4x4x6xi8>
    return %1 : tensor<1x4x4x6xi8>
  }
  func.func @unpacking_read_otherwise(%g: tensor<1x4x2x4xi8>) -> (tensor<1x4x4x6xi8>, tensor<1x4x4x2xi8>) {
    %0 = tile.gather %g {count = array<i64: 1, 1, 1, 2>, first = array<i64: 0, 1, 2, 2>, tables = [array<i64: 0>, array<i64: 0, 1, 2, 3>, array<i64: 0, 0, 1, 1>, array<i64: 0, 1, 2, 3, 0, 1, 2, 3>]} : tensor<1x4x2x4xi8> -> tensor<1x4x4x2xi8>
    %1 = tile.pack_taps %0 {dim = 2 : i64, taps = 3 : i64, stride = 1 : i64, dilation = 1 : i64, pad_begin = 1 : i64, padding_value = -128 : i64} : tensor<1x4x4x2xi8> -> tensor<1x4x4x6xi8>
    return %1, %0 : tensor<1x4x4x6xi8>, tensor<1x4x4x2xi8>
  }
}

// -----

// A layer normalization's x - mean, read by its square and by the division
// by the deviation: computed again in each, which then joins it. The square
// feeds a reduction, so the division's deviation comes after x - mean.
// CHECK-LABEL: func.func @shared_difference
// CHECK: %[[SQ:.*]] = tile.map(%arg0, %arg1, %{{.*}}) [in0, sub in1, pow in2]
// CHECK: %[[VAR:.*]] = tile.reduce_rows sum %[[SQ]]
// CHECK: tile.map(%arg0, %arg1, %{{.*}}) [in0, sub in1, div in2]
// CHECK-NOT: tile.map
module attributes {tile.target = "lpu-tiny"} {
  func.func @shared_difference(%x: tensor<4x8xf32>, %mean: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %two = arith.constant dense<2.0> : tensor<f32>
    %d = tile.map(%x, %mean) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %sq = tile.map(%d, %two) [in0, pow in1] : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
    %var = tile.reduce_rows sum %sq : tensor<4x8xf32> -> tensor<4x8xf32>
    %y = tile.map(%d, %var) [in0, div in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    return %y : tensor<4x8xf32>
  }
}

// -----

// A shared map that a product also reads is kept: the product would not
// join a copy.
// CHECK-LABEL: func.func @shared_with_product
// CHECK: %[[D:.*]] = tile.map(%arg0, %arg1) [in0, sub in1]
// CHECK: tile.matmul %[[D]]
// CHECK: tile.map(%[[D]]) [in0, relu]
module attributes {tile.target = "lpu-tiny"} {
  func.func @shared_with_product(%x: tensor<4x8xf32>, %m: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    %w = arith.constant dense<1.0> : tensor<8x8xf32>
    %d = tile.map(%x, %m) [in0, sub in1] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %p = tile.matmul %d, %w [] {batches = array<i64: 0, 0, 0>, k = 8 : i64, m = 4 : i64, n = 8 : i64} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
    %r = tile.map(%d) [in0, relu] : (tensor<4x8xf32>) -> tensor<4x8xf32>
    return %p, %r : tensor<4x8xf32>, tensor<4x8xf32>
  }
}
