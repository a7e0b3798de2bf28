"""Malformed submissions: every one gets a clear message naming the file and the problem,
and loses nothing else."""

import os
import zipfile

import pytest

from autograder.grading.grade import grade_submission
from autograder.grading.submission import KIT_SUPPORT_FOLDER, MAX_COMPRESSION_RATIO, MAX_FILE_BYTES, prepare_submission

from conftest import ROOT

REFERENCE_SGD = (ROOT / "reference" / "optimization" / "optimizers.py").read_text()


def make_zip(path, members):
    """members: name -> bytes, or (bytes, external_attr) for special files."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(data, tuple):
                data, info.external_attr = data
            archive.writestr(info, data)
    return path


def test_zip_slip_and_absolute_paths_are_skipped(tmp_path):
    archive = make_zip(tmp_path / "s.zip", {"../../escaped.py": b"x = 1", "/etc/evil.py": b"x = 1",
                                            "optimizers.py": REFERENCE_SGD.encode()})
    prepared = prepare_submission(archive, tmp_path / "out", files={"optimizers": "optimizers.py"})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["optimizers.py"]
    assert not (tmp_path / "escaped.py").exists()
    assert any("../../escaped.py: a path outside the submission folder" in p for p in prepared.problems)
    assert any("/etc/evil.py: a path outside" in p for p in prepared.problems)


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"optimizers.py": b"\0" * (MAX_FILE_BYTES - 1),
                                               "dropout.py": REFERENCE_SGD.encode()})
    prepared = prepare_submission(archive, tmp_path / "out",
                                  files={"optimizers": "optimizers.py", "dropout": "dropout.py"})
    assert any(f"compressed more than {MAX_COMPRESSION_RATIO}:1" in p for p in prepared.problems)
    assert (tmp_path / "out" / "dropout.py").exists() and not (tmp_path / "out" / "optimizers.py").exists()


def test_a_huge_file_is_skipped_with_its_size(tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "optimizers.py").write_bytes(os.urandom(MAX_FILE_BYTES + 1))
    prepared = prepare_submission(folder, tmp_path / "out", files={"optimizers": "optimizers.py"})
    assert any(f"optimizers.py: {MAX_FILE_BYTES + 1} bytes, over the limit" in p for p in prepared.problems)


def test_the_kits_own_folder_is_skipped_without_a_word_in_a_folder_and_in_a_zip(tmp_path):
    """A student who works in the kit hands in its megabytes of expectations with their modules."""
    folder = tmp_path / "kit"
    (folder / KIT_SUPPORT_FOLDER).mkdir(parents=True)
    (folder / KIT_SUPPORT_FOLDER / "expectations.bin").write_bytes(os.urandom(MAX_FILE_BYTES + 1))
    (folder / "optimizers.py").write_text(REFERENCE_SGD)
    archive = make_zip(tmp_path / "kit.zip", {f"kit/{KIT_SUPPORT_FOLDER}/expectations.bin": os.urandom(1000),
                                              "kit/optimizers.py": REFERENCE_SGD.encode()})
    for source in (folder, archive):
        out = tmp_path / f"out-{source.name}"
        prepared = prepare_submission(source, out, files={"optimizers": "optimizers.py"})
        assert prepared.problems == [] and [path.name for path in out.iterdir()] == ["optimizers.py"]


def test_symlinks_are_not_followed(tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "optimizers.py").symlink_to(ROOT / "reference" / "optimization" / "optimizers.py")
    archive = make_zip(tmp_path / "link.zip", {"dropout.py": (b"/etc/passwd", 0o120777 << 16)})
    from_folder = prepare_submission(folder, tmp_path / "a", files={"optimizers": "optimizers.py"})
    from_zip = prepare_submission(archive, tmp_path / "b", files={"dropout": "dropout.py"})
    assert not list((tmp_path / "a").iterdir()) and not list((tmp_path / "b").iterdir())
    assert "optimizers.py: symbolic links are not graded; skipped" in from_folder.problems
    assert "dropout.py: symbolic links are not graded; skipped" in from_zip.problems


@pytest.mark.parametrize("content, status, message", [
    (b"\x89PNG\r\n\x1a\n\0\0\0binary", "unreadable", "optimizers.py is not UTF-8 text"),
    (b"", "missing", "optimizers.py is empty"),
    (b"def sgd(w, dw, state:\n    return w\n", "error", "optimizers.py line 1: SyntaxError"),
    (b"def sgd():\n\treturn 1\n        return 2\n", "error", "optimizers.py line 3"),
    (b"x = 1\0", "error", "optimizers.py: SyntaxError: source code string cannot contain null bytes"),
])
def test_unreadable_sources_fail_their_module_only(tmp_path, config, oracle, content, status, message):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "optimizers.py").write_bytes(content)
    (folder / "dropout.py").write_text((ROOT / "reference" / "optimization" / "dropout.py").read_text())
    result = grade_submission(folder, config=config, oracle=oracle, functions={"sgd", "dropout_backward"})
    for check in result.checks:
        if check.module == "optimizers":
            assert check.status == status and message in check.message, check.message
        else:
            assert check.status == "passed", (check.id, check.message)


def test_wrong_signatures_and_duplicated_names_are_graded_as_written(make_submission, config, oracle):
    source = REFERENCE_SGD + "\n\ndef sgd(w, dw):\n    return w, {}\n\n\nadagrad = 3\n"
    result = grade_submission(make_submission({"optimizers": source}), config=config, oracle=oracle,
                              functions={"sgd", "adagrad", "adam"})
    for check in result.checks:
        if check.function == "sgd":
            assert check.status in ("error", "failed") and "unexpected keyword argument" in check.message \
                or "positional argument" in check.message or check.family == "shapes", (check.id, check.message)
        elif check.function == "adagrad":
            assert check.status == "missing" and "defines no function adagrad" in check.message
        else:
            assert check.status == "passed"


def test_a_broken_zip_is_one_clear_problem(tmp_path, config, oracle):
    (tmp_path / "cut.zip").write_bytes(b"PK\x03\x04" + b"\0" * 20)
    result = grade_submission(tmp_path / "cut.zip", config=config, oracle=oracle, functions={"sgd"})
    assert result.problems == ["cut.zip: is not a valid zip archive"]
    assert all(check.status == "unreadable" and "not a valid zip" in check.message for check in result.checks)
