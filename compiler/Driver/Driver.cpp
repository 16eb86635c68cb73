//===- Driver.cpp - The lpuc compiler driver ------------------------------===//

#include "compiler/Driver/Driver.h"
#include "compiler/Driver/Provenance.h"

#include "compiler/Conversion/TileToLPU/Expander.h"
#include "compiler/Import/ONNXImporter.h"
#include "compiler/Import/ONNXLoader.h"
#include "compiler/Pipeline/Pipeline.h"
#include "compiler/Target/BinaryEmitter.h"
#include "dialects/LPU/Analysis/ScheduleReport.h"
#include "dialects/LPU/LPUOps.h"
#include "dialects/ONNX/ONNXOps.h"
#include "dialects/Tile/Analysis/ModelWork.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <new>
#include <set>
#include <sstream>

#include <sys/resource.h>
#include <unistd.h>

using namespace mlir;

namespace lpuc {

namespace {

void reportError(llvm::StringRef message) {
  llvm::errs() << "lpuc: error: " << message << "\n";
}

/// "file: node 'name' (OpType): " for a location made by the importer.
std::string describeLocation(Location loc) {
  std::string file, node, opType;
  loc->walk([&](Location inner) {
    if (auto name = dyn_cast<NameLoc>(inner); name && node.empty())
      node = name.getName().str();
    if (auto fused = dyn_cast<FusedLoc>(inner))
      if (auto meta = dyn_cast_or_null<StringAttr>(fused.getMetadata()))
        opType = meta.str();
    if (auto fileLoc = dyn_cast<FileLineColLoc>(inner); fileLoc && file.empty())
      file = fileLoc.getFilename().str();
    return WalkResult::advance();
  });
  std::string out = file.empty() ? "" : file + ": ";
  if (!opType.empty())
    out += "node '" + node + "' (" + opType + "): ";
  else if (!node.empty())
    out += "'" + node + "': ";
  return out;
}

bool parseShapes(const std::vector<std::string> &specs,
                 onnx_model::LoadOptions &options) {
  for (const std::string &spec : specs) {
    llvm::StringRef text(spec);
    auto [name, dims] = text.rsplit('=');
    if (name.empty() || dims.empty() || !text.contains('=')) {
      reportError("--shape expects NAME=DIMS such as x=1x3x224x224, got '" +
                  spec + "'");
      return false;
    }
    std::vector<int64_t> shape;
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d <= 0) {
        reportError("--shape " + spec + ": '" + part.str() +
                    "' is not a positive dimension");
        return false;
      }
      shape.push_back(d);
    }
    options.inputShapes[name.str()] = shape;
  }
  return true;
}

bool applyMLIROptions(const std::vector<std::string> &mlirOptions) {
  static bool registered = false;
  if (!registered) {
    registerPassManagerCLOptions();
    registerMLIRContextCLOptions();
    registerAsmPrinterCLOptions();
    registerDefaultTimingManagerCLOptions();
    registered = true;
  }
  std::vector<const char *> argv = {"lpuc"};
  for (const std::string &opt : mlirOptions)
    argv.push_back(opt.c_str());
  return llvm::cl::ParseCommandLineOptions(static_cast<int>(argv.size()),
                                           argv.data(), "lpuc", &llvm::errs());
}

std::string defaultBinaryPath(llvm::StringRef input) {
  llvm::SmallString<256> path(input);
  llvm::sys::path::replace_extension(path, "lpu");
  return std::string(path);
}

/// Writes `text` to `path`; false after reporting why it could not.
template <typename WriteFn>
bool writeFile(const std::string &path, WriteFn write) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file) {
    reportError(error);
    return false;
  }
  write(file->os());
  file->keep();
  return true;
}

/// --report and --timeline of a scheduled module. The human summary goes to
/// stdout, or to stderr when the compiled output takes stdout.
bool writeReports(const lpu::MachineProgram &program,
                  const lpu::ModelWork &work, const DriverOptions &options,
                  bool outputIsStdout) {
  if (options.reportPath.empty() && options.timelinePath.empty())
    return true;
  if (!options.reportPath.empty()) {
    lpu::ScheduleReport report = lpu::buildScheduleReport(program, &work);
    if (options.reportPath == "-") {
      lpu::printScheduleReport(report,
                               outputIsStdout ? llvm::errs() : llvm::outs());
    } else if (!writeFile(options.reportPath, [&](llvm::raw_ostream &os) {
                 os << llvm::formatv("{0:2}", lpu::toJSON(report)) << "\n";
               })) {
      return false;
    }
  }
  return options.timelinePath.empty() ||
         writeFile(options.timelinePath, [&](llvm::raw_ostream &os) {
           lpu::writeTimeline(program, os);
         });
}

