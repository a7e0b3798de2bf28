"""Turn what a student handed in (a folder or a .zip of one) into a clean folder to grade.

Only regular files are taken: symbolic links, devices and anything that would land
outside the folder are skipped with a problem noted. Zip archives are read member by
member with limits on count, size and compression ratio, so a zip bomb or a zip slip
costs the student a clear message and the grader nothing. Module sources are checked
without running them: text that is not UTF-8 or does not compile is reported per
module, with the line.

No hand-in can crash the preparation: a member that cannot be extracted (encrypted,
corrupt, a name the file system refuses, folders thousands deep) is skipped with a
problem noted, and a hand-in that cannot be read at all is one
:class:`SubmissionError`, which the grader records as the result.
"""

import hashlib
import lzma
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.core.statuses import Status

#: Limits on what one submission may contain.
MAX_FILES = 200
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: Folders deeper than this are not graded (a module is never more than a few levels down).
MAX_DEPTH = 16
#: Entries of a folder hand-in looked at, files and folders alike, before the rest is skipped.
MAX_ENTRIES = 10 * MAX_FILES
#: Problems recorded in full; the rest are counted.
MAX_PROBLEMS = 50
#: The student kit's own folder (its self-check's code and the visible checks' expectations, megabytes of
#: them), which a student who works in the kit hands in with their modules: never graded, never a problem.
KIT_SUPPORT_FOLDER = "_selfcheck"
#: Folders skipped without a word wherever they are: caches, version control and the kit's own.
NOT_GRADED = ("__pycache__", ".git", "__MACOSX", KIT_SUPPORT_FOLDER)
#: Entries a zip's central directory may list (files and folders, as a folder's
#: :data:`MAX_ENTRIES`) and bytes it may take. :mod:`zipfile` makes an object of every
#: entry as it opens an archive: a 55 MB zip of a million entries cost 773 MiB and a
#: minute before any limit applied. Both are read from the archive's end record first.
MAX_ZIP_ENTRIES = MAX_ENTRIES
MAX_CENTRAL_DIRECTORY_BYTES = MAX_ZIP_ENTRIES * 512

#: What reading one zip member can raise besides OSError: a corrupt or truncated member,
#: a compression method zipfile lacks, a password (RuntimeError).
_MEMBER_ERRORS = (OSError, ValueError, zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError,
                  NotImplementedError, RuntimeError)


class SubmissionError(Exception):
    """The submission cannot be graded at all (not found, not a folder or zip, unreadable archive)."""


@dataclass
class PreparedSubmission:
    """A submission copied into a folder of the grader's."""

    directory: Path
    """The folder holding the submission's files."""
    sha256: str
    """Digest of every file's relative path and bytes."""
    problems: list[str] = field(default_factory=list)
    """What was skipped or refused, one sentence each."""
    module_errors: dict[str, tuple[Status, str]] = field(default_factory=dict)
    """Module name -> the status of its checks and why its file's source cannot be imported: ``unreadable``
    (not UTF-8), ``missing`` (empty), ``error`` (it does not compile)."""


def prepare_submission(source, destination, *, files):
    """Copy ``source`` (folder or .zip) into ``destination`` and check the sources of ``files``, the
    graded modules' files (module -> file name, :attr:`autograder.grading.config.GradingConfig.module_files`)."""
    source, destination = Path(source), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        if source.is_dir() and not source.is_symlink():
            _copy_folder(source, destination, problems)
        elif source.is_file() and zipfile.is_zipfile(source):
            _extract_zip(source, destination, problems)
        elif source.is_file() and source.suffix == ".zip":
            raise SubmissionError(f"{source.name}: is not a valid zip archive")
        elif source.exists():
            raise SubmissionError(f"{source.name}: is neither a folder nor a .zip archive")
        else:
            raise SubmissionError(f"{source}: does not exist")
        _descend_single_folder(destination, files.values())
    except OSError as error:  # the hand-in itself is unreadable (permissions, a file system error)
        raise SubmissionError(f"{source.name}: cannot be read ({error})") from None
    module_errors = {module: error for module, name in files.items()
                     if (error := _source_error(destination, name))}
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [f"... and {len(problems) - MAX_PROBLEMS} more problems"]
    return PreparedSubmission(destination, _digest(destination), problems, module_errors)


def _copy_folder(source, destination, problems):
    budget = _Budget(problems)
    for relative, path, mode in _walk(source, problems):
        if stat.S_ISLNK(mode):
            problems.append(f"{relative}: symbolic links are not graded; skipped")
        elif not stat.S_ISREG(mode):
            problems.append(f"{relative}: not a regular file; skipped")
        elif budget.admit(relative, os.stat(path).st_size):
            try:
                (destination / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination / relative, follow_symlinks=False)
            except OSError as error:
                problems.append(f"{relative}: cannot be read ({error.strerror}); skipped")


