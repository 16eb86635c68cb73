# What `cmake --install` puts under the prefix, in four components that
# `cpack -G DEB` makes into packages (docs/packaging.md):
#   tools    lpuc, lpu-opt, lpu-translate, lpu-run, lpu-objdump and the
#            target descriptions (share/lpuc/targets)
#   runtime  the shared runtime, liblpu-runtime.so.<C API version>
#   dev      lpu/runtime.h, the .so link, the CMake package (lpuc::runtime)
#            and the pkg-config file lpuc-runtime.pc
#   python   the lpu Python package (runtime/python/CMakeLists.txt)
include(CMakePackageConfigHelpers)

set(installed_tools lpu-run lpu-objdump)
if(LPU_BUILD_COMPILER)
  list(APPEND installed_tools lpuc lpu-opt lpu-translate)
endif()
install(TARGETS ${installed_tools}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
install(DIRECTORY ${LPU_SOURCE_DIR}/runtime/targets/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lpuc/targets COMPONENT tools
  FILES_MATCHING PATTERN "*.json")

install(TARGETS LPURuntimeShared EXPORT lpucTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT runtime NAMELINK_COMPONENT dev)
install(FILES ${LPU_SOURCE_DIR}/runtime/include/lpu/runtime.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lpu COMPONENT dev)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/lpuc)
install(EXPORT lpucTargets NAMESPACE lpuc:: DESTINATION ${config_dir}
  COMPONENT dev)
configure_package_config_file(${LPU_SOURCE_DIR}/cmake/lpucConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/lpucConfig.cmake INSTALL_DESTINATION ${config_dir})
# The package's version is lpuc's; the runtime's ABI is its SONAME.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/lpucConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lpucConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/lpucConfigVersion.cmake
  DESTINATION ${config_dir} COMPONENT dev)

# pkg-config paths are relative to the .pc file, so the prefix can move.
file(RELATIVE_PATH pc_to_prefix "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(${LPU_SOURCE_DIR}/cmake/lpuc-runtime.pc.in
  ${CMAKE_CURRENT_BINARY_DIR}/lpuc-runtime.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lpuc-runtime.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

include(${LPU_SOURCE_DIR}/cmake/Package.cmake)
