"""The Kubernetes manifests of infra/k8s, checked offline: against the Kubernetes OpenAPI schemas
(kubernetes-validate, strict), for what every workload must have, and against docker-compose.yml so that the
two ways of deploying stay in step."""

from __future__ import annotations

import copy
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from services.indicators.config import IndicatorsSettings
from services.recommendations.config import RecommendationsSettings
from services.scoring.config import ScoringSettings

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "infra" / "k8s"
K8S_VERSION = "1.30"  # the oldest Kubernetes minor the manifests must be valid for
NAMESPACE = "amc"
IMAGE = "amc-platform:latest"
SECRET_EXAMPLE = "secret.example.yaml"

APPS = {"indicators": 8001, "scoring": 8002, "recommendations": 8003, "frontend": 8501}
READINESS = {"indicators": "/readyz", "scoring": "/readyz", "recommendations": "/readyz", "frontend": "/_stcore/health"}
# Streamlit has no /healthz (it answers any unknown path with its index page): its health endpoint serves both.
LIVENESS = {
    "indicators": "/healthz",
    "scoring": "/healthz",
    "recommendations": "/healthz",
    "frontend": "/_stcore/health",
}
AUTOSCALED = {"scoring", "recommendations"}
SECRET_KEYS = {"ADMIN_API_KEY", "DATABASE_URL", "REDIS_URL"}
# Read by the front end, which has no settings class of its own yet.
EXTRA_ENV = {"FRONTEND_API_KEY", "HOME"}

Doc = dict[str, Any]


# --- loading ------------------------------------------------------------------------------------------------------


def load_documents(path: Path) -> list[Doc]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def kustomization() -> Doc:
    data: Doc = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    return data


def manifest_files() -> list[Path]:
    """Every manifest of the folder (the kustomization itself is not a Kubernetes object)."""
    return sorted(p for p in K8S.iterdir() if p.suffix in {".yaml", ".yml"} and p.name != "kustomization.yaml")


def resources() -> list[Doc]:
    """The objects `kubectl apply -k infra/k8s` creates, as written in the files."""
    return [doc for name in kustomization()["resources"] for doc in load_documents(K8S / name)]


