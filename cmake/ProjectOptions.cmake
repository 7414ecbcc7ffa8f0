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

if(LABOURSHIFT_SANITIZERS)
  add_compile_options(-fsanitize=${LABOURSHIFT_SANITIZERS} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${LABOURSHIFT_SANITIZERS})
endif()
