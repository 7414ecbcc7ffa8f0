#include "sim/h5.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <type_traits>
#include <utility>

namespace labourshift::h5 {

static_assert(std::is_same_v<hid, hid_t>, "h5::hid must be HDF5's hid_t");
static_assert(std::is_same_v<hsize, hsize_t>, "h5::hsize must be HDF5's hsize_t");

namespace {

using Kind = Handle::Kind;

// Printing is off because every failure becomes an exception carrying the innermost message.
void ensure_init() {
  static const bool done = [] {
    // No clean-up at exit: every object is closed explicitly, and after a failed write (a full
    // disk) HDF5's own exit handler crashed closing the file that could not be closed.
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

herr_t keep_innermost(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  if (err != nullptr && err->desc != nullptr && err->desc[0] != '\0') {
    *static_cast<std::string*>(data) = err->desc;
  }
  return 0;
}

// The most specific description on the error stack (walking downward ends at the innermost
// function, where e.g. "errno = 2, error message = 'No such file or directory'" lives).
std::string take_error_detail() {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &detail);
  H5Eclear2(H5E_DEFAULT);
  constexpr std::size_t max_len = 300;
  if (detail.size() > max_len) detail = detail.substr(0, max_len) + "...";
  return detail;
}

// "HDF5: cannot <op> '<path>' in '<file>'[: reason]". An empty reason takes HDF5's own.
[[noreturn]] void raise(const std::string& op, const std::string& path, const std::string& file,
                        std::string reason = {}) {
  if (reason.empty()) reason = take_error_detail();
  std::string msg = "HDF5: cannot " + op + " '" + path + "'";
  if (!file.empty()) msg += " in '" + file + "'";
  if (!reason.empty()) msg += ": " + reason;
  throw Error(msg);
}

// The name-and-file context of an object, so free helpers can raise proper errors.
struct Where {
  const std::string& file;
  const std::string& path;
  [[noreturn]] void fail(const std::string& op, std::string reason = {}) const {
    raise(op, path, file, std::move(reason));
  }
  hid check(hid id, const std::string& op) const {
    if (id < 0) fail(op);
    return id;
  }
  void check(herr_t status, const std::string& op) const {
    if (status < 0) fail(op);
  }
};

Handle make_plist(hid cls, const Where& w) {
  return Handle(w.check(H5Pcreate(cls), "create property list for"), Kind::plist);
}

// Link creation: missing intermediate groups are created; link names are UTF-8.
Handle make_lcpl(const Where& w) {
  Handle lcpl = make_plist(H5P_LINK_CREATE, w);
  w.check(H5Pset_create_intermediate_group(lcpl.id(), 1), "configure link creation for");
  w.check(H5Pset_char_encoding(lcpl.id(), H5T_CSET_UTF8), "configure link creation for");
  return lcpl;
}

Handle vlen_string_type(H5T_cset_t cset, const Where& w) {
  Handle t(w.check(H5Tcopy(H5T_C_S1), "make string type for"), Kind::datatype);
  w.check(H5Tset_size(t.id(), H5T_VARIABLE), "make string type for");
  w.check(H5Tset_cset(t.id(), cset), "make string type for");
  return t;
}

Handle simple_space(const std::vector<hsize>& dims, const hsize* maxdims, const Where& w) {
  const hid id = dims.empty()
                     ? H5Screate(H5S_SCALAR)
                     : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims);
  return Handle(w.check(id, "create dataspace for"), Kind::dataspace);
}

std::vector<hsize> extent(hid space, const Where& w) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) w.fail("get the shape of");
  std::vector<hsize> dims(static_cast<std::size_t>(rank));
  if (rank > 0) w.check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "get the shape of");
  return dims;
}

std::size_t npoints(hid space, const Where& w) {
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) w.fail("count the elements of");
  return static_cast<std::size_t>(n);
}