def find(kind: str, name: str) -> Doc:
    matches = [doc for doc in resources() if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def of_kind(kind: str) -> list[Doc]:
    return [doc for doc in resources() if doc["kind"] == kind]


def compose() -> Doc:
    data: Doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def container(workload: Doc) -> Doc:
    containers: list[Doc] = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, workload["metadata"]["name"]
    return containers[0]


def secret_example_keys() -> set[str]:
    (secret,) = load_documents(K8S / SECRET_EXAMPLE)
    return set(secret.get("stringData", {})) | set(secret.get("data", {}))


# --- checks that return what is wrong (so that the tests below can show they fail on a broken manifest) -------------


def probe_problems(workload: Doc, kind: str, path: str, port: int) -> list[str]:
    probe = container(workload).get(kind)
    if not probe:
        return [f"no {kind}"]
    http = probe.get("httpGet", {})
    problems = [] if http.get("path") == path else [f"{kind} path {http.get('path')!r}, expected {path!r}"]
    named = {p.get("name"): p["containerPort"] for p in container(workload).get("ports", [])}
    if named.get(http.get("port"), http.get("port")) != port:
        problems.append(f"{kind} port {http.get('port')!r} is not {port}")
    return problems


def pod_security_problems(workload: Doc) -> list[str]:
    pod = workload["spec"]["template"]["spec"]
    pod_ctx = pod.get("securityContext", {})
    ctx = container(workload).get("securityContext", {})
    problems = []
    if ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is not True:
        problems.append("runAsNonRoot is not true")
    # The image's USER is a name (amc), which the kubelet cannot check against runAsNonRoot: the uid must be given.
    uid = ctx.get("runAsUser", pod_ctx.get("runAsUser"))
    if not isinstance(uid, int) or uid == 0:
        problems.append(f"runAsUser {uid!r} is not a non-root uid")
    if ctx.get("allowPrivilegeEscalation") is not False:
        problems.append("allowPrivilegeEscalation is not false")
    if "ALL" not in ctx.get("capabilities", {}).get("drop", []):
        problems.append("capabilities are not dropped")
    seccomp = ctx.get("seccompProfile", pod_ctx.get("seccompProfile", {}))
    if seccomp.get("type") not in {"RuntimeDefault", "Localhost"}:
        problems.append("no seccomp profile")
    # Kubernetes would otherwise set INDICATORS_PORT=tcp://... for the Service `indicators`, which breaks the settings.
    if pod.get("enableServiceLinks") is not False:
        problems.append("enableServiceLinks is not false")
    return problems


def env_problems(workload: Doc) -> list[str]:
    c = container(workload)
    refs = {(kind, ref["name"]) for source in c.get("envFrom", []) for kind, ref in source.items() if "name" in ref}
    problems = []
    if ("configMapRef", "amc-config") not in refs:
        problems.append("env not from the ConfigMap amc-config")
    if ("secretRef", "amc-secrets") not in refs:
        problems.append("env not from the Secret amc-secrets")
    for var in c.get("env", []):
        if var["name"] in SECRET_KEYS and "value" in var:
            problems.append(f"{var['name']} has a literal value")
    return problems


def resource_problems(workload: Doc) -> list[str]:
    res = container(workload).get("resources", {})
    return [
        f"no {bound} {what}"
        for bound in ("requests", "limits")
        for what in ("cpu", "memory")
        if what not in res.get(bound, {})
    ]


def deployment_problems(deployment: Doc) -> list[str]:
    name = deployment["metadata"]["name"]
    port = APPS[name]
    c = container(deployment)
    problems = [
        *probe_problems(deployment, "readinessProbe", READINESS[name], port),
        *probe_problems(deployment, "livenessProbe", LIVENESS[name], port),
        *resource_problems(deployment),
        *pod_security_problems(deployment),
        *env_problems(deployment),
    ]
    if c.get("image") != IMAGE:
        problems.append(f"image {c.get('image')!r} is not {IMAGE}")
    if port not in [p["containerPort"] for p in c.get("ports", [])]:
        problems.append(f"container port {port} missing")
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    if not selector.items() <= labels.items():
        problems.append("the selector does not match the pod labels")
    return problems


def committed_secret_problems(docs: list[Doc]) -> list[str]:
    """No Secret in what is applied; secrets only by reference, never inline."""
    problems = []
    for doc in docs:
        if doc["kind"] == "Secret":
            problems.append(f"Secret {doc['metadata']['name']} is committed")
        if doc["kind"] == "ConfigMap" and SECRET_KEYS & set(doc.get("data", {})):
            problems.append(f"ConfigMap {doc['metadata']['name']} holds {sorted(SECRET_KEYS & set(doc['data']))}")
    return problems


# --- schemas --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(path: Path) -> None:
    docs = load_documents(path)
    assert docs, path.name
    for doc in docs:
        # strict: an unknown or misspelt field is an error, not silently ignored
        assert kubernetes_validate.validate(doc, K8S_VERSION, strict=True) == K8S_VERSION


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c.update(readinesProbe=c.pop("readinessProbe")),
        lambda c: c["ports"][0].update(containerPort="eight thousand"),
        lambda c: c["livenessProbe"]["httpGet"].update(url="/healthz"),
    ],
    ids=["misspelt field", "wrong type", "unknown nested key"],
)
def test_schema_validation_rejects_a_broken_manifest(breakage: Any) -> None:
    deployment = copy.deepcopy(find("Deployment", "indicators"))
    kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)
    breakage(container(deployment))
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest_except_the_secret_example() -> None:
    listed = kustomization()["resources"]
    assert len(listed) == len(set(listed))
    assert set(listed) == {p.name for p in manifest_files()} - {SECRET_EXAMPLE}
    assert SECRET_EXAMPLE not in listed
    assert kustomization()["namespace"] == NAMESPACE
    for doc in resources():
        assert doc["metadata"].get("namespace", NAMESPACE) == NAMESPACE, doc["metadata"]["name"]


def test_the_image_can_be_overridden_with_kustomize() -> None:
    images = {image["name"]: image for image in kustomization().get("images", [])}
    assert IMAGE.split(":")[0] in images
    workloads = of_kind("Deployment") + of_kind("Job")
    assert {container(w)["image"] for w in workloads} == {IMAGE}


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with its built-in kustomize) is not installed")
def test_kustomize_builds_valid_objects() -> None:
    built = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    docs = [doc for doc in yaml.safe_load_all(built) if doc]
    assert len(docs) == len(resources())
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "amc-platform"
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == NAMESPACE


# --- workloads ------------------------------------------------------------------------------------------------------


def test_there_is_one_deployment_per_app_service() -> None:
    assert {d["metadata"]["name"] for d in of_kind("Deployment")} == set(APPS)


