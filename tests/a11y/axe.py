"""axe-core in headless Chromium: the WCAG 2.1 AA findings of serious or critical impact."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RULES = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']"


def serious_violations(page, *selectors: str) -> list[str]:
    """Findings on the whole page, or only within the given CSS selectors; one line each."""
    assert AXE.exists(), "axe-core missing: run `npm ci --prefix tests/a11y` (make test does)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (parts) => (await axe.run(parts.length ? {include: parts.map((p) => [p])} : document, "
        f"{{runOnly: {{type: 'tag', values: {RULES}}}}})).violations",
        list(selectors),
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
