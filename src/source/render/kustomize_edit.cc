// Copyright 2026 The capstan Authors.

#include "source/render/kustomize_edit.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>
#include <vector>

namespace capstan::source::render {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kField = "spec.source.kustomize.";

base::Status FieldError(std::string_view field, std::string_view problem) {
  return base::Status::InvalidArgument(std::string(kField) + std::string(field) + ": " + std::string(problem));
}

// kustomize's errImageInvalidArgs (commands/edit/set/setimage.go).
constexpr std::string_view kImageFormats =
    "invalid format of image, use one of the following options:\n"
    "- <image>=<newimage>:<newtag>\n"
    "- <image>=<newimage>@<digest>\n"
    "- <image>=<newimage>\n"
    "- <image>:<newtag>\n"
    "- <image>@<digest>";

struct Overwrite {
  std::string name, tag, digest;
};

// kustomize's tag pattern `^(.*):([a-zA-Z0-9._-]*|\*)$`: the greedy `.*` leaves the tag after the
// last ':' (an earlier ':' would put a ':' in the tag, which the class does not allow).
bool SplitTag(std::string_view arg, Overwrite& out) {
  size_t colon = arg.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view tag = arg.substr(colon + 1);
  bool ok = tag == "*" || std::all_of(tag.begin(), tag.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
            });
  if (!ok) return false;
  out.name = std::string(arg.substr(0, colon));
  out.tag = std::string(tag);
  return true;
}

// setimage.go parseOverwrite: <image>@<digest> (Go's strings.Split: the digest is what lies between
// the first and the second '@'), <image>:<tag>, or (after '=') a bare new name.
bool ParseOverwrite(std::string_view arg, bool overwrite_image, Overwrite& out) {
  if (size_t at = arg.find('@'); at != std::string_view::npos) {
    out.name = std::string(arg.substr(0, at));
    std::string_view rest = arg.substr(at + 1);
    out.digest = std::string(rest.substr(0, rest.find('@')));
    return true;
  }
  if (SplitTag(arg, out)) return true;
  if (!arg.empty() && overwrite_image) {
    out.name = std::string(arg);
    return true;
  }
  return false;
}

void SetIfNotEmpty(base::Json& obj, const char* key, const std::string& value) {
  if (!value.empty()) obj[key] = value;
}

// Merges |entries| (each with a "name") into the list at |key|: an entry replaces the one of the
// same name, the others are kept, and the list is sorted by name (setimage.go / setreplicas.go).
// |replace| may adjust an incoming entry from the existing one (the image's "*" = keep).
template <typename Replace>
base::Status MergeByName(base::Json& kustomization, const char* key, std::vector<base::Json> entries,
                         std::string_view field, Replace replace) {
  std::map<std::string, base::Json> by_name;
  for (auto& e : entries) {
    std::string name = base::GetString(e, "name");  // before the move: Json's operator= takes its value
    by_name[name] = std::move(e);
  }
  if (kustomization.contains(key) && !kustomization[key].is_null()) {
    if (!kustomization[key].is_array()) {
      return FieldError(field, "the kustomization's " + std::string(key) + " is not a list");
    }
    for (const base::Json& existing : kustomization[key]) {
      std::string name = base::GetString(existing, "name");
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        by_name[name] = existing;
      } else {
        replace(it->second, existing);
      }
    }
  }
  base::Json list = base::Json::array();
  for (auto& [name, e] : by_name) list.push_back(std::move(e));  // std::map: sorted by name
  kustomization[key] = std::move(list);
  return base::Status::Ok();
}

base::Status SetImages(base::Json& k, const KustomizeOptions& o, const BuildEnv& env) {
  std::vector<base::Json> entries;
  for (size_t i = 0; i < o.images.size(); ++i) {
    // Argo CD: "this allows using ${ARGOCD_APP_REVISION}".
    auto image = ParseKustomizeImage(env.Envsubst(o.images[i]));
    if (!image.ok()) return FieldError("images[" + std::to_string(i) + "]", image.status().message());
    entries.push_back(std::move(*image));
  }
  auto keep_starred = [](base::Json& incoming, const base::Json& existing) {
    for (const char* f : {"newName", "newTag", "digest"}) {
      if (base::GetString(incoming, f) != "*") continue;
      std::string old = base::GetString(existing, f);
      if (old.empty()) incoming.erase(f); else incoming[f] = old;
    }
  };
  CAPSTAN_RETURN_IF_ERROR(MergeByName(k, "images", std::move(entries), "images", keep_starred));
  for (base::Json& e : k["images"]) {  // a "*" with nothing to keep is dropped
    for (const char* f : {"newName", "newTag", "digest"}) {
      if (base::GetString(e, f) == "*") e.erase(f);
    }
  }
  return base::Status::Ok();
}