@pytest.mark.parametrize("name", sorted(APPS))
def test_deployment_has_probes_resources_non_root_and_env_from_config_and_secret(name: str) -> None:
    assert deployment_problems(find("Deployment", name)) == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda d: container(d).pop("readinessProbe"), "no readinessProbe"),
        (lambda d: container(d).pop("livenessProbe"), "no livenessProbe"),
        (lambda d: container(d)["readinessProbe"]["httpGet"].update(path="/healthz"), "readinessProbe path"),
        (lambda d: container(d)["livenessProbe"]["httpGet"].update(port=9999), "livenessProbe port"),
        (lambda d: container(d)["resources"].pop("limits"), "no limits cpu"),
        (lambda d: container(d)["resources"]["requests"].pop("memory"), "no requests memory"),
        (lambda d: d["spec"]["template"]["spec"]["securityContext"].pop("runAsNonRoot"), "runAsNonRoot"),
        (lambda d: d["spec"]["template"]["spec"]["securityContext"].update(runAsUser=0), "runAsUser"),
        (lambda d: container(d)["securityContext"].pop("allowPrivilegeEscalation"), "allowPrivilegeEscalation"),
        (lambda d: d["spec"]["template"]["spec"].pop("enableServiceLinks"), "enableServiceLinks"),
        (lambda d: container(d)["envFrom"].pop(1), "Secret amc-secrets"),
        (lambda d: container(d)["envFrom"].pop(0), "ConfigMap amc-config"),
        (lambda d: container(d)["env"].append({"name": "ADMIN_API_KEY", "value": "x"}), "literal value"),
        (lambda d: container(d).update(image="elsewhere:1"), "image"),
    ],
)
def test_the_deployment_checks_catch_a_broken_deployment(breakage: Any, expected: str) -> None:
    deployment = copy.deepcopy(find("Deployment", "scoring"))
    breakage(deployment)
    assert any(expected in problem for problem in deployment_problems(deployment)), deployment_problems(deployment)


def test_indicators_runs_several_copies_and_the_front_end_at_least_one() -> None:
    assert find("Deployment", "indicators")["spec"]["replicas"] >= 1
    assert find("Deployment", "frontend")["spec"]["replicas"] >= 1


@pytest.mark.parametrize("name", sorted(APPS))
def test_service_is_cluster_ip_on_the_app_port_and_selects_the_pods(name: str) -> None:
    service = find("Service", name)
    deployment = find("Deployment", name)
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert service["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    (port,) = service["spec"]["ports"]
    assert port["port"] == APPS[name]
    named = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
    assert named.get(port["targetPort"], port["targetPort"]) == APPS[name]


def test_scoring_and_recommendations_scale_on_cpu() -> None:
    hpas = of_kind("HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas} == AUTOSCALED
    for hpa in hpas:
        assert hpa["apiVersion"] == "autoscaling/v2"
        target = hpa["spec"]["scaleTargetRef"]
        assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        (metric,) = hpa["spec"]["metrics"]
        assert metric["type"] == "Resource"
        assert metric["resource"]["name"] == "cpu"
        assert metric["resource"]["target"]["type"] == "Utilization"
        assert 0 < metric["resource"]["target"]["averageUtilization"] <= 100
        deployment = find("Deployment", target["name"])
        # utilisation is measured against the request; a fixed `replicas` would be reset by every apply
        assert "cpu" in container(deployment)["resources"]["requests"]
        assert "replicas" not in deployment["spec"]


def test_the_disruption_budget_keeps_a_scoring_pod() -> None:
    pdb = find("PodDisruptionBudget", "scoring")
    labels = find("Deployment", "scoring")["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] >= 1


def test_the_ingress_routes_each_host_to_its_service() -> None:
    (ingress,) = of_kind("Ingress")
    routes = {}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            routes[backend["name"]] = (rule["host"], path["path"], path["pathType"], backend["port"]["number"])
    assert set(routes) == set(APPS)
    for name, (_host, path, path_type, port) in routes.items():
        assert (path, path_type, port) == ("/", "Prefix", APPS[name])
    front_host = routes["frontend"][0]
    for name in APPS.keys() - {"frontend"}:
        assert routes[name][0] == f"{name}.{front_host}"
    tls_hosts = {host for tls in ingress["spec"].get("tls", []) for host in tls["hosts"]}
    assert tls_hosts == {host for host, *_ in routes.values()}


def test_the_migration_job_runs_prestart_without_demo_data() -> None:
    job = find("Job", "indicators-migrate")
    c = container(job)
    assert c["command"] == ["python", "-m", "services.indicators.prestart"]
    assert "--demo" not in [*c["command"], *c.get("args", [])]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in {"Never", "OnFailure"}
    assert pod_security_problems(job) == []
    assert env_problems(job) == []
    assert resource_problems(job) == []


def test_the_migration_phase_can_be_applied_first() -> None:
    """`kubectl apply -k infra/k8s -l amc-platform/phase=migrate` must bring what the Job needs, and only that."""
    phase = {
        (doc["kind"], doc["metadata"]["name"])
        for doc in resources()
        if doc["metadata"].get("labels", {}).get("amc-platform/phase") == "migrate"
    }
    assert phase == {("Namespace", NAMESPACE), ("ConfigMap", "amc-config"), ("Job", "indicators-migrate")}


# --- configuration and secrets ---------------------------------------------------------------------------------------


def test_the_config_map_points_the_services_at_each_other() -> None:
    data = find("ConfigMap", "amc-config")["data"]
    assert data["ENV"] == "production"
    assert data["LOG_FORMAT"] == "json"
    for name, port in APPS.items():
        assert data[f"{name.upper()}_PORT"] == str(port)
        if name != "frontend":
            assert data[f"{name.upper()}_URL"] == f"http://{find('Service', name)['metadata']['name']}:{port}"
    assert all(isinstance(value, str) for value in data.values())


def test_every_variable_set_is_one_the_platform_reads() -> None:
    """Catches a misspelt key, which pydantic-settings would silently ignore."""
    known = {
        field.upper()
        for settings in (IndicatorsSettings, ScoringSettings, RecommendationsSettings)
        for field in settings.model_fields
    } | EXTRA_ENV
    set_here = set(find("ConfigMap", "amc-config")["data"]) | secret_example_keys()
    for workload in of_kind("Deployment") + of_kind("Job"):
        set_here |= {var["name"] for var in container(workload).get("env", [])}
    assert set_here - known == set()


def test_no_secret_value_is_committed() -> None:
    assert committed_secret_problems(resources()) == []
    for path in manifest_files():
        if path.name != SECRET_EXAMPLE:
            assert all(doc["kind"] != "Secret" for doc in load_documents(path)), path.name
    assert "secretGenerator" not in kustomization()
    # the example holds placeholders only, and every key the services need
    (example,) = load_documents(K8S / SECRET_EXAMPLE)
    assert example["metadata"]["name"] == "amc-secrets"
    assert "data" not in example
    assert all("CHANGE-ME" in value for value in example["stringData"].values())
    assert secret_example_keys() >= SECRET_KEYS


def test_the_secret_check_catches_a_committed_secret() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "amc-secrets"}, "data": {"A": "eA=="}}
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"DATABASE_URL": "x"}}
    assert len(committed_secret_problems([*resources(), secret, config])) == 2


