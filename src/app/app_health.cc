// Copyright 2026 The capstan Authors.

#include "app/app_health.h"

#include "base/time.h"
#include "core/annotations.h"
#include "core/gvk.h"

namespace capstan::app {
namespace {

bool IsApplication(const core::Gvk& gvk) { return gvk.group == "argoproj.io" && gvk.kind == "Application"; }

}  // namespace

AppHealth::AppHealth(const base::Json& application)
    : app_namespace_(base::GetStringAt(application, "metadata/namespace")),
      app_name_(base::GetStringAt(application, "metadata/name")),
      previous_status_(base::GetStringAt(application, "status/health/status")),
      previous_transition_(base::GetStringAt(application, "status/health/lastTransitionTime")) {}

std::optional<health::HealthStatus> AppHealth::Add(const base::Json* target, const base::Json* live,
                                                   health::HealthOverride* health_override) {
  contains_resources_ = true;
  if (live == nullptr) return health::HealthStatus{health::HealthCode::kMissing, ""};  // never worse: §5.4
  contains_live_resources_ = true;
  if (core::AnnotationOf(*live, "argocd.argoproj.io/ignore-healthcheck") == std::optional<std::string>("true")) {
    return std::nullopt;
  }
  core::Gvk gvk = core::Gvk::Of(*live);
  if (IsApplication(gvk) && base::GetStringAt(*live, "metadata/name") == app_name_ &&
      base::GetStringAt(*live, "metadata/namespace") == app_namespace_) {
    return std::nullopt;  // an app that manages itself does not affect its own health
  }
  std::optional<health::HealthStatus> h = health::Assess(*live, health_override);
  if (!h) return std::nullopt;
  if (IsApplication(gvk) && (h->code == health::HealthCode::kMissing || h->code == health::HealthCode::kUnknown)) {
    return h;
  }
  if (health::IsWorse(h->code, worst_)) {
    worst_ = h->code;
    worst_message_ = h->message;
  }
  return h;
}

base::Json AppHealth::ToJson() const {
  health::HealthCode code = worst_;
  std::string message = worst_message_;
  if (contains_resources_ && !contains_live_resources_ && health::IsWorse(health::HealthCode::kMissing, code)) {
    code = health::HealthCode::kMissing;
    message.clear();
  }
  base::Json out = {{"status", health::ToString(code)}};
  if (!message.empty() && code != health::HealthCode::kHealthy) out["message"] = message;
  bool same = previous_status_ == health::ToString(code) && !previous_transition_.empty();
  out["lastTransitionTime"] = same ? previous_transition_ : base::FormatRfc3339(base::NowUnixSeconds());
  return out;
}

base::Json HealthJson(const health::HealthStatus& h) {
  base::Json out = base::Json::object();
  if (h.code != health::HealthCode::kEmpty) out["status"] = health::ToString(h.code);
  if (!h.message.empty()) out["message"] = h.message;
  return out;
}

}  // namespace capstan::app
