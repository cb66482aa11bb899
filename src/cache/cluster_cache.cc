// Copyright 2026 The capstan Authors.

#include "cache/cluster_cache.h"

#include "base/log.h"
#include "cache/kind_discovery.h"

namespace capstan::cache {

namespace {

using namespace std::chrono_literals;

const core::Gvk kCrdGvk{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

// How long the worker keeps resolving a new CRD's kind while discovery does not serve it yet.
constexpr auto kCrdResolveDeadline = 30s;
constexpr auto kCrdResolveRetry = 500ms;

std::pair<std::string, std::string> CrdGroupKind(const base::Json& crd) {
  return {base::GetStringAt(crd, "spec/group"), base::GetStringAt(crd, "spec/names/kind")};
}

std::string Describe(const std::pair<std::string, std::string>& gk) {
  return gk.first.empty() ? gk.second : gk.first + "/" + gk.second;
}

}  // namespace

ClusterCache::ClusterCache(kube::Client& client, CacheOptions opts)
    : client_(client), opts_(std::move(opts)), index_(opts_.tracking_annotation, opts_.keep_full) {}

ClusterCache::~ClusterCache() { Stop(); }

void ClusterCache::StartKindLocked(const kube::ApiResource& res, bool store, bool after_start) {
  GroupKind gk{res.gvk.group, res.gvk.kind};
  KindWatch& w = kinds_[gk];
  w.res = res;
  w.store = store;
  w.after_start = after_start;
  kube::ReflectorOptions ro;
  ro.gvk = res.gvk;
  const bool is_crd = gk == GroupKind{kCrdGvk.group, kCrdGvk.kind};
  w.reflector = std::make_unique<kube::Reflector>(client_, ro, [this, gk, store, is_crd](const kube::ReflectorEvent& ev) {
    OnKindEvent(gk, store, ev);
    if (is_crd) OnCrdEvent(ev);
  });
  w.reflector->Start();
}

base::Status ClusterCache::Start() {
  CAPSTAN_ASSIGN_OR_RETURN(std::vector<kube::ApiResource> kinds,
                           DiscoverKinds(client_, opts_.filter, opts_.cluster_server));
  std::optional<kube::ApiResource> crd_only;  // CRDs watched without being stored
  if (!opts_.filter.Allows(kCrdGvk, opts_.cluster_server)) {
    auto res = client_.Resolve(kCrdGvk);
    if (res.ok()) crd_only = *res;
  }
  std::vector<GroupKind> initial;
  {
    std::lock_guard<std::mutex> lock(kinds_mu_);
    for (const kube::ApiResource& res : kinds) {
      StartKindLocked(res, /*store=*/true, /*after_start=*/false);
      initial.push_back({res.gvk.group, res.gvk.kind});
    }
    if (crd_only) {
      StartKindLocked(*crd_only, /*store=*/false, /*after_start=*/false);
      initial.push_back({kCrdGvk.group, kCrdGvk.kind});
    }
  }
  worker_ = std::jthread([this](std::stop_token stop) { RunWorker(stop); });

  std::unique_lock<std::mutex> lock(kinds_mu_);
  auto missing = [&] {
    std::vector<GroupKind> out;
    for (const GroupKind& gk : initial) {
      auto it = kinds_.find(gk);
      if (it != kinds_.end() && !it->second.listed) out.push_back(gk);
    }
    return out;
  };
  bool all = kinds_cv_.wait_for(lock, opts_.initial_sync_timeout, [&] { return missing().empty(); });
  started_ = true;
  if (all) return base::Status::Ok();
  std::string names, last_error;
  for (const GroupKind& gk : missing()) {
    names += (names.empty() ? "" : ", ") + Describe(gk);
    if (last_error.empty()) last_error = kinds_.at(gk).reflector->stats().last_error;
  }
  return base::Status::Timeout("live cache: no first list within " + std::to_string(opts_.initial_sync_timeout.count()) +
                               "s for " + names + (last_error.empty() ? "" : " (last error: " + last_error + ")"));
}

void ClusterCache::Stop() {
  if (worker_.joinable()) {
    worker_.request_stop();
    worker_.join();
  }
  std::vector<std::unique_ptr<kube::Reflector>> reflectors;
  {
    std::lock_guard<std::mutex> lock(kinds_mu_);
    for (auto& [gk, w] : kinds_) {
      if (w.reflector) reflectors.push_back(std::move(w.reflector));
    }
  }
  for (auto& r : reflectors) r->Stop();
}

void ClusterCache::OnKindEvent(const GroupKind& gk, bool store, const kube::ReflectorEvent& ev) {
  std::vector<IndexChange> changes;
  bool report = true;
  if (ev.type == kube::ReflectorEventType::kReplace) {
    bool first = false, after_start = false;
    {
      std::lock_guard<std::mutex> lock(kinds_mu_);
      auto it = kinds_.find(gk);
      if (it == kinds_.end()) return;  // being removed
      first = !it->second.listed;
      after_start = it->second.after_start;
    }
    if (store) {
      std::unique_lock<std::shared_mutex> lock(mu_);
      changes = index_.ReplaceKind(gk.first, gk.second, ev.objects);
    }
    {
      std::lock_guard<std::mutex> lock(kinds_mu_);
      if (auto it = kinds_.find(gk); it != kinds_.end()) it->second.listed = true;
      if (!first) ++relists_;
    }
    kinds_cv_.notify_all();
    report = !first || after_start;
  } else {
    if (!store) return;
    core::ResourceKey key = core::ResourceKey::Of(ev.object);
    std::unique_lock<std::shared_mutex> lock(mu_);
    std::vector<std::string> instances =
        ev.type == kube::ReflectorEventType::kDeleted ? index_.Remove(key) : index_.Upsert(ev.object);
    if (ev.type == kube::ReflectorEventType::kAdded && !instances.empty()) {
      // Each kind has its own reflector, so a child (a ReplicaSet's Pod) may be indexed before its
      // owner and was then reported with no app: report the descendants again now that it is known.
      std::vector<std::string> level = {base::GetStringAt(ev.object, "metadata/uid")};
      for (int depth = 0; depth < 3 && !level.empty(); ++depth) {
        std::vector<std::string> next;
        for (const std::string& uid : level) {
          for (const core::ResourceKey& child : index_.ChildrenOf(uid)) {
            changes.push_back({child, instances});
            if (auto obj = index_.Get(child)) next.push_back(base::GetStringAt(*obj, "metadata/uid"));
          }
        }
        level = std::move(next);
      }
    }
    changes.insert(changes.begin(), IndexChange{std::move(key), std::move(instances)});
  }
  if (report) Notify(changes);
}

void ClusterCache::Notify(const std::vector<IndexChange>& changes) {
  std::shared_ptr<const ChangeHandler> handler;
  {
    std::lock_guard<std::mutex> lock(handler_mu_);
    handler = handler_;
  }
  if (!handler || !*handler) return;
  for (const IndexChange& c : changes) {
    for (const std::string& instance : c.instances) (*handler)(instance, c.key);
  }
}

void ClusterCache::OnCrdEvent(const kube::ReflectorEvent& ev) {
  auto want = [&](const base::Json& crd) {  // REQUIRES(kinds_mu_)
    GroupKind gk = CrdGroupKind(crd);
    if (gk.first.empty() || gk.second.empty()) return gk;
    crd_kinds_.insert(gk);
    std::optional<core::Gvk> kind = CrdKind(crd);
    if (kind && opts_.filter.Allows(*kind, opts_.cluster_server) && !kinds_.count(gk)) {
      to_add_[gk] = *kind;
      to_remove_.erase(gk);
    }
    return gk;
  };
  auto drop = [&](const GroupKind& gk) {
    crd_kinds_.erase(gk);
    to_add_.erase(gk);
    to_remove_.insert(gk);
  };
  {
    std::lock_guard<std::mutex> lock(kinds_mu_);
    switch (ev.type) {
      case kube::ReflectorEventType::kReplace: {
        std::set<GroupKind> now;
        for (const base::Json& crd : ev.objects) now.insert(want(crd));
        std::vector<GroupKind> gone;
        for (const GroupKind& gk : crd_kinds_) {
          if (!now.count(gk)) gone.push_back(gk);
        }
        for (const GroupKind& gk : gone) drop(gk);
        break;
      }
      case kube::ReflectorEventType::kAdded:
      case kube::ReflectorEventType::kModified:
        want(ev.object);
        break;
      case kube::ReflectorEventType::kDeleted:
        drop(CrdGroupKind(ev.object));
        break;
    }
  }
  kinds_cv_.notify_all();
}

void ClusterCache::RunWorker(std::stop_token stop) {
  struct Pending {
    core::Gvk gvk;
    std::chrono::steady_clock::time_point deadline;
  };
  std::map<GroupKind, Pending> pending;
  while (!stop.stop_requested()) {
    std::set<GroupKind> removes;
    std::vector<std::unique_ptr<kube::Reflector>> doomed;
    {
      std::unique_lock<std::mutex> lock(kinds_mu_);
      kinds_cv_.wait_for(lock, stop, pending.empty() ? std::chrono::milliseconds(3600s) : kCrdResolveRetry,
                         [&] { return !to_add_.empty() || !to_remove_.empty(); });
      if (stop.stop_requested()) return;
      for (const auto& [gk, gvk] : to_add_) {
        pending.try_emplace(gk, Pending{gvk, std::chrono::steady_clock::now() + kCrdResolveDeadline});
      }
      to_add_.clear();
      removes.swap(to_remove_);
      for (const GroupKind& gk : removes) {
        pending.erase(gk);
        auto it = kinds_.find(gk);
        if (it == kinds_.end() || gk == GroupKind{kCrdGvk.group, kCrdGvk.kind}) continue;
        if (it->second.reflector) doomed.push_back(std::move(it->second.reflector));
        kinds_.erase(it);
      }
    }
    for (auto& r : doomed) r->Stop();
    if (!removes.empty()) {
      std::unique_lock<std::shared_mutex> lock(mu_);
      for (const GroupKind& gk : removes) index_.RemoveKind(gk.first, gk.second);
    }
    for (auto it = pending.begin(); it != pending.end() && !stop.stop_requested();) {
      auto res = client_.Resolve(it->second.gvk);
      if (res.ok() && HasVerb(*res, "list") && HasVerb(*res, "watch")) {
        std::lock_guard<std::mutex> lock(kinds_mu_);
        if (!kinds_.count(it->first)) StartKindLocked(*res, /*store=*/true, /*after_start=*/started_);
        it = pending.erase(it);
        continue;
      }
      if (res.ok() || std::chrono::steady_clock::now() > it->second.deadline) {
        CAPSTAN_LOG_WARN("live cache: not watching {} of a new CustomResourceDefinition: {}", it->second.gvk.ToString(),
                         res.ok() ? "not served with list and watch" : res.status().ToString());
        it = pending.erase(it);
        continue;
      }
      ++it;
    }
  }
}

std::vector<base::Json> ClusterCache::ManagedBy(std::string_view instance) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return index_.ManagedBy(instance);
}

std::optional<base::Json> ClusterCache::Get(const core::ResourceKey& key) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return index_.Get(key);
}