# --- in step with docker-compose.yml ---------------------------------------------------------------------------------


def compose_apps() -> dict[str, Doc]:
    return {name: s for name, s in compose()["services"].items() if s.get("image", "").startswith("amc-platform")}


def compose_command(service: Doc) -> tuple[list[str], list[str]]:
    """(what runs before the app, the app's own command) of a compose service."""
    command = service["command"]
    argv = command if isinstance(command, list) else shlex.split(command)
    if argv[:2] != ["sh", "-c"]:
        return [], argv
    *before, app = [shlex.split(part) for part in argv[2].split("&&")]
    return [arg for part in before for arg in part], app


def test_compose_and_kubernetes_run_the_same_four_app_services() -> None:
    assert set(compose_apps()) == set(APPS)
    assert {s["metadata"]["name"] for s in of_kind("Service")} == set(APPS)


def test_compose_and_kubernetes_use_the_same_ports() -> None:
    for name, service in compose_apps().items():
        _host, container_port = service["ports"][0].split(":")
        assert int(container_port) == APPS[name]
        assert APPS[name] in [p["containerPort"] for p in container(find("Deployment", name))["ports"]]


def test_compose_and_kubernetes_run_the_same_commands() -> None:
    for name, service in compose_apps().items():
        before, app = compose_command(service)
        assert container(find("Deployment", name))["command"] == app, name
        if before:
            # compose migrates in the container before it starts; Kubernetes in the Job (without the demo data)
            job_command = container(find("Job", "indicators-migrate"))["command"]
            assert [arg for arg in before if arg != "--demo"] == job_command


def test_every_variable_compose_sets_for_the_apps_is_in_the_config_map_or_the_secret() -> None:
    config = find("ConfigMap", "amc-config")["data"]
    provided = set(config) | secret_example_keys()
    for name, service in compose_apps().items():
        environment = service["environment"]
        assert set(environment) <= provided, name
        for key, value in environment.items():
            if key in config:
                assert config[key] == value, key
            else:
                assert key in SECRET_KEYS | {"FRONTEND_API_KEY"}, key
