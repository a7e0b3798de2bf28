"""Fuzzing submission preparation: whatever a student hands in, folder or zip, preparing
it returns a clean folder or raises :class:`SubmissionError`, and nothing else.

Hypothesis builds trees (odd names, files where folders are expected, folders nested
far past the limit, links) and zips of them, then damages the zips: members encrypted,
names with dot-dot, backslashes and NUL bytes, compression methods zipfile lacks,
bytes flipped. The prepared folder holds regular files only, within the limits.
"""

import io
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.grading.submission import MAX_DEPTH, MAX_FILES, SubmissionError, prepare_submission
from autograder.sandbox.session import remove_tree

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=150,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FILES = {"optimizers": "optimizers.py", "dropout": "dropout.py"}

names = (st.sampled_from(["optimizers.py", "dropout.py", "hw3", "__MACOSX", "__pycache__", ".git", "...", " ",
                          "a" * 255, "\x1b[2J", "caf\u00e9.py", "new\nline.py"])
         | st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1, max_size=12)
         .filter(lambda name: name not in (".", "..")))
contents = st.sampled_from([b"x = 1\n", b"def sgd(w, dw, state):\n    return w, state\n", b"\xff\xfe", b""])
trees = st.recursive(contents, lambda children: st.dictionaries(names, children, min_size=1, max_size=3),
                     max_leaves=12).filter(lambda tree: isinstance(tree, dict))


def write_tree(folder, tree):
    for name, child in tree.items():
        path = folder / name
        if isinstance(child, dict):
            path.mkdir()
            write_tree(path, child)
        else:
            path.write_bytes(child)


def deep_chain(folder, depth, leaf="optimizers.py"):
    """``depth`` nested folders with a module at the bottom, made relative to each level
    (the whole path would exceed PATH_MAX)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        os.close(os.open(leaf, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor))
    finally:
        os.close(descriptor)


def assert_prepared_or_refused(source, destination):
    try:
        prepared = prepare_submission(source, destination, files=FILES)
    except SubmissionError:
        return None
    files = [path for path in destination.rglob("*") if not path.is_dir()]
    assert all(path.is_file() and not path.is_symlink() for path in files)
    assert len(files) <= MAX_FILES
    assert all(len(path.relative_to(destination).parts) <= MAX_DEPTH for path in files)
    return prepared


def zip_of(tree, prefix=""):
    members = {}

    def collect(node, path):
        for name, child in node.items():
            if isinstance(child, dict):
                collect(child, f"{path}{name}/")
            else:
                members[f"{path}{name}"] = child

    collect(tree, prefix)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def flag_encrypted(data):
    """Mark every member as encrypted, in its local header and the central directory
    (zipfile writes no encrypted archives; it refuses to read members so marked)."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 1
            start = data.find(signature, start + 4)
    return bytes(data)


def set_compression(data, method):
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start != -1:
            data[start + offset:start + offset + 2] = method.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


@FUZZ
@given(tree=trees)
def test_any_folder_is_prepared_or_refused(tree, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand-in")
    write_tree(folder, tree)
    assert_prepared_or_refused(folder, tmp_path_factory.mktemp("prepared") / "submission")


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
@FUZZ
@given(tree=trees, prefix=st.sampled_from(["", "hw3/", "hw3/hw3/", "../", "/abs/", "a\\b/", "x\0y/"]),
       damage=st.sampled_from(["none", "encrypted", "lzma-claimed", "unknown-method", "flipped"]),
       position=st.floats(0, 1))
def test_any_zip_is_prepared_or_refused(tree, prefix, damage, position, tmp_path_factory):
    data = zip_of(tree, prefix)
    if damage == "encrypted":
        data = flag_encrypted(data)
    elif damage == "lzma-claimed":
        data = set_compression(data, zipfile.ZIP_LZMA)
    elif damage == "unknown-method":
        data = set_compression(data, 99)
    elif damage == "flipped":
        index = int(position * (len(data) - 1))
        data = data[:index] + bytes([data[index] ^ 0x5A]) + data[index + 1:]
    archive = tmp_path_factory.mktemp("hand-in") / "submission.zip"
    archive.write_bytes(data)
    assert_prepared_or_refused(archive, tmp_path_factory.mktemp("prepared") / "submission")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 3000])
def test_a_folder_chain_of_any_depth_is_cut_at_the_limit(tmp_path, depth):
    hand_in = tmp_path / "hand-in"
    hand_in.mkdir()
    deep_chain(hand_in, depth)
    try:
        prepared = assert_prepared_or_refused(hand_in, tmp_path / "prepared")
    finally:
        remove_tree(hand_in)  # pytest's own cleanup of tmp_path would recurse 3000 levels
    assert any(f"folders more than {MAX_DEPTH} deep are not graded" in problem for problem in prepared.problems)


def test_a_zip_of_folders_in_folders_is_graded_from_the_innermost(tmp_path):
    archive = tmp_path / "hw3.zip"
    archive.write_bytes(zip_of({"hw3": {"hw3": {"optimizers.py": b"x = 1\n", "hw3": {"helper.py": b"y = 2\n"}}}}))
    prepared = prepare_submission(archive, tmp_path / "prepared", files=FILES)
    assert sorted(path.relative_to(prepared.directory).as_posix() for path in prepared.directory.rglob("*")) == [
        "hw3", "hw3/helper.py", "optimizers.py"]


def test_an_encrypted_zip_is_named_as_such(tmp_path):
    archive = tmp_path / "secret.zip"
    archive.write_bytes(flag_encrypted(zip_of({"optimizers.py": b"x = 1\n"})))
    prepared = prepare_submission(archive, tmp_path / "prepared", files=FILES)
    assert prepared.problems == ["optimizers.py: encrypted with a password (hand in a zip without one); skipped"]
