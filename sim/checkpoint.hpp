// Checkpoints: the whole state of a run at a month boundary, in one file, so that a run stopped by
// a signal or a crash continues where it was and ends bit-identical to a run never stopped.
//
// The file (docs/outputs.md, "Checkpoints"): a header (magic, format version, software version,
// the resolved scenario, replications, months, the month reached), then for each replication its
// state as a sequence of named, typed fields (StateWriter), its monthly values for months
// 1..month and its event rows so far, then a trailer with a checksum of everything before it.
// It is written to a new file with an unpredictable name beside the destination (O_EXCL, no link
// followed), synced, and renamed over the previous checkpoint: at every moment the path holds
// either the previous checkpoint or the new one, whole.
//
// Random numbers need no state in the file: every draw comes from a counter-based stream keyed by
// (seed, replication, month, phase, agent) (sim/random.hpp).
#pragma once

#include "sim/error.hpp"
#include "sim/metrics.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace labourshift::sim {

class Replication;

/// A checksum over a byte stream, four 64-bit lanes over 32-byte blocks (fast enough not to
/// slow a checkpoint of gigabytes; not cryptographic: it detects damage, not tampering).
class StreamHash {
 public:
  void add(const void* data, std::size_t n);
  std::uint64_t digest() const;

 private:
  void block(const unsigned char* p);
  std::uint64_t lane_[4] = {0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL,
                            0x27d4eb2f165667c5ULL};
  unsigned char buf_[32] = {};
  std::size_t fill_ = 0;
  std::uint64_t total_ = 0;
};

/// Writes named fields: each is its name, its element size, its element count and its bytes, so
/// that a reader built from other code (a field added, removed or resized) stops at the first
/// difference with a message that names it.
class StateWriter {
 public:
  explicit StateWriter(std::FILE* file) : file_(file) {}

  template <class T>
  void put(std::string_view name, const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    header(name, sizeof(T), v.size());
    bytes(v.data(), v.size() * sizeof(T));
  }
  template <class T>
  void put(std::string_view name, const std::vector<std::vector<T>>& v) {
    header(name, 0, v.size());
    for (const auto& inner : v) put(name, inner);
  }
  template <class T>
  requires std::is_arithmetic_v<T>
  void put(std::string_view name, const T& x) {
    header(name, sizeof(T), 1);
    bytes(&x, sizeof(T));
  }
  void put_string(std::string_view name, const std::string& s) {
    header(name, 1, s.size());
    bytes(s.data(), s.size());
  }

  void bytes(const void* data, std::size_t n);
  const StreamHash& hash() const { return hash_; }

 private:
  void header(std::string_view name, std::uint32_t elem, std::uint64_t count);
  std::FILE* file_;
  StreamHash hash_;
};

/// Reads what StateWriter wrote, field by field, checking each name and element size; throws
/// InputError naming the file and the field on any difference or a truncated file.
class StateReader {
 public:
  StateReader(std::FILE* file, std::string path);

  template <class T>
  void get(std::string_view name, std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::uint64_t n = header(name, sizeof(T));
    v.resize(n);
    bytes(v.data(), n * sizeof(T));
  }
  template <class T>
  void get(std::string_view name, std::vector<std::vector<T>>& v) {
    v.resize(header(name, 0));
    for (auto& inner : v) get(name, inner);
  }
  template <class T>
  requires std::is_arithmetic_v<T>
  void get(std::string_view name, T& x) {
    if (header(name, sizeof(T)) != 1) fail("field " + std::string(name) + " is not one value");
    bytes(&x, sizeof(T));
  }
  void get_string(std::string_view name, std::string& s);

  void bytes(void* data, std::size_t n);
  const StreamHash& hash() const { return hash_; }
  [[noreturn]] void fail(const std::string& why) const;

 private:
  std::uint64_t header(std::string_view name, std::uint32_t elem);
  std::FILE* file_;
  std::string path_;
  std::uintmax_t size_ = 0;  ///< the file's size, which no field can exceed
  StreamHash hash_;
};

/// What a checkpoint is for: the run it belongs to and how far it got.
struct CheckpointHeader {
  std::string software_version;
  std::string scenario_toml;  ///< the resolved scenario (models::to_toml)
  std::int64_t replications = 0;
  std::int64_t months = 0;
  std::int64_t month = 0;  ///< every replication has completed months 1..month
};

/// A run restored from a checkpoint: its replications at `header.month`, with the monthly values
/// ([replication][(month - 1) * layout.size() + i]) and event rows ([table][replication]) they
/// produced so far.
struct ResumePoint {
  CheckpointHeader header;
  std::vector<std::unique_ptr<Replication>> replications;
  std::vector<std::vector<double>> values;
  std::vector<std::vector<std::vector<std::int64_t>>> events;
  ResumePoint();
  ResumePoint(ResumePoint&&) noexcept;
  ResumePoint& operator=(ResumePoint&&) noexcept;
  ~ResumePoint();
};

/// The format of the file; a checkpoint of another format is refused.
inline constexpr std::uint32_t kCheckpointFormat = 1;

/// Writes a checkpoint of `replications` to `path` atomically (a new file beside it, synced, then
/// renamed over it). Throws OutputError when the storage fails, leaving the previous checkpoint.
void write_checkpoint(const std::string& path, const CheckpointHeader& header,
                      const std::vector<std::unique_ptr<Replication>>& replications,
                      const std::vector<std::vector<double>>& values,
                      const std::vector<std::vector<std::vector<std::int64_t>>>& events);

/// Reads the checkpoint at `path` for the run described by `expected` (its software version,
/// scenario, replications and months must match) and restores replications made by `make`.
/// Throws InputError (exit code 2) when the file is not a checkpoint, is damaged, or belongs to
/// another version or scenario.
ResumePoint read_checkpoint(const std::string& path, const CheckpointHeader& expected,
                            const MetricLayout& layout,
                            const std::function<std::unique_ptr<Replication>(std::uint32_t)>& make);

/// True when `path` starts with the checkpoint magic (a file this program wrote).
bool is_checkpoint_file(const std::string& path);

}  // namespace labourshift::sim
