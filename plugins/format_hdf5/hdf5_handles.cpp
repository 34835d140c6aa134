#include "format_hdf5/hdf5_handles.h"

#include <cstdlib>
#include <cstring>

#include "util/error.h"

namespace phasewise::plugins::h5 {
using core::Error;
using core::FormatError;
namespace {
Handle stringType(std::size_t fixed_size = 0) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), fixed_size == 0 ? H5T_VARIABLE : fixed_size);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  return type;
}
}  // namespace

Handle readingStringType(hid_t file_type) {
  // The same character set as the file's: HDF5 will not convert ASCII <-> UTF-8 strings.
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5Tis_variable_str(file_type) > 0 ? H5T_VARIABLE : H5Tget_size(file_type));
  H5Tset_cset(type.id(), H5Tget_cset(file_type));
  return type;
}

namespace {
void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5 could not write " + what);
}
std::string dimsText(const std::vector<hsize_t>& dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + ")";
}
}  // namespace

void silenceErrorStack() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void writeStringAttribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = stringType();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attribute(H5Acreate2(object, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) throw Error("HDF5 could not create attribute " + name);
  const char* text = value.c_str();
  check(H5Awrite(attribute.id(), type.id(), &text), "attribute " + name);
}

void writeIntAttribute(hid_t object, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attribute(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) throw Error("HDF5 could not create attribute " + name);
  check(H5Awrite(attribute.id(), H5T_NATIVE_INT64, &value), "attribute " + name);
}

void writeDoubleAttribute(hid_t object, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attribute(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) throw Error("HDF5 could not create attribute " + name);
  check(H5Awrite(attribute.id(), H5T_NATIVE_DOUBLE, &value), "attribute " + name);
}

void writeDataset(hid_t group, const std::string& name, hid_t memory_type, hid_t file_type,
                  const std::vector<hsize_t>& dims, const void* data) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle dataset(H5Dcreate2(group, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.valid()) throw Error("HDF5 could not create dataset " + name);
  check(H5Dwrite(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "dataset " + name);
}

void writeStrings(hid_t group, const std::string& name, const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values) pointers.push_back(v.c_str());
  Handle type = stringType();
  writeDataset(group, name, type.id(), type.id(), {static_cast<hsize_t>(values.size())}, pointers.data());
}

void Reader::fail(const std::string& field, const std::string& problem) const {
  throw FormatError(file_, 0, field, problem);
}

bool Reader::has(hid_t group, const std::string& name) const { return H5Lexists(group, name.c_str(), H5P_DEFAULT) > 0; }

std::vector<std::string> Reader::stringAttributes(hid_t object, const std::string& name) const {
  if (H5Aexists(object, name.c_str()) <= 0) return {};
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle file_type(H5Aget_type(attribute.id()), H5Tclose);
  if (H5Tget_class(file_type.id()) != H5T_STRING) fail(name, "attribute is not a string");
  Handle space(H5Aget_space(attribute.id()), H5Sclose);
  // Sized from the file: bounded before anything is allocated.
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  if (count < 0 || count > 1024) fail(name, "attribute holds " + std::to_string(count) + " strings");
  const Handle type = readingStringType(file_type.id());
  std::vector<std::string> values;
  if (H5Tis_variable_str(file_type.id()) > 0) {
    std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
    if (count > 0 && H5Aread(attribute.id(), type.id(), pointers.data()) < 0) fail(name, "attribute cannot be read");
    for (char* p : pointers) values.emplace_back(p ? p : "");
    if (count > 0) H5Dvlen_reclaim(type.id(), space.id(), H5P_DEFAULT, pointers.data());
    return values;
  }
  const std::size_t size = H5Tget_size(file_type.id());
  if (size == 0 || size > 65536) fail(name, "attribute's strings have an unreadable size");
  std::vector<char> buffer(size * static_cast<std::size_t>(count), '\0');
  if (count > 0 && H5Aread(attribute.id(), type.id(), buffer.data()) < 0) fail(name, "attribute cannot be read");
  for (hssize_t k = 0; k < count; ++k)
    values.emplace_back(buffer.data() + k * size, strnlen(buffer.data() + k * size, size));
  return values;
}

std::optional<std::string> Reader::stringAttribute(hid_t object, const std::string& name) const {
  if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  std::vector<std::string> values = stringAttributes(object, name);
  if (values.size() != 1) fail(name, "attribute should be one string, not " + std::to_string(values.size()));
  return std::move(values.front());
}

std::optional<std::int64_t> Reader::intAttribute(hid_t object, const std::string& name) const {
  if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle file_type(H5Aget_type(attribute.id()), H5Tclose);
  if (H5Tget_class(file_type.id()) != H5T_INTEGER) fail(name, "attribute is not an integer");
  std::int64_t value = 0;
  if (H5Aread(attribute.id(), H5T_NATIVE_INT64, &value) < 0) fail(name, "attribute cannot be read");
  return value;
}

