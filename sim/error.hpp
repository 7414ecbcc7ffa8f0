// Error types. InputError is anything the user can fix in a scenario, a data file or the command
// line; the CLI turns it into exit code 2 and writes no output.
#pragma once

#include <stdexcept>
#include <string>

namespace labourshift::sim {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace labourshift::sim
