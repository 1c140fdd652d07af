"""The real OpenID Connect provider (`server.mjs`, npm's `oidc-provider`) in a node process of its own.

scripts/test.sh installs oidc-provider into .venv/cache/oidc; without node or that install the tests that need it
skip, saying why.
"""

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import wait_for

ROOT = Path(__file__).resolve().parents[3]
MODULES = ROOT / ".venv" / "cache" / "oidc" / "node_modules"
SCRIPT = Path(__file__).with_name("server.mjs")
ADDRESS = "127.0.0.4"
CLIENT_ID, CLIENT_SECRET = "sampan-browser-test", "a secret for the browser tests"
NODE_MAJOR = 20  # oidc-provider 9 relies on the Web Crypto API node has by default from 20 on


def why_not_available() -> str:
    node = shutil.which("node")
    if node is None:
        return "node is not installed, so the OpenID Connect provider cannot run: run scripts/test.sh"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < NODE_MAJOR:
        return f"oidc-provider needs node {NODE_MAJOR} or newer; this machine has {version}"
    if not (MODULES / "oidc-provider" / "package.json").is_file():
        return f"oidc-provider is not installed in {MODULES.parent}: run scripts/test.sh (it installs it with npm)"
    return ""


@dataclass
class NodeProvider:
    process: subprocess.Popen
    issuer: str = ""
    seen: list[dict[str, str]] = field(default_factory=list)  # every request it got: method, path, agent
    errors: list[str] = field(default_factory=list)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                self.errors.append(line)  # something oidc-provider itself printed
                continue
            if "issuer" in message:
                self.issuer = message["issuer"]
            else:
                self.seen.append(message)

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        self.errors.extend(self.process.stderr)

    def asked_by_server(self) -> list[tuple[str, str]]:
        """(method, path) of every request Sampan's server (not a browser) made, in order."""
        return [(r["method"], r["path"]) for r in self.seen if r["agent"].startswith("Sampan/")]


@contextmanager
def running_node_provider(redirect_uris: list[str]) -> Iterator[NodeProvider]:
    if reason := why_not_available():
        pytest.skip(reason)
    env = {
        "OIDC_PROVIDER_MODULES": str(MODULES), "OIDC_HOST": ADDRESS,
        "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
    }  # fmt: skip
    process = subprocess.Popen(
        [shutil.which("node") or "node", str(SCRIPT)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    provider = NodeProvider(process)
    threading.Thread(target=provider._read, daemon=True).start()
    threading.Thread(target=provider._read_errors, daemon=True).start()
    try:
        wait_for(
            lambda: bool(provider.issuer) or process.poll() is not None, "the OpenID Connect provider", 60
        )
        assert provider.issuer, f"the OpenID Connect provider did not start: {''.join(provider.errors)}"
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=30)
