"""The command line speaks German, Click's own texts included."""

import ast
import subprocess
import sys
from pathlib import Path

from lpr_geo.cli import german

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))


def _marked_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """Every text Click marks for translation in the modules it words messages in."""
    singles, plurals = set(), set()
    for module in german.MODULES:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                texts = [
                    a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                if node.func.id == "_" and len(texts) == 1:
                    singles.add(texts[0])
                elif node.func.id == "ngettext" and len(texts) == 2:
                    plurals.add((texts[0], texts[1]))
    return singles, plurals


def test_every_text_click_marks_has_a_german_wording():
    singles, plurals = _marked_texts()
    assert len(singles) > 40, "Click's texts were not found: did its modules move?"
    assert singles <= set(german.TEXTS), sorted(singles - set(german.TEXTS))
    assert plurals <= set(german.PLURALS), sorted(plurals - set(german.PLURALS))


def test_help_and_errors_are_german():
    helped = subprocess.run([LPR_GEO, "members", "--help"], capture_output=True, text=True, check=True)
    assert helped.stdout.startswith("Aufruf: lpr-geo members [OPTIONEN] BEFEHL [ARGUMENTE]...")
    assert "Diese Hilfe anzeigen und beenden." in helped.stdout and "Show this message" not in helped.stdout
    assert "Befehle:" in helped.stdout and "Optionen:" in helped.stdout
    wrong = subprocess.run(
        [LPR_GEO, "gaps", "--level", "bezirk"], capture_output=True, text=True, check=False
    )
    assert wrong.returncode == 2
    assert "Fehler: Ungültiger Wert für '--level': »bezirk« ist keiner der Werte" in wrong.stderr
    assert "Hilfe: »lpr-geo gaps --help«." in wrong.stderr
    unknown = subprocess.run([LPR_GEO, "nix"], capture_output=True, text=True, check=False)
    assert "Fehler: Einen Befehl »nix« gibt es nicht." in unknown.stderr
    for text in (helped.stdout, wrong.stderr, unknown.stderr):
        assert "Usage" not in text and "Error" not in text and "Try '" not in text