// Encoding enabled, not just decoding: a read-only filter build cannot write gzip.
bool filter_usable(H5Z_filter_t filter) {
  if (H5Zfilter_avail(filter) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  unsigned config = 0;
  if (H5Zget_filter_info(filter, &config) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

void add_compression(hid dcpl, const Where& w) {
  static const bool shuffle = filter_usable(H5Z_FILTER_SHUFFLE);
  static const bool deflate = filter_usable(H5Z_FILTER_DEFLATE);
  if (!deflate) return;
  if (shuffle) w.check(H5Pset_shuffle(dcpl), "enable shuffle for");
  w.check(H5Pset_deflate(dcpl, 1), "enable gzip for");
}

// Reads n strings of the given file type through `read(memtype, buffer)`, which is H5Aread or
// H5Dread. Variable-length strings are freed with HDF5's allocator.
template <class Read>
std::vector<std::string> read_string_values(hid file_type, std::size_t n, Read read,
                                            const std::string& op, const Where& w) {
  if (H5Tget_class(file_type) != H5T_STRING) w.fail(op, "not a string");
  const H5T_cset_t cset = H5Tget_cset(file_type);
  if (cset < 0) w.fail(op);
  std::vector<std::string> out;
  out.reserve(n);
  const htri_t is_vlen = H5Tis_variable_str(file_type);
  if (is_vlen < 0) w.fail(op);
  if (n == 0) return out;
  if (is_vlen > 0) {
    // Same cset as the file: HDF5 does not convert between ASCII and UTF-8 strings.
    Handle mem = vlen_string_type(cset, w);
    std::vector<char*> ptrs(n, nullptr);
    if (read(mem.id(), static_cast<void*>(ptrs.data())) < 0) w.fail(op);
    for (char* p : ptrs) {
      out.emplace_back(p != nullptr ? p : "");
      if (p != nullptr) H5free_memory(p);
    }
  } else {
    const std::size_t size = H5Tget_size(file_type);
    if (size == 0) w.fail(op);
    Handle mem(w.check(H5Tcopy(file_type), op), Kind::datatype);
    std::vector<char> buf(n * size, '\0');
    if (read(mem.id(), static_cast<void*>(buf.data())) < 0) w.fail(op);
    for (std::size_t i = 0; i < n; ++i) {
      const char* s = buf.data() + i * size;
      out.emplace_back(s, strnlen(s, size));  // NUL-terminated or NUL-padded
    }
  }
  return out;
}

// Replace-or-create an attribute and write buf (skipped when the dataspace is empty).
void put_attr(hid obj, const std::string& name, hid file_type, hid mem_type, hid space,
              const void* buf, const Where& w) {
  const std::string op = "write attribute '" + name + "' of";
  const htri_t exists = H5Aexists(obj, name.c_str());
  if (exists < 0) w.fail(op);
  if (exists > 0) w.check(H5Adelete(obj, name.c_str()), "replace attribute '" + name + "' of");
  const hid a = H5Acreate2(obj, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  Handle attr(w.check(a, op), Kind::attribute);
  if (buf != nullptr) w.check(H5Awrite(attr.id(), mem_type, buf), op);
}

Handle open_attr(hid obj, const std::string& name, const Where& w) {
  const hid a = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  return Handle(w.check(a, "open attribute '" + name + "' of"), Kind::attribute);
}

template <class T>
std::vector<T> read_attr_numbers(hid obj, const std::string& name, hid mem_type, const Where& w) {
  Handle attr = open_attr(obj, name, w);
  const std::string op = "read attribute '" + name + "' of";
  Handle space(w.check(H5Aget_space(attr.id()), op), Kind::dataspace);
  std::vector<T> out(npoints(space.id(), w));
  if (!out.empty()) w.check(H5Aread(attr.id(), mem_type, out.data()), op);
  return out;
}

template <class T>
T read_attr_scalar(hid obj, const std::string& name, hid mem_type, const Where& w) {
  const auto v = read_attr_numbers<T>(obj, name, mem_type, w);
  if (v.size() != 1) {
    w.fail("read attribute '" + name + "' of",
           "expected one value, found " + std::to_string(v.size()));
  }
  return v[0];
}

template <class T>
std::vector<T> read_dataset_numbers(hid ds, hid mem_type, const Where& w) {
  Handle space(w.check(H5Dget_space(ds), "read dataset"), Kind::dataspace);
  std::vector<T> out(npoints(space.id(), w));
  if (!out.empty()) {
    w.check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read dataset");
  }
  return out;
}

template <class T>
void write_block(hid ds, const std::vector<hsize>& offset, const std::vector<hsize>& count,
                 const T* data, hid mem_type, const Where& w) {
  Handle fspace(w.check(H5Dget_space(ds), "write dataset"), Kind::dataspace);
  const std::vector<hsize> dims = extent(fspace.id(), w);
  if (offset.size() != dims.size() || count.size() != dims.size()) {
    w.fail("write dataset", "offset/count have " + std::to_string(offset.size()) + "/" +
                                std::to_string(count.size()) + " entries, dataset rank is " +
                                std::to_string(dims.size()));
  }
  bool empty = false;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (offset[i] > dims[i] || count[i] > dims[i] - offset[i]) {
      w.fail("write dataset", "block at offset " + std::to_string(offset[i]) + " count " +
                                  std::to_string(count[i]) + " exceeds dimension " +
                                  std::to_string(i) + " of size " + std::to_string(dims[i]));
    }
    empty = empty || count[i] == 0;
  }
  if (empty) return;
  if (data == nullptr) w.fail("write dataset", "null data pointer");
  if (dims.empty()) {
    w.check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset");
    return;
  }
  w.check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, offset.data(), nullptr, count.data(),
                              nullptr),
          "select a block of dataset");
  Handle mspace = simple_space(count, nullptr, w);
  w.check(H5Dwrite(ds, mem_type, mspace.id(), fspace.id(), H5P_DEFAULT, data), "write dataset");
}

Handle int64_compound(const std::vector<std::string>& columns, hid field_type, const Where& w) {
  const std::size_t field = sizeof(std::int64_t);
  Handle t(w.check(H5Tcreate(H5T_COMPOUND, field * columns.size()), "make row type for"),
           Kind::datatype);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    w.check(H5Tinsert(t.id(), columns[i].c_str(), i * field, field_type), "make row type for");
  }
  return t;
}

