//===- LLVMHeadersAsBuilt.h - LLVM headers as Debian built them -*- C++ -*-===//
//
// Force-included into every MLIR-using file of the fuzzing build. Debian's
// LLVM and MLIR libraries are not built with ASan, but their headers switch
// on ASan poisoning in BumpPtrAllocator and friends when the including file
// is. The two builds of those inline functions then disagree: a slab poisoned
// by our copy is read by the library's, and ASan reports a use-after-poison
// that is not ours. Seen as LLVM's own build, the headers poison nothing.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_FUZZ_LLVMHEADERSASBUILT_H
#define LPU_COMPILER_FUZZ_LLVMHEADERSASBUILT_H

#include "llvm/Support/Compiler.h"

#undef LLVM_ADDRESS_SANITIZER_BUILD
#define LLVM_ADDRESS_SANITIZER_BUILD 0
#define __asan_poison_memory_region(p, size)
#define __asan_unpoison_memory_region(p, size)

#endif // LPU_COMPILER_FUZZ_LLVMHEADERSASBUILT_H
