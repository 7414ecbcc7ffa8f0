// A small RAII layer over the HDF5 C API: files, groups, float64/int64 datasets written by
// hyperslab, variable-length UTF-8 strings, attributes and an appendable int64 table.
//
// Every HDF5 identifier is owned by a move-only Handle that closes it with the matching H5*close.
// Every failing HDF5 call throws h5::Error naming the operation, the object path and the file.
// HDF5's own error-stack printing is switched off the first time a File is made.
//
// Files are written with the default library-version bounds so that h5py, h5dump and older
// HDF5 readers can read them.
//
// Not thread-safe: the Debian HDF5 build is not thread-safe, so callers must serialise every call
// into this layer (including destructors) across all files, e.g. with one mutex.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace labourshift::h5 {

/// Sets the library up before its first use: errors become exceptions, and no clean-up runs at
/// exit (every object is closed explicitly; after a failed write HDF5's own exit handler crashed
/// on the file it could not close). Call first thing in main; the first File calls it otherwise.
void init_library();

/// HDF5 identifier (hid_t in HDF5 1.10+).
using hid = std::int64_t;
/// HDF5 size/extent type (hsize_t).
using hsize = unsigned long long;

/// Any failed HDF5 operation, e.g. "HDF5: cannot create dataset '/series/hires' in 'out.h5'".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Owns one HDF5 identifier and closes it with the close function of its kind. Move-only.
class Handle {
 public:
  enum class Kind { file, group, dataset, datatype, dataspace, plist, attribute };

  Handle() = default;
  Handle(hid id, Kind kind) : id_(id), kind_(kind) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.id_), kind_(other.kind_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;

  hid id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Give up ownership without closing.
  hid release() {
    const hid id = id_;
    id_ = -1;
    return id;
  }
  /// Close now, ignoring errors (the object may already be gone after a strong file close).
  void reset() noexcept;

 private:
  hid id_ = -1;
  Kind kind_ = Kind::plist;
};

/// Common part of groups, datasets and tables: the handle, the names used in error messages and
/// attributes. Setting an attribute that exists replaces it.
class Object {
 public:
  /// The raw identifier, for calls this layer does not wrap. Owned by this object.
  hid id() const { return handle_.id(); }
  bool valid() const { return handle_.valid(); }
  /// Absolute path of the object inside its file ("/" for the root group).
  const std::string& path() const { return path_; }
  /// Name of the file the object lives in.
  const std::string& file_name() const { return file_; }

  void set_attr(const std::string& name, const std::string& value);  ///< var-len UTF-8 string
  void set_attr(const std::string& name, const char* value);
  void set_attr(const std::string& name, std::int64_t value);
  void set_attr(const std::string& name, int value);  ///< stored as int64
  void set_attr(const std::string& name, double value);
  void set_attr(const std::string& name, const std::vector<std::int64_t>& values);
  void set_attr(const std::string& name, const std::vector<double>& values);

  bool has_attr(const std::string& name) const;
  /// Scalar (single-element) numeric attribute, converted by HDF5.
  std::int64_t attr_int(const std::string& name) const;
  double attr_double(const std::string& name) const;
  /// String attribute, variable- or fixed-length.
  std::string attr_string(const std::string& name) const;
  /// Numeric attribute of any shape, flattened.
  std::vector<std::int64_t> attr_ints(const std::string& name) const;
  std::vector<double> attr_doubles(const std::string& name) const;

 protected:
  Object() = default;
  Object(Handle handle, std::string file, std::string path)
      : handle_(std::move(handle)), file_(std::move(file)), path_(std::move(path)) {}

  /// "/a" + "b" -> "/a/b"; absolute names stay as they are.
  std::string child_path(const std::string& name) const;
  [[noreturn]] void fail(const std::string& op, const std::string& path) const;

  Handle handle_;
  std::string file_;
  std::string path_;
};

/// A float64 or int64 dataset of fixed shape, written by hyperslab.
class Dataset : public Object {
 public:
  Dataset() = default;
  Dataset(Handle handle, std::string file, std::string path)
      : Object(std::move(handle), std::move(file), std::move(path)) {}

  /// Write a row-major block of prod(count) values at offset (one entry per dimension).
  /// HDF5 converts to the dataset's type.
  void write(const std::vector<hsize>& offset, const std::vector<hsize>& count, const double* data);
  void write(const std::vector<hsize>& offset, const std::vector<hsize>& count,
             const std::int64_t* data);
  /// Current extent, one entry per dimension (empty for a scalar).
  std::vector<hsize> shape() const;
  /// All values, row-major, converted to float64.
  std::vector<double> read() const;
};

