"""Shared helpers of the benchmarks in bench/: running and timing processes, the local cluster, the
API server reached directly (token from the admin kubeconfig, never on a command line), request
counts from its /metrics, Git repositories of generated manifests, and statistics.

Used by bench/run, bench/plain-apply and bench/sync-configmaps. Debian's python3, standard library only.
Thread safety: Api may be shared by threads (each request opens its own connection); the rest is
meant for one thread.
"""

import base64
import json
import os
import re
import signal
import ssl
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL_CLUSTER = os.path.join(REPO, "scripts", "local-cluster")


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A scenario could not run (a command failed, a check did not hold)."""


def die(msg):
    log("error: " + msg)
    sys.exit(1)


# ------------------------------------------------------------------------------------------------
# Running commands


def run(cmd, check=True, quiet=True, **kw):
    """Runs cmd; returns CompletedProcess (stdout/stderr captured as text). Raises BenchError when
    check and the exit code is not 0 (the tail of its output is printed first)."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
        raise BenchError(f"command failed ({p.returncode}): {' '.join(cmd)}")
    if not quiet:
        sys.stderr.write(p.stderr)
    return p


current_child = None  # the Popen being waited for by run_timed, so a signal handler can stop it


def run_timed(cmd, out_path, err_path, env=None):
    """Runs cmd with stdout/stderr to files. Returns a dict: wall (seconds, monotonic clock around the
    process), rss_kib (ru_maxrss: the largest of the process and its waited-for descendants), cpu
    (user+system seconds), rc (exit code; -N for signal N).

    The process is started by /usr/bin/time, which reports its child's ru_maxrss: Linux keeps a
    process's RSS high-water mark across exec, so a child forked straight from this python would
    report at least python's own RSS (~20 MiB) as its peak."""
    global current_child
    rss_file = out_path + ".maxrss"
    wrapped = ["/usr/bin/time", "-f", "%M", "-o", rss_file, *cmd] if os.access("/usr/bin/time", os.X_OK) else cmd
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.monotonic()
        # A session of its own, so stop_current_child can stop the whole tree (a script and its
        # controller, a cluster it started) and a terminal's Ctrl-C reaches only this process.
        current_child = subprocess.Popen(wrapped, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                         start_new_session=True)
        _, status, usage = os.wait4(current_child.pid, 0)
        wall = time.monotonic() - t0
        current_child.returncode = os.waitstatus_to_exitcode(status)
        current_child = None
    rss = usage.ru_maxrss
    if wrapped is not cmd:
        try:
            rss = int(open(rss_file).read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return {"wall": wall, "rss_kib": rss, "cpu": usage.ru_utime + usage.ru_stime,
            "rc": os.waitstatus_to_exitcode(status)}


def stop_current_child():
    """TERM to the process group of the run_timed child (its own session), KILL after 30 s: a script
    that runs a cluster gets the time to take it down."""
    child = current_child
    if child is None or child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    except ProcessLookupError:
        pass


def tail(path, lines=1):
    try:
        text = open(path, errors="replace").read().strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


# ------------------------------------------------------------------------------------------------
# The local cluster


class Cluster:
    """A local cluster of its own (scripts/local-cluster --name NAME): a fresh etcd on `up`, `down`
    on exit from the with-block, also on errors and signals turned into SystemExit."""

    def __init__(self, name, with_node=False, capstan=None, keep=False):
        self.name, self.with_node, self.capstan, self.keep = name, with_node, capstan, keep
        self.up_ = False

    def cmd(self, *args):
        return run([LOCAL_CLUSTER, "--name", self.name, *args])

    def __enter__(self):
        t0 = time.monotonic()
        self.up_ = True
        self.cmd("down")  # nothing left from an earlier run
        self.cmd(*(["up"] if self.with_node else ["--no-node", "up"]))
        self.kubeconfig = self.cmd("env").stdout.strip().splitlines()[-1]
        self.env = dict(os.environ, KUBECONFIG=self.kubeconfig)
        self.api = Api(self.kubeconfig)
        log(f"cluster '{self.name}' up in {time.monotonic() - t0:.1f} s "
            f"({'with' if self.with_node else 'no'} node agent)")
        if self.capstan:
            run([self.capstan, "--kubeconfig", self.kubeconfig, "install"])
        return self

    def __exit__(self, *exc):
        if self.up_ and not self.keep:
            self.up_ = False
            p = run([LOCAL_CLUSTER, "--name", self.name, "down"], check=False)
            log(f"cluster '{self.name}' down" if p.returncode == 0 else f"cluster down failed: {p.stderr.strip()}")
        return False


# ------------------------------------------------------------------------------------------------
# The API server, reached with the admin kubeconfig's token


def kubeconfig_fields(kubeconfig):
    """(server, CA PEM text, bearer token) of a local-cluster admin kubeconfig."""
    text = open(kubeconfig).read()

    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r":\s*(\S+)\s*$", text, re.M)
        return m.group(1) if m else None

    server, ca, token = field("server"), field("certificate-authority-data"), field("token")
    if not (server and ca and token):
        raise BenchError(f"{kubeconfig}: expected server, certificate-authority-data and token")
    return server, base64.b64decode(ca).decode(), token


