"""A course's own drivers: the file its config names (``drivers:``), which registers them with the built-in
ones' decorator, imports numpy only, and is imported by the grader before the checks, by every worker before
the student's modules, and by the kit's self-check (tests/test_registrations.py grades and self-checks the
registering course, whose drivers.py is CS231n's numerical gradient, through the command line)."""

import dataclasses
import re
import shutil
import sys
import textwrap

import numpy as np
import pytest

from autograder.core import drivers
from autograder.core.requests import call, driver_request
from autograder.exports.reports.bundle import bundle_contents
from autograder.grading.config import ConfigError, config_digest, load_config
from autograder.grading.grade import sandbox_settings
from autograder.grading.oracle import Oracle
from autograder.sandbox import launcher
from autograder.sandbox.session import WorkerSession

from conftest import ROOT, restored

COURSE = ROOT / "tests" / "data" / "registering_course"
#: Bubblewrap, and below it (the worker's command differs): as the grader's uid where no other can run this Python.
ISOLATION = [True, False] if launcher.bubblewrap_available() else [False]


@pytest.fixture
def drivers_restored():
    """The built-in drivers only during the test (a course loaded earlier in the process registered its own),
    and the registry and the drivers files loaded as they were before it, after."""
    loaded = dict(drivers._course_drivers)
    with restored(drivers.DRIVERS, built_in_only=True):
        yield
    drivers._course_drivers.clear()
    drivers._course_drivers.update(loaded)
    sys.modules.pop(drivers.COURSE_DRIVERS_MODULE, None)


