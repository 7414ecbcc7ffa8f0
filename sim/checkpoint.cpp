#include "sim/checkpoint.hpp"

#include "sim/files.hpp"
#include "sim/runner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <limits>
#include <random>
#include <sstream>

namespace labourshift::sim {

namespace {

constexpr char kMagic[8] = {'L', 'S', 'C', 'H', 'K', 'P', 'T', '\n'};
constexpr char kTrailer[8] = {'L', 'S', 'C', 'H', 'E', 'N', 'D', '\n'};
constexpr std::uint64_t kPrime = 0x9e3779b185ebca87ULL;

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/// The first line where two texts differ, for the message that refuses another scenario.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(ia, la));
    const bool gb = static_cast<bool>(std::getline(ib, lb));
    if (!ga && !gb) return "";
    if (!ga) la = "(end)";
    if (!gb) lb = "(end)";
    if (la != lb || !ga || !gb) {
      return "line " + std::to_string(line) + " of the resolved scenario is `" + la +
             "` in the checkpoint and `" + lb + "` in this run";
    }
  }
}

}  // namespace

// --- StreamHash ---------------------------------------------------------------------------------

void StreamHash::block(const unsigned char* p) {
  for (int i = 0; i < 4; ++i) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + 8 * i, 8);
    lane_[i] = rotl((lane_[i] ^ w) * kPrime, 31);
  }
}

void StreamHash::add(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  total_ += n;
  if (fill_ > 0) {
    const std::size_t take = std::min(n, sizeof buf_ - fill_);
    std::memcpy(buf_ + fill_, p, take);
    fill_ += take;
    p += take;
    n -= take;
    if (fill_ < sizeof buf_) return;
    block(buf_);
    fill_ = 0;
  }
  for (; n >= sizeof buf_; p += sizeof buf_, n -= sizeof buf_) block(p);
  std::memcpy(buf_, p, n);
  fill_ = n;
}

std::uint64_t StreamHash::digest() const {
  StreamHash h = *this;
  unsigned char tail[32] = {};
  std::memcpy(tail, h.buf_, h.fill_);
  h.block(tail);
  std::uint64_t d = h.total_ * kPrime;
  for (std::uint64_t lane : h.lane_) d = rotl(d ^ (lane * kPrime), 27) * kPrime;
  return d ^ (d >> 29);
}

// --- StateWriter / StateReader ------------------------------------------------------------------

void StateWriter::bytes(const void* data, std::size_t n) {
  if (n == 0) return;
  if (std::fwrite(data, 1, n, file_) != n) {
    throw OutputError(std::string("writing the checkpoint failed (") + std::strerror(errno) + ")");
  }
  hash_.add(data, n);
}

void StateWriter::header(std::string_view name, std::uint32_t elem, std::uint64_t count) {
  const auto len = static_cast<std::uint16_t>(name.size());
  bytes(&len, sizeof len);
  bytes(name.data(), name.size());
  bytes(&elem, sizeof elem);
  bytes(&count, sizeof count);
}