std::vector<core::ResourceKey> ClusterCache::ChildrenOf(std::string_view uid) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return index_.ChildrenOf(uid);
}

bool ClusterCache::Watches(std::string_view group, std::string_view kind) const {
  std::lock_guard<std::mutex> lock(kinds_mu_);
  auto it = kinds_.find({std::string(group), std::string(kind)});
  return it != kinds_.end() && it->second.store && it->second.listed;
}

void ClusterCache::OnManagedChange(ChangeHandler handler) {
  auto h = std::make_shared<const ChangeHandler>(std::move(handler));
  std::lock_guard<std::mutex> lock(handler_mu_);
  handler_ = std::move(h);
}

base::Status ClusterCache::Reshard() {
  std::vector<core::Gvk> to_fetch;
  std::vector<core::ResourceKey> keys;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    for (const core::ResourceKey& key : index_.Reshard()) {
      std::optional<base::Json> lean = index_.Get(key);
      if (!lean) continue;
      const std::string api_version = base::GetString(*lean, "apiVersion");
      const size_t slash = api_version.find('/');
      to_fetch.push_back({key.group, slash == std::string::npos ? api_version : api_version.substr(slash + 1), key.kind});
      keys.push_back(key);
    }
  }
  base::Status first_error;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto got = client_.Get(to_fetch[i], keys[i].namespace_, keys[i].name);
    if (!got.ok()) {
      if (!got.status().IsNotFound() && first_error.ok()) first_error = got.status().Annotate("live cache: " + keys[i].ToString());
      continue;
    }
    std::unique_lock<std::shared_mutex> lock(mu_);
    index_.Promote(*got);
  }
  return first_error;
}

CacheStats ClusterCache::Stats() const {
  CacheStats s;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    s.objects = index_.size();
    s.managed_objects = index_.managed_size();
    s.full_objects = index_.full_size();
    s.approx_bytes = index_.approx_bytes();
  }
  std::lock_guard<std::mutex> lock(kinds_mu_);
  for (const auto& [gk, w] : kinds_) {
    if (w.store) ++s.kinds;
    if (w.reflector) s.errors += w.reflector->stats().errors;
  }
  s.relists = relists_;
  return s;
}

}  // namespace capstan::cache