/// Marks each OUTPUT=INPUT of `specs` as state on the graph (tile.state_of):
/// the output is the input's value at the next run.
bool markStates(ModuleOp module, const std::vector<std::string> &specs) {
  auto func = module.lookupSymbol<func::FuncOp>("main");
  auto indexOf = [&](llvm::StringRef name, bool isInput) -> int64_t {
    unsigned count = isInput ? func.getNumArguments() : func.getNumResults();
    for (unsigned i = 0; i < count; ++i)
      if (onnx::getGraphIOName(func, i, isInput) == name)
        return i;
    return -1;
  };
  std::set<int64_t> carried;
  for (const std::string &spec : specs) {
    auto [output, input] = llvm::StringRef(spec).split('=');
    const int64_t out = indexOf(output, false), in = indexOf(input, true);
    if (output.empty() || input.empty() || out < 0 || in < 0) {
      reportError("--state expects OUTPUT=INPUT naming a graph output and "
                  "input, got '" +
                  spec + "'");
      return false;
    }
    if (func.getResultTypes()[out] != func.getArgumentTypes()[in]) {
      std::string types;
      llvm::raw_string_ostream os(types);
      os << func.getResultTypes()[out] << " and "
         << func.getArgumentTypes()[in];
      reportError("--state " + spec + ": the output and the input differ (" +
                  types + ")");
      return false;
    }
    if (!carried.insert(in).second ||
        func.getResultAttr(out, tile::kStateOfAttrName)) {
      reportError("--state " + spec + ": input '" + input.str() +
                  "' or output '" + output.str() + "' is already state");
      return false;
    }
    func.setResultAttr(out, tile::kStateOfAttrName,
                       Builder(module.getContext()).getI64IntegerAttr(in));
  }
  return true;
}

} // namespace

std::string getVersionString() { return getProducerString().str(); }

std::string getEmitChoices() { return getPhaseNames(); }

std::string getTargetChoices() {
  std::string names;
  for (const ::lpu::TargetDesc &t : ::lpu::builtinTargets())
    names += (names.empty() ? "" : "|") + t.name;
  return names;
}

namespace {
uint64_t memoryBudgetMiB = 0;

/// Out of the budget: says so and exits, allocating nothing (there is no
/// memory left to allocate).
[[noreturn]] void exceedBudget() {
  char message[160];
  const int length = std::snprintf(
      message, sizeof(message),
      "lpuc: error: the compile needs more than its memory budget of %llu "
      "MiB (raise it with --max-memory)\n",
      static_cast<unsigned long long>(memoryBudgetMiB));
  if (length > 0)
    (void)!::write(2, message, size_t(length));
  std::_Exit(1);
}

/// Caps the process's address space at `mib`: an allocation past it fails,
/// and every allocator's failure path (operator new, LLVM's) ends in
/// exceedBudget().
void enforceMemoryBudget(uint64_t mib) {
  if (mib == 0)
    return;
  memoryBudgetMiB = mib;
  std::set_new_handler([] { exceedBudget(); });
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *, bool) { exceedBudget(); });
  const rlim_t bytes = rlim_t(mib) << 20;
  struct rlimit limit = {bytes, bytes};
  ::setrlimit(RLIMIT_AS, &limit);
}
} // namespace

