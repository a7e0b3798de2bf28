"""Turn what a student handed in (a folder or a .zip of one) into a clean folder to grade.

Only regular files are taken: symbolic links, devices and anything that would land
outside the folder are skipped with a problem noted. Zip archives are read member by
member with limits on count, size and compression ratio, so a zip bomb or a zip slip
costs the student a clear message and the grader nothing. Module sources are checked
without running them: text that is not UTF-8 or does not compile is reported per
module, with the line.
"""

import hashlib
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

#: Limits on what one submission may contain.
MAX_FILES = 200
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


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
    module_errors: dict[str, str] = field(default_factory=dict)
    """Module name -> why its source cannot be imported (encoding, syntax, size)."""


def prepare_submission(source, destination, *, modules):
    """Copy ``source`` (folder or .zip) into ``destination`` and check the ``modules`` sources."""
    source, destination = Path(source), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    problems = []
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
    _descend_single_folder(destination, modules)
    module_errors = {name: error for name in modules if (error := _source_error(destination, name))}
    return PreparedSubmission(destination, _digest(destination), problems, module_errors)


def _copy_folder(source, destination, problems):
    budget = _Budget(problems)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in ("__pycache__", ".git") for part in relative.parts):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            problems.append(f"{relative}: symbolic links are not graded; skipped")
        elif stat.S_ISDIR(mode):
            (destination / relative).mkdir(exist_ok=True)
        elif not stat.S_ISREG(mode):
            problems.append(f"{relative}: not a regular file; skipped")
        elif budget.admit(relative, path.stat().st_size):
            shutil.copyfile(path, destination / relative, follow_symlinks=False)


def _extract_zip(source, destination, problems):
    budget = _Budget(problems)
    try:
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                name = PurePosixPath(member.filename)
                if member.is_dir() or "__MACOSX" in name.parts or "__pycache__" in name.parts:
                    continue
                if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                    problems.append(f"{member.filename}: a path outside the submission folder; skipped")
                    continue
                if stat.S_ISLNK(member.external_attr >> 16):
                    problems.append(f"{member.filename}: symbolic links are not graded; skipped")
                    continue
                if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
                    problems.append(f"{member.filename}: compressed more than {MAX_COMPRESSION_RATIO}:1 "
                                    "(a zip bomb?); skipped")
                    continue
                if not budget.admit(name, member.file_size):
                    continue
                target = destination.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as data:
                    content = data.read(MAX_FILE_BYTES + 1)
                if len(content) > MAX_FILE_BYTES:
                    problems.append(f"{member.filename}: larger than declared; skipped")
                    continue
                target.write_bytes(content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise SubmissionError(f"{source.name}: the zip archive cannot be read ({error})") from None


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


def _descend_single_folder(destination, modules):
    """A zip or folder holding one folder with the modules in it is graded from that folder."""
    entries = list(destination.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not any((destination / f"{m}.py").exists() for m in modules):
        inner = entries[0]
        for item in list(inner.iterdir()):
            item.rename(destination / item.name)
        inner.rmdir()


def _source_error(directory, module):
    path = directory / f"{module}.py"
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"{module}.py is not UTF-8 text (byte {error.start}); save it as UTF-8"
    if not source.strip():
        return f"{module}.py is empty"
    try:
        compile(source, f"{module}.py", "exec", dont_inherit=True)
    except SyntaxError as error:
        where = f" line {error.lineno}" if error.lineno else ""
        return f"{module}.py{where}: {type(error).__name__}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"{module}.py cannot be compiled: {type(error).__name__}: {error}"
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
