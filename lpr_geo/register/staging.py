"""A member import in three steps across requests: upload, check, apply exactly the checked rows, once.

The admin upload (dashboard) cannot check and apply in one request: the admin first sees the report,
then decides. Between the steps the upload waits on the server, under the data directory (owner-only:
directories 0700, files 0600, whatever the umask), in a folder named by a random token that only the
uploading user can use. "Check" reads the file once (:func:`~lpr_geo.register.importer.check_members`),
keeps the checked rows as JSON and removes the upload; "apply" claims the folder by renaming it (atomic:
of two clicks only one gets it) and writes exactly those rows (:func:`~.importer.apply_checked`).
Anything nobody applied is removed after :data:`STALE_AFTER_SECONDS`, at the next upload.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from sqlalchemy import Engine

from lpr_geo.boundaries import Boundaries
from lpr_geo.spreadsheets import ReadLimits

from .errors import FileTooLarge, RegisterError
from .import_report import ImportReport
from .importer import CheckedImport, apply_checked, check_members, count_changes

#: Uploads nobody checked or applied are removed after this time (at the next upload).
STALE_AFTER_SECONDS = 12 * 3600
#: Folder under the data directory that holds the uploads.
FOLDER = "import-staging"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_META = "upload.json"
_CHECKED = "checked.json"
_CLAIMED = ".applying"


class StagingGone(RegisterError):
    """The upload a token names is gone (applied, discarded, expired) or belongs to another user."""

    def __init__(self) -> None:
        super().__init__("Die hochgeladene Datei ist nicht mehr vorhanden; bitte erneut hochladen.")


class NotChecked(RegisterError):
    """An upload was to be applied before a check found it without problems."""

    def __init__(self) -> None:
        super().__init__("Bitte die Datei zuerst prüfen.")


def safe_name(filename: str) -> str:
    """The file's own name without any path, reduced to harmless characters (messages name it)."""
    name = re.sub(r"[^\w.,()+ -]", "_", filename.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(". ")
    stem, suffix = name[: -len(Path(name).suffix) or None], Path(name).suffix.lower()
    return f"{stem[:100] or 'import'}{suffix}"


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL: never through a link someone planted; fchmod: 0600 whatever the umask
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(data)


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)  # mkdir's mode is masked by the umask
    return path


class ImportStaging:
    """Uploaded member files waiting under ``data_dir/import-staging`` to be checked and applied.

    Parameters
    ----------
    data_dir : Path
        The installation's data directory (:attr:`lpr_geo.settings.Settings.data_dir`).
    engine : sqlalchemy.Engine
        Engine of the register.
    limits : ReadLimits
        Size, data-row and cell limits of an import (:meth:`ReadLimits.from_settings`).
    boundaries : Boundaries
        The active boundary dataset, in which the rows' regions are looked up.
    """

    def __init__(self, data_dir: Path, engine: Engine, limits: ReadLimits, boundaries: Boundaries) -> None:
        self.root = Path(data_dir) / FOLDER
        self.engine = engine
        self.limits = limits
        self.boundaries = boundaries

    def stage(self, data: bytes, filename: str, user: str) -> str:
        """Keep an uploaded file for ``user``; returns the token that names it.

        Raises
        ------
        FileTooLarge
            If the file is over the size limit (nothing is kept).
        """
        if len(data) > self.limits.max_bytes:
            error = self.limits.too_big(safe_name(filename), len(data))
            raise FileTooLarge(str(error), error.amount, error.limit, error.setting)
        root = _private_dir(self.root)
        self._sweep(root)
        token = secrets.token_urlsafe(24)
        folder = _private_dir(root / token)
        name = safe_name(filename)
        _write_private(folder / name, data)
        _write_private(folder / _META, json.dumps({"name": name, "user": user}).encode())
        return token

    def check(self, token: object, user: str) -> ImportReport:
        """Check the upload (a dry run with counts); a file with problems is removed at once.

        The first check reads the file and keeps only the checked rows; checking again counts those
        rows anew against the register.

        Raises
        ------
        StagingGone
            If the token names no upload of this user.
        RegisterError
            If the file cannot be read (the upload is removed: it can never be applied).
        """
        folder, name = self._find(token, user)
        checked_file = folder / _CHECKED
        if checked_file.is_file():
            data = json.loads(checked_file.read_text(encoding="utf-8"))
            return count_changes(self.engine, CheckedImport.from_data(data, self.boundaries))
        try:
            checked = check_members(
                self.engine, folder / name, limits=self.limits, boundaries=self.boundaries
            )
        except RegisterError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not checked.report.ok:
            shutil.rmtree(folder, ignore_errors=True)
            return checked.report
        _write_private(checked_file, json.dumps(checked.to_data(), ensure_ascii=False).encode("utf-8"))
        (folder / name).unlink()  # read once: from here on only the checked rows count
        return checked.report

    def apply(self, token: object, user: str, *, remove_sample: bool = False) -> ImportReport:
        """Apply exactly the checked rows of the upload, once; the upload is removed either way.

        ``remove_sample``: delete the sample register in the import's transaction (see
        :func:`~.importer.apply_checked`); without it an import into the sample is refused.

        Raises
        ------
        StagingGone
            If the token names no upload of this user, or it is being or was applied already.
        NotChecked
            If no check without problems came first.
        RegisterError
            If the register no longer fits the rows (a network or region is gone).
        """
        folder, _ = self._find(token, user)
        if not (folder / _CHECKED).is_file():
            # checked.json never goes away while the folder is there: gone means someone claimed it
            raise NotChecked if folder.is_dir() else StagingGone
        claimed = folder.with_name(folder.name + _CLAIMED)
        try:
            folder.rename(claimed)  # atomic: a second click finds nothing to claim
        except OSError as error:
            raise StagingGone from error
        try:
            data = json.loads((claimed / _CHECKED).read_text(encoding="utf-8"))
            checked = CheckedImport.from_data(data, self.boundaries)
            return apply_checked(self.engine, checked, user=user, remove_sample=remove_sample)
        finally:
            shutil.rmtree(claimed, ignore_errors=True)

    def discard(self, token: object) -> None:
        """Remove an upload (a newer one replaces it); unknown tokens are ignored."""
        if isinstance(token, str) and _TOKEN.match(token):
            shutil.rmtree(self.root / token, ignore_errors=True)

    def _find(self, token: object, user: str) -> tuple[Path, str]:
        if not (isinstance(token, str) and _TOKEN.match(token)):
            raise StagingGone
        folder = self.root / token
        try:
            meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise StagingGone from None
        if not isinstance(meta, dict) or meta.get("user") != user or not isinstance(meta.get("name"), str):
            raise StagingGone
        return folder, meta["name"]

    @staticmethod
    def _sweep(root: Path) -> None:
        limit = time.time() - STALE_AFTER_SECONDS
        for folder in root.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