@pytest.fixture
def course(tmp_path, drivers_restored):
    """A copy of the registering course, whose drivers file each test may rewrite."""
    folder = tmp_path / "course"
    shutil.copytree(COURSE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def with_drivers(course, source):
    (course / "drivers.py").write_text(textwrap.dedent(source))
    return load_config(course)


@pytest.mark.parametrize("named, problem", [
    ("missing.py", "{folder}/missing.py does not exist"),
    ("drivers.txt", "drivers.txt is not a .py file"),
    ("../outside.py", "../outside.py is outside the assignment's folder {folder}, which holds its drivers file as "
                      "it holds its checks")])
def test_a_drivers_file_that_is_missing_not_python_or_outside_the_folder_fails_when_the_config_loads(
        course, named, problem):
    (course.parent / "outside.py").write_text("")
    config = course / "grading_config.yml"
    config.write_text(config.read_text().replace("drivers: drivers.py", f"drivers: {named}"))
    with pytest.raises(ConfigError) as raised:
        load_config(course)
    assert str(raised.value) == f"{config}: drivers: Value error, {problem.format(folder=course)}"


@pytest.mark.parametrize("line, module", [
    ("import torch", "torch"), ("from hypothesis import strategies", "hypothesis"),
    ("import softmax", "softmax"), ("from reference import affine", "reference"),
    ("from checks import ASSIGNMENT", "checks"), ("from autograder.authoring import verdict", "autograder.authoring")])
def test_a_drivers_file_that_imports_more_than_numpy_fails_naming_what_it_imports(course, line, module):
    config = with_drivers(course, f"import numpy as np\nfrom autograder.core.drivers import driver\n{line}\n")
    with pytest.raises(ConfigError) as raised:
        config.assignment
    path = course / "drivers.py"
    assert str(raised.value) == (
        f"drivers: importing {path} raised ImportError: {path}: a course's drivers file imports the standard "
        f"library, numpy and autograder.core.drivers only, not {module!r}: it runs in the sandboxed worker and "
        "in the student kit, which hold neither the reference, the checks, PyTorch nor Hypothesis")


def test_a_driver_named_as_a_built_in_one_fails_when_the_assignment_loads_naming_both_definitions(course):
    config = with_drivers(course, """\
        from autograder.core.drivers import driver


        @driver
        def call(request, modules):
            return {"result": None}
        """)
    with pytest.raises(ConfigError) as raised:
        config.assignment
    path = course / "drivers.py"
    assert str(raised.value).startswith(
        f"drivers: importing {path} raised RegistrationError: {path}:4: driver call: the name 'call' is taken by "
        f"the driver defined at {drivers.__file__}:"), raised.value
    assert drivers.DRIVERS["call"] is drivers.call


def test_a_request_naming_no_registered_driver_fails_where_the_check_builds_it():
    with pytest.raises(ValueError, match=r"^no driver is registered as 'numerical_gradiant' \(the drivers: call, "):
        driver_request("numerical_gradiant", module="affine")


def test_the_reference_is_observed_through_the_courses_driver_in_the_grader(course):
    config = load_config(course)
    drivers.load_course_drivers(config.drivers)
    x = np.arange(6.0).reshape(2, 1, 3)
    w, b, upstream = np.ones((3, 2)), np.zeros(2), np.array([[1.0, 2.0], [3.0, 4.0]])
    reply = Oracle(config.reference).reply(driver_request("numerical_gradient", module="affine",
                                                          function="affine_forward", args=[x, w, b], wrt=0,
                                                          output=0, upstream=upstream))
    np.testing.assert_allclose(reply["result"], (upstream @ w.T).reshape(x.shape), rtol=1e-8)


#: A submission's module that looks at the drivers registered when it is imported, and one that registers a
#: driver under the course's driver's name.
SNEAKY = """\
from autograder.core.drivers import DRIVERS

REGISTERED_WHEN_IMPORTED = sorted(DRIVERS)


def registered():
    return REGISTERED_WHEN_IMPORTED
"""
USURPER = """\
from autograder.core.drivers import driver


@driver
def numerical_gradient(request, modules):
    return {"result": 0.0}
"""


@pytest.mark.parametrize("bubblewrap", ISOLATION)
def test_every_worker_registers_the_courses_drivers_before_it_imports_a_student_module(course, tmp_path, bubblewrap):
    config = load_config(course)
    drivers.load_course_drivers(config.drivers)  # as config.assignment does, so that a check can name them
    submission = tmp_path / "submission"
    shutil.copytree(course / "reference", submission)
    (submission / "sneaky.py").write_text(SNEAKY)
    (submission / "usurper.py").write_text(USURPER)
    gradient = driver_request("numerical_gradient", module="affine", function="affine_forward",
                              args=[np.ones((1, 2)), np.eye(2), np.zeros(2)], wrt=0, output=0,
                              upstream=np.array([[1.0, 2.0]]))
    settings = dataclasses.replace(sandbox_settings(config), use_bubblewrap=bubblewrap, allow_grader_uid=True)
    with WorkerSession(submission, settings) as session:
        assert (session.isolation.level == "bubblewrap") == bubblewrap
        registered = session.request(call("sneaky", "registered"), timeout=10)["ok"]["result"]
        usurped = session.request({"driver": "probe", "module": "usurper"}, timeout=10)["error"]
        replied = session.request(gradient, timeout=10)["ok"]["result"]
    assert registered == ["call", "chain", "loop", "numerical_gradient", "probe"]
    site = launcher.SANDBOX_DRIVERS if bubblewrap else "/drivers.py"
    assert usurped["type"] == "RegistrationError"
    assert "driver numerical_gradient: the name 'numerical_gradient' is taken by the driver defined at " in (
        usurped["message"])
    assert usurped["message"].split(" defined at ")[1].rsplit(":", 1)[0].endswith(site)
    np.testing.assert_allclose(replied, [[1.0, 2.0]], rtol=1e-8)


def test_the_bank_key_and_the_config_digest_cover_the_drivers_file_and_the_gradescope_bundle_holds_it(course):
    config = load_config(course)
    key, digest = Oracle(config.reference)._version(config.checks, config.drivers), config_digest(config)
    drivers_file = course / "drivers.py"
    drivers_file.write_text(drivers_file.read_text().replace("default 1e-5", "default 10^-5"))
    assert Oracle(config.reference)._version(config.checks, config.drivers) != key
    assert config_digest(config) != digest
    contents = bundle_contents(project_dir=ROOT, config_path=course / "grading_config.yml")
    assert contents["drivers.py"] == drivers_file.read_bytes()


def test_the_authoring_pages_driver_is_the_registering_courses():
    """docs/authoring.md shows the driver that tests/test_registrations.py grades with (its docstring shortened)."""
    page = (ROOT / "docs" / "authoring.md").read_text()
    shown = re.search(r'```python\n(import numpy as np\n\nfrom autograder.core.drivers import driver\n.*?)```',
                      page, flags=re.S).group(1)
    body = shown.split('"""')[-1]
    assert body.strip() and body in (COURSE / "drivers.py").read_text()