base::Status SetReplicas(base::Json& k, const KustomizeOptions& o) {
  std::vector<base::Json> entries;
  for (const KustomizeReplica& r : o.replicas) entries.push_back({{"name", r.name}, {"count", r.count}});
  return MergeByName(k, "replicas", std::move(entries), "replicas", [](base::Json&, const base::Json&) {});
}

// kubernetes' label value rule (apimachinery validation.IsValidLabelValue), also the name part of a
// qualified name (without the empty case).
bool IsLabelValue(std::string_view v) {
  if (v.size() > 63) return false;
  if (v.empty()) return true;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  return std::all_of(v.begin(), v.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// validation.IsQualifiedName: [prefix/]name, the prefix a DNS subdomain.
bool IsQualifiedName(std::string_view key) {
  std::string_view name = key;
  if (size_t slash = key.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 253) return false;
    for (char c : prefix) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
            c == '.')) {
        return false;
      }
    }
  }
  return !name.empty() && IsLabelValue(name);
}

// kustomize's `add label` / `add annotation` read "k:v" and drop one pair of quotes around v
// (commands/internal/util ConvertSliceToMap); Argo CD passes fmt.Sprintf("%s:%s", k, v).
std::string TrimQuotes(std::string v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

base::Status AddLabels(base::Json& k, const KustomizeOptions& o, const BuildEnv& env) {
  std::map<std::string, std::string> labels;
  for (const auto& [key, value] : o.common_labels) {
    std::string v = TrimQuotes(env.Envsubst(value));
    if (!IsQualifiedName(key)) return FieldError("commonLabels", "invalid label key \"" + key + "\"");
    if (!IsLabelValue(v)) {
      return FieldError("commonLabels." + key,
                        "invalid label value \"" + v +
                            "\": at most 63 characters, alphanumeric, '-', '_' or '.', starting and ending "
                            "with an alphanumeric character");
    }
    labels[key] = v;
  }
  if (o.label_without_selector) {
    // `add label --without-selector [--include-templates]`: one new `labels:` entry.
    base::Json entry = {{"pairs", labels}};
    if (o.label_include_templates) entry["includeTemplates"] = true;
    if (!k.contains("labels") || k["labels"].is_null()) k["labels"] = base::Json::array();
    if (!k["labels"].is_array()) return FieldError("commonLabels", "the kustomization's labels is not a list");
    k["labels"].push_back(std::move(entry));
    return base::Status::Ok();
  }
  if (!k.contains("commonLabels") || k["commonLabels"].is_null()) k["commonLabels"] = base::Json::object();
  base::Json& common = k["commonLabels"];
  if (!common.is_object()) return FieldError("commonLabels", "the kustomization's commonLabels is not a map");
  for (const auto& [key, v] : labels) {
    if (common.contains(key) && !o.force_common_labels) {
      return FieldError("commonLabels",
                        "label " + key + " already in kustomization file (set forceCommonLabels to override it)");
    }
    common[key] = v;
  }
  return base::Status::Ok();
}

base::Status AddAnnotations(base::Json& k, const KustomizeOptions& o, const BuildEnv& env) {
  if (!k.contains("commonAnnotations") || k["commonAnnotations"].is_null()) {
    k["commonAnnotations"] = base::Json::object();
  }
  base::Json& common = k["commonAnnotations"];
  if (!common.is_object()) {
    return FieldError("commonAnnotations", "the kustomization's commonAnnotations is not a map");
  }
  for (const auto& [key, value] : o.common_annotations) {
    if (!IsQualifiedName(key)) return FieldError("commonAnnotations", "invalid annotation key \"" + key + "\"");
    if (common.contains(key) && !o.force_common_annotations) {
      return FieldError("commonAnnotations", "annotation " + key +
                                                 " already in kustomization file (set forceCommonAnnotations to "
                                                 "override it)");
    }
    common[key] = TrimQuotes(o.common_annotations_envsubst ? env.Envsubst(value) : value);
  }
  return base::Status::Ok();
}

// Argo CD applyPatches: the Application's patches after the kustomization's own.
base::Status AppendPatches(base::Json& k, const KustomizeOptions& o) {
  if (!k.contains("patches") || k["patches"].is_null()) k["patches"] = base::Json::array();
  if (!k["patches"].is_array()) {
    return FieldError("patches", "the kustomization's patches is not a list, patches cannot be appended");
  }
  for (const base::Json& p : o.patches) k["patches"].push_back(p);
  return base::Status::Ok();
}

// `edit add component`: each path, relative to the kustomization's directory, must exist (Argo CD
// drops the missing ones first when ignoreMissingComponents is set); added once.
base::Status AddComponents(base::Json& k, const KustomizeOptions& o, std::string_view root,
                           std::string_view app_dir) {
  const fs::path root_path = fs::path(root).lexically_normal();
  std::vector<std::string> found;
  for (size_t i = 0; i < o.components.size(); ++i) {
    const std::string& c = o.components[i];
    std::string field = "components[" + std::to_string(i) + "]";
    fs::path resolved = (fs::path(app_dir) / fs::path(c).relative_path()).lexically_normal();
    fs::path rel = resolved.lexically_relative(root_path);
    if (fs::path(c).is_absolute() || rel.empty() || *rel.begin() == "..") {
      return FieldError(field, c + ": component path outside the repository");
    }
    std::error_code ec;
    if (!fs::exists(resolved, ec)) {
      if (o.ignore_missing_components) continue;
      return FieldError(field, c +
                                   " has no match: no such file or directory in the repository (set "
                                   "ignoreMissingComponents to skip it)");
    }
    found.push_back(c);
  }
  // Argo CD would still run `edit add component` with no argument (kustomize: "must specify a
  // component file") when every component is missing and ignored; nothing to add is not an error here.
  if (found.empty()) return base::Status::Ok();
  if (!k.contains("components") || k["components"].is_null()) k["components"] = base::Json::array();
  if (!k["components"].is_array()) return FieldError("components", "the kustomization's components is not a list");
  for (const std::string& c : found) {
    if (std::find(k["components"].begin(), k["components"].end(), base::Json(c)) == k["components"].end()) {
      k["components"].push_back(c);
    }
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<base::Json> ParseKustomizeImage(std::string_view arg) {
  Overwrite p;
  base::Json image = base::Json::object();
  // <image>=<new-image>[:tag|@digest]: Go's strings.Split(arg, "=") must give exactly two parts.
  size_t eq = arg.find('=');
  if (eq != std::string_view::npos && arg.find('=', eq + 1) == std::string_view::npos) {
    if (!ParseOverwrite(arg.substr(eq + 1), true, p)) return base::Status::InvalidArgument(std::string(kImageFormats));
    image["name"] = std::string(arg.substr(0, eq));
    SetIfNotEmpty(image, "newName", p.name);
  } else {
    if (!ParseOverwrite(arg, false, p)) return base::Status::InvalidArgument(std::string(kImageFormats));
    image["name"] = p.name;
  }
  SetIfNotEmpty(image, "newTag", p.tag);
  SetIfNotEmpty(image, "digest", p.digest);
  return image;
}

bool EditsKustomization(const KustomizeOptions& o) {
  return !o.name_prefix.empty() || !o.name_suffix.empty() || !o.images.empty() || !o.replicas.empty() ||
         !o.common_labels.empty() || !o.common_annotations.empty() || !o.namespace_.empty() || !o.patches.empty() ||
         !o.components.empty();
}

base::Status ApplyKustomizeEdits(base::Json& k, const KustomizeOptions& o, const BuildEnv& env, std::string_view root,
                                 std::string_view app_dir) {
  if (k.is_null()) k = base::Json::object();
  if (!k.is_object()) return base::Status::InvalidArgument("the kustomization file is not a YAML map");
  // Argo CD's order: prefix, suffix, images, replicas, labels, annotations, namespace, patches,
  // components.
  if (!o.name_prefix.empty()) k["namePrefix"] = o.name_prefix;
  if (!o.name_suffix.empty()) k["nameSuffix"] = o.name_suffix;
  if (!o.images.empty()) CAPSTAN_RETURN_IF_ERROR(SetImages(k, o, env));
  if (!o.replicas.empty()) CAPSTAN_RETURN_IF_ERROR(SetReplicas(k, o));
  if (!o.common_labels.empty()) CAPSTAN_RETURN_IF_ERROR(AddLabels(k, o, env));
  if (!o.common_annotations.empty()) CAPSTAN_RETURN_IF_ERROR(AddAnnotations(k, o, env));
  if (!o.namespace_.empty()) k["namespace"] = o.namespace_;
  if (!o.patches.empty()) CAPSTAN_RETURN_IF_ERROR(AppendPatches(k, o));
  if (!o.components.empty()) CAPSTAN_RETURN_IF_ERROR(AddComponents(k, o, root, app_dir));
  return base::Status::Ok();
}

}  // namespace capstan::source::render
