"""Dependency audit: pip-audit of the venv against PyPI's vulnerability data (``make audit``).

A known vulnerability in any installed package fails the audit, and so does a package that could not
be looked up while others could. If *no* package could be looked up, the vulnerability data is out of
reach (this CI machine reaches PyPI's index and project pages, but its per-version JSON that pip-audit
reads answers 404, and osv.dev is blocked): then the audit says in capitals that it checked nothing and
fails only with ``AUDIT_STRICT=1``, which any machine with full access to pypi.org should set. Extra
arguments (``--ignore-vuln ID``) are passed to pip-audit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main(extra: list[str]) -> int:
    """Run pip-audit, print the findings and return the exit status (see the module docstring)."""
    command = [sys.executable, "-m", "pip_audit", "--skip-editable", "--vulnerability-service", "pypi"]
    command += ["--progress-spinner", "off", "--format", "json", *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    if not done.stdout.strip():
        print(done.stderr, file=sys.stderr)
        return done.returncode or 1
    dependencies = json.loads(done.stdout)["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {len(dependencies)} packages, {audited} audited, {len(vulnerable)} vulnerable")
    if vulnerable:
        return 1
    if skipped and audited:
        for dependency in skipped:
            print(f"NOT AUDITED {dependency['skip_reason']}")
        return 1
    if skipped:
        print(
            "NOT AUDITED: PyPI's vulnerability data is out of reach from this machine "
            f"(e.g. {skipped[0]['skip_reason']}); nothing was checked."
        )
        return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