std::optional<double> Reader::doubleAttribute(hid_t object, const std::string& name) const {
  if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle file_type(H5Aget_type(attribute.id()), H5Tclose);
  if (H5Tget_class(file_type.id()) != H5T_FLOAT) fail(name, "attribute is not a floating-point number");
  double value = 0;
  if (H5Aread(attribute.id(), H5T_NATIVE_DOUBLE, &value) < 0) fail(name, "attribute cannot be read");
  return value;
}

std::vector<hsize_t> Reader::dims(hid_t group, const std::string& name, H5T_class_t expected) const {
  if (!has(group, name)) fail(name, "dataset is missing");
  Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) fail(name, "is not a readable dataset");
  Handle type(H5Dget_type(dataset.id()), H5Tclose);
  if (H5Tget_class(type.id()) != expected) {
    const char* want = expected == H5T_FLOAT ? "floating-point" : expected == H5T_INTEGER ? "integer" : "string";
    fail(name, std::string("dataset should hold ") + want + " values");
  }
  Handle space(H5Dget_space(dataset.id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0 || rank > 8) fail(name, "dataset has an unreadable shape");
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
  // Callers size their buffers from these dimensions, so they must be backed by what the file
  // holds: a contiguous dataset has all its bytes stored (else a truncated file reads as silent
  // fill values); compressed chunks expand at most ~1,000-fold (deflate's limit).
  hsize_t elements = 1;
  for (hsize_t v : d) {
    if (v != 0 && elements > (hsize_t{1} << 40) / v) fail(name, "dataset is too large " + dimsText(d));
    elements *= v;
  }
  if (elements > 0) {
    const hsize_t bytes = elements * H5Tget_size(type.id());
    const hsize_t stored = H5Dget_storage_size(dataset.id());
    Handle plist(H5Dget_create_plist(dataset.id()), H5Pclose);
    const bool contiguous = H5Pget_layout(plist.id()) == H5D_CONTIGUOUS;
    if (contiguous ? stored < bytes : (stored == 0 || bytes / 1024 > stored))
      fail(name, "dataset declares " + dimsText(d) + " values but the file stores " + std::to_string(stored) +
                     " bytes of them: truncated or damaged");
  }
  return d;
}

std::vector<hsize_t> Reader::numericDims(hid_t group, const std::string& name) const {
  if (!has(group, name)) fail(name, "dataset is missing");
  Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) fail(name, "is not a readable dataset");
  Handle type(H5Dget_type(dataset.id()), H5Tclose);
  return dims(group, name, H5Tget_class(type.id()) == H5T_INTEGER ? H5T_INTEGER : H5T_FLOAT);
}

std::vector<double> Reader::numbers(hid_t group, const std::string& name) const {
  const std::vector<hsize_t> d = numericDims(group, name);  // checked against what is stored
  hsize_t count = 1;
  for (hsize_t v : d) count *= v;
  std::vector<double> values(static_cast<std::size_t>(count));
  readWhole(group, name, H5T_NATIVE_DOUBLE, values.data());
  return values;
}

void Reader::read(hid_t group, const std::string& name, hid_t memory_type, const std::vector<hsize_t>& expected,
                  void* out) const {
  const H5T_class_t klass = H5Tget_class(memory_type);
  const std::vector<hsize_t> d = dims(group, name, klass);
  if (d != expected) fail(name, "dataset has shape " + dimsText(d) + ", expected " + dimsText(expected));
  readWhole(group, name, memory_type, out);
}

void Reader::readWhole(hid_t group, const std::string& name, hid_t memory_type, void* out) const {
  // dims() has checked the dataset against what the file stores, before the caller allocated.
  Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (H5Dread(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
    fail(name, "dataset cannot be read (damaged file?)");
}

std::vector<std::string> Reader::strings(hid_t group, const std::string& name, std::size_t expected) const {
  const std::vector<hsize_t> d = dims(group, name, H5T_STRING);
  if (d.size() != 1 || d[0] != expected)
    fail(name, "dataset has shape " + dimsText(d) + ", expected (" + std::to_string(expected) + ")");
  Handle dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle file_type(H5Dget_type(dataset.id()), H5Tclose);
  std::vector<std::string> values(expected);
  if (H5Tis_variable_str(file_type.id()) > 0) {
    Handle type = readingStringType(file_type.id());
    std::vector<char*> pointers(expected, nullptr);
    if (expected > 0 && H5Dread(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
      fail(name, "dataset cannot be read (damaged file?)");
    for (std::size_t i = 0; i < expected; ++i) values[i] = pointers[i] ? pointers[i] : "";
    Handle space(H5Dget_space(dataset.id()), H5Sclose);
    if (expected > 0) H5Dvlen_reclaim(type.id(), space.id(), H5P_DEFAULT, pointers.data());
  } else {
    const std::size_t size = H5Tget_size(file_type.id());
    Handle type = readingStringType(file_type.id());
    std::vector<char> buffer(size * expected + 1, '\0');
    if (expected > 0 && H5Dread(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
      fail(name, "dataset cannot be read (damaged file?)");
    for (std::size_t i = 0; i < expected; ++i)
      values[i] = std::string(buffer.data() + i * size, strnlen(buffer.data() + i * size, size));
  }
  return values;
}

}  // namespace phasewise::plugins::h5