/// An extendible 1-D dataset of a compound type with one int64 field per column, for event logs.
/// h5py reads it as a structured array with the column names as field names.
class Table : public Object {
 public:
  Table() = default;
  Table(Handle handle, std::string file, std::string path, std::vector<std::string> columns);

  /// Append rows given row-major: values.size() must be a multiple of columns().size().
  void append(const std::vector<std::int64_t>& values);
  std::size_t rows() const;
  const std::vector<std::string>& columns() const { return columns_; }
  /// All rows, row-major.
  std::vector<std::int64_t> read_all() const;

 private:
  Handle mem_type_;  // compound of native int64 fields, packed in column order
  std::vector<std::string> columns_;
};

/// A group. Names are relative to it; nested names ("a/b") are allowed, and creating one
/// creates missing intermediate groups.
class Group : public Object {
 public:
  Group() = default;
  Group(Handle handle, std::string file, std::string path)
      : Object(std::move(handle), std::move(file), std::move(path)) {}

  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  /// Whether the link exists and resolves to an object; false if a path component is missing.
  bool exists(const std::string& name) const;
  /// Names of the members, sorted.
  std::vector<std::string> list() const;

  /// float64 dataset of shape dims, chunked (each chunk dim clamped to [1, dim]; an empty chunk
  /// vector means one chunk), gzip 4 + shuffle when available, unwritten cells read fill_value.
  /// A dataset with a zero dimension or rank 0 is stored contiguous.
  Dataset create_dataset(const std::string& name, std::vector<hsize> dims, std::vector<hsize> chunk,
                         double fill_value);
  /// The same for int64, unwritten cells read 0.
  Dataset create_dataset_i64(const std::string& name, std::vector<hsize> dims,
                             std::vector<hsize> chunk);
  Dataset open_dataset(const std::string& name) const;

  /// Table with the given (unique, non-empty) column names, 0 rows, chunks of 1024 rows.
  Table create_table(const std::string& name, const std::vector<std::string>& columns);
  Table open_table(const std::string& name) const;

  /// Scalar variable-length UTF-8 string dataset. Text stops at the first NUL byte.
  void write_string(const std::string& name, const std::string& text);
  /// 1-D variable-length UTF-8 string dataset.
  void write_strings(const std::string& name, const std::vector<std::string>& texts);
  /// 1-D contiguous float64 / int64 datasets.
  void write_vector(const std::string& name, const std::vector<double>& values);
  void write_vector(const std::string& name, const std::vector<std::int64_t>& values);

  /// Any numeric dataset, any rank, flattened row-major and converted to float64.
  std::vector<double> read_vector(const std::string& name) const;
  std::vector<std::int64_t> read_ints(const std::string& name) const;
  std::vector<hsize> shape(const std::string& name) const;
  /// Scalar string dataset (variable- or fixed-length).
  std::string read_string(const std::string& name) const;
  /// String dataset of any rank, flattened.
  std::vector<std::string> read_strings(const std::string& name) const;

 private:
  Dataset make_dataset(const std::string& name, std::vector<hsize> dims, std::vector<hsize> chunk,
                       bool is_double, double fill_value);
};

/// An open HDF5 file. Closing uses the strong degree: objects still open in it are closed too,
/// so handles outliving the File become invalid rather than keeping the file open.
class File {
 public:
  File() = default;
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  File(File&& other) noexcept = default;
  File& operator=(File&& other) noexcept;

  /// Create (truncating any existing file) for read/write.
  static File create(const std::string& path);
  /// Creates a file that must not exist yet (O_CREAT | O_EXCL: a symbolic link at the path is not
  /// followed but refused, like any existing entry).
  static File create_new(const std::string& path);
  static File open_read(const std::string& path);
  static File open_rw(const std::string& path);

  Group root() const;
  /// Flush all buffers of the file to disk (global scope).
  void flush();
  /// Close now, reporting errors. Idempotent; the destructor closes silently otherwise.
  void close();
  bool is_open() const { return handle_.valid(); }
  const std::string& path() const { return path_; }
  hid id() const { return handle_.id(); }

 private:
  File(Handle handle, std::string path) : handle_(std::move(handle)), path_(std::move(path)) {}
  static File open(const std::string& path, unsigned flags, bool create, const char* what);

  Handle handle_;
  std::string path_;
};

/// Dimension scales, HDF5's H5DS API: the netCDF-4 data model, which xarray (through h5netcdf),
/// R's hdf5r and Julia's HDF5.jl read as labelled axes. Makes `scale` (a 1-D dataset of the
/// axis's labels) a dimension scale called `name`.
void set_dimension_scale(const Dataset& scale, const std::string& name);
/// Attaches a dimension scale to axis `axis` (0-based) of `data`.
void attach_dimension_scale(const Dataset& data, const Dataset& scale, unsigned axis);

}  // namespace labourshift::h5
