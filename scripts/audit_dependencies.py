"""The test command's dependency audit: pip-audit over the installed environment, read strictly.

Exit 1 when any installed package has a known vulnerability. When the vulnerability data cannot be reached
from this machine (no route to the service, or a package index that serves no vulnerability data, which
pip-audit reports as "not found" for every package), it says so plainly and exits 0: that is not a finding,
but it is never reported as "no known vulnerabilities" either.

    .venv/bin/python scripts/audit_dependencies.py            run pip-audit and judge its answer
    .venv/bin/python scripts/audit_dependencies.py REPORT     judge a saved `pip-audit -f json` report
"""

import json
import subprocess
import sys
from pathlib import Path

UNREACHABLE_HINTS = ("not found on pypi", "connectionerror", "name or service not known", "max retries")


def judge(report: dict) -> tuple[int, list[str]]:
    """The exit code and the lines to print for one pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason") and "editable" not in d["skip_reason"]]
    checked = [d for d in dependencies if "skip_reason" not in d]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(
                f"VULNERABLE {dep['name']} {dep.get('version', '')}: {vuln['id']} (fixed in {fixed})"
            )
    if vulnerable:
        lines.append(f"dependency audit: {len(vulnerable)} package(s) with known vulnerabilities")
        return 1, lines
    if not checked:
        lines.append(
            f"dependency audit: NOT RUN: the vulnerability data could not be reached from this machine "
            f"({len(skipped)} packages could not be looked up); this is not a pass"
        )
        return 0, lines
    if skipped:
        names = ", ".join(d["name"] for d in skipped[:10])
        lines.append(f"dependency audit: {len(skipped)} package(s) could not be looked up: {names}")
    lines.append(f"dependency audit: no known vulnerabilities in {len(checked)} packages")
    return 0, lines


def run_pip_audit() -> dict | str:
    done = subprocess.run(
        [
            sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--format", "json",
            "--progress-spinner", "off", "--timeout", "20",
        ],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"


def main(argv: list[str]) -> int:
    report = json.loads(Path(argv[0]).read_text()) if argv else run_pip_audit()
    if isinstance(report, str):
        if any(hint in report.lower() for hint in UNREACHABLE_HINTS):
            print(f"dependency audit: NOT RUN: the vulnerability service is unreachable ({report})")
            return 0
        print(f"dependency audit: pip-audit failed: {report}")
        return 1
    code, lines = judge(report)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
