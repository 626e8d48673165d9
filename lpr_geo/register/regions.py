"""Regions a participant can be: lookup by key and tolerant matching of names from office files."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from lpr_geo.boundaries import Boundaries

from .errors import quoted
from .models import KEY_LENGTHS

#: German names of the participant levels, as written in files and messages.
LEVEL_LABELS: dict[str, str] = {"kreis": "Kreis", "amt": "Amt", "gemeinde": "Gemeinde"}

_LEVEL_WORDS: dict[str, str] = {
    "kreis": "kreis",
    "landkreis": "kreis",
    "kreisfreiestadt": "kreis",
    "amt": "amt",
    "verwaltung": "amt",
    "verwaltungsgemeinschaft": "amt",
    "gemeinde": "gemeinde",
    "stadt": "gemeinde",
}
# Words offices add to official names ("Elsterwerda, Stadt", "Landkreis Elbe-Elster", "Amt Plessa").
_NOISE_WORDS = {"stadt", "gemeinde", "amt", "landkreis", "kreis", "lk", "kreisfreie", "verbandsgemeinde"}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class Region:
    """One region of the active boundary dataset."""

    level: str
    key: str
    name: str
    kreis_key: str


@dataclass(frozen=True)
class NameMatch:
    """Result of matching a name: the region, or a German reason why none was chosen."""

    region: Region | None
    problem: str = ""
    note: str = ""


def normalise_name(text: str) -> str:
    """Reduce a region name to a comparison form.

    Lower case, umlauts spelt out, punctuation removed and the words offices add to official names
    ("Stadt", "Gemeinde", "Amt", "Landkreis", ...) dropped: ``"Elsterwerda, Stadt"`` and
    ``"Elsterwerda"`` both become ``"elsterwerda"``.

    Parameters
    ----------
    text : str
        A region name as written in a file.

    Returns
    -------
    str
        The comparison form (may be empty).
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join(w for w in words if w not in _NOISE_WORDS)


def parse_level(text: str) -> str | None:
    """Return the level code for a German level name ("Kreis", "Landkreis", "Amt", "Gemeinde", "Stadt")."""
    return _LEVEL_WORDS.get(re.sub(r"[^a-z]", "", text.casefold().translate(_UMLAUTS)))


def level_of_key(key: str) -> str | None:
    """Return the level a key's length stands for (5: Kreis, 9: Amt, 8: Gemeinde), else ``None``."""
    return next((level for level, length in KEY_LENGTHS.items() if len(key) == length), None)


def describe(region: Region) -> str:
    """``»Name« (Schlüssel)`` for messages."""
    return f"»{region.name}« ({region.key})"


class Regions:
    """Index of the regions of a boundary dataset for lookups by key and name (see :func:`regions`)."""

    def __init__(self, boundaries: Boundaries) -> None:
        self._by_level: dict[str, dict[str, Region]] = {}
        for level in KEY_LENGTHS:
            frame = boundaries.layer(level, lod="land")
            self._by_level[level] = {
                str(row.key): Region(level, str(row.key), str(row.name), str(row.kreis_key))
                for row in frame[["key", "name", "kreis_key"]].itertuples(index=False)
            }

    def get(self, level: str, key: str) -> Region | None:
        """Return the region with this key at this level, if it exists."""
        return self._by_level[level].get(key)

    def match(self, level: str, name: str, kreis_key: str | None = None) -> NameMatch:
        """Find a region by name, within a Kreis if one is given.

        An exact name matches silently; a name equal after :func:`normalise_name` matches with a note
        (so the file's spelling never changes unseen); a close name is rejected with a suggestion.

        Parameters
        ----------
        level : {"kreis", "amt", "gemeinde"}
            Level to search.
        name : str
            Name as written in the file.
        kreis_key : str, optional
            Restrict the search to this Kreis.

        Returns
        -------
        NameMatch
            ``region`` set on success, else ``problem`` with the German reason.
        """
        candidates = [r for r in self._by_level[level].values() if kreis_key in (None, r.kreis_key)]
        label = LEVEL_LABELS[level]
        where = f" im Kreis {self.kreis_name(kreis_key)}" if kreis_key and level != "kreis" else ""
        exact = [r for r in candidates if r.name == name]
        if len(exact) == 1:
            return NameMatch(exact[0])
        wanted = normalise_name(name)
        same = exact or [r for r in candidates if normalise_name(r.name) == wanted]
        if len(same) == 1:
            return NameMatch(same[0], note=f"{quoted(name)} als {label} {describe(same[0])} erkannt")
        if len(same) > 1:
            options = ", ".join(f"{describe(r)} im Kreis {self.kreis_name(r.kreis_key)}" for r in same)
            return NameMatch(
                None, f"{label} {quoted(name)} ist mehrdeutig ({options}); bitte Kreis oder Schlüssel angeben"
            )
        by_norm = {normalise_name(r.name): r for r in candidates}
        close = difflib.get_close_matches(wanted, list(by_norm), n=3, cutoff=0.75)
        hint = f"; meinten Sie {' oder '.join(describe(by_norm[c]) for c in close)}?" if close else ""
        return NameMatch(None, f"{label} {quoted(name)}{where} nicht gefunden{hint}")

    def search(self, level: str, query: str, limit: int = 8) -> list[Region]:
        """Regions whose name fits a typed query, best first; tolerant of "Stadt", umlauts and typos.

        Exact and prefix matches of the comparison form come first, then names containing the query,
        then close spellings (``"Elsterwrda"`` finds Elsterwerda).

        Parameters
        ----------
        level : {"kreis", "amt", "gemeinde"}
            Level to search.
        query : str
            What the user typed.
        limit : int
            Most results.

        Returns
        -------
        list of Region
        """
        wanted = normalise_name(query)
        if not wanted:
            return []
        candidates = list(self._by_level[level].values())
        forms = [normalise_name(r.name) for r in candidates]

        def rank(i: int) -> tuple[int, float, str]:
            form = forms[i]
            if form == wanted:
                tier = 0
            elif form.startswith(wanted):
                tier = 1
            elif wanted in form:
                tier = 2
            else:
                tier = 3
            ratio = difflib.SequenceMatcher(None, wanted, form[: len(wanted) + 3]).ratio()
            return tier, -ratio, candidates[i].name

        ranks = sorted((rank(i), i) for i in range(len(candidates)))
        hits = [i for (tier, negative_ratio, _), i in ranks if tier < 3 or -negative_ratio >= 0.75]
        return [candidates[i] for i in hits[:limit]]

    def kreis_name(self, kreis_key: str | None) -> str:
        """Name of a Kreis by key (the key itself if unknown)."""
        region = self._by_level["kreis"].get(kreis_key or "")
        return region.name if region else str(kreis_key)


def regions(boundaries: Boundaries | None) -> Regions:
    """The region index of a boundary dataset, built once per :class:`~lpr_geo.boundaries.Boundaries`.

    Every caller names its dataset: the active one (the app, the commands) or ``None`` for the bundled one
    (scripts and tests that work on the dataset shipped with the package). There is no process-wide default.
    """
    return (boundaries or Boundaries.bundled()).derived("register.regions", Regions)
