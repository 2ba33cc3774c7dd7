"""Lint, render and validate the Helm chart (deploy/helm/lingkar) without a cluster and without a helm binary.

    scripts/ensure-helm-tools.sh                         # prints the python of the tools' own virtualenv
    .venv-helm/bin/python scripts/helm_check.py [--kube-version 1.30] [--out reports/helm]

(`make helm-check` does both.) For the default values and every file in the chart's ``ci/`` folder it:

1. lints the chart with those values the way ``helm lint --strict`` does, values.schema.json included (Helm v4's
   own Go SDK, through the ``helm-python-sdk`` package: the same code as the helm binary, loaded as a library);
2. renders it the way ``helm template`` does (release ``lingkar``, namespace ``lingkar``, hooks included);
3. parses every manifest (a duplicated key is an error: the API server would silently keep only one of them) and
   validates it against the Kubernetes OpenAPI schemas of each ``--kube-versions`` (default: 1.25, the oldest the
   chart supports, 1.30 and 1.37) in strict mode (unknown fields are errors), with the schemas the
   ``kubernetes-validate`` package ships;
4. checks the project's own rules (:func:`policy_problems`): Rasa and the action server are never published (no
   Ingress backend, no LoadBalancer/NodePort Service, NetworkPolicies that admit only the adapter to Rasa and only
   Rasa to the action server), every container has CPU and memory requests and limits and runs as non-root without
   privilege escalation, and no secret is a plain value (every secret variable comes from a ``secretKeyRef``; the
   chart renders no Secret).

The rendered manifests go to ``<out>/<values>.yaml`` and a summary to ``<out>/summary.json``. Exit 0 when everything
passed, 1 otherwise (each problem printed). tests/infra/test_helm_chart.py runs this and asserts on the output.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "lingkar"
RELEASE, NAMESPACE = "lingkar", "lingkar"

#: Environment variables that hold secrets: they must come from the external Secret, never be values.
SECRET_VARS = {"REDIS_URL", "DATABASE_URL", "RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "TELEGRAM_BOT_TOKEN",
               "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_CALLBACK_SECRET", "DASHBOARD_SECRET", "BOT_HEALTH_TOKEN",
               "LINGKAR_METRICS_SALT", "WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"}
INTERNAL = ("rasa", "actions")   # components that must never be reachable from outside the cluster


class UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicated mapping keys (PyYAML keeps the last one silently)."""


def _unique_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Dict[Any, Any]:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicated key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def parse_manifests(rendered: Dict[str, str]) -> List[Dict[str, Any]]:
    """Every object of a render (``{template path: text}``), in template order; NOTES.txt is skipped."""
    objects = []
    for path in sorted(rendered):
        if not path.endswith((".yaml", ".yml")):
            continue
        for doc in yaml.load_all(rendered[path], Loader=UniqueKeyLoader):
            if doc:
                doc.setdefault("metadata", {}).setdefault("annotations", {})
                objects.append(doc)
    return objects


def component(obj: Dict[str, Any]) -> str | None:
    return (obj.get("metadata", {}).get("labels") or {}).get("app.kubernetes.io/component")


def pod_spec(obj: Dict[str, Any]) -> Dict[str, Any] | None:
    if obj.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return obj["spec"]["template"]["spec"]
    return None


def policy_problems(objects: Iterable[Dict[str, Any]]) -> List[str]:
    """The project's rules for the rendered chart (see the module docstring). Returns the broken ones."""
    objects = list(objects)
    problems: List[str] = []
    services = {o["metadata"]["name"]: o for o in objects if o.get("kind") == "Service"}
    internal_services = {n for n, s in services.items() if component(s) in INTERNAL}
    for o in objects:
        kind, name = o.get("kind"), o["metadata"].get("name")
        if kind == "Secret":
            problems.append(f"Secret/{name}: the chart must not render secrets (they come from existingSecret)")
        if kind == "Service" and component(o) in INTERNAL and o["spec"].get("type", "ClusterIP") != "ClusterIP":
            problems.append(f"Service/{name}: {component(o)} must be ClusterIP, not {o['spec']['type']}")
        if kind == "Service" and o["spec"].get("type") in ("LoadBalancer", "NodePort") and component(o) not in (
                "adapter", "dashboard"):
            problems.append(f"Service/{name}: only the adapter and the dashboard may be published")
        if kind == "Ingress":
            for rule in o["spec"].get("rules", []):
                for p in rule.get("http", {}).get("paths", []):
                    backend = p["backend"]["service"]["name"]
                    if backend in internal_services or component(services.get(backend, {})) in INTERNAL:
                        problems.append(f"Ingress/{name}: publishes {backend} (Rasa/the action server are internal)")
            backend = (o["spec"].get("defaultBackend") or {}).get("service", {}).get("name")
            if backend and backend in internal_services:
                problems.append(f"Ingress/{name}: default backend {backend} is internal")
        spec = pod_spec(o)
        if spec is None:
            continue
        psc = spec.get("securityContext") or {}
        if not psc.get("runAsNonRoot"):
            problems.append(f"{kind}/{name}: pod securityContext.runAsNonRoot is not true")
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            where = f"{kind}/{name}/{c['name']}"
            res = c.get("resources") or {}
            for part in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if not (res.get(part) or {}).get(r):
                        problems.append(f"{where}: no {part}.{r}")
            csc = c.get("securityContext") or {}
            if csc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if csc.get("privileged"):
                problems.append(f"{where}: privileged")
            for env in c.get("env") or []:
                if env["name"] in SECRET_VARS and "secretKeyRef" not in (env.get("valueFrom") or {}):
                    problems.append(f"{where}: {env['name']} is not read from a Secret")
            if c.get("envFrom"):
                problems.append(f"{where}: envFrom (every variable is listed explicitly)")
    problems += _network_problems(objects)
    return problems


