// Copyright 2026 The capstan Authors.

#include "inputs.h"

#include <string>

#include "base/yaml.h"

namespace capstan::bench {

namespace {

std::string Name(int i, const char* kind) { return std::string(kind) + "-" + std::to_string(i); }

base::Json Metadata(int i, const char* kind) {
  return {{"name", Name(i, kind)},
          {"namespace", "bench"},
          {"labels", {{"app.kubernetes.io/name", "bench"}, {"tier", i % 3 == 0 ? "web" : "backend"}}},
          {"annotations",
           {{"argocd.argoproj.io/sync-wave", std::to_string(i / 100 % 10)},
            {"argocd.argoproj.io/tracking-id", "bench:/" + std::string(kind) + ":bench/" + Name(i, kind)}}}};
}

}  // namespace

base::Json TargetObject(int i) {
  if (i % 10 == 0) {
    base::Json container = {{"name", "main"},
                            {"image", "registry.local/app:1." + std::to_string(i % 7)},
                            {"ports", {{{"containerPort", 8080}, {"name", "http"}}}},
                            {"env", {{{"name", "MODE"}, {"value", "prod"}}, {{"name", "INDEX"}, {"value", std::to_string(i)}}}},
                            {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}},
                            {"volumeMounts", {{{"name", "config"}, {"mountPath", "/etc/app"}}}}};
    base::Json pod_spec = base::Json::object();
    pod_spec["containers"] = base::Json::array({container});
    pod_spec["volumes"] = base::Json::array();
    pod_spec["volumes"].push_back({{"name", "config"}, {"configMap", {{"name", Name(i + 2, "cm")}}}});
    base::Json spec = base::Json::object();
    spec["replicas"] = 2;
    spec["selector"]["matchLabels"]["app"] = Name(i, "deploy");
    spec["template"]["metadata"]["labels"]["app"] = Name(i, "deploy");
    spec["template"]["spec"] = pod_spec;
    return {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", Metadata(i, "deploy")}, {"spec", spec}};
  }
  if (i % 10 == 1) {
    return {{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata", Metadata(i, "svc")},
            {"spec",
             {{"selector", {{"app", Name(i - 1, "deploy")}}},
              {"ports", {{{"port", 80}, {"targetPort", 8080}, {"name", "http"}}}}}}};
  }
  base::Json data = base::Json::object();
  for (int k = 1; k <= 3; ++k) {
    data["key-" + std::to_string(k)] = "value " + std::to_string(k) + " of object " + std::to_string(i) +
                                       ", some text to make it a few bytes long";
  }
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", Metadata(i, "cm")}, {"data", data}};
}

base::Json LiveObject(int i) {
  base::Json o = TargetObject(i);
  base::Json& m = o["metadata"];
  m["uid"] = "0b6f6a4e-0000-4000-8000-" + std::to_string(100000000000 + i);
  m["resourceVersion"] = std::to_string(1000 + i);
  m["creationTimestamp"] = "2026-11-27T10:00:00Z";
  base::Json entry = {{"manager", "capstan"},
                      {"operation", "Apply"},
                      {"apiVersion", o["apiVersion"]},
                      {"time", "2026-11-27T10:00:00Z"},
                      {"fieldsType", "FieldsV1"}};
  entry["fieldsV1"]["f:metadata"]["f:labels"]["f:tier"] = base::Json::object();
  m["managedFields"] = base::Json::array({entry});
  const std::string kind = o["kind"];
  if (kind == "Deployment") {
    m["generation"] = 1;
    m["annotations"]["deployment.kubernetes.io/revision"] = "1";
    base::Json& spec = o["spec"];
    spec["progressDeadlineSeconds"] = 600;
    spec["revisionHistoryLimit"] = 10;
    spec["strategy"] = {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}};
    base::Json& pod = spec["template"]["spec"];
    pod["restartPolicy"] = "Always";
    pod["dnsPolicy"] = "ClusterFirst";
    pod["schedulerName"] = "default-scheduler";
    pod["terminationGracePeriodSeconds"] = 30;
    pod["securityContext"] = base::Json::object();
    base::Json& c = pod["containers"][0];
    c["imagePullPolicy"] = "IfNotPresent";
    c["terminationMessagePath"] = "/dev/termination-log";
    c["terminationMessagePolicy"] = "File";
    c["ports"][0]["protocol"] = "TCP";
    pod["volumes"][0]["configMap"]["defaultMode"] = 420;
    o["status"] = {{"observedGeneration", 1}, {"replicas", 2}, {"updatedReplicas", 2}, {"readyReplicas", 2},
                   {"availableReplicas", 2},
                   {"conditions", {{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"}},
                                   {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"}}}}};
  } else if (kind == "Service") {
    base::Json& spec = o["spec"];
    spec["clusterIP"] = "10.0.0." + std::to_string(i % 250 + 1);
    spec["clusterIPs"] = {spec["clusterIP"]};
    spec["type"] = "ClusterIP";
    spec["sessionAffinity"] = "None";
    spec["ports"][0]["protocol"] = "TCP";
    o["status"] = {{"loadBalancer", base::Json::object()}};
  }
  return o;
}

std::vector<base::Json> TargetObjects(int n) {
  std::vector<base::Json> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(TargetObject(i));
  return out;
}

std::vector<base::Json> LiveObjects(int n) {
  std::vector<base::Json> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(LiveObject(i));
  return out;
}

std::string ManifestStream(int n) { return base::EmitYamlStream(TargetObjects(n)); }

}  // namespace capstan::bench
