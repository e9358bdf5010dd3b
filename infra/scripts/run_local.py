"""`make run`: the whole platform on one machine with embedded defaults; Ctrl-C stops every process.

SQLite under DATA_DIR (./var), an in-process cache unless REDIS_URL is set, migrations applied and the synthetic
demo data loaded on first start, then the three services and the front end on the ports of API.md.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def admin_key(data_dir: Path) -> str:
    """ADMIN_API_KEY from the environment, else a local key made on first start and kept under DATA_DIR."""
    if os.environ.get("ADMIN_API_KEY"):
        return os.environ["ADMIN_API_KEY"]
    key_file = data_dir / "admin_api_key"
    if not key_file.exists():
        key_file.write_text("amc_local_" + secrets.token_urlsafe(24) + "\n")
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with code {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f} s")


def main() -> int:
    data_dir = Path(os.environ.get("DATA_DIR", ROOT / "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    host = os.environ.get("HOST", "127.0.0.1")
    ports = {
        "indicators": int(os.environ.get("INDICATORS_PORT", 8001)),
        "scoring": int(os.environ.get("SCORING_PORT", 8002)),
        "recommendations": int(os.environ.get("RECOMMENDATIONS_PORT", 8003)),
        "frontend": int(os.environ.get("FRONTEND_PORT", 8501)),
    }
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        # Without Redis the processes share this directory, where the indicator service publishes its state.
        "STATE_DIR": os.environ.get("STATE_DIR", str(data_dir / "state")),
        "ADMIN_API_KEY": admin_key(data_dir),
        "AMC_EMBEDDED": "true",
        "PYTHONUNBUFFERED": "1",
        "INDICATORS_URL": os.environ.get("INDICATORS_URL", f"http://127.0.0.1:{ports['indicators']}"),
        "SCORING_URL": os.environ.get("SCORING_URL", f"http://127.0.0.1:{ports['scoring']}"),
        "RECOMMENDATIONS_URL": os.environ.get("RECOMMENDATIONS_URL", f"http://127.0.0.1:{ports['recommendations']}"),
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    print("Applying migrations and loading the demo data on first start ...", flush=True)
    subprocess.run([PYTHON, "-m", "services.indicators.prestart", "--demo"], cwd=ROOT, env=env, check=True)

    def uvicorn(module: str, port: int) -> list[str]:
        return [PYTHON, "-m", "uvicorn", f"{module}:app", "--host", host, "--port", str(port), "--no-access-log"]

    commands = {
        "indicators": uvicorn("services.indicators.main", ports["indicators"]),
        "scoring": uvicorn("services.scoring.main", ports["scoring"]),
        "recommendations": uvicorn("services.recommendations.main", ports["recommendations"]),
        "frontend": [
            PYTHON, "-m", "streamlit", "run", "frontend/streamlit_app.py",
            "--server.port", str(ports["frontend"]), "--server.address", host,
            "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        ],
    }  # fmt: skip
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, cwd=ROOT, env=env)
        health = {
            "indicators": f"http://127.0.0.1:{ports['indicators']}/healthz",
            "scoring": f"http://127.0.0.1:{ports['scoring']}/healthz",
            "recommendations": f"http://127.0.0.1:{ports['recommendations']}/healthz",
            "frontend": f"http://127.0.0.1:{ports['frontend']}/_stcore/health",
        }
        for name, url in health.items():
            wait_healthy(url, processes[name])
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        print("\nThe platform is up (demo data is SYNTHETIC):", flush=True)
        print(f"  front end         http://{shown}:{ports['frontend']}")
        for name in ("indicators", "scoring", "recommendations"):
            print(f"  {name:<17} http://{shown}:{ports[name]}   docs: http://{shown}:{ports[name]}/docs")
        print(f"  admin API key     {env['ADMIN_API_KEY']}   (kept in {data_dir / 'admin_api_key'})")
        key_file = data_dir / "admin_api_key"
        print(f"  contract check    ADMIN_API_KEY=$(cat {key_file}) python3 ../shared/contract/check_v1.py")
        print("Press Ctrl-C to stop.", flush=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping the platform", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