StateReader::StateReader(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {
  std::error_code ec;
  size_ = std::filesystem::file_size(path_, ec);
  if (ec) size_ = std::numeric_limits<std::uintmax_t>::max();
}

void StateReader::fail(const std::string& why) const {
  throw InputError(path_ + ": cannot resume from this checkpoint: " + why);
}

void StateReader::bytes(void* data, std::size_t n) {
  if (n == 0) return;
  if (std::fread(data, 1, n, file_) != n) {
    fail(std::ferror(file_) != 0 ? std::string("read error (") + std::strerror(errno) + ")"
                                 : "the file ends early (truncated or damaged)");
  }
  hash_.add(data, n);
}

std::uint64_t StateReader::header(std::string_view name, std::uint32_t elem) {
  std::uint16_t len = 0;
  bytes(&len, sizeof len);
  std::string found(len, '\0');
  bytes(found.data(), len);
  std::uint32_t found_elem = 0;
  std::uint64_t count = 0;
  bytes(&found_elem, sizeof found_elem);
  bytes(&count, sizeof count);
  if (found != name || found_elem != elem) {
    fail("its state was written by other code: field `" + found + "` (" +
         std::to_string(found_elem) + "-byte values) where this version has `" + std::string(name) +
         "` (" + std::to_string(elem) + "-byte values), or the file is damaged");
  }
  // No field is larger than the file: a damaged count must not allocate terabytes.
  const long here = std::ftell(file_);
  if (elem > 0 && here >= 0 && static_cast<std::uintmax_t>(here) <= size_ &&
      count > (size_ - static_cast<std::uintmax_t>(here)) / elem) {
    fail("field `" + found + "` claims more data than the file holds (truncated or damaged)");
  }
  return count;
}

void StateReader::get_string(std::string_view name, std::string& s) {
  s.resize(header(name, 1));
  bytes(s.data(), s.size());
}

// --- ResumePoint --------------------------------------------------------------------------------

ResumePoint::ResumePoint() = default;
ResumePoint::ResumePoint(ResumePoint&&) noexcept = default;
ResumePoint& ResumePoint::operator=(ResumePoint&&) noexcept = default;
ResumePoint::~ResumePoint() = default;

// --- the file -----------------------------------------------------------------------------------

void write_checkpoint(const std::string& path, const CheckpointHeader& header,
                      const std::vector<std::unique_ptr<Replication>>& replications,
                      const std::vector<std::vector<double>>& values,
                      const std::vector<std::vector<std::vector<std::int64_t>>>& events) {
  namespace fs = std::filesystem;
  const fs::path dest(path);
  if (!is_regular_or_absent(dest)) {
    throw OutputError(path + ": exists and is not a regular file; the checkpoint was not written");
  }
  // A new file with an unpredictable name beside the destination, created exclusively.
  std::random_device entropy;
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = unpredictable_sibling(dest, ".tmp", entropy);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && (errno != EEXIST || attempt == 15)) {
      throw OutputError(path + ": cannot create the checkpoint (" + std::strerror(errno) + ")");
    }
  }
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw OutputError(path + ": cannot create the checkpoint (" + std::strerror(errno) + ")");
  }
  std::vector<char> buffer(std::size_t{1} << 20);
  std::setvbuf(file, buffer.data(), _IOFBF, buffer.size());
  try {
    // The magic is outside the checksum, which covers everything from the format to the trailer.
    if (std::fwrite(kMagic, sizeof kMagic, 1, file) != 1) {
      throw OutputError(std::string("writing the checkpoint failed (") + std::strerror(errno) +
                        ")");
    }
    StateWriter out(file);
    out.put("format", kCheckpointFormat);
    out.put_string("software_version", header.software_version);
    out.put_string("scenario", header.scenario_toml);
    out.put("replications", header.replications);
    out.put("months", header.months);
    out.put("month", header.month);
    for (std::size_t r = 0; r < replications.size(); ++r) {
      out.put("replication", static_cast<std::uint32_t>(r));
      replications[r]->save_state(out);
      out.put("values", values[r]);
      for (const auto& table : events) out.put("events", table[r]);
    }
    const std::uint64_t digest = out.hash().digest();
    out.bytes(kTrailer, sizeof kTrailer);
    if (std::fwrite(&digest, sizeof digest, 1, file) != 1 || std::fflush(file) != 0 ||
        ::fsync(fd) != 0) {
      throw OutputError(std::string("writing the checkpoint failed (") + std::strerror(errno) +
                        ")");
    }
  } catch (const OutputError& e) {
    std::fclose(file);
    ::unlink(tmp.c_str());
    throw OutputError(path + ": " + e.what() + "; the previous checkpoint is kept");
  }
  if (std::fclose(file) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw OutputError(path + ": writing the checkpoint failed (" + why +
                      "); the previous checkpoint is kept");
  }
  // The rename itself is made durable by syncing the folder.
  const std::string folder = dest.parent_path().empty() ? "." : dest.parent_path().string();
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

