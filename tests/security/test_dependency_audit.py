"""The test command's dependency audit fails on a known vulnerability and never calls "unreachable" a pass."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


def audit(tmp_path: Path, report: dict) -> subprocess.CompletedProcess:
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(report))
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(saved)], capture_output=True, text=True, timeout=60
    )


def test_a_known_vulnerability_fails_the_run_and_names_it(tmp_path):
    result = audit(
        tmp_path,
        {
            "dependencies": [
                {
                    "name": "django",
                    "version": "5.2.0",
                    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
                },
                {"name": "lxml", "version": "6.0.0", "vulns": []},
            ]
        },
    )
    assert result.returncode == 1
    assert "VULNERABLE django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)" in result.stdout


def test_a_clean_report_passes_and_counts_what_was_checked(tmp_path):
    result = audit(tmp_path, {"dependencies": [{"name": "lxml", "version": "6.0.0", "vulns": []}]})
    assert result.returncode == 0
    assert "no known vulnerabilities in 1 packages" in result.stdout


def test_unreachable_vulnerability_data_is_said_plainly_and_is_not_a_finding(tmp_path):
    reason = "Dependency not found on PyPI and could not be audited: lxml (6.0.0)"
    result = audit(
        tmp_path,
        {
            "dependencies": [
                {"name": "lxml", "skip_reason": reason},
                {"name": "sampan", "skip_reason": "distribution marked as editable"},
            ]
        },
    )
    assert result.returncode == 0
    assert "NOT RUN" in result.stdout and "this is not a pass" in result.stdout
    assert "no known vulnerabilities" not in result.stdout