herr_t collect_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;  // exceptions must not cross the C library
  }
}

}  // namespace

void init_library() { ensure_init(); }

// --- Handle -----------------------------------------------------------------------------------

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    kind_ = other.kind_;
    other.id_ = -1;
  }
  return *this;
}

void Handle::reset() noexcept {
  if (id_ < 0) return;
  const hid id = id_;
  id_ = -1;
  // A strong file close has already closed the objects in it; their ids are never reused.
  if (H5Iis_valid(id) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return;
  }
  herr_t status = 0;
  switch (kind_) {
    case Kind::file:
      status = H5Fclose(id);
      break;
    case Kind::group:
      status = H5Gclose(id);
      break;
    case Kind::dataset:
      status = H5Dclose(id);
      break;
    case Kind::datatype:
      status = H5Tclose(id);
      break;
    case Kind::dataspace:
      status = H5Sclose(id);
      break;
    case Kind::plist:
      status = H5Pclose(id);
      break;
    case Kind::attribute:
      status = H5Aclose(id);
      break;
  }
  if (status < 0) H5Eclear2(H5E_DEFAULT);
}

// --- Object: names and attributes -------------------------------------------------------------

std::string Object::child_path(const std::string& name) const {
  if (!name.empty() && name.front() == '/') return name;
  if (path_.empty() || path_ == "/") return "/" + name;
  return path_ + "/" + name;
}

void Object::fail(const std::string& op, const std::string& path) const { raise(op, path, file_); }

