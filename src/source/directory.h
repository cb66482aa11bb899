// Copyright 2026 The capstan Authors.
//
// Directory rendering: the objects Argo CD's repo-server produces for a directory-type Application
// (reposerver/repository/repository.go: findManifests, getPotentiallyValidManifests,
// getPotentiallyValidManifestFile, getObjsFromYAMLOrJSON, and GenerateManifests' List expansion).
// See src/source/README.md for the rules, where they come from, and where capstan differs.
//
// Thread safety: RenderDirectory reads the filesystem only; safe to call concurrently.

#ifndef CAPSTAN_SOURCE_DIRECTORY_H_
#define CAPSTAN_SOURCE_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace capstan::source {

// spec.source.directory, plus capstan's limits.
struct DirectoryOptions {
  bool recurse = false;
  std::string include{};  // a glob (source/glob.h) on the path relative to the app directory; "" = all
  std::string exclude{};  // likewise; "" = none

  // What to do with *.jsonnet files. Argo CD evaluates them (Directory manifest generation is on by
  // default); capstan's Jsonnet renderer arrives with the Renderers issue. When |jsonnet| is set it is
  // called with the file's absolute path and must return one object or an array of objects. When it
  // is not set, a .jsonnet file is an error (kFailedPrecondition) unless |skip_jsonnet| is true (Argo
  // CD with Directory manifest generation disabled skips them).
  std::function<base::Result<base::Json>(const std::string& path)> jsonnet{};
  bool skip_jsonnet = false;

  // Limits; each breach is an error naming the file.
  uint64_t max_file_bytes = 10u << 20;       // one manifest file
  uint64_t max_total_bytes = 10'000'000;     // all manifest files (Argo CD's default "10M")
  int64_t max_documents = 100'000;           // objects read from all files, before List expansion
};

// Renders the directory |path| (spec.source.path) of the checkout at |root|: the Kubernetes objects
// of its *.yaml, *.yml and *.json files (and *.jsonnet, see DirectoryOptions) in Argo CD's order
// (a lexical walk of the tree, documents in file order), with List objects expanded into their items
// and `items: null` lists dropped. No tracking annotation is added (see tracking.h).
//
// Errors:
//   those of ResolveAppPath (absolute path, outside root, symlink out, missing, not a directory);
//   kInvalidArgument  an invalid include/exclude glob; a manifest file that is a symlink resolving
//                     outside |root| ("illegal filepath in symlink at \"x.yaml\""); a file that
//                     fails to parse or whose document is not an object with a kind, when Argo CD
//                     would fail too ("failed to unmarshal \"x.yaml\": ..."); a JSON file with more
//                     than one value; a List item that is not an object; a limit exceeded
//                     ("\"big.yaml\" is 11534336 bytes, over the limit of 10485760 bytes for one
//                     manifest file", "exceeded max combined manifest file size of 10000000 bytes
//                     at \"x.yaml\"", "too many documents: more than 100000 at \"x.yaml\"");
//   kFailedPrecondition a *.jsonnet file with no evaluator and !skip_jsonnet;
//   kInternal         a read error.
base::Result<std::vector<base::Json>> RenderDirectory(std::string_view root, std::string_view path,
                                                      const DirectoryOptions& options = {});

// The objects of one manifest file, as getObjsFromYAMLOrJSON reads it: |name| is the file's path
// relative to the app directory (for messages and the .json/.yaml choice), |text| its content (a BOM
// is honoured: UTF-8 dropped, UTF-16 converted). A YAML file that is not Kubernetes-looking is
// ignored (empty result). Errors as RenderDirectory's parse errors.
base::Result<std::vector<base::Json>> DecodeManifestFile(std::string_view name, std::string_view text);

// Expands |objects| in place as GenerateManifests does: an object whose "items" is an array is
// replaced by its items (kInvalidArgument if an item is not an object); an object whose "items" is
// null and that has no spec or status is dropped.
base::Status ExpandLists(std::vector<base::Json>& objects);

}  // namespace capstan::source

#endif  // CAPSTAN_SOURCE_DIRECTORY_H_
