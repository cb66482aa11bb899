"""The six scenarios of bench/run (issue 9), each a function of a Context with small size parameters.
Each returns a dict: "steps" ({name: summary of wall seconds + peak RSS + CPU}), "figures" (named
numbers), "targets" ([{name, figure, limit, met}]) and "notes" (lines for RESULTS.md). A check that
does not hold raises benchlib.BenchError. See bench/README.md for what each one measures and how.

Thread safety: one scenario at a time; the wave watch of scenario 3 runs its own threads.
"""

import http.client
import json
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import threading
import time
import urllib.parse

import benchlib
from benchlib import BenchError, log, run, run_timed, summary

BENCH = os.path.dirname(os.path.abspath(__file__))
APP_NS = "bench-apps"


class Context:
    """What every scenario needs: sizes, binaries, a work folder, and the results of timed steps."""

    def __init__(self, args, work):
        self.args, self.work = args, work
        self.capstan, self.kubectl = args.capstan, args.kubectl
        self.rounds = args.rounds

    def dir(self, *parts):
        """A new folder under the work folder."""
        p = os.path.join(self.work, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def path(self, *parts):
        """A file path under the work folder (its folder created)."""
        p = os.path.join(self.work, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p


class Steps:
    """Timed runs of named steps: wall, peak RSS, CPU; the summary of each step over its rounds."""

    def __init__(self, ctx, scenario):
        self.ctx, self.scenario = ctx, scenario
        self.runs = {}  # step -> [run_timed dicts]

    def timed(self, step, label, cmd, env=None):
        out = self.ctx.path(self.scenario, f"{step}-{label}.out")
        err = self.ctx.path(self.scenario, f"{step}-{label}.err")
        r = run_timed(cmd, out, err, env=env)
        r["out"], r["err"] = out, err
        if r["rc"] != 0 and not step.endswith("-diff"):
            raise BenchError(f"{self.scenario} {step} ({label}) exited {r['rc']}: {benchlib.tail(err, 3)}")
        self.runs.setdefault(step, []).append(r)
        log(f"{self.scenario} {step:28s} {label:>6s}: {r['wall']:7.2f} s, peak RSS {r['rss_kib'] / 1024:6.1f} MiB, "
            f"CPU {r['cpu']:5.2f} s")
        return r

    def add(self, step, wall, rss_kib=0, cpu=0.0):
        self.runs.setdefault(step, []).append({"wall": wall, "rss_kib": rss_kib, "cpu": cpu, "rc": 0})

    def median(self, step):
        return statistics.median(r["wall"] for r in self.runs[step])

    def summaries(self):
        out = {}
        for step, rs in self.runs.items():
            s = summary([r["wall"] for r in rs])
            s["peak_rss_mib"] = round(max(r["rss_kib"] for r in rs) / 1024, 1)
            s["cpu_median_s"] = round(statistics.median(r["cpu"] for r in rs), 2)
            out[step] = s
        return out


def target(name, figure, limit, unit="x", lower_is_better=True):
    met = figure <= limit if lower_is_better else figure >= limit
    return {"name": name, "figure": round(figure, 3), "limit": limit, "unit": unit, "met": bool(met)}


def capstan_cmd(ctx, cluster, *args):
    return [ctx.capstan, "--kubeconfig", cluster.kubeconfig, *args]


def write_app(ctx, scenario, name, repo, path, dest, sync_options=None):
    p = ctx.path(scenario, f"app-{name}{'-oos' if sync_options else ''}.yaml")
    with open(p, "w") as f:
        f.write(benchlib.application_yaml(name, APP_NS, repo, path, dest, sync_options))
    return p


def check_operation(r, n, what):
    """The `capstan sync -o json` output of r: operation Succeeded with n results."""
    op = json.load(open(r["out"])).get("status", {}).get("operationState", {})
    phase, got = op.get("phase"), len(op.get("syncResult", {}).get("resources", []))
    if phase != "Succeeded" or got != n:
        raise BenchError(f"{what}: operation {phase} with {got} resource results, expected Succeeded and {n}")


def write_configmaps(directory, n):
    """Writes N ConfigMaps cm-1 … cm-N (zero-padded), one file each, into a new |directory|."""
    os.makedirs(directory)
    width = len(str(n))
    for i in range(1, n + 1):
        with open(os.path.join(directory, f"cm-{i:0{width}d}.yaml"), "w") as f:
            f.write(benchlib.configmap_yaml(f"cm-{i:0{width}d}"))


# ------------------------------------------------------------------------------------------------
# Scenarios 1 and 2: one wave of N ConfigMaps, created, then unchanged


def sync_configmaps(ctx, cluster, n):
    s = Steps(ctx, "s1")
    api = cluster.api
    repo = ctx.dir("s1", "repo")
    cms = os.path.join(repo, "configmaps")
    write_configmaps(cms, n)
    benchlib.git_commit_all(repo, f"{n} ConfigMaps")
    cache = ctx.dir("s1", "capstan-cache")
    kcache = ctx.dir("s1", "kubectl-cache")
    api.create_namespace(APP_NS)
    # Warm both tools' caches outside the clock: capstan's clone, kubectl's discovery.
    warm_app = write_app(ctx, "s1", "cms-warm", repo, "configmaps", "bench-warm")
    run([ctx.capstan, "app", "manifests", "-f", warm_app, "--cache-dir", cache])
    run([ctx.kubectl, "--kubeconfig", cluster.kubeconfig, "--cache-dir", kcache, "api-resources"])

    def kubectl(ns, server_side):
        return [ctx.kubectl, "--kubeconfig", cluster.kubeconfig, "--cache-dir", kcache, "apply",
                *(["--server-side"] if server_side else []), "-n", ns, "-f", cms]

    def plain(ns):
        return [os.path.join(BENCH, "plain-apply"), "--kubeconfig", cluster.kubeconfig, "-n", ns,
                "--concurrency", str(ctx.args.concurrency), cms]

    def check_count(ns, what):
        have = api.count_configmaps(ns, "cm-")
        if have != n:
            raise BenchError(f"{what}: {have} ConfigMaps in {ns}, expected {n}")

    oos_writes, plain_cpu = [], []
    requests = {}

    def tool_kubectl(r, server_side):
        kind = "ssa" if server_side else "csa"
        ns = f"k{kind}-{r}"
        api.create_namespace(ns)
        s.timed(f"kubectl-{kind}-create", str(r), kubectl(ns, server_side))
        check_count(ns, f"kubectl-{kind}-create")
        s.timed(f"kubectl-{kind}-unchanged", str(r), kubectl(ns, server_side))

    def tool_plain(r):
        ns = f"plain-{r}"
        api.create_namespace(ns)
        for step in ("plain-create", "plain-unchanged"):
            res = s.timed(step, str(r), plain(ns))
            out = json.loads(open(res["out"]).read().strip().splitlines()[-1])
            plain_cpu.append(out["cpu_s"] / max(out["wall_s"], 1e-6))
        check_count(ns, "plain-create")

    def tool_capstan(r):
        ns = f"capstan-{r}"
        api.create_namespace(ns)
        app = write_app(ctx, "s1", f"cms-{r}", repo, "configmaps", ns)
        sync = capstan_cmd(ctx, cluster, "sync", "-f", app, "--cache-dir", cache, "-o", "json")
        for step in ("capstan-create", "capstan-unchanged"):
            before = api.request_counts()
            res = s.timed(step, str(r), sync)
            requests[step] = benchlib.diff_counts(before, api.request_counts())
            check_operation(res, n, f"{step} round {r}")
        check_count(ns, "capstan-create")
        oos = write_app(ctx, "s1", f"cms-{r}", repo, "configmaps", ns, ["ApplyOutOfSyncOnly=true"])
        before = api.request_counts()
        s.timed("capstan-unchanged-oos", str(r),
                capstan_cmd(ctx, cluster, "sync", "-f", oos, "--cache-dir", cache, "-o", "json"))
        d = benchlib.diff_counts(before, api.request_counts())
        oos_writes.append(benchlib.writes_of(d, "configmaps"))

    tools = [lambda r: tool_kubectl(r, True), lambda r: tool_kubectl(r, False), tool_plain, tool_capstan]
    for r in range(1, ctx.rounds + 1):
        # Alternating order: each round starts with a different tool.
        for t in tools[r % len(tools):] + tools[:r % len(tools)]:
            t(r)

    med = s.median
    faster_unchanged = min(med("kubectl-ssa-unchanged"), med("kubectl-csa-unchanged"))
    figs = {
        "capstan_create_over_plain": med("capstan-create") / med("plain-create"),
        "capstan_create_over_kubectl_ssa": med("capstan-create") / med("kubectl-ssa-create"),
        "capstan_unchanged_over_faster_kubectl": med("capstan-unchanged") / faster_unchanged,
        "capstan_unchanged_oos_over_faster_kubectl": med("capstan-unchanged-oos") / faster_unchanged,
        "oos_configmap_writes_max": max(oos_writes),
        "plain_client_cpu_per_wall_max": max(plain_cpu),
    }
    per_obj = {}
    for step, d in requests.items():
        cm = {k: v for k, v in d.items() if k[1] == "configmaps"}
        per_obj[step] = {f"{verb}{' dryRun' if dry else ''}": round(c / n, 2) for (verb, _r, _s, dry, _c), c
                         in _group(cm).items()}
    sums = s.summaries()
    rss = {"capstan_create_rss_over_kubectl_ssa": sums["capstan-create"]["peak_rss_mib"] /
           max(sums["kubectl-ssa-create"]["peak_rss_mib"], 0.1)}
    figs.update(rss)
    return {
        "title": f"1+2. One wave of {n} ConfigMaps: created, then unchanged",
        "steps": sums,
        "figures": {k: round(v, 3) for k, v in figs.items()},
        "targets": [
            target("1. create: capstan / plain client", figs["capstan_create_over_plain"], 2.2),
            target("1. create: capstan / kubectl apply --server-side", figs["capstan_create_over_kubectl_ssa"], 0.45),
            target("2. unchanged: capstan / faster kubectl apply", figs["capstan_unchanged_over_faster_kubectl"], 0.15),
            target("2. unchanged, ApplyOutOfSyncOnly: ConfigMap writes", figs["oos_configmap_writes_max"], 0,
                   unit="writes"),
        ],
        "notes": [
            f"plain client: {ctx.args.concurrency} threads, one kept-alive HTTPS connection each; its CPU time / "
            f"wall time at most {figs['plain_client_cpu_per_wall_max']:.2f} (1.0 would mean the client is the limit)",
            "requests per object to configmaps (last round): " +
            "; ".join(f"{step}: {', '.join(f'{k} {v}' for k, v in sorted(p.items()))}" for step, p in per_obj.items()),
            "kubectl-csa is `kubectl apply` (client-side) into its own namespace; unchanged runs re-apply the same files",
        ],
    }


def _group(diff):
    out = {}
    for (verb, res, sub, dry, _code), c in diff.items():
        k = (verb, res, sub, dry, "")
        out[k] = out.get(k, 0) + c
    return out


# ------------------------------------------------------------------------------------------------
# Scenario 3: waves


class WaveWatch:
    """The bench's own watches on ConfigMaps and Deployments of one namespace: per object the first
    ADDED and the first moment it was seen Healthy (ConfigMap: on ADDED; Deployment: as Argo CD's
    check — observedGeneration caught up, updated and available replicas equal spec.replicas)."""

    def __init__(self, cluster, ns):
        self.server, ca, token = benchlib.kubeconfig_fields(cluster.kubeconfig)
        self.ctx = ssl.create_default_context(cadata=ca)
        self.token, self.ns = token, ns
        self.added, self.healthy, self.wave = {}, {}, {}
        self.lock = threading.Lock()
        self.conns, self.threads = [], []
        self.stopping = False
        self.errors = []

    def start(self, api):
        for path in (f"/api/v1/namespaces/{self.ns}/configmaps", f"/apis/apps/v1/namespaces/{self.ns}/deployments"):
            rv = api.get_json(path)["metadata"]["resourceVersion"]
            t = threading.Thread(target=self.watch, args=(path, rv), daemon=True)
            t.start()
            self.threads.append(t)

    def watch(self, path, rv):
        u = urllib.parse.urlsplit(self.server)
        conn = http.client.HTTPSConnection(u.hostname, u.port, context=self.ctx)
        self.conns.append(conn)
        try:
            conn.request("GET", f"{path}?watch=1&resourceVersion={rv}",
                         headers={"Authorization": "Bearer " + self.token})
            resp = conn.getresponse()
            while not self.stopping:
                line = resp.readline()
                if not line:
                    break
                t = time.monotonic()
                ev = json.loads(line)
                obj = ev.get("object", {})
                meta = obj.get("metadata", {})
                name = obj.get("kind", "") + "/" + meta.get("name", "")
                wave = (meta.get("labels") or {}).get("bench-wave")
                if wave is None or ev.get("type") not in ("ADDED", "MODIFIED"):
                    continue
                with self.lock:
                    self.wave[name] = int(wave)
                    self.added.setdefault(name, t)
                    if name not in self.healthy and self.is_healthy(obj):
                        self.healthy[name] = t
        except (OSError, http.client.HTTPException, ValueError) as e:
            if not self.stopping:
                self.errors.append(f"{path}: {e}")

    @staticmethod
    def is_healthy(obj):
        if obj.get("kind") != "Deployment":
            return True
        spec, st = obj.get("spec", {}), obj.get("status", {})
        want = spec.get("replicas", 1)
        return (st.get("observedGeneration", 0) >= obj["metadata"].get("generation", 0) and
                st.get("updatedReplicas", 0) == want and st.get("availableReplicas", 0) == want)

    def stop(self):
        self.stopping = True
        for c in self.conns:
            try:
                c.sock.shutdown(socket.SHUT_RDWR)
            except (OSError, AttributeError):
                pass
        for t in self.threads:
            t.join(timeout=5)

    def gaps(self, waves):
        """[(wave N, last Healthy of N, first ADDED of N+1, gap seconds)] for N = 1 .. waves-1."""
        out = []
        for w in range(1, waves):
            healthy = [t for k, t in self.healthy.items() if self.wave[k] == w]
            nxt = [t for k, t in self.added.items() if self.wave[k] == w + 1]
            out.append((w, max(healthy), min(nxt), min(nxt) - max(healthy)))
        return out


def waves(ctx, cluster, n_waves, per_wave):
    s = Steps(ctx, "s3")
    api = cluster.api
    deployments = max(1, per_wave // 5)
    repo = ctx.dir("s3", "repo")
    d = os.path.join(repo, "waves")
    os.makedirs(d)
    for w in range(1, n_waves + 1):
        ann = {"argocd.argoproj.io/sync-wave": str(w)}
        for i in range(per_wave):
            name = f"w{w:02d}-{i:03d}"
            if i < deployments:
                text = benchlib.deployment_yaml(name, annotations=ann)
            else:
                text = benchlib.configmap_yaml(name, annotations=ann)
            text = text.replace("  labels:\n", f"  labels:\n    bench-wave: \"{w}\"\n", 1)
            with open(os.path.join(d, name + ".yaml"), "w") as f:
                f.write(text)
    benchlib.git_commit_all(repo, f"{n_waves} waves of {per_wave}")
    cache = ctx.dir("s3", "capstan-cache")
    api.create_namespace(APP_NS)
    all_gaps = []
    for r in range(1, ctx.rounds + 1):
        ns = f"waves-{r}"
        api.create_namespace(ns)
        app = write_app(ctx, "s3", f"waves-{r}", repo, "waves", ns)
        watch = WaveWatch(cluster, ns)
        watch.start(api)
        try:
            res = s.timed("capstan-sync", str(r),
                          capstan_cmd(ctx, cluster, "sync", "-f", app, "--cache-dir", cache, "-o", "json",
                                      "--timeout", "900"))
            check_operation(res, n_waves * per_wave, f"waves round {r}")
            time.sleep(0.5)  # the last events
        finally:
            watch.stop()
        if watch.errors:
            raise BenchError("wave watch: " + "; ".join(watch.errors))
        if len(watch.healthy) != n_waves * per_wave:
            raise BenchError(f"wave watch saw {len(watch.healthy)} objects Healthy, expected {n_waves * per_wave}")
        g = watch.gaps(n_waves)
        all_gaps.extend(x[3] for x in g)
        log(f"s3 round {r}: gaps (ms) " + " ".join(f"{x[3] * 1000:.0f}" for x in g))
        s.add("wave-gap", statistics.median(x[3] for x in g))
    gs = summary(all_gaps)
    return {
        "title": f"3. {n_waves} waves of {per_wave} resources ({deployments} Deployments + "
                 f"{per_wave - deployments} ConfigMaps each, node agent making Deployments Ready)",
        "steps": s.summaries(),
        "figures": {"gap_median_ms": round(gs["median"] * 1000, 1), "gap_max_ms": round(gs["max"] * 1000, 1),
                    "gaps_ms": [round(x * 1000, 1) for x in all_gaps]},
        "targets": [target("3. wave gap (median)", gs["median"] * 1000, 50, unit="ms"),
                    target("3. wave gap (max)", gs["max"] * 1000, 50, unit="ms")],
        "notes": ["gap = first ADDED of a wave N+1 object − the moment the last wave N object was first seen "
                  "Healthy, both by the bench's own watch (wave-gap step: median gap per round); every gap "
                  "in order: " + ", ".join(f"{x * 1000:.0f}" for x in all_gaps) + " ms"],
    }


# ------------------------------------------------------------------------------------------------
# Scenario 4: plan and diff of N manifests against a warm live state


def plan_diff(ctx, cluster, n):
    s = Steps(ctx, "s4")
    api = cluster.api
    repo = ctx.dir("s4", "repo")
    write_configmaps(os.path.join(repo, "big"), n)
    benchlib.git_commit_all(repo, f"{n} ConfigMaps")
    cache = ctx.dir("s4", "capstan-cache")
    ns = "big"
    api.create_namespace(APP_NS)
    api.create_namespace(ns)
    app = write_app(ctx, "s4", "big", repo, "big", ns)
    # The live state: exactly what capstan renders (tracking annotation included), applied by the
    # plain client under capstan's field manager — as a sync would leave it, without an Application
    # status of N results (etcd's 1.5 MiB object limit is near 5,000 results).
    objects = ctx.path("s4", "objects.json")
    with open(objects, "w") as f:
        subprocess.run([ctx.capstan, "app", "manifests", "-f", app, "--cache-dir", cache, "-o", "json"],
                       stdout=f, check=True)
    t0 = time.monotonic()
    run([os.path.join(BENCH, "plain-apply"), "--kubeconfig", cluster.kubeconfig, "-n", ns, "--objects-json", objects,
         "--field-manager", "capstan", "--concurrency", str(ctx.args.concurrency)])
    log(f"s4: {n} live ConfigMaps written in {time.monotonic() - t0:.1f} s (setup, not timed)")
    plan = capstan_cmd(ctx, cluster, "app", "plan", "-f", app, "--cache-dir", cache, "-o", "json")
    diff = capstan_cmd(ctx, cluster, "app", "diff", "-f", app, "--cache-dir", cache)
    listing = [ctx.kubectl, "--kubeconfig", cluster.kubeconfig, "get", "configmaps", "-n", ns, "-o", "json"]
    run(plan)  # warm-up: the repository cache and the API server's watch cache
    for r in range(1, ctx.rounds + 1):
        res = s.timed("capstan-app-plan", str(r), plan)
        rows = json.load(open(res["out"]))
        actions = {}
        for row in rows:
            actions[row["action"]] = actions.get(row["action"], 0) + 1
        if len(rows) != n or actions.get("unchanged", 0) != n:
            raise BenchError(f"app plan: {len(rows)} rows {actions}, expected {n} unchanged")
        res = s.timed("capstan-app-diff", str(r), diff)
        if res["rc"] != 0:
            raise BenchError(f"app diff exited {res['rc']} (1: a difference): {benchlib.tail(res['out'], 5)}")
        s.timed("kubectl-get-o-json", str(r), listing)
    sums = s.summaries()
    return {
        "title": f"4. Plan and diff of {n} manifests against the live state, no writes",
        "steps": sums,
        "figures": {"plan_over_kubectl_get": round(s.median("capstan-app-plan") / s.median("kubectl-get-o-json"), 2),
                    "diff_over_kubectl_get": round(s.median("capstan-app-diff") / s.median("kubectl-get-o-json"), 2)},
        "targets": [
            target("4. app plan wall time", s.median("capstan-app-plan"), 1.0, unit="s"),
            target("4. app plan peak RSS", sums["capstan-app-plan"]["peak_rss_mib"], 300, unit="MiB"),
            target("4. app diff wall time", s.median("capstan-app-diff"), 1.0, unit="s"),
            target("4. app diff peak RSS", sums["capstan-app-diff"]["peak_rss_mib"], 300, unit="MiB"),
        ],
        "notes": ["measured: `capstan app plan -f app.yaml -o json` and `capstan app diff -f app.yaml` — the CLI "
                  "renders from its warm repository cache and lists the live objects itself (the API server's "
                  "watch cache is warm: one untimed plan first); a controller's cache is not reachable from the "
                  "CLI. Peer: `kubectl get configmaps -o json` of the same namespace, the cost of the listing alone",
                  "live state: the rendered objects server-side applied by the plain client with field manager "
                  "capstan (a sync of one Application of 10,000 results would exceed etcd's object size)"],
    }


# ------------------------------------------------------------------------------------------------
# Scenario 5: the controller with N Applications of K resources (bench/controller-apps)


def controller_apps(ctx, n, resources):
    out, err = ctx.path("s5", "controller-apps.out"), ctx.path("s5", "controller-apps.err")
    r = run_timed([os.path.join(BENCH, "controller-apps"), "-n", str(n), "--resources", str(resources),
                   "--capstan", ctx.capstan, "--kubectl", ctx.kubectl, "--timeout", str(ctx.args.s5_timeout)],
                  out, err)
    if r["rc"] != 0:
        raise BenchError(f"controller-apps exited {r['rc']}: {benchlib.tail(err, 3)}")
    res = json.loads(open(out).read().strip().splitlines()[-1])
    steps = {k[:-2].replace("_", "-"): {**summary([res[k]]), "peak_rss_mib": 0, "cpu_median_s": 0}
             for k in ("kubectl_apply_s", "full_refresh_s", "auto_sync_s", "refresh_all_s")}
    steps["full-refresh"]["peak_rss_mib"] = steps["auto-sync"]["peak_rss_mib"] = res["controller_peak_rss_mib"]
    steps["refresh-all"]["peak_rss_mib"] = res["restart_peak_rss_mib"]
    return {
        "title": f"5. The controller with {n} Applications of {resources} resources each",
        "steps": steps,
        "figures": {k: v for k, v in res.items() if not isinstance(v, str)} |
                   {"auto_sync_over_kubectl_apply": round(res["auto_sync_s"] / max(res["kubectl_apply_s"], 0.01), 2)},
        "targets": [target("5. full refresh, no drift", res["full_refresh_s"], 30, unit="s"),
                    target("5. refresh of all after a restart", res["refresh_all_s"], 30, unit="s"),
                    target("5. controller peak RSS", max(res["controller_peak_rss_mib"],
                                                         res["restart_peak_rss_mib"]), 300, unit="MiB")],
        "notes": ["one run of each phase (each takes minutes at full size); kubectl-apply is "
                  "`kubectl apply --server-side -R` of the same objects, the reference for auto-sync",
                  res.get("cache_at_restart", "")],
    }


# ------------------------------------------------------------------------------------------------
# Scenario 6: fetch + render of a repository of N files, cold and warm


def git_render(ctx, n_files):
    s = Steps(ctx, "s6")
    repo = ctx.dir("s6", "repo")
    for i in range(n_files):
        d = os.path.join(repo, "render", f"team-{i % 10}")
        os.makedirs(d, exist_ok=True)
        name = f"obj-{i:04d}"
        text = benchlib.deployment_yaml(name) if i % 5 == 0 else benchlib.configmap_yaml(name, keys=6)
        with open(os.path.join(d, name + ".yaml"), "w") as f:
            f.write(text)
    benchlib.git_commit_all(repo, f"{n_files} files")
    app = ctx.path("s6", "app.yaml")
    with open(app, "w") as f:
        f.write(benchlib.application_yaml("render", APP_NS, repo, "render", "render").replace(
            "    path: render\n", "    path: render\n    directory:\n      recurse: true\n"))
    warm = ctx.dir("s6", "warm-cache")
    for r in range(1, ctx.rounds + 1):
        cold = ctx.dir("s6", f"cold-cache-{r}")
        res = s.timed("capstan-manifests-cold", str(r),
                      [ctx.capstan, "app", "manifests", "-f", app, "--cache-dir", cold, "-o", "json"])
        got = len(json.load(open(res["out"])))
        if got != n_files:
            raise BenchError(f"app manifests rendered {got} objects, expected {n_files}")
        shutil.rmtree(cold, ignore_errors=True)
        if r == 1:
            run([ctx.capstan, "app", "manifests", "-f", app, "--cache-dir", warm, "-o", "json"])
        s.timed("capstan-manifests-warm", str(r),
                [ctx.capstan, "app", "manifests", "-f", app, "--cache-dir", warm, "-o", "json"])
        clone = ctx.dir("s6", f"clone-{r}")
        s.timed("git-clone", str(r), ["git", "clone", "-q", "--no-local", repo, clone])
        shutil.rmtree(clone, ignore_errors=True)
    sums = s.summaries()
    return {
        "title": f"6. Git and render: {n_files}-file repository, cold and warm",
        "steps": sums,
        "figures": {"cold_over_git_clone": round(s.median("capstan-manifests-cold") / s.median("git-clone"), 2),
                    "warm_over_cold": round(s.median("capstan-manifests-warm") / s.median("capstan-manifests-cold"), 2)},
        "targets": [],
        "notes": ["`capstan app manifests -f app.yaml -o json` (fetch + render, no cluster): cold with an empty "
                  "--cache-dir (a clone), warm with the cache of an earlier run; peer: `git clone --no-local` of "
                  "the same repository (the fetch alone). No target in the issue."],
    }


# ------------------------------------------------------------------------------------------------
# Micro-benchmarks (scenario 4's second half)


def micro(ctx, tiny):
    binary = ctx.args.micro
    if not binary or not os.access(binary, os.X_OK):
        raise BenchError(f"no micro-benchmark binary at {binary} (ninja capstan_micro_bench)")
    out = ctx.path("micro", "micro.json")
    cmd = [binary, "--benchmark_format=json", f"--benchmark_out={out}", "--benchmark_out_format=json"]
    if tiny:
        cmd += ["--benchmark_min_time=0.01"]
    else:
        cmd += ["--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true"]
    run(cmd)
    rows = []
    for b in json.load(open(out))["benchmarks"]:
        if b.get("error_occurred"):
            raise BenchError(f"micro-benchmark {b['name']}: {b.get('error_message')}")
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        rows.append({"name": b.get("run_name", b["name"]), "real_time": round(b["real_time"], 3),
                     "cpu_time": round(b["cpu_time"], 3), "unit": b["time_unit"],
                     "items_per_second": round(b.get("items_per_second", 0)), "label": b.get("label", "")})
    return {"title": "4b. Micro-benchmarks (Google Benchmark, bench/micro)", "micro": rows,
            "steps": {}, "figures": {}, "targets": [], "notes": []}