void Object::set_attr(const std::string& name, const std::string& value) {
  const Where w{file_, path_};
  Handle type = vlen_string_type(H5T_CSET_UTF8, w);
  Handle space = simple_space({}, nullptr, w);
  const char* text = value.c_str();
  put_attr(id(), name, type.id(), type.id(), space.id(), static_cast<const void*>(&text), w);
}

void Object::set_attr(const std::string& name, const char* value) {
  set_attr(name, std::string(value != nullptr ? value : ""));
}

void Object::set_attr(const std::string& name, std::int64_t value) {
  const Where w{file_, path_};
  Handle space = simple_space({}, nullptr, w);
  put_attr(id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.id(), &value, w);
}

void Object::set_attr(const std::string& name, int value) {
  set_attr(name, static_cast<std::int64_t>(value));
}

void Object::set_attr(const std::string& name, double value) {
  const Where w{file_, path_};
  Handle space = simple_space({}, nullptr, w);
  put_attr(id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.id(), &value, w);
}

void Object::set_attr(const std::string& name, const std::vector<std::int64_t>& values) {
  const Where w{file_, path_};
  Handle space = simple_space({static_cast<hsize>(values.size())}, nullptr, w);
  put_attr(id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.id(),
           values.empty() ? nullptr : values.data(), w);
}

void Object::set_attr(const std::string& name, const std::vector<double>& values) {
  const Where w{file_, path_};
  Handle space = simple_space({static_cast<hsize>(values.size())}, nullptr, w);
  put_attr(id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.id(),
           values.empty() ? nullptr : values.data(), w);
}

bool Object::has_attr(const std::string& name) const {
  const htri_t exists = H5Aexists(id(), name.c_str());
  if (exists < 0) fail("check attribute '" + name + "' of", path_);
  return exists > 0;
}

std::int64_t Object::attr_int(const std::string& name) const {
  return read_attr_scalar<std::int64_t>(id(), name, H5T_NATIVE_INT64, Where{file_, path_});
}

double Object::attr_double(const std::string& name) const {
  return read_attr_scalar<double>(id(), name, H5T_NATIVE_DOUBLE, Where{file_, path_});
}

std::vector<std::int64_t> Object::attr_ints(const std::string& name) const {
  return read_attr_numbers<std::int64_t>(id(), name, H5T_NATIVE_INT64, Where{file_, path_});
}

std::vector<double> Object::attr_doubles(const std::string& name) const {
  return read_attr_numbers<double>(id(), name, H5T_NATIVE_DOUBLE, Where{file_, path_});
}

std::string Object::attr_string(const std::string& name) const {
  const Where w{file_, path_};
  const std::string op = "read attribute '" + name + "' of";
  Handle attr = open_attr(id(), name, w);
  Handle type(w.check(H5Aget_type(attr.id()), op), Kind::datatype);
  Handle space(w.check(H5Aget_space(attr.id()), op), Kind::dataspace);
  const std::size_t n = npoints(space.id(), w);
  if (n != 1) w.fail(op, "expected one string, found " + std::to_string(n));
  const hid a = attr.id();
  auto read = [a](hid mem, void* buf) { return H5Aread(a, mem, buf); };
  return read_string_values(type.id(), n, read, op, w).front();
}

// --- Dataset ----------------------------------------------------------------------------------

void Dataset::write(const std::vector<hsize>& offset, const std::vector<hsize>& count,
                    const double* data) {
  write_block(id(), offset, count, data, H5T_NATIVE_DOUBLE, Where{file_, path_});
}

void Dataset::write(const std::vector<hsize>& offset, const std::vector<hsize>& count,
                    const std::int64_t* data) {
  write_block(id(), offset, count, data, H5T_NATIVE_INT64, Where{file_, path_});
}

std::vector<hsize> Dataset::shape() const {
  const Where w{file_, path_};
  Handle space(w.check(H5Dget_space(id()), "get the shape of"), Kind::dataspace);
  return extent(space.id(), w);
}

