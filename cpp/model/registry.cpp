// The registered model families and the lookup from config.json.
#include "model/registry.h"

#include "common/error.h"
#include "io/json.h"

namespace ce {

// One line per family; each is defined in its own folder (model/<family>/<family>_family.cpp).
extern const ModelFamily kBertFamily;
extern const ModelFamily kRobertaFamily;
extern const ModelFamily kXlmRobertaFamily;
extern const ModelFamily kElectraFamily;
extern const ModelFamily kDebertaV2Family;
extern const ModelFamily kModernBertFamily;

const std::vector<const ModelFamily*>& model_families() {
  static const std::vector<const ModelFamily*> families = {&kBertFamily,    &kRobertaFamily,    &kXlmRobertaFamily,
                                                           &kElectraFamily, &kDebertaV2Family, &kModernBertFamily};
  return families;
}

namespace {

[[noreturn]] void invalid(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::InvalidConfig, source + ": " + what);
}

std::string supported(std::vector<std::string> ModelFamily::*list) {
  std::string out;
  for (const ModelFamily* f : model_families())
    for (const std::string& name : f->*list) out += (out.empty() ? "" : ", ") + name;
  return out;
}

const ModelFamily* find(std::vector<std::string> ModelFamily::*list, const std::string& value) {
  for (const ModelFamily* f : model_families())
    for (const std::string& name : f->*list)
      if (name == value) return f;
  return nullptr;
}

}  // namespace

const ModelFamily& family_for_config(const Json& config, const std::string& source) {
  // `architectures` first: for a checkpoint we do not run, naming its class is the most useful message. Values of
  // the wrong type are described by their type only: never dumped (they may be nested arbitrarily deep).
  auto it = config.find("architectures");
  if (it != config.end() && !it->is_null()) {
    if (!it->is_array()) invalid(source, "\"architectures\" must be an array of strings, got " + std::string(it->type_name()));
    if (it->empty()) invalid(source, "\"architectures\" is empty (expected one of: " + supported(&ModelFamily::architectures) + ")");
    for (const auto& a : *it)
      if (!a.is_string()) invalid(source, "\"architectures\" must be an array of strings, got an element of type " + std::string(a.type_name()));
    for (const auto& a : *it)
      if (const ModelFamily* f = find(&ModelFamily::architectures, a.get<std::string>())) return *f;
    throw Error(ErrorCode::UnsupportedArchitecture, source + ": " + (*it)[0].get<std::string>() +
                                                        " is not supported; supported: " +
                                                        supported(&ModelFamily::architectures));
  }
  // transformers picks the model class from model_type, so a config without "architectures" still loads as a
  // sequence classifier there; accept it the same way.
  it = config.find("model_type");
  if (it == config.end() || it->is_null())
    invalid(source, "missing \"model_type\" (expected one of: " + supported(&ModelFamily::model_types) + ")");
  if (!it->is_string()) invalid(source, "\"model_type\" must be a string, got " + std::string(it->type_name()));
  if (const ModelFamily* f = find(&ModelFamily::model_types, it->get<std::string>())) return *f;
  throw Error(ErrorCode::UnsupportedArchitecture, source + ": model_type \"" + it->get<std::string>() +
                                                      "\" is not supported; supported: " +
                                                      supported(&ModelFamily::model_types));
}

}  // namespace ce
