"""The Helm chart (deploy/helm/lingkar) lints, renders and validates against the Kubernetes schema, and what it
renders keeps the project's rules: Rasa and the action server are never published, every container has requests
and limits and runs unprivileged, secrets come only from the external Secret, and each process gets the settings
docker-compose.yml gives it.

No helm binary and no cluster here: scripts/ensure-helm-tools.sh installs Helm's Go SDK (PyPI helm-python-sdk) and
the Kubernetes JSON schemas (kubernetes-validate) into their own virtualenv, and scripts/helm_check.py (what
`make helm-check` runs) lints, renders and validates. When the tools cannot be installed the test FAILS (the chart
would go unchecked), it is not skipped.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
from typing import Any, Dict, List

import pytest
import yaml

from .conftest import ROOT

# scripts/helm_check.py (its policy check runs here too, on altered objects); loaded by path, so that scripts/ is
# not put on sys.path for the rest of the session
_spec = importlib.util.spec_from_file_location("helm_check", ROOT / "scripts" / "helm_check.py")
helm_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helm_check)

CHART = ROOT / "deploy" / "helm" / "lingkar"
COMPOSE_TO_CHART = {"rasa": "rasa", "actions": "actions", "bot": "adapter", "notifier": "notifier",
                    "dashboard": "dashboard", "outreach-worker": "outreach-worker"}


@pytest.fixture(scope="module")
def tools_python() -> str:
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "ensure-helm-tools.sh")], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail("the Helm chart check tools could not be installed (scripts/ensure-helm-tools.sh):\n"
                    + proc.stderr[-3000:])
    return str(ROOT / proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def checked(tools_python: str, tmp_path_factory) -> Dict[str, Any]:
    out = tmp_path_factory.mktemp("helm")
    proc = subprocess.run([tools_python, str(ROOT / "scripts" / "helm_check.py"), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    summary = json.loads((out / "summary.json").read_text())
    rendered = {name: [d for d in yaml.safe_load_all((out / f"{name}.yaml").read_text()) if d]
                for name in summary["sets"]}
    return {"proc": proc, "summary": summary, "rendered": rendered}


def by_kind(objects: List[Dict[str, Any]], kind: str) -> Dict[str, Dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def workloads(objects: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """component -> its Deployment/StatefulSet."""
    return {o["metadata"]["labels"]["app.kubernetes.io/component"]: o for o in objects
            if o["kind"] in ("Deployment", "StatefulSet")}


def container(obj: Dict[str, Any]) -> Dict[str, Any]:
    return obj["spec"]["template"]["spec"]["containers"][0]


def env_of(obj: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {e["name"]: e for e in container(obj).get("env", [])}


def test_chart_lints_renders_and_validates(checked):
    proc, summary = checked["proc"], checked["summary"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert summary["ok"] is True
    assert set(summary["sets"]) == {"default", "production", "fixed-replicas"}
    for name, entry in summary["sets"].items():
        assert entry["lint"] == [] and entry["schema_errors"] == [] and entry["policy_problems"] == [], name
        assert len(entry["objects"]) == len(checked["rendered"][name]) >= 10, name
    kinds = {o["kind"] for o in checked["rendered"]["default"]}
    assert kinds == {"Deployment", "StatefulSet", "Service", "Ingress", "NetworkPolicy", "HorizontalPodAutoscaler",
                     "PodDisruptionBudget", "Job"}
    assert set(workloads(checked["rendered"]["default"])) == {"rasa", "actions", "adapter", "notifier", "dashboard",
                                                                   "outreach-worker"}


def test_rasa_and_the_action_server_are_never_published(checked):
    for name, objects in checked["rendered"].items():
        services = by_kind(objects, "Service")
        for svc in services.values():
            comp = svc["metadata"]["labels"]["app.kubernetes.io/component"]
            assert svc["spec"].get("type", "ClusterIP") == "ClusterIP", (name, svc["metadata"]["name"])
            if comp in ("rasa", "actions"):
                assert [p["port"] for p in svc["spec"]["ports"]] == [5005 if comp == "rasa" else 5055]
        backends = {(rule["host"], p["path"], p["backend"]["service"]["name"])
                    for ing in by_kind(objects, "Ingress").values()
                    for rule in ing["spec"]["rules"] for p in rule["http"]["paths"]}
        assert {b for _, _, b in backends} == {"lingkar-adapter", "lingkar-dashboard"}, name
        # the bot's host publishes only the webhook paths, not /health or anything else of the adapter
        bot_paths = {p for host, p, b in backends if b == "lingkar-adapter"}
        values = yaml.safe_load((CHART / "values.yaml").read_text())
        webhook_path = "/" + values["config"]["telegramWebhookUrl"].split("/", 3)[3]
        if name == "production":
            prod = yaml.safe_load((CHART / "ci" / "production-values.yaml").read_text())
            webhook_path = "/" + prod["config"]["telegramWebhookUrl"].split("/", 3)[3]
            assert bot_paths == {webhook_path, "/webhooks/whatsapp"}
        elif name == "default":
            assert bot_paths == {webhook_path}
        for ing in by_kind(objects, "Ingress").values():
            assert {h for t in ing["spec"]["tls"] for h in t["hosts"]} == {r["host"] for r in ing["spec"]["rules"]}


def test_network_policies_admit_only_the_adapter_to_rasa_and_only_rasa_to_actions(checked):
    policies = by_kind(checked["rendered"]["default"], "NetworkPolicy")
    rasa, actions = policies["lingkar-rasa"], policies["lingkar-actions"]
    assert rasa["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "rasa"
    assert rasa["spec"]["ingress"] == [{"from": [{"podSelector": {"matchLabels": {
        "app.kubernetes.io/name": "lingkar", "app.kubernetes.io/instance": "lingkar",
        "app.kubernetes.io/component": "adapter"}}}], "ports": [{"protocol": "TCP", "port": 5005}]}]
    assert [p["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
            for p in actions["spec"]["ingress"][0]["from"]] == ["rasa"]
    assert policies["lingkar-notifier"]["spec"]["ingress"] == []
    # and the rendered policies select pods that really carry those labels
    for comp, obj in workloads(checked["rendered"]["default"]).items():
        labels = obj["spec"]["template"]["metadata"]["labels"]
        assert labels["app.kubernetes.io/component"] == comp
        assert obj["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert "NetworkPolicy" not in {o["kind"] for o in checked["rendered"]["fixed-replicas"]}


def test_every_container_has_requests_limits_and_runs_unprivileged(checked):
    for name, objects in checked["rendered"].items():
        for obj in objects:
            if obj["kind"] not in ("Deployment", "StatefulSet", "Job"):
                continue
            spec = obj["spec"]["template"]["spec"]
            assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] == 10001
            assert spec["automountServiceAccountToken"] is False
            for c in spec["containers"]:
                res = c["resources"]
                assert {"cpu", "memory"} <= set(res["requests"]) and {"cpu", "memory"} <= set(res["limits"]), \
                    (name, obj["metadata"]["name"])
                assert c["securityContext"]["allowPrivilegeEscalation"] is False
                assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
                # a read-only root: every directory the processes write is a volume
                assert c["securityContext"]["readOnlyRootFilesystem"] is True
                assert {m["mountPath"] for m in c["volumeMounts"]} >= {"/tmp", "/app/var", "/app/.rasa"}
    rasa = workloads(checked["rendered"]["default"])["rasa"]
    # Rasa's measured RSS under load was about 720 MiB (docs/scaling.md): the request must cover it
    assert container(rasa)["resources"]["requests"]["memory"] in ("1Gi", "1024Mi")


def test_secrets_come_only_from_the_external_secret(checked):
    values_text = "\n".join(p.read_text() for p in [CHART / "values.yaml", *sorted((CHART / "ci").glob("*.yaml"))])
    for name, objects in checked["rendered"].items():
        assert "Secret" not in {o["kind"] for o in objects}
        secret_name = "lingkar-sultra" if name == "production" else "lingkar-secrets"
        for obj in objects:
            if obj["kind"] not in ("Deployment", "StatefulSet", "Job"):
                continue
            for var, env in env_of(obj).items():
                if var in helm_check.SECRET_VARS:
                    ref = env["valueFrom"]["secretKeyRef"]
                    assert "value" not in env and ref == {**ref, "name": secret_name, "key": var}
                    assert f"{var}:" not in values_text   # never a value of the chart
    rasa_env = env_of(workloads(checked["rendered"]["default"])["rasa"])
    assert "optional" not in rasa_env["RASA_AUTH_TOKEN"]["valueFrom"]["secretKeyRef"]   # required: Rasa refuses without
    adapter_prod = env_of(workloads(checked["rendered"]["production"])["adapter"])
    for var in ("WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        assert adapter_prod[var]["valueFrom"]["secretKeyRef"]["optional"] is True
    assert "WHATSAPP_TOKEN" not in env_of(workloads(checked["rendered"]["default"])["adapter"])


def test_each_process_gets_the_settings_docker_compose_gives_it(checked):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    chart = workloads(checked["rendered"]["default"])
    for service, comp in COMPOSE_TO_CHART.items():
        want = set(compose[service]["environment"]) - {"LINGKAR_TODAY"}   # a test-only clock override
        # WhatsApp's settings reach the chart's pods only with config.whatsapp.enabled (the "default" rendering has
        # it off; test_secrets_come_only_from_the_external_secret checks the production rendering)
        want = {v for v in want if not v.startswith("WHATSAPP_")}
        have = set(env_of(chart[comp]))
        assert want <= have, (comp, sorted(want - have))
        # and nothing the compose service deliberately does not get (e.g. no Redis for the dashboard/notifier,
        # no bot token for the dashboard), apart from the adapter's replica settings and WhatsApp
        extra = have - want - {"TELEGRAM_CONSUMER", "TELEGRAM_SET_WEBHOOK", "TELEGRAM_CONCURRENCY",
                               "TELEGRAM_CALLBACK_SECRET"}
        assert extra == set(), (comp, sorted(extra))
    assert "REDIS_URL" not in env_of(chart["dashboard"]) and "TELEGRAM_BOT_TOKEN" not in env_of(chart["dashboard"])
    adapter = env_of(chart["adapter"])
    assert adapter["TELEGRAM_CONSUMER"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert adapter["RASA_URL"]["value"] == "http://lingkar-rasa:5005"
    assert env_of(chart["rasa"])["ACTION_ENDPOINT_URL"]["value"] == "http://lingkar-actions:5055/webhook"
    assert chart["adapter"]["kind"] == "StatefulSet"


def test_probes_autoscaling_disruption_budgets_and_migrations(checked):
    objects = checked["rendered"]["default"]
    chart = workloads(objects)
    rasa = container(chart["rasa"])
    assert rasa["readinessProbe"]["httpGet"]["path"] == "/"
    assert rasa["livenessProbe"]["exec"]["command"][:4] == ["python", "-m", "rasa_plugins.health", "--quiet"]
    # an overloaded Rasa is not restarted at once (that would only remove capacity)
    live = rasa["livenessProbe"]
    assert live["periodSeconds"] * live["failureThreshold"] >= 240 and live["timeoutSeconds"] >= 30
    assert rasa["startupProbe"]["periodSeconds"] * rasa["startupProbe"]["failureThreshold"] >= 180
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    hpas = by_kind(objects, "HorizontalPodAutoscaler")
    assert set(hpas) == {"lingkar-rasa", "lingkar-actions", "lingkar-adapter"}
    for comp in ("rasa", "actions", "adapter"):
        hpa = hpas[f"lingkar-{comp}"]
        assert hpa["spec"]["scaleTargetRef"]["name"] == chart[comp]["metadata"]["name"]
        assert hpa["spec"]["scaleTargetRef"]["kind"] == chart[comp]["kind"]
        target = hpa["spec"]["metrics"][0]["resource"]
        assert target["name"] == "cpu"
        assert target["target"]["averageUtilization"] == values[comp]["autoscaling"]["targetCPUUtilizationPercentage"]
        assert "replicas" not in chart[comp]["spec"]   # the HPA owns the count
    assert set(by_kind(objects, "PodDisruptionBudget")) == {"lingkar-rasa", "lingkar-actions", "lingkar-adapter"}
    job = by_kind(objects, "Job")["lingkar-migrate"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert container(job)["args"] == ["python", "-m", "lingkar.store", "upgrade"]
    assert "DATABASE_URL" in env_of(job) and "REDIS_URL" not in env_of(job)

    fixed = checked["rendered"]["fixed-replicas"]
    assert "HorizontalPodAutoscaler" not in {o["kind"] for o in fixed} and "Job" not in {o["kind"] for o in fixed}
    assert {c: w["spec"]["replicas"] for c, w in workloads(fixed).items()} == {
        "rasa": 2, "actions": 1, "adapter": 1, "notifier": 1, "dashboard": 1, "outreach-worker": 1}
    assert set(by_kind(fixed, "PodDisruptionBudget")) == {"lingkar-rasa"}   # none on a single replica
    prod = checked["rendered"]["production"]
    assert set(by_kind(prod, "PodDisruptionBudget")) == {f"lingkar-{c}" for c in COMPOSE_TO_CHART.values()
                                                          if c != "outreach-worker"}   # a queue worker: jobs retry


def test_the_policy_check_catches_what_it_guards_against(checked):
    objects = checked["rendered"]["default"]
    assert helm_check.policy_problems(objects) == []
    broken = copy.deepcopy(objects)
    svc = by_kind(broken, "Service")["lingkar-rasa"]
    svc["spec"]["type"] = "LoadBalancer"
    ing = by_kind(broken, "Ingress")["lingkar"]
    ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] = "lingkar-actions"
    actions = workloads(broken)["actions"]
    env_of(actions)  # (sanity: the container has env)
    for e in container(actions)["env"]:
        if e["name"] == "ACTION_SERVER_TOKEN":
            e.pop("valueFrom")
            e["value"] = "plain"
    del container(workloads(broken)["dashboard"])["resources"]["limits"]
    by_kind(broken, "NetworkPolicy")["lingkar-rasa"]["spec"]["ingress"][0]["from"].append(
        {"namespaceSelector": {}})
    broken.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "oops"}, "stringData": {"a": "b"}})
    problems = "\n".join(helm_check.policy_problems(broken))
    for needle in ("Service/lingkar-rasa: rasa must be ClusterIP", "Ingress/lingkar: publishes lingkar-actions",
                   "ACTION_SERVER_TOKEN is not read from a Secret", "lingkar-dashboard/dashboard: no limits.cpu",
                   "NetworkPolicy/lingkar-rasa: rasa admits", "Secret/oops"):
        assert needle in problems, problems
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicated key"):
        helm_check.parse_manifests({"x.yaml": "a: 1\nb: 2\na: 3\n"})


@pytest.mark.parametrize("values, why", [
    ({"config": {"telegramWebhookUrl": "https://bot.example.org"}}, "/config/telegramWebhookUrl"),   # no path
    ({"config": {"dashboardBaseUrl": "http://dasbor.example.org"}}, "/config/dashboardBaseUrl"),    # not https
    ({"config": {"rasaAuthToken": "abc"}}, "'rasaAuthToken' not allowed"),    # a secret as a value: no such key
    ({"rasa": {"replica": 3}}, "'replica' not allowed"),                      # a typo is an error, not ignored
    ({"containerSecurityContext": {"allowPrivilegeEscalation": True}}, "allowPrivilegeEscalation"),
], ids=["webhook-without-path", "dashboard-http", "secret-value", "typo", "privileged"])
def test_values_the_chart_refuses(tools_python, values, why):
    """values.schema.json: Helm refuses these values at lint and at render (install), with the reason."""
    code = ("import json, sys, helm_python as h\n"
            "values = json.loads(sys.argv[2])\n"
            "lint = h.lint(sys.argv[1], values, strict=True)\n"
            "print('LINT', json.dumps(lint['errors']))\n"
            "try:\n"
            "    with h.Chart.load(sys.argv[1]) as c:\n"
            "        c.render(values, name='lingkar')\n"
            "except h.HelmError as e:\n"
            "    print('REFUSED', e); sys.exit(3)\n")
    proc = subprocess.run([tools_python, "-c", code, str(CHART), json.dumps(values)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    lint_line = next(line for line in proc.stdout.splitlines() if line.startswith("LINT "))
    assert why in lint_line, proc.stdout
    assert why in proc.stdout.split("REFUSED", 1)[1], proc.stdout
