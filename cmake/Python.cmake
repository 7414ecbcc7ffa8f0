# The Python 3 that reads output files: the Python tests (h5py, numpy) and `labourshift report`
# (h5py, numpy, matplotlib, through analysis/labourshift_analysis). Debian's /usr/bin/python3 with
# python3-h5py, python3-numpy and python3-matplotlib has them; scripts/install-deps.sh installs them.
#
# Sets Python3_EXECUTABLE (used by tests/CMakeLists.txt), LABOURSHIFT_PYTHON_FOUND (h5py and numpy
# importable) and LABOURSHIFT_PYTHON_MATPLOTLIB (matplotlib importable too).
find_package(Python3 COMPONENTS Interpreter)
set(_h5py_missing 1)
if(Python3_EXECUTABLE)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import h5py, numpy"
                  RESULT_VARIABLE _h5py_missing OUTPUT_QUIET ERROR_QUIET)
endif()
if(_h5py_missing)
  # A python3 earlier on PATH (pyenv, venv) may lack them; fall back to the system one.
  find_program(_system_python NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(_system_python)
    execute_process(COMMAND ${_system_python} -c "import h5py, numpy"
                    RESULT_VARIABLE _h5py_missing OUTPUT_QUIET ERROR_QUIET)
    if(NOT _h5py_missing)
      set(Python3_EXECUTABLE ${_system_python})
    endif()
  endif()
endif()

if(_h5py_missing)
  set(LABOURSHIFT_PYTHON_FOUND OFF)
  set(LABOURSHIFT_PYTHON_MATPLOTLIB OFF)
  message(WARNING "No Python 3 with h5py and numpy found (tried ${Python3_EXECUTABLE}): "
                  "'labourshift report' and the Python tests need one. Install python3-h5py, "
                  "python3-numpy and python3-matplotlib (scripts/install-deps.sh does).")
else()
  set(LABOURSHIFT_PYTHON_FOUND ON)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import matplotlib"
                  RESULT_VARIABLE _mpl_missing OUTPUT_QUIET ERROR_QUIET)
  if(_mpl_missing)
    set(LABOURSHIFT_PYTHON_MATPLOTLIB OFF)
    message(WARNING "${Python3_EXECUTABLE} has no matplotlib: 'labourshift report' will not work "
                    "until python3-matplotlib is installed.")
  else()
    set(LABOURSHIFT_PYTHON_MATPLOTLIB ON)
  endif()
  message(STATUS "Python for reports and tests: ${Python3_EXECUTABLE}")
endif()
# For scripts (scripts/make_readme_figure.sh reads it from CMakeCache.txt).
if(LABOURSHIFT_PYTHON_FOUND)
  set(LABOURSHIFT_PYTHON "${Python3_EXECUTABLE}" CACHE INTERNAL "Python 3 of labourshift report")
else()
  set(LABOURSHIFT_PYTHON "" CACHE INTERNAL "Python 3 of labourshift report")
endif()
