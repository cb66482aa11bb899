// A tiny Kubernetes library, shared by the apps of this repository (spec.source.directory.jsonnet.libs).
{
  labels(name, extra):: { 'app.kubernetes.io/name': name } + extra,

  configMap(name, extra, data):: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: name, labels: $.labels(name, extra) },
    data: data,
  },

  deployment(name, image, replicas, extra):: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: name, labels: $.labels(name, extra) },
    spec: {
      replicas: replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: $.labels(name, extra) },
        spec: {
          containers: [{ name: name, image: image, ports: [{ containerPort: 80 }] }],
        },
      },
    },
  },
}
