//===- LpuModule.cpp - Python bindings of the runtime's C API -------------===//
//
// The `lpu._lpu` extension: a thin layer over lpu/runtime.h, linked against
// the shared runtime, so Python sees the C API's behaviour and messages.
// Validation a user reads (names, dtypes, shapes) is in lpu/__init__.py;
// here every call's status becomes lpu.Error carrying lpu_last_error().
//
//===----------------------------------------------------------------------===//

#include "lpu/runtime.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

namespace py = pybind11;

namespace {

/// lpu.Error, set up when the module loads (a reference kept for good:
/// a global py::object would be released after the interpreter is gone).
PyObject *errorType = nullptr;

void check(lpu_status status) {
  if (status != LPU_OK) {
    PyErr_SetString(errorType, lpu_last_error());
    throw py::error_already_set();
  }
}

py::dict describe(const lpu_tensor_info &info) {
  py::dict tensor;
  tensor["name"] = info.name;
  py::tuple shape(info.rank);
  for (size_t d = 0; d < info.rank; ++d)
    shape[d] = info.shape[d];
  tensor["shape"] = shape;
  tensor["dtype"] = int(info.dtype);
  tensor["element_bytes"] = info.element_bytes;
  return tensor;
}

/// A loaded program and the one execution its runs share (so a state
/// output, a KV cache, carries from run to run).
class Program {
public:
  explicit Program(const std::string &path) {
    lpu_program *loaded = nullptr;
    check(lpu_program_load_file(path.c_str(), &loaded));
    program.reset(loaded);
    lpu_execution *created = nullptr;
    check(lpu_execution_create(program.get(), &created));
    execution.reset(created);
  }

  py::list inputs() const {
    return tensors(lpu_program_num_inputs, lpu_program_input_info);
  }
  py::list outputs() const {
    return tensors(lpu_program_num_outputs, lpu_program_output_info);
  }
  int64_t stateOutput(size_t input) const {
    return lpu_program_state_output(program.get(), input);
  }
  std::string target() const { return lpu_program_target(program.get()); }
  std::string producer() const { return lpu_program_producer(program.get()); }
  py::dict provenance() const {
    py::dict entries;
    for (size_t i = 0, e = lpu_program_num_provenance(program.get()); i < e;
         ++i) {
      const char *key = nullptr, *value = nullptr;
      check(lpu_program_provenance(program.get(), i, &key, &value));
      entries[key] = value;
    }
    return entries;
  }

  /// `data` must be C-contiguous with the input's element size (the Python
  /// layer converts and checks dtype and shape first).
  void setInput(size_t index, const py::array &data) {
    if (!(data.flags() & py::array::c_style))
      throw py::value_error("input array must be C-contiguous");
    check(lpu_execution_set_input(execution.get(), index, data.data(),
                                  size_t(data.size())));
  }
  void run() {
    py::gil_scoped_release release;
    check(lpu_execution_run(execution.get()));
  }
  /// Output `index` into `out`, C-contiguous, of its element count and size.
  void getOutput(size_t index, py::array &out) const {
    check(lpu_execution_get_output(execution.get(), index, out.mutable_data(),
                                   size_t(out.size())));
  }
  py::dict stats() const {
    lpu_stats s;
    check(lpu_execution_stats(execution.get(), &s));
    py::dict result;
    result["cycles"] = s.cycles;
    result["latency_us"] = s.latency_us;
    result["clock_mhz"] = s.clock_mhz;
    result["instructions"] = s.instructions;
    result["instruction_words"] = s.instruction_words;
    result["stream_writes"] = s.stream_writes;
    result["stream_reads"] = s.stream_reads;
    result["sram_bytes_used"] = s.sram_bytes_used;
    result["sram_bytes_total"] = s.sram_bytes_total;
    py::list units;
    for (size_t i = 0; i < s.num_units; ++i) {
      lpu_unit_stats u;
      check(lpu_execution_unit_stats(execution.get(), i, &u));
      py::dict unit;
      unit["kind"] = u.kind;
      unit["index"] = u.index;
      unit["slice"] = u.slice;
      unit["busy_cycles"] = u.busy_cycles;
      unit["utilization"] = u.utilization;
      units.append(unit);
    }
    result["units"] = units;
    return result;
  }

private:
  struct FreeProgram {
    void operator()(lpu_program *p) const { lpu_program_free(p); }
  };
  struct FreeExecution {
    void operator()(lpu_execution *e) const { lpu_execution_free(e); }
  };

  template <typename Count, typename Info>
  py::list tensors(Count count, Info info) const {
    py::list list;
    for (size_t i = 0, e = count(program.get()); i < e; ++i) {
      lpu_tensor_info tensor;
      check(info(program.get(), i, &tensor));
      list.append(describe(tensor));
    }
    return list;
  }

  // Declared first: the execution refers to the program.
  std::unique_ptr<lpu_program, FreeProgram> program;
  std::unique_ptr<lpu_execution, FreeExecution> execution;
};

} // namespace

PYBIND11_MODULE(_lpu, m) {
  m.doc() = "The LPU runtime's C API (use the lpu package, not this module)";
  m.attr("API_VERSION") = LPU_RUNTIME_API_VERSION;
  errorType = py::object(py::module_::import("lpu._errors").attr("Error"))
                  .release()
                  .ptr();
  py::class_<Program>(m, "Program")
      .def(py::init<const std::string &>())
      .def("inputs", &Program::inputs)
      .def("outputs", &Program::outputs)
      .def("state_output", &Program::stateOutput)
      .def("target", &Program::target)
      .def("producer", &Program::producer)
      .def("provenance", &Program::provenance)
      .def("set_input", &Program::setInput)
      .def("run", &Program::run)
      .def("get_output", &Program::getOutput)
      .def("stats", &Program::stats);
}