def _network_problems(objects: List[Dict[str, Any]]) -> List[str]:
    """When NetworkPolicies are rendered: Rasa admits only the adapter, the action server only Rasa."""
    policies = [o for o in objects if o.get("kind") == "NetworkPolicy"]
    if not policies:
        return []
    problems = []
    allowed = {"rasa": "adapter", "actions": "rasa"}
    for target, source in allowed.items():
        mine = [p for p in policies
                if (p["spec"]["podSelector"].get("matchLabels") or {}).get("app.kubernetes.io/component") == target]
        if not mine:
            problems.append(f"no NetworkPolicy selects the {target} pods")
            continue
        for p in mine:
            for rule in p["spec"].get("ingress") or [{}]:
                peers = rule.get("from")
                if not peers:
                    problems.append(f"NetworkPolicy/{p['metadata']['name']}: {target} admits everyone")
                for peer in peers or []:
                    labels = (peer.get("podSelector") or {}).get("matchLabels") or {}
                    if set(peer) != {"podSelector"} or labels.get("app.kubernetes.io/component") != source:
                        problems.append(f"NetworkPolicy/{p['metadata']['name']}: {target} admits {peer}, "
                                        f"not only the {source} pods")
    return problems


def values_sets() -> Dict[str, Dict[str, Any]]:
    """The default values, and each file of the chart's ci/ folder (merged over the defaults by Helm)."""
    sets: Dict[str, Dict[str, Any]] = {"default": {}}
    for f in sorted((CHART / "ci").glob("*-values.yaml")):
        sets[f.name[: -len("-values.yaml")]] = yaml.safe_load(f.read_text()) or {}
    return sets


def check(kube_versions: List[str], out: Path) -> Dict[str, Any]:
    import helm_python as helm
    import kubernetes_validate
    from kubernetes_validate.utils import ValidationError as KVValidationError

    out.mkdir(parents=True, exist_ok=True)
    summary: Dict[str, Any] = {"helm_sdk": helm.helm_sdk_version(), "kube_versions": kube_versions, "sets": {}}
    failed = False
    for name, values in values_sets().items():
        entry: Dict[str, Any] = {"lint": [], "schema_errors": [], "policy_problems": [], "objects": []}
        lint = helm.lint(str(CHART), values, strict=True, namespace=NAMESPACE,
                         kube_version=f"v{kube_versions[0]}.0")
        # severity 1 is "info" (e.g. "icon is recommended"); warnings and errors fail, as with --strict
        entry["lint"] = [m for m in lint["messages"] if m["severity"] >= 2] + [
            {"severity": 3, "path": "", "error": e} for e in lint.get("errors") or []]
        with helm.Chart.load(str(CHART)) as chart:
            rendered = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
        (out / f"{name}.yaml").write_text("".join(
            f"---\n# Source: {path}\n{text.strip()}\n" for path, text in sorted(rendered.items())
            if path.endswith(".yaml") and text.strip()))
        objects = parse_manifests(rendered)
        for o in objects:
            ident = f"{o.get('kind')}/{o['metadata'].get('name')}"
            entry["objects"].append(ident)
            for version in kube_versions:
                try:
                    kubernetes_validate.validate(o, version, strict=True)
                except KVValidationError as exc:
                    entry["schema_errors"].append(f"{ident} (Kubernetes {version}): {exc.caught.message} at "
                                                  f"{'/'.join(str(p) for p in exc.caught.path)}")
                except Exception as exc:  # unknown kind/apiVersion for this Kubernetes version, ...
                    entry["schema_errors"].append(f"{ident} (Kubernetes {version}): {getattr(exc, 'message', exc)}")
        entry["policy_problems"] = policy_problems(objects)
        bad = entry["lint"] or entry["schema_errors"] or entry["policy_problems"]
        failed = failed or bool(bad)
        print(f">> helm-check {name}: {len(objects)} objects, lint {len(entry['lint'])}, "
              f"schema errors {len(entry['schema_errors'])}, policy problems {len(entry['policy_problems'])}")
        for line in [f"lint: {m['path']}: {m['error']}" for m in entry["lint"]] + entry["schema_errors"] + \
                entry["policy_problems"]:
            print(f"   {line}")
        summary["sets"][name] = entry
    summary["ok"] = not failed
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kube-versions", default="1.25,1.30,1.37",
                    help="Kubernetes versions whose schemas to validate against (comma-separated; the first is "
                         "also the version the lint assumes)")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "helm")
    args = ap.parse_args(argv)
    summary = check([v.strip() for v in args.kube_versions.split(",") if v.strip()], args.out)
    print(">> helm-check: " + ("all passed" if summary["ok"] else "FAILED") + f" (reports in {args.out})")
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
