# Warnings and sanitizers as small INTERFACE targets, linked where wanted.
add_library(labourshift_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(labourshift_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
  if(LABOURSHIFT_WARNINGS_AS_ERRORS)
    target_compile_options(labourshift_warnings INTERFACE -Werror)
  endif()
endif()

if(LABOURSHIFT_NATIVE)
  add_compile_options(-march=native)
endif()

# labourshift_sanitizers: -fsanitize=<LABOURSHIFT_SANITIZERS> on compile and link, for every target
# that links it (each project library, the executable and the tests link it PRIVATE; a static
# library passes the link options on to whatever links it). Empty LABOURSHIFT_SANITIZERS: no-op.
# Accepts "address,undefined" or a CMake list "address;undefined".
add_library(labourshift_sanitizers INTERFACE)
if(LABOURSHIFT_SANITIZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "LABOURSHIFT_SANITIZERS needs GCC or Clang, not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  string(REPLACE ";" "," _labourshift_sanitizers "${LABOURSHIFT_SANITIZERS}")
  string(REPLACE " " "" _labourshift_sanitizers "${_labourshift_sanitizers}")
  if(_labourshift_sanitizers MATCHES "(^|,)thread(,|$)"
     AND _labourshift_sanitizers MATCHES "(^|,)(address|leak|memory)(,|$)")
    message(FATAL_ERROR "LABOURSHIFT_SANITIZERS=${LABOURSHIFT_SANITIZERS}: thread cannot be "
                        "combined with address, leak or memory")
  endif()
  message(STATUS "Sanitizers: ${_labourshift_sanitizers}")
  target_compile_options(labourshift_sanitizers INTERFACE
    -fsanitize=${_labourshift_sanitizers} -fno-omit-frame-pointer)
  target_link_options(labourshift_sanitizers INTERFACE -fsanitize=${_labourshift_sanitizers})
endif()