std::vector<double> Dataset::read() const {
  return read_dataset_numbers<double>(id(), H5T_NATIVE_DOUBLE, Where{file_, path_});
}

// --- Table ------------------------------------------------------------------------------------

Table::Table(Handle handle, std::string file, std::string path, std::vector<std::string> columns)
    : Object(std::move(handle), std::move(file), std::move(path)), columns_(std::move(columns)) {
  mem_type_ = int64_compound(columns_, H5T_NATIVE_INT64, Where{file_, path_});
}

void Table::append(const std::vector<std::int64_t>& values) {
  const Where w{file_, path_};
  const std::size_t ncols = columns_.size();
  if (ncols == 0 || values.size() % ncols != 0) {
    w.fail("append to table", std::to_string(values.size()) + " values is not a multiple of " +
                                  std::to_string(ncols) + " columns");
  }
  const hsize n = static_cast<hsize>(values.size() / ncols);
  if (n == 0) return;
  const hsize start = static_cast<hsize>(rows());
  const hsize total = start + n;
  w.check(H5Dset_extent(id(), &total), "extend table");
  // The dataspace must be fetched after the extent changed.
  Handle fspace(w.check(H5Dget_space(id()), "append to table"), Kind::dataspace);
  w.check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
          "append to table");
  Handle mspace = simple_space({n}, nullptr, w);
  w.check(H5Dwrite(id(), mem_type_.id(), mspace.id(), fspace.id(), H5P_DEFAULT, values.data()),
          "append to table");
}

std::size_t Table::rows() const {
  const Where w{file_, path_};
  Handle space(w.check(H5Dget_space(id()), "get the rows of table"), Kind::dataspace);
  return npoints(space.id(), w);
}

