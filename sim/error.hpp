// Error types. InputError is anything the user can fix in a scenario, a data file or the command
// line; the CLI turns it into exit code 2 and writes no output. OutputError is a failure of the
// output's storage during a run (a full disk, a file-size limit, an I/O error): exit code 1, the
// run stops, and nothing is left at the destination but an earlier file.
#pragma once

#include <stdexcept>
#include <string>

namespace labourshift::sim {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace labourshift::sim
