// Copyright 2026 The capstan Authors.

#include "localnode/pod_plan.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace capstan::localnode {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

PodPlan PlanOf(const base::Json& pod) {
  PodPlan plan;
  const base::Json* annotations = nullptr;
  if (pod.is_object()) {
    auto meta = pod.find("metadata");
    if (meta != pod.end() && meta->is_object()) {
      auto it = meta->find("annotations");
      if (it != meta->end() && it->is_object()) annotations = &*it;
    }
  }
  if (annotations == nullptr) return plan;
  auto value = [&](std::string_view key) -> std::optional<std::string> {
    auto it = annotations->find(key);
    if (it == annotations->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };

  if (auto v = value(kExitCodeAnnotation)) {
    std::string_view s = Trim(*v);
    int code = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
    if (ec != std::errc() || end != s.data() + s.size() || code < 0 || code > 255) {
      plan.problems.push_back("exit-code \"" + *v + "\": not an integer from 0 to 255 (using 0)");
    } else {
      plan.exit_code = code;
    }
  }
  if (auto v = value(kRunSecondsAnnotation)) {
    std::string s(Trim(*v));
    char* end = nullptr;
    double secs = s.empty() ? NAN : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(secs) || secs < 0 || secs > 1e7) {
      plan.problems.push_back("run-seconds \"" + *v + "\": not a number of seconds (using 0.5)");
    } else {
      plan.run_time = std::chrono::milliseconds(static_cast<int64_t>(std::llround(secs * 1000)));
    }
  }
  if (auto v = value(kReadyAnnotation)) {
    std::string s = Lower(Trim(*v));
    if (s == "false") {
      plan.ready = false;
    } else if (s != "true") {
      plan.problems.push_back("ready \"" + *v + "\": neither \"true\" nor \"false\" (using true)");
    }
  }
  if (auto v = value(kLogAnnotation)) plan.log = *v;
  if (auto v = value(kRemoveFinalizerAnnotation)) plan.remove_finalizer_on_delete = std::string(Trim(*v));
  return plan;
}

}  // namespace capstan::localnode
