// Copyright 2026 The capstan Authors.

#include "app/operation_lease.h"

#include "app/lease_holder.h"
#include "base/json.h"
#include "base/time.h"

namespace capstan::app {
namespace {

const core::Gvk kLease{"coordination.k8s.io", "v1", "Lease"};

}  // namespace

bool LeaseAbandoned(const base::Json& lease, int64_t now_micros) {
  base::Result<int64_t> renewed = base::ParseRfc3339Micros(base::GetStringAt(lease, "spec/renewTime"));
  int64_t duration_s = lease.value("spec", base::Json::object()).value("leaseDurationSeconds", int64_t{15});
  return !renewed.ok() || *renewed + duration_s * 1000000 < now_micros ||
         HolderIsDeadLocalProcess(base::GetStringAt(lease, "spec/holderIdentity"));  // a crashed runner on this host
}

OperationLease::OperationLease(kube::Client& client, std::string app_namespace, std::string app_name,
                               std::string holder, LeaseOptions opts)
    : client_(client),
      namespace_(std::move(app_namespace)),
      name_(opts.name.empty() ? "capstan-op-" + app_name : opts.name),
      holder_(std::move(holder)),
      opts_(std::move(opts)) {
  if (!opts_.now_micros) opts_.now_micros = base::NowUnixMicros;
}

base::Status OperationLease::Write(const base::Json* live) {
  const std::string now = base::FormatMicroTime(opts_.now_micros());
  base::Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                      {"kind", "Lease"},
                      {"metadata", {{"name", name_}, {"namespace", namespace_}}},
                      {"spec",
                       {{"holderIdentity", holder_},
                        {"leaseDurationSeconds", opts_.duration.count()},
                        {"renewTime", now}}}};
  for (const auto& [key, value] : opts_.annotations) lease["metadata"]["annotations"][key] = value;
  for (const auto& [key, value] : opts_.labels) lease["metadata"]["labels"][key] = value;
  if (live == nullptr) {
    lease["spec"]["acquireTime"] = now;
    base::Result<base::Json> created = client_.Create(lease, {});
    if (created.status().IsAlreadyExists()) {
      return base::Status::FailedPrecondition("operation lease " + namespace_ + "/" + name_ +
                                              " was taken by another runner at the same moment");
    }
    return created.status();
  }
  // Optimistic concurrency: the update fails with kConflict if someone else wrote first.
  lease["metadata"]["resourceVersion"] = base::GetStringAt(*live, "metadata/resourceVersion");
  const bool same_holder = base::GetStringAt(*live, "spec/holderIdentity") == holder_;
  lease["spec"]["acquireTime"] = same_holder ? base::GetStringAt(*live, "spec/acquireTime") : now;
  base::Result<base::Json> updated = client_.Update(lease, {});
  if (updated.status().IsConflict()) {
    return base::Status::FailedPrecondition("operation lease " + namespace_ + "/" + name_ +
                                            " changed hands while renewing");
  }
  return updated.status();
}

base::Status OperationLease::Acquire() {
  base::Result<base::Json> live = client_.Get(kLease, namespace_, name_);
  if (!live.ok()) {
    if (!live.status().IsNotFound()) return live.status();
    return Write(nullptr);
  }
  const std::string holder = base::GetStringAt(*live, "spec/holderIdentity");
  if (holder != holder_ && !Abandoned(*live)) {
    return base::Status::FailedPrecondition("the operation is being run by " + holder + " (lease " + namespace_ +
                                            "/" + name_ + ")");
  }
  return Write(&*live);
}

bool OperationLease::Abandoned(const base::Json& live) const { return LeaseAbandoned(live, opts_.now_micros()); }

base::Status OperationLease::ReleaseAbandoned() {
  base::Result<base::Json> live = client_.Get(kLease, namespace_, name_);
  if (!live.ok()) return live.status().IsNotFound() ? base::Status() : live.status();
  if (!Abandoned(*live)) return base::Status();
  kube::DeleteOptions opts;
  opts.precondition_resource_version = base::GetStringAt(*live, "metadata/resourceVersion");
  base::Status s = client_.Delete(kLease, namespace_, name_, opts);
  return s.IsNotFound() || s.IsConflict() ? base::Status() : s;
}

base::Status OperationLease::Renew() {
  base::Result<base::Json> live = client_.Get(kLease, namespace_, name_);
  if (!live.ok()) {
    return live.status().IsNotFound()
               ? base::Status::FailedPrecondition("operation lease " + namespace_ + "/" + name_ + " is gone")
               : live.status();
  }
  if (base::GetStringAt(*live, "spec/holderIdentity") != holder_) {
    return base::Status::FailedPrecondition("operation lease " + namespace_ + "/" + name_ + " was taken by " +
                                            base::GetStringAt(*live, "spec/holderIdentity"));
  }
  return Write(&*live);
}

base::Status OperationLease::Release() {
  base::Result<base::Json> live = client_.Get(kLease, namespace_, name_);
  if (!live.ok()) return live.status().IsNotFound() ? base::Status() : live.status();
  if (base::GetStringAt(*live, "spec/holderIdentity") != holder_) return base::Status();
  kube::DeleteOptions opts;
  opts.precondition_resource_version = base::GetStringAt(*live, "metadata/resourceVersion");
  base::Status s = client_.Delete(kLease, namespace_, name_, opts);
  return s.IsNotFound() || s.IsConflict() ? base::Status() : s;
}

}  // namespace capstan::app
