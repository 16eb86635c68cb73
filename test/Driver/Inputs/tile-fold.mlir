module attributes {tile.target = "lpu-tiny"} {
  func.func @main(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
    %0 = tile.transpose %x [0, 2, 1] : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
    %1 = tile.transpose %0 [0, 2, 1] : tensor<2x4x3xf32> -> tensor<2x3x4xf32>
    %2 = tile.map(%1) [in0, relu] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
    %3 = tile.map(%x) [in0, relu] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
    return %2, %3 : tensor<2x3x4xf32>, tensor<2x3x4xf32>
  }
}
