// ce::Json's accessors, construction and equality.
#include <algorithm>

#include "io/json.h"

namespace ce {

namespace {

bool is_nonempty_container(const Json& j) { return (j.is_array() || j.is_object()) && !j.empty(); }

}  // namespace

Json::~Json() {
  if (!is_nonempty_container(*this)) return;
  // Each value taken off `pending` has its nested containers moved onto `pending` first, so that when it is
  // destroyed it holds none and the destructor calls it makes return at once.
  std::vector<Json> pending;
  move_nested_containers(pending);
  while (!pending.empty()) {
    Json next = std::move(pending.back());
    pending.pop_back();
    next.move_nested_containers(pending);
  }
}

void Json::move_nested_containers(std::vector<Json>& out) {
  if (Array* a = std::get_if<Array>(&v_)) {
    for (Json& e : *a) {
      if (is_nonempty_container(e)) out.push_back(std::move(e));
    }
  } else if (Object* o = std::get_if<Object>(&v_)) {
    for (JsonMember& m : *o) {
      if (is_nonempty_container(m.second)) out.push_back(std::move(m.second));
    }
  }
}

Json Json::array(Array elements) {
  Json j;
  j.v_ = std::move(elements);
  return j;
}

Json Json::object(std::vector<JsonMember> members) {
  // Stable, so that among equal keys the last given is last; then each run of equal keys keeps its last member.
  std::stable_sort(members.begin(), members.end(),
                   [](const JsonMember& a, const JsonMember& b) { return a.first < b.first; });
  Object unique;
  unique.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
    unique.push_back(std::move(members[i]));
  }
  Json j;
  j.v_ = std::move(unique);
  return j;
}

Json Json::object() {
  Json j;
  j.v_ = Object{};
  return j;
}

const char* Json::type_name() const {
  switch (type()) {
    case Type::Null: return "null";
    case Type::Boolean: return "boolean";
    case Type::Integer:
    case Type::Unsigned:
    case Type::Float: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "?";
}

size_t Json::size() const {
  switch (type()) {
    case Type::Null: return 0;
    case Type::Array: return std::get<Array>(v_).size();
    case Type::Object: return std::get<Object>(v_).size();
    default: return 1;
  }
}

Json::const_iterator Json::begin() const {
  const_iterator it;
  if (is_array()) it.element_ = std::get<Array>(v_).data();
  if (is_object()) it.member_ = std::get<Object>(v_).data();
  return it;
}

Json::const_iterator Json::end() const {
  const_iterator it;
  if (is_array()) it.element_ = std::get<Array>(v_).data() + std::get<Array>(v_).size();
  if (is_object()) it.member_ = std::get<Object>(v_).data() + std::get<Object>(v_).size();
  return it;
}

const std::string& Json::const_iterator::key() const {
  if (!member_) throw JsonAccessError("key() of an iterator that is not into an object");
  return member_->first;
}

const Json& Json::front() const {
  if (empty() || !(is_array() || is_object())) throw JsonAccessError("front() of an empty or scalar value");
  return *begin();
}

const Json& Json::back() const {
  if (is_array() && !array_ref().empty()) return array_ref().back();
  if (is_object() && !object_ref().empty()) return object_ref().back().second;
  throw JsonAccessError("back() of an empty or scalar value");
}

Json::Items Json::items() const {
  if (!is_object()) return Items{nullptr, nullptr};
  const Object& o = std::get<Object>(v_);
  return Items{o.data(), o.data() + o.size()};
}

Json::const_iterator Json::find(std::string_view key) const {
  if (!is_object()) return end();
  const Object& o = std::get<Object>(v_);
  auto it = std::lower_bound(o.begin(), o.end(), key,
                             [](const JsonMember& m, std::string_view k) { return std::string_view(m.first) < k; });
  if (it == o.end() || it->first != key) return end();
  const_iterator found;
  found.member_ = &*it;
  return found;
}

const Json& Json::at(std::string_view key) const {
  if (!is_object()) throw JsonAccessError(std::string("looked up a key in a ") + type_name());
  auto it = find(key);
  if (it == end()) throw JsonAccessError("no key \"" + std::string(key.substr(0, 200)) + "\"");
  return *it;
}

const Json& Json::at(size_t index) const {
  if (!is_array()) throw JsonAccessError(std::string("indexed a ") + type_name());
  const Array& a = std::get<Array>(v_);
  if (index >= a.size()) {
    throw JsonAccessError("index " + std::to_string(index) + " is beyond an array of " + std::to_string(a.size()));
  }
  return a[index];
}

Json Json::value(std::string_view key, const Json& fallback) const {
  auto it = find(key);
  return it == end() ? fallback : *it;
}

void Json::push_back(Json element) {
  if (is_null()) v_ = Array{};
  if (!is_array()) throw JsonAccessError(std::string("push_back onto a ") + type_name());
  std::get<Array>(v_).push_back(std::move(element));
}

const std::string& Json::string_ref() const {
  if (!is_string()) throw JsonAccessError(std::string("expected a string, got ") + type_name());
  return std::get<std::string>(v_);
}

const Json::Array& Json::array_ref() const {
  if (!is_array()) throw JsonAccessError(std::string("expected an array, got ") + type_name());
  return std::get<Array>(v_);
}

const Json::Object& Json::object_ref() const {
  if (!is_object()) throw JsonAccessError(std::string("expected an object, got ") + type_name());
  return std::get<Object>(v_);
}

double Json::float_value() const {
  switch (type()) {
    case Type::Integer: return static_cast<double>(std::get<int64_t>(v_));
    case Type::Unsigned: return static_cast<double>(std::get<uint64_t>(v_));
    case Type::Float: return std::get<double>(v_);
    default: throw JsonAccessError(std::string("expected a number, got ") + type_name());
  }
}

bool operator==(const Json& a, const Json& b) {
  using T = Json::Type;
  const T ta = a.type(), tb = b.type();
  if (a.is_number() && b.is_number() && ta != tb) {
    if (ta == T::Float || tb == T::Float) return a.float_value() == b.float_value();
    // One Integer (negative when parsed, but possibly any value when constructed), one Unsigned.
    const int64_t i = ta == T::Integer ? std::get<int64_t>(a.v_) : std::get<int64_t>(b.v_);
    const uint64_t u = ta == T::Unsigned ? std::get<uint64_t>(a.v_) : std::get<uint64_t>(b.v_);
    return i >= 0 && static_cast<uint64_t>(i) == u;
  }
  if (ta != tb) return false;
  return a.v_ == b.v_;
}

}  // namespace ce