std::vector<std::int64_t> Table::read_all() const {
  const Where w{file_, path_};
  std::vector<std::int64_t> out(rows() * columns_.size());
  if (!out.empty()) {
    w.check(H5Dread(id(), mem_type_.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read table");
  }
  return out;
}

// --- Group ------------------------------------------------------------------------------------

Group Group::create_group(const std::string& name) {
  const std::string p = child_path(name);
  const Where w{file_, p};
  Handle lcpl = make_lcpl(w);
  const hid g = H5Gcreate2(id(), name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT);
  return Group(Handle(w.check(g, "create group"), Kind::group), file_, p);
}

Group Group::open_group(const std::string& name) const {
  const std::string p = child_path(name);
  const hid g = H5Gopen2(id(), name.c_str(), H5P_DEFAULT);
  return Group(Handle(Where{file_, p}.check(g, "open group"), Kind::group), file_, p);
}

bool Group::exists(const std::string& name) const {
  if (name.empty()) return false;
  std::string prefix = name.front() == '/' ? "/" : "";
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= name.size()) {
    const std::size_t next = std::min(name.find('/', pos), name.size());
    std::string part = name.substr(pos, next - pos);
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    pos = next + 1;
  }
  // H5Lexists fails (rather than answering false) when an intermediate link is missing in some
  // HDF5 versions, so walk the path one link at a time.
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    prefix += parts[i];
    const htri_t link = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    if (link < 0) fail("check existence of", child_path(prefix));
    if (link == 0) return false;
    const htri_t object = H5Oexists_by_name(id(), prefix.c_str(), H5P_DEFAULT);
    if (object <= 0) {  // dangling soft or external link
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (i + 1 < parts.size()) {
      const hid o = H5Oopen(id(), prefix.c_str(), H5P_DEFAULT);
      if (o < 0) fail("check existence of", child_path(prefix));
      const H5I_type_t type = H5Iget_type(o);
      H5Oclose(o);
      if (type != H5I_GROUP) return false;
    }
  }
  return true;
}

std::vector<std::string> Group::list() const {
  std::vector<std::string> names;
  if (H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names) < 0) {
    fail("list group", path_);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Dataset Group::make_dataset(const std::string& name, std::vector<hsize> dims,
                            std::vector<hsize> chunk, bool is_double, double fill_value) {
  const std::string p = child_path(name);
  const Where w{file_, p};
  const std::string op = "create dataset";
  Handle space = simple_space(dims, nullptr, w);
  Handle dcpl = make_plist(H5P_DATASET_CREATE, w);
  Handle dapl = make_plist(H5P_DATASET_ACCESS, w);
  const bool has_zero = std::find(dims.begin(), dims.end(), hsize{0}) != dims.end();
  // Chunking needs rank >= 1 and chunk dims <= fixed dims, impossible for a zero dimension.
  if (!dims.empty() && !has_zero) {
    if (chunk.empty()) chunk = dims;
    if (chunk.size() != dims.size()) {
      w.fail(op, "chunk has " + std::to_string(chunk.size()) + " dimensions, dataset has " +
                     std::to_string(dims.size()));
    }
    for (std::size_t i = 0; i < dims.size(); ++i) {
      chunk[i] = std::clamp(chunk[i], hsize{1}, dims[i]);
    }
    w.check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), op);
    add_compression(dcpl.id(), w);
    // A cache of 8 chunks, not HDF5's 1 MB per dataset: chunks are written whole or in a few
    // pieces by the replications running at once, and with 1 MB for each of a hundred datasets a
    // run of many replications held 150 MB of chunks it would not touch again.
    hsize chunk_bytes = 8;
    for (const hsize c : chunk) chunk_bytes *= c;
    w.check(H5Pset_chunk_cache(dapl.id(), 521, static_cast<std::size_t>(8 * chunk_bytes), 1.0), op);
  }
  const std::int64_t zero = 0;
  if (is_double) {
    w.check(H5Pset_fill_value(dcpl.id(), H5T_NATIVE_DOUBLE, &fill_value), op);
  } else {
    w.check(H5Pset_fill_value(dcpl.id(), H5T_NATIVE_INT64, &zero), op);
  }
  // Written when storage is allocated, so cells never written read the fill value.
  w.check(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_IFSET), op);
  Handle lcpl = make_lcpl(w);
  const hid file_type = is_double ? H5T_IEEE_F64LE : H5T_STD_I64LE;
  const hid ds =
      H5Dcreate2(id(), name.c_str(), file_type, space.id(), lcpl.id(), dcpl.id(), dapl.id());
  return Dataset(Handle(w.check(ds, op), Kind::dataset), file_, p);
}

Dataset Group::create_dataset(const std::string& name, std::vector<hsize> dims,
                              std::vector<hsize> chunk, double fill_value) {
  return make_dataset(name, std::move(dims), std::move(chunk), true, fill_value);
}

Dataset Group::create_dataset_i64(const std::string& name, std::vector<hsize> dims,
                                  std::vector<hsize> chunk) {
  return make_dataset(name, std::move(dims), std::move(chunk), false, 0.0);
}

Dataset Group::open_dataset(const std::string& name) const {
  const std::string p = child_path(name);
  const hid ds = H5Dopen2(id(), name.c_str(), H5P_DEFAULT);
  return Dataset(Handle(Where{file_, p}.check(ds, "open dataset"), Kind::dataset), file_, p);
}