def _walk(source, problems):
    """(relative path, path, lstat mode) of every entry under ``source`` but folders, in order,
    without following links, at most :data:`MAX_DEPTH` folders deep and :data:`MAX_ENTRIES` entries.

    Iterative and relative to ``source``: a chain of thousands of folders exceeds both
    Python's recursion limit and the longest path the kernel takes.
    """
    pending, seen = [PurePosixPath()], 0
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(source / folder) as scan:
                entries = sorted((entry.name, entry.stat(follow_symlinks=False).st_mode) for entry in scan)
        except OSError as error:
            problems.append(f"{folder}: cannot be read ({error.strerror}); skipped")
            continue
        subfolders = []
        for name, mode in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                problems.append(f"the submission holds more than {MAX_ENTRIES} files and folders; the rest skipped")
                return
            relative = folder / name
            if name in NOT_GRADED:
                continue
            if not stat.S_ISDIR(mode):
                yield relative, source / relative, mode
            elif len(relative.parts) >= MAX_DEPTH:
                problems.append(f"{relative}: folders more than {MAX_DEPTH} deep are not graded; skipped")
            else:
                subfolders.append(relative)
        pending.extend(reversed(subfolders))


def _check_central_directory(source):
    """Refuse a zip whose central directory lists more entries or bytes than the limits, unparsed.

    The end record (zip64's where it has one) gives both; the private reader of
    :mod:`zipfile` is the one its ``ZipFile`` trusts for them, so the two cannot disagree.
    """
    with open(source, "rb") as handle:
        end = zipfile._EndRecData(handle)  # noqa: SLF001 - the end record zipfile itself reads
    if end is None:
        raise zipfile.BadZipFile("no end of central directory record")
    entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # noqa: SLF001
    if entries > MAX_ZIP_ENTRIES or size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise SubmissionError(f"{source.name}: the zip archive lists {entries} entries in {size} bytes, over the "
                              f"limit of {MAX_ZIP_ENTRIES} entries or {MAX_CENTRAL_DIRECTORY_BYTES} bytes; "
                              "zip only the folder with your modules")


def _extract_zip(source, destination, problems):
    budget = _Budget(problems)
    try:
        _check_central_directory(source)
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                name = PurePosixPath(member.filename)
                if member.is_dir() or any(part in NOT_GRADED for part in name.parts):
                    continue
                if reason := _refusal(member, name):
                    problems.append(f"{member.filename}: {reason}; skipped")
                elif budget.admit(name, member.file_size):
                    try:
                        _extract_member(archive, member, destination.joinpath(*name.parts), problems)
                    except _MEMBER_ERRORS as error:
                        problems.append(f"{member.filename}: cannot be extracted ({type(error).__name__}: "
                                        f"{error}); skipped")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            RuntimeError) as error:
        raise SubmissionError(f"{source.name}: the zip archive cannot be read ({error})") from None


def _refusal(member, name):
    """Why a zip member is not extracted, or None."""
    if not name.parts or name.is_absolute() or ".." in name.parts or "\\" in member.filename:
        return "a path outside the submission folder"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "symbolic links are not graded"
    if member.flag_bits & 0x1:
        return "encrypted with a password (hand in a zip without one)"
    if len(name.parts) > MAX_DEPTH:
        return f"folders more than {MAX_DEPTH} deep are not graded"
    if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
        return f"compressed more than {MAX_COMPRESSION_RATIO}:1 (a zip bomb?)"
    return None


def _extract_member(archive, member, target, problems):
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(member) as data:
        content = data.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        problems.append(f"{member.filename}: larger than declared; skipped")
        return
    target.write_bytes(content)


class _Budget:
    """Counts files and bytes against the limits, noting what it refuses."""

    def __init__(self, problems):
        self.problems, self.files, self.bytes = problems, 0, 0

    def admit(self, name, size):
        if size > MAX_FILE_BYTES:
            self.problems.append(f"{name}: {size} bytes, over the limit of {MAX_FILE_BYTES}; skipped")
            return False
        if self.files + 1 > MAX_FILES or self.bytes + size > MAX_TOTAL_BYTES:
            self.problems.append(f"{name}: the submission exceeds {MAX_FILES} files or {MAX_TOTAL_BYTES} bytes; skipped")
            return False
        self.files, self.bytes = self.files + 1, self.bytes + size
        return True


def _descend_single_folder(destination, names):
    """A hand-in holding one folder, or a chain of them (``hw3/hw3/``), with the files ``names`` in
    the innermost is graded from that folder."""
    inner = destination
    for _ in range(MAX_DEPTH):
        entries = list(inner.iterdir())
        if len(entries) != 1 or not entries[0].is_dir() or any((inner / name).exists() for name in names):
            break
        inner = entries[0]
    if inner == destination:
        return
    # Through a folder outside: the innermost folder may share its name with one it is moved over.
    holder = Path(tempfile.mkdtemp(dir=destination.parent))
    inner.rename(holder / "submission")
    shutil.rmtree(destination)
    (holder / "submission").rename(destination)
    holder.rmdir()


def _source_error(directory, name):
    path = directory / name
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Status.UNREADABLE, f"{name} is not UTF-8 text (byte {error.start}); save it as UTF-8"
    if not source.strip():
        return Status.MISSING, f"{name} is empty"
    try:
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as error:
        where = f" line {error.lineno}" if error.lineno else ""
        return Status.ERROR, f"{name}{where}: {type(error).__name__}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return Status.ERROR, f"{name} cannot be compiled: {type(error).__name__}: {error}"
    return None


def file_digest(path):
    """SHA-256 of a file's bytes ("" for anything that is not a readable file)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _digest(directory):
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
