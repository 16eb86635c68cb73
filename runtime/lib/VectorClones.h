//===- VectorClones.h - Kernels built for more than one ISA -----*- C++ -*-===//
//
// The simulator's per-element loops are also built for AVX2 and chosen at
// load time when the processor has it; the baseline build runs anywhere.
// Without FMA: every multiply and add rounds as the scalar code's do, so the
// results are the same bits on either.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_RUNTIME_LIB_VECTORCLONES_H
#define LPU_RUNTIME_LIB_VECTORCLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LPU_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define LPU_VECTOR_CLONES
#endif

#endif // LPU_RUNTIME_LIB_VECTORCLONES_H
