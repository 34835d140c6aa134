#pragma once
// Small RAII and typed helpers over the HDF5 C API, shared by the Phasewise HDF5 reader and
// writer. Errors become phasewise::core exceptions naming the file and the dataset.

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace phasewise::plugins::h5 {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  [[nodiscard]] hid_t id() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

void silenceErrorStack();  // HDF5 prints its own stack traces unless told not to

// Writing (throw core::Error on failure).
void writeStringAttribute(hid_t object, const std::string& name, const std::string& value);
void writeIntAttribute(hid_t object, const std::string& name, std::int64_t value);
void writeDoubleAttribute(hid_t object, const std::string& name, double value);
void writeDataset(hid_t group, const std::string& name, hid_t memory_type, hid_t file_type,
                  const std::vector<hsize_t>& dims, const void* data);
void writeStrings(hid_t group, const std::string& name, const std::vector<std::string>& values);

// Reading, with the file path for messages (throw core::FormatError on failure).
// A memory type to read strings of `file_type` into (variable or fixed length, its character set).
[[nodiscard]] Handle readingStringType(hid_t file_type);

class Reader {
 public:
  Reader(std::string file) : file_(std::move(file)) {}
  [[nodiscard]] bool has(hid_t group, const std::string& name) const;
  [[nodiscard]] std::optional<std::string> stringAttribute(hid_t object, const std::string& name) const;
  // A string attribute holding one string or a list of them (e.g. NeXus `axes`); empty when
  // absent. At most 1,024 strings of at most 64 KiB each (fixed length).
  [[nodiscard]] std::vector<std::string> stringAttributes(hid_t object, const std::string& name) const;
  [[nodiscard]] std::optional<std::int64_t> intAttribute(hid_t object, const std::string& name) const;
  [[nodiscard]] std::optional<double> doubleAttribute(hid_t object, const std::string& name) const;
  // Dimensions of a dataset; checks its type class (H5T_FLOAT, H5T_INTEGER, H5T_STRING).
  [[nodiscard]] std::vector<hsize_t> dims(hid_t group, const std::string& name, H5T_class_t expected) const;
  // Reads a whole numeric dataset into `out` (converted to the memory type), after checking
  // that its dimensions are `expected` and that the file really stores that much data.
  void read(hid_t group, const std::string& name, hid_t memory_type, const std::vector<hsize_t>& expected,
            void* out) const;
  [[nodiscard]] std::vector<std::string> strings(hid_t group, const std::string& name, std::size_t expected) const;
  // Dimensions of a numeric dataset (floating-point or integer: detector counts are often
  // integers), and the whole dataset converted to double after the same storage check as read().
  [[nodiscard]] std::vector<hsize_t> numericDims(hid_t group, const std::string& name) const;
  [[nodiscard]] std::vector<double> numbers(hid_t group, const std::string& name) const;
  [[noreturn]] void fail(const std::string& field, const std::string& problem) const;

 private:
  // Reads dataset `name` whole (after dims() checked it).
  void readWhole(hid_t group, const std::string& name, hid_t memory_type, void* out) const;
  std::string file_;
};

}  // namespace phasewise::plugins::h5
