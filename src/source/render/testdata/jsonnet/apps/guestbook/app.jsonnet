// The guestbook app: a ConfigMap and a Deployment, built with the shared library k.libsonnet
// (found through spec.source.directory.jsonnet.libs: ["vendor"]) and the local params.libsonnet.
//
// Inputs (spec.source.directory.jsonnet):
//   extVars  environment  (string)  e.g. "staging-${ARGOCD_APP_NAMESPACE}"
//            labels       (code)    an object of extra labels, e.g. "{team: 'payments'}"
//   tlas     tier         (string)  overrides the default 'backend'
//            replicas     (code)    e.g. "1 + 2"
local k = import 'lib/k.libsonnet';
local params = import 'params.libsonnet';

function(replicas, tier='backend')
  local environment = std.extVar('environment');
  local extra = std.extVar('labels') + { tier: tier };
  [
    k.configMap(params.name + '-config', extra, {
      ENVIRONMENT: environment,
      TIER: tier,
    }),
    k.deployment(params.name, params.image, replicas, extra),
  ]