Table Group::create_table(const std::string& name, const std::vector<std::string>& columns) {
  const std::string p = child_path(name);
  const Where w{file_, p};
  const std::string op = "create table";
  if (columns.empty()) w.fail(op, "no columns");
  std::set<std::string> seen;
  for (const auto& c : columns) {
    if (c.empty()) w.fail(op, "empty column name");
    if (!seen.insert(c).second) w.fail(op, "duplicate column '" + c + "'");
  }
  Handle file_type = int64_compound(columns, H5T_STD_I64LE, w);
  const hsize unlimited = H5S_UNLIMITED;
  Handle space = simple_space({0}, &unlimited, w);
  Handle dcpl = make_plist(H5P_DATASET_CREATE, w);
  const hsize chunk = 1024;
  w.check(H5Pset_chunk(dcpl.id(), 1, &chunk), op);
  add_compression(dcpl.id(), w);
  Handle lcpl = make_lcpl(w);
  const hid ds =
      H5Dcreate2(id(), name.c_str(), file_type.id(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT);
  return Table(Handle(w.check(ds, op), Kind::dataset), file_, p, columns);
}

Table Group::open_table(const std::string& name) const {
  const std::string p = child_path(name);
  const Where w{file_, p};
  const std::string op = "open table";
  Handle ds(w.check(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), op), Kind::dataset);
  Handle type(w.check(H5Dget_type(ds.id()), op), Kind::datatype);
  if (H5Tget_class(type.id()) != H5T_COMPOUND) w.fail(op, "not a compound dataset");
  const int n = H5Tget_nmembers(type.id());
  if (n <= 0) w.fail(op, "no columns");
  std::vector<std::string> columns;
  for (unsigned i = 0; i < static_cast<unsigned>(n); ++i) {
    char* member = H5Tget_member_name(type.id(), i);
    if (member == nullptr) w.fail(op);
    columns.emplace_back(member);
    H5free_memory(member);
  }
  return Table(std::move(ds), file_, p, std::move(columns));
}

void Group::write_string(const std::string& name, const std::string& text) {
  const std::string p = child_path(name);
  const Where w{file_, p};
  Handle type = vlen_string_type(H5T_CSET_UTF8, w);
  Handle space = simple_space({}, nullptr, w);
  Handle lcpl = make_lcpl(w);
  Handle ds(w.check(H5Dcreate2(id(), name.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT,
                               H5P_DEFAULT),
                    "create dataset"),
            Kind::dataset);
  const char* c = text.c_str();
  w.check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &c), "write dataset");
}

void Group::write_strings(const std::string& name, const std::vector<std::string>& texts) {
  const std::string p = child_path(name);
  const Where w{file_, p};
  Handle type = vlen_string_type(H5T_CSET_UTF8, w);
  Handle space = simple_space({static_cast<hsize>(texts.size())}, nullptr, w);
  Handle lcpl = make_lcpl(w);
  Handle ds(w.check(H5Dcreate2(id(), name.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT,
                               H5P_DEFAULT),
                    "create dataset"),
            Kind::dataset);
  if (texts.empty()) return;
  std::vector<const char*> ptrs;
  ptrs.reserve(texts.size());
  for (const auto& t : texts) ptrs.push_back(t.c_str());
  w.check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
          "write dataset");
}

