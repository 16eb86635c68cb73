# `cpack -G DEB` (in the build directory): one Debian package per install
# component, for Debian 12. Shared-library dependencies are computed by
# dpkg-shlibdeps where the package's own libraries are not involved.
set(runtime_package liblpu-runtime${LPU_RUNTIME_API_VERSION})
set(exact "(= ${PROJECT_VERSION})")

set(CPACK_PACKAGE_NAME lpuc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "lpuc")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Ahead-of-time ONNX compiler and runtime for the LPU")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL tools runtime dev)
if(LPU_BUILD_PYTHON)
  list(APPEND CPACK_COMPONENTS_ALL python)
endif()
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "lpuc developers <lpuc@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://localhost/lpuc")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME lpuc)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "LPU compiler and tools\n lpuc compiles ONNX models to static LPU programs; lpu-run runs\n them on the cycle-accurate reference backend; lpu-objdump prints them.")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${runtime_package})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
# A shlibs file and the ldconfig trigger.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "LPU runtime library\n Loads .lpu binaries and runs them on the reference backend (C API,\n lpu/runtime.h). Needs nothing from MLIR or ONNX.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME liblpu-runtime-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${runtime_package} ${exact}")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "LPU runtime development files\n The C API header, the CMake package (find_package(lpuc): lpuc::runtime)\n and the pkg-config file lpuc-runtime.pc.")

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-lpu)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
# Written out: dpkg-shlibdeps cannot resolve the runtime library, which is
# this build's own.
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
    "${runtime_package} ${exact}, ${LPU_PYTHON_DEB_DEPENDS}, python3-numpy, libc6, libstdc++6, libgcc-s1")
set(CPACK_COMPONENT_PYTHON_DESCRIPTION
    "LPU runtime for Python\n import lpu: lpu.Program(path).run({name: array}), stats and provenance;\n lpu.compile() runs the installed lpuc.")

include(CPack)