bool is_checkpoint_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[sizeof kMagic] = {};
  const bool ok = std::fread(magic, 1, sizeof magic, f) == sizeof magic &&
                  std::memcmp(magic, kMagic, sizeof magic) == 0;
  std::fclose(f);
  return ok;
}

ResumePoint read_checkpoint(
    const std::string& path, const CheckpointHeader& expected, const MetricLayout& layout,
    const std::function<std::unique_ptr<Replication>(std::uint32_t)>& make) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw InputError(path + ": cannot open the checkpoint (" + std::strerror(errno) + ")");
  }
  std::FILE* file = ::fdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    throw InputError(path + ": cannot open the checkpoint (" + std::strerror(errno) + ")");
  }
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{file};
  std::vector<char> buffer(std::size_t{1} << 20);
  std::setvbuf(file, buffer.data(), _IOFBF, buffer.size());

  StateReader in(file, path);
  char magic[sizeof kMagic] = {};
  if (std::fread(magic, 1, sizeof magic, file) != sizeof magic ||
      std::memcmp(magic, kMagic, sizeof magic) != 0) {
    throw InputError(path + ": not a labourshift checkpoint (written by `run --checkpoint-every`)");
  }
  ResumePoint point;
  std::uint32_t format = 0;
  in.get("format", format);
  if (format != kCheckpointFormat) {
    in.fail("it has checkpoint format " + std::to_string(format) + "; this version reads format " +
            std::to_string(kCheckpointFormat));
  }
  CheckpointHeader& h = point.header;
  in.get_string("software_version", h.software_version);
  if (h.software_version != expected.software_version) {
    in.fail("it was written by labourshift " + h.software_version + " and this is labourshift " +
            expected.software_version + "; resume with that version, or run again");
  }
  in.get_string("scenario", h.scenario_toml);
  in.get("replications", h.replications);
  in.get("months", h.months);
  in.get("month", h.month);
  if (h.scenario_toml != expected.scenario_toml) {
    in.fail("it belongs to another scenario (" +
            first_difference(h.scenario_toml, expected.scenario_toml) +
            "); resume with the scenario file and --set options of the interrupted run");
  }
  if (h.replications != expected.replications || h.months != expected.months || h.month < 0 ||
      h.month > h.months) {
    in.fail("its header (" + std::to_string(h.replications) + " replications, month " +
            std::to_string(h.month) + " of " + std::to_string(h.months) + ") does not fit the run");
  }
  const auto reps = static_cast<std::size_t>(h.replications);
  point.events.assign(layout.events().size(), std::vector<std::vector<std::int64_t>>(reps));
  for (std::size_t r = 0; r < reps; ++r) {
    std::uint32_t index = 0;
    in.get("replication", index);
    if (index != r) in.fail("replication " + std::to_string(index) + " is out of order");
    auto rep = make(index);
    rep->load_state(in);
    point.values.emplace_back();
    in.get("values", point.values.back());
    if (point.values.back().size() != static_cast<std::size_t>(h.month) * layout.size()) {
      in.fail("replication " + std::to_string(r) + " holds " +
              std::to_string(point.values.back().size()) + " values where " +
              std::to_string(h.month) + " months of " + std::to_string(layout.size()) +
              " were expected");
    }
    for (auto& table : point.events) in.get("events", table[r]);
    point.replications.push_back(std::move(rep));
  }
  const std::uint64_t digest = in.hash().digest();
  char trailer[sizeof kTrailer] = {};
  std::uint64_t stored = 0;
  in.bytes(trailer, sizeof trailer);
  if (std::memcmp(trailer, kTrailer, sizeof trailer) != 0 ||
      std::fread(&stored, sizeof stored, 1, file) != 1 || stored != digest) {
    in.fail("its checksum does not match (the file is damaged)");
  }
  if (std::fgetc(file) != EOF) in.fail("it has data after its end (the file is damaged)");
  return point;
}

}  // namespace labourshift::sim
