"""Click's own texts in German: usage lines, help headings and error messages of the command line.

Click marks every text it prints for translation (``gettext``'s ``_`` and ``ngettext``, bound by name in
each of its modules) but ships no catalogues, and ``gettext`` would pick a language from the
environment. The command line is German whatever the locale, so :func:`install` points those names at
this table instead. A test collects every text Click marks and checks that the table has it, so an
upgrade of Click that adds a text fails the tests instead of printing English.
"""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

#: Click's texts (as marked in its source) and their German wording; the placeholders are Click's.
TEXTS: dict[str, str] = {
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
    "(dynamic)": "(dynamisch)",
    "Aborted!": "Abgebrochen.",
    "Argument {name!r} takes {nargs} values.": "Das Argument »{name}« braucht {nargs} Werte.",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Argumente haben genau eine Parameterangabe, nicht {length}: {decls}."
    ),
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "Die Schalteroption »{decl}« kann nicht dasselbe Kennzeichen für wahr und falsch nutzen."
    ),
    "Choice({choices})": "Auswahl({choices})",
    "Choose from:\n\t{choices}": "Zur Auswahl:\n\t{choices}",
    "Commands": "Befehle",
    "Confirm the action without prompting.": "Ohne Rückfrage bestätigen.",
    "Could not determine name for option with declarations {decls!r}": (
        "Kein Name für die Option mit den Angaben {decls!r}"
    ),
    "Could not open file {filename!r}: {message}": (
        "Die Datei »{filename}« lässt sich nicht öffnen: {message}"
    ),
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Hinweis: Der Befehl »{name}« ist veraltet.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Hinweis: »{name}« ist veraltet.{extra_message}"
    ),
    "Do you want to continue?": "Fortfahren?",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
    "Error: {message}": "Fehler: {message}",
    "Invalid start character for option ({option})": "Ungültiges erstes Zeichen einer Option ({option})",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Missing argument": "Argument fehlt",
    "Missing command.": "Befehl fehlt.",
    "Missing option": "Option fehlt",
    "Missing parameter": "Angabe fehlt",
    "Missing parameter: {param_name}": "Angabe fehlt: {param_name}",
    "Missing {param_type}": "Angabe fehlt",
    "Name '{name}' defined twice": "Der Name »{name}« ist doppelt vergeben",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": (
        "Keine Optionen angegeben, aber ein Name ({name}). Ist ein Argument oder »--{name}« gemeint?"
    ),
    "No such command {name!r}.": "Einen Befehl »{name}« gibt es nicht.",
    "No such option {name!r}.": "Eine Option »{name}« gibt es nicht.",
    "Option {name!r} does not take a value.": "Die Option »{name}« nimmt keinen Wert.",
    "Options": "Optionen",
    "Positional arguments": "Argumente",
    "Press any key to continue...": "Weiter mit einer beliebigen Taste …",
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Show the version and exit.": "Version anzeigen und beenden.",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
    "Try '{command} {option}' for help.": "Hilfe: »{command} {option}«.",
    "Unknown color {colour!r}": "Unbekannte Farbe »{colour}«",
    "Unknown standard stream '{name}'": "Unbekannter Standardkanal »{name}«",
    "Usage:": "Aufruf:",
    "Value must be an iterable.": "Der Wert muss eine Folge sein.",
    "default: {default}": "Voreinstellung: {default}",
    "deprecated": "veraltet",
    "directory": "Verzeichnis",
    "env var: {var}": "Umgebungsvariable: {var}",
    "file": "Datei",
    "path": "Pfad",
    "unknown error": "unbekannter Fehler",
    "{name} {filename!r} does not exist.": "{name} »{filename}« gibt es nicht.",
    "{name} {filename!r} is a directory.": "{name} »{filename}« ist ein Verzeichnis.",
    "{name} {filename!r} is a file.": "{name} »{filename}« ist eine Datei.",
    "{name} {filename!r} is not executable.": "{name} »{filename}« ist nicht ausführbar.",
    "{name} {filename!r} is not readable.": "{name} »{filename}« ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} »{filename}« ist nicht beschreibbar.",
    "{value!r} is not a valid UUID.": "»{value}« ist keine gültige UUID.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "»{value}« ist weder wahr noch falsch. Möglich sind: {states}"
    ),
    "{value!r} is not a valid {number_type}.": "»{value}« ist keine gültige Zahl.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
}
#: Click's texts with a singular and a plural form: (singular, plural) -> (German singular, plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Unerwartetes zusätzliches Argument ({args})",
        "Unerwartete zusätzliche Argumente ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Braucht {nargs} Werte, angegeben wurde 1.",
        "Braucht {nargs} Werte, angegeben wurden {len}.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Gemeint: {possibility}?",
        "(Gemeint ist vielleicht: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Die Option »{name}« braucht einen Wert.",
        "Die Option »{name}« braucht {nargs} Werte.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} Werte sind nötig, angegeben wurde {len_value}.",
        "{len_type} Werte sind nötig, angegeben wurden {len_value}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "»{value}« passt nicht zum Format {format}.",
        "»{value}« passt zu keinem der Formate {formats}.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "»{value}« ist nicht {choice}.",
        "»{value}« ist keiner der Werte {choices}.",
    ),
}
#: Click's modules that mark texts (each binds ``_`` and possibly ``ngettext`` at import).
MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
    click.utils,
)


def german(message: str) -> str:
    """The German wording of one of Click's texts (unknown texts pass unchanged)."""
    return TEXTS.get(message, message)


def german_plural(singular: str, plural: str, n: int) -> str:
    """The German singular or plural of one of Click's counted texts."""
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Make Click print German: point its translation functions at this table."""
    for module in MODULES:
        if hasattr(module, "_"):
            module._ = german
        if hasattr(module, "ngettext"):
            module.ngettext = german_plural


def localise(command: click.Command) -> None:
    """The usage line's placeholders in German, for a command and every command below it.

    Click writes ``[OPTIONS]`` and ``COMMAND [ARGS]...`` into usage lines without marking them for
    translation; each command carries them as attributes.
    """
    command.options_metavar = "[OPTIONEN]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "BEFEHL [ARGUMENTE]..."
        for sub in command.commands.values():
            localise(sub)