namespace {
/// The compile behind runCompiler and compileToBinary: the result goes to
/// `binaryOut` when set (then no file is written), else to the output file.
int compile(const DriverOptions &options, std::vector<uint8_t> *binaryOut) {
  enforceMemoryBudget(options.maxMemoryMiB);
  std::optional<Phase> emit = parsePhase(options.emit);
  if (!emit) {
    reportError("unknown --emit value '" + options.emit + "' (expected " +
                getPhaseNames() + ")");
    return 1;
  }
  // A built-in name or a description file; a file's target is registered
  // under its own name for the passes to find.
  ::lpu::TargetDesc target;
  std::string targetError;
  if (!::lpu::loadTarget(options.target, target, targetError)) {
    reportError("--target: " + targetError);
    return 1;
  }
  if (std::string clash = lpu::registerTarget(target); !clash.empty()) {
    reportError("--target: " + options.target + ": " + clash);
    return 1;
  }
  LoweringOptions lowering;
  lowering.target = target.name;
  if (!options.precision.empty() && options.precision != "fp32" &&
      options.precision != "fp16" && options.precision != "bf16") {
    reportError("unknown --precision value '" + options.precision +
                "' (expected fp32, fp16 or bf16)");
    return 1;
  }
  lowering.precision = options.precision;
  lowering.f64AsF32 = options.f64AsF32;
  if (options.schedule != "global" && options.schedule != "best" &&
      options.schedule != "op-by-op") {
    reportError("unknown --schedule value '" + options.schedule +
                "' (expected global, best or op-by-op)");
    return 1;
  }
  lowering.opByOp = options.schedule == "op-by-op";
  if (options.schedule == "best")
    lowering.treeOrder = lpu::TreeOrder::Best;
  if ((!options.reportPath.empty() || !options.timelinePath.empty()) &&
      *emit < Phase::Schedule) {
    reportError("--report and --timeline need a scheduled program (--emit=" +
                getPhaseName(Phase::Schedule).str() + ", asm or bin)");
    return 1;
  }
  onnx_model::LoadOptions loadOptions;
  if (!parseShapes(options.shapes, loadOptions))
    return 1;
  for (const std::string &spec : options.inputValues) {
    auto [name, path] = llvm::StringRef(spec).split('=');
    if (name.empty() || path.empty()) {
      reportError("--input-value expects NAME=FILE.pb, got '" + spec + "'");
      return 1;
    }
    loadOptions.inputValues[name.str()] = path.str();
  }
  if (!options.mlirOptions.empty() && !applyMLIROptions(options.mlirOptions))
    return 1;

  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  loadOptions.hasDedicatedOp = [&](const std::string &opType) {
    return hasDedicatedONNXOp(&context, opType);
  };
  onnx_model::Graph graph;
  std::string error;
  if (!onnx_model::loadModel(options.inputPath, loadOptions, graph, error)) {
    reportError(options.inputPath + ": " + error);
    return 1;
  }
  ::lpu::Provenance provenance;
  if (*emit >= Phase::Asm &&
      !describeProvenance(options, target, provenance, error)) {
    reportError(error);
    return 1;
  }

  context.printOpOnDiagnostic(false);
  // Diagnostics print as one line each: where (file, node, operator), what.
  // An internal check that fails is said to be lpuc's fault, not the
  // model's.
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    llvm::StringRef severity =
        diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
        : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                            : "note";
    const std::string message = diag.str();
    const bool internal = diag.getSeverity() == DiagnosticSeverity::Error &&
                          isInternalCheck(message);
    llvm::errs() << "lpuc: " << severity << ": "
                 << describeLocation(diag.getLocation())
                 << (internal ? "internal error: " : "") << message << "\n";
    for (Diagnostic &note : diag.getNotes())
      llvm::errs() << "lpuc: note: " << describeLocation(note.getLocation())
                   << note.str() << "\n";
    if (internal) {
      llvm::errs() << "lpuc: note: this is a bug in lpuc, not in the model; "
                      "please report it with the model\n";
      if (options.abortOnInternalError)
        std::abort();
    }
    return success();
  });

  OwningOpRef<ModuleOp> module =
      importONNXGraph(&context, graph, options.inputPath);
  if (!module)
    return 1;
  // The graph is in MLIR now; release the loader's copy of the weights.
  graph = onnx_model::Graph();
  if (!markStates(*module, options.states))
    return 1;

  DefaultTimingManager timingManager;
  if (!options.mlirOptions.empty())
    applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  PassManager pm(&context);
  if (!options.mlirOptions.empty() && failed(applyPassManagerCLOptions(pm)))
    return 1;
  pm.enableTiming(timing);
  // Past the tile level, instructions are expanded straight into the
  // program's compact form; MLIR holds them only to print them.
  const bool compact = *emit > Phase::ISel;
  buildLoweringPipeline(pm, lowering, compact ? Phase::Tile : *emit);
  if (failed(pm.run(*module)))
    return 1;

  std::optional<lpu::MachineProgram> machine;
  lpu::ModelWork modelWork;
  lpu::ProgramOp program;
  if (compact) {
    // What the model asks of the MXM, read before the tile level gives way,
    // for the report's physical floor.
    if (!options.reportPath.empty())
      modelWork =
          tile::measureModelWork(module->lookupSymbol<func::FuncOp>("main"),
                                 *tile::getTarget(*module));
    {
      TimingScope step = timing.nest("convert-tile-to-lpu");
      FailureOr<lpu::MachineProgram> expanded =
          tile_to_lpu::expandToMachineProgram(*module, options.maxInstructions);
      if (failed(expanded))
        return 1;
      machine.emplace(std::move(*expanded));
    }
    // The tile-level graph gives way to the (empty) program.
    auto func = module->lookupSymbol<func::FuncOp>("main");
    OpBuilder builder(func);
    program = lpu::ProgramOp::create(builder, func.getLoc(), "main",
                                     machine->target->name);
    func.erase();
    (*module)->removeAttr(tile::kTargetAttrName);
    // --mlir-print-ir-after-all covers these steps too, as the passes of
    // the same names would print them.
    bool printAfterAll =
        llvm::is_contained(options.mlirOptions, "--mlir-print-ir-after-all");
    auto printAfter = [&](StringRef name, const lpu::MachineProgram &m) {
      OwningOpRef<lpu::ProgramOp> copy(cast<lpu::ProgramOp>(program->clone()));
      lpu::materializeProgram(m, *copy);
      llvm::errs() << "// -----// IR Dump After " << name << " //----- //\n";
      copy->print(llvm::errs(), OpPrintingFlags().elideLargeResourceString());
      llvm::errs() << "\n\n";
    };
    if (printAfterAll)
      printAfter("convert-tile-to-lpu", *machine);
    if (failed(runMachinePhases(
            *machine, lowering, *emit, timing,
            printAfterAll
                ? llvm::function_ref<void(
                      StringRef, const lpu::MachineProgram &)>(printAfter)
                : nullptr)))
      return 1;
  }

  // The binary, with what it was made from.
  auto emitBinary = [&]() -> FailureOr<::lpu::Binary> {
    FailureOr<::lpu::Binary> binary = buildBinary(*machine);
    if (succeeded(binary))
      binary->provenance = provenance;
    return binary;
  };
  if (binaryOut) {
    TimingScope step = timing.nest("emit-binary");
    FailureOr<::lpu::Binary> binary = emitBinary();
    if (failed(binary))
      return 1;
    *binaryOut = ::lpu::writeBinary(*binary);
    return 0;
  }

  std::string outputPath = options.outputPath;
  if (outputPath.empty())
    outputPath =
        *emit == Phase::Bin ? defaultBinaryPath(options.inputPath) : "-";
  std::string openError;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputPath, &openError);
  if (!output) {
    reportError(openError);
    return 1;
  }

  if (machine && !writeReports(*machine, modelWork, options, outputPath == "-"))
    return 1;

  if (*emit <= Phase::Schedule) {
    if (machine)
      lpu::materializeProgram(*machine, program);
    OpPrintingFlags flags;
    if (!options.printWeights)
      flags.elideLargeResourceString();
    module->print(output->os(), flags);
    output->os() << "\n";
  } else {
    TimingScope step = timing.nest("emit-binary");
    FailureOr<::lpu::Binary> binary = emitBinary();
    if (failed(binary))
      return 1;
    if (*emit == Phase::Asm) {
      std::ostringstream text;
      ::lpu::printAssembly(*binary, text);
      output->os() << text.str();
    } else {
      std::vector<uint8_t> bytes = ::lpu::writeBinary(*binary);
      output->os().write(reinterpret_cast<const char *>(bytes.data()),
                         bytes.size());
    }
  }
  output->keep();
  return 0;
}
} // namespace

int runCompiler(const DriverOptions &options) {
  return compile(options, nullptr);
}

int compileToBinary(const DriverOptions &options,
                    std::vector<uint8_t> &binary) {
  if (options.emit != "bin" || !options.reportPath.empty() ||
      !options.timelinePath.empty()) {
    reportError("compileToBinary makes a binary and nothing else (--emit=bin, "
                "no --report or --timeline)");
    return 1;
  }
  return compile(options, &binary);
}

bool isInternalCheck(const std::string &message) {
  llvm::StringRef text(message);
  if (!text.consume_front("'") || !text.contains("' op "))
    return false;
  llvm::StringRef opName = text.split("' op ").first;
  return !opName.contains(' ') && opName.contains('.') &&
         !opName.starts_with("onnx.");
}

} // namespace lpuc