namespace {

void write_1d(hid group, const std::string& name, hid file_type, hid mem_type, std::size_t n,
              const void* data, const Where& w) {
  Handle space = simple_space({static_cast<hsize>(n)}, nullptr, w);
  Handle lcpl = make_lcpl(w);
  Handle ds(w.check(H5Dcreate2(group, name.c_str(), file_type, space.id(), lcpl.id(), H5P_DEFAULT,
                               H5P_DEFAULT),
                    "create dataset"),
            Kind::dataset);
  if (n > 0) {
    w.check(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset");
  }
}

}  // namespace

void Group::write_vector(const std::string& name, const std::vector<double>& values) {
  const std::string p = child_path(name);
  write_1d(id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.size(), values.data(),
           Where{file_, p});
}

void Group::write_vector(const std::string& name, const std::vector<std::int64_t>& values) {
  const std::string p = child_path(name);
  write_1d(id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(), values.data(),
           Where{file_, p});
}

std::vector<double> Group::read_vector(const std::string& name) const {
  const Dataset ds = open_dataset(name);
  return ds.read();
}

std::vector<std::int64_t> Group::read_ints(const std::string& name) const {
  const Dataset ds = open_dataset(name);
  return read_dataset_numbers<std::int64_t>(ds.id(), H5T_NATIVE_INT64,
                                            Where{ds.file_name(), ds.path()});
}

std::vector<hsize> Group::shape(const std::string& name) const {
  return open_dataset(name).shape();
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
  const Dataset ds = open_dataset(name);
  const Where w{ds.file_name(), ds.path()};
  const std::string op = "read strings from dataset";
  Handle type(w.check(H5Dget_type(ds.id()), op), Kind::datatype);
  Handle space(w.check(H5Dget_space(ds.id()), op), Kind::dataspace);
  const hid d = ds.id();
  auto read = [d](hid mem, void* buf) {
    return H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  };
  return read_string_values(type.id(), npoints(space.id(), w), read, op, w);
}

std::string Group::read_string(const std::string& name) const {
  auto v = read_strings(name);
  if (v.size() != 1) {
    raise("read string dataset", child_path(name), file_,
          "expected one string, found " + std::to_string(v.size()));
  }
  return std::move(v.front());
}

// --- File -------------------------------------------------------------------------------------

File::~File() = default;

File& File::operator=(File&& other) noexcept {
  handle_ = std::move(other.handle_);
  path_ = std::move(other.path_);
  return *this;
}

File File::open(const std::string& path, unsigned flags, bool create, const char* what) {
  ensure_init();
  const std::string none;
  const Where w{none, path};
  // Strong close: closing the file also closes groups/datasets still open in it, so a stray
  // handle cannot keep the file open (and the output unrenameable on some systems).
  Handle fapl = make_plist(H5P_FILE_ACCESS, w);
  w.check(H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_STRONG), what);
  hid f = -1;
  if (create) {
    // Attributes of any size: the root group keeps its attributes in dense storage (a fractal
    // heap), so a per-replication attribute of 8,192 or more values fits (the object header
    // holds 64 KiB at most). Needs the HDF5 1.8 file format, which every reader has had since 2008.
    w.check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), what);
    Handle fcpl = make_plist(H5P_FILE_CREATE, w);
    w.check(H5Pset_attr_phase_change(fcpl.id(), 0, 0), what);
    f = H5Fcreate(path.c_str(), flags, fcpl.id(), fapl.id());
  } else {
    f = H5Fopen(path.c_str(), flags, fapl.id());
  }
  return File(Handle(w.check(f, what), Kind::file), path);
}

File File::create(const std::string& path) {
  return open(path, H5F_ACC_TRUNC, true, "create file");
}

File File::create_new(const std::string& path) {
  return open(path, H5F_ACC_EXCL, true, "create new file");
}

File File::open_read(const std::string& path) {
  return open(path, H5F_ACC_RDONLY, false, "open file for reading");
}

File File::open_rw(const std::string& path) {
  return open(path, H5F_ACC_RDWR, false, "open file for writing");
}

Group File::root() const {
  const hid g = H5Gopen2(handle_.id(), "/", H5P_DEFAULT);
  if (g < 0) raise("open the root group of file", path_, {});
  return Group(Handle(g, Kind::group), path_, "/");
}

void File::flush() {
  if (H5Fflush(handle_.id(), H5F_SCOPE_GLOBAL) < 0) raise("flush file", path_, {});
}

void File::close() {
  if (!handle_.valid()) return;
  const hid f = handle_.release();  // released first: a failed close is not retried
  if (H5Fclose(f) < 0) raise("close file", path_, {});
}

void set_dimension_scale(const Dataset& scale, const std::string& name) {
  const Where w{scale.file_name(), scale.path()};
  w.check(H5DSset_scale(scale.id(), name.c_str()), "make dimension scale");
}

void attach_dimension_scale(const Dataset& data, const Dataset& scale, unsigned axis) {
  const Where w{data.file_name(), data.path()};
  w.check(H5DSattach_scale(data.id(), scale.id(), axis),
          "attach dimension scale " + scale.path() + " to axis " + std::to_string(axis));
}

}  // namespace labourshift::h5
