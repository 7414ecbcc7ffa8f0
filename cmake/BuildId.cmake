# Writes OUT (a header defining LABOURSHIFT_BUILD_ID) with the source tree's git commit, "-dirty"
# when it has uncommitted changes, or "unknown" outside a git checkout. Run at every build (the
# build_id target), and rewritten only when the id changes, so that nothing recompiles otherwise.
# Checkpoints carry the id: one written by another build is refused.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE id OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR id STREQUAL "")
  set(id "unknown")
endif()
set(text "#pragma once\n#define LABOURSHIFT_BUILD_ID \"${id}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