class Api:
    def __init__(self, kubeconfig):
        self.server, ca, token = kubeconfig_fields(kubeconfig)
        self.ctx = ssl.create_default_context(cadata=ca)
        self.headers = {"Authorization": "Bearer " + token}

    def request(self, method, path, body=None, ok_missing=False, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.server + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=60) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            if ok_missing and e.code == 404:
                return None
            raise

    def get_json(self, path, ok_missing=False):
        raw = self.request("GET", path, ok_missing=ok_missing)
        return None if raw is None else json.loads(raw)

    def create_namespace(self, ns):
        """Creates ns (if missing) and waits for the controller-manager's kube-root-ca.crt in it, so
        that write does not land in a measured window."""
        try:
            self.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                        "metadata": {"name": ns}})
        except urllib.error.HTTPError as e:
            if e.code != 409:
                raise
        deadline = time.monotonic() + 30
        while self.get_json(f"/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt", ok_missing=True) is None:
            if time.monotonic() > deadline:
                raise BenchError(f"namespace {ns}: no kube-root-ca.crt after 30 s")
            time.sleep(0.1)

    def count_configmaps(self, ns, prefix):
        items = self.get_json(f"/api/v1/namespaces/{ns}/configmaps")["items"]
        return sum(1 for i in items if i["metadata"]["name"].startswith(prefix))

    def request_counts(self):
        """apiserver_request_total as {(verb, resource, subresource, dry_run, code): count}."""
        text = self.request("GET", "/metrics").decode()
        counts = {}
        for line in text.splitlines():
            if not line.startswith("apiserver_request_total{"):
                continue
            labels_text, _, value = line[len("apiserver_request_total{"):].rpartition("} ")
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels_text))
            resource = labels.get("resource", "")
            if labels.get("group"):
                resource += "." + labels["group"]
            key = (labels.get("verb", ""), resource, labels.get("subresource", ""),
                   labels.get("dry_run", ""), labels.get("code", ""))
            counts[key] = counts.get(key, 0) + float(value)
        return counts


def diff_counts(before, after):
    out = {}
    for k, v in after.items():
        d = v - before.get(k, 0)
        if d > 0:
            out[k] = int(round(d))
    return out


WRITE_VERBS = ("POST", "PUT", "PATCH", "APPLY", "DELETE")


def writes_of(diff, resource):
    """Requests that change |resource| (not dry-run) in a diff_counts result."""
    return sum(n for (verb, res, _sub, dry, _code), n in diff.items()
               if res == resource and verb in WRITE_VERBS and not dry)


# ------------------------------------------------------------------------------------------------
# Inputs


def configmap_yaml(name, keys=3, labels=None, annotations=None):
    labels = labels or {"bench": "capstan"}
    meta = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels:\n"
    meta += "".join(f"    {k}: {json.dumps(v)}\n" for k, v in labels.items())
    if annotations:
        meta += "  annotations:\n" + "".join(f"    {k}: {json.dumps(v)}\n" for k, v in annotations.items())
    data = "".join(f'  key-{k}: "value {k} of {name}, some text to make it a few bytes long"\n'
                   for k in range(1, keys + 1))
    return meta + "data:\n" + data


def deployment_yaml(name, replicas=1, annotations=None):
    ann = ""
    if annotations:
        ann = "  annotations:\n" + "".join(f"    {k}: {json.dumps(v)}\n" for k, v in annotations.items())
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    bench: capstan\n{ann}"
            f"spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n"
            f"  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n"
            f"      - name: main\n        image: registry.local/bench:1\n        ports:\n        - containerPort: 8080\n          protocol: TCP\n")


def git_commit_all(repo, message):
    """git init (if needed), add everything, commit. Returns the commit id."""
    if not os.path.isdir(os.path.join(repo, ".git")):
        run(["git", "init", "-q", "-b", "main", repo])
    git = ["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    run(git + ["add", "-A"])
    run(git + ["commit", "-q", "--allow-empty", "-m", message])
    return run(git + ["rev-parse", "HEAD"]).stdout.strip()


def application_yaml(name, namespace, repo, path, dest_namespace, sync_options=None, automated=False):
    policy = ""
    if sync_options or automated:
        policy = "  syncPolicy:\n"
        if automated:
            policy += "    automated: {prune: true}\n"
        if sync_options:
            policy += "    syncOptions:\n" + "".join(f"    - {o}\n" for o in sync_options)
    return (f"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n"
            f"  namespace: {namespace}\nspec:\n  project: default\n  source:\n    repoURL: {repo}\n"
            f"    path: {path}\n    targetRevision: HEAD\n  destination:\n"
            f"    server: https://kubernetes.default.svc\n    namespace: {dest_namespace}\n{policy}")


# ------------------------------------------------------------------------------------------------
# Statistics


def summary(values):
    """{median, min, max, spread (max-min, as a fraction of the median), n, runs} of a list of seconds."""
    med = statistics.median(values)
    return {"median": round(med, 4), "min": round(min(values), 4), "max": round(max(values), 4),
            "spread": round((max(values) - min(values)) / med, 3) if med > 0 else 0.0,
            "n": len(values), "runs": [round(v, 4) for v in values]}
