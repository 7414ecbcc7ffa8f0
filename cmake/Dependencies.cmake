# Every dependency comes from a Debian package (scripts/install-deps.sh installs them).
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(Boost 1.74 REQUIRED)
find_package(TBB REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C HL)  # HL: the H5DS dimension-scale API
find_package(NLopt REQUIRED CONFIG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # libcpp-httplib-dev  # libnlopt-dev / libnlopt-cxx-dev: target NLopt::nlopt

# HDF5's CMake module gives variables, not a target: wrap them in one.
add_library(labourshift_hdf5 INTERFACE)
target_include_directories(labourshift_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(labourshift_hdf5 INTERFACE ${HDF5_C_HL_LIBRARIES} ${HDF5_C_LIBRARIES})
target_compile_definitions(labourshift_hdf5 INTERFACE ${HDF5_DEFINITIONS})

# Random123 is header-only (librandom123-dev).
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(labourshift_random123 INTERFACE)
target_include_directories(labourshift_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})
