"""Undocumented settings and commands are bugs (datasette's habit): these fail when the README falls behind."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_environment_variable_is_in_the_readme_table():
    settings_source = (ROOT / "sampan" / "settings.py").read_text()
    names = set(re.findall(r'_(?:env|flag)\("((?:SAMPAN_|DATABASE_)[A-Z_]+)"', settings_source))
    assert names, "no environment variables found: the pattern no longer matches settings.py"
    missing = sorted(n for n in names if f"| `{n}` |" not in README)
    assert not missing, f"README's configuration table lacks: {missing}"


def test_every_own_command_is_in_the_readme():
    from sampan.cli import OWN_COMMANDS

    missing = [c for c in OWN_COMMANDS if f"`sampan {c}" not in README]
    assert not missing, f"README's command table lacks: {missing}"


def test_readme_names_the_run_and_test_commands_and_ci_calls_the_test_command():
    assert "bash scripts/run.sh" in README
    assert "bash scripts/test.sh" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci


def test_docs_linked_from_the_readme_exist():
    for link in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", README):
        assert (ROOT / link).exists(), f"README links to missing {link}"
