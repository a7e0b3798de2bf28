"""The stubs in assignments/ are the reference with its solutions cut out, and are up to date."""

import importlib.util
import inspect

import numpy as np
import pytest

from autograder.authoring.release import ReleaseError, release, stale_stubs, stub_source

from conftest import ROOT

#: Every committed assignment: its reference folder, its stubs' folder, its modules.
ASSIGNMENTS = {
    "optimization": ("reference/optimization", "assignments/optimization", ["optimizers", "initializers", "batchnorm", "dropout"]),
    "training dynamics": ("reference/training_dynamics", "assignments/training_dynamics",
                          ["schedules", "clipping", "second_order", "minibatches", "averaging", "early_stopping",
                           "regularization"]),
    "activations and normalization": ("reference/activations_normalization", "assignments/activations_normalization",
                                      ["activations", "layernorm", "weightnorm", "lsuv"]),
}


def load(path, name):
    spec = importlib.util.spec_from_file_location(f"_stub_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_the_committed_stubs_are_up_to_date_and_the_only_ones(assignment):
    reference, stubs, modules = ASSIGNMENTS[assignment]
    assert stale_stubs(ROOT / reference, ROOT / stubs) == []
    assert sorted(path.stem for path in (ROOT / stubs).glob("*.py")) == sorted(modules)


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_release_stubs_the_modules_only(assignment, tmp_path):
    reference, _, modules = ASSIGNMENTS[assignment]
    written = release(ROOT / reference, tmp_path)
    assert sorted(path.stem for path in written) == sorted(modules)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"{name}.py" for name in modules)


def test_a_stale_stub_of_the_second_assignment_is_reported(tmp_path):
    release(ROOT / "reference" / "training_dynamics", tmp_path)
    stub = tmp_path / "schedules.py"
    stub.write_text(stub.read_text().replace("Step decay", "Step  decay"))
    assert stale_stubs(ROOT / "reference" / "training_dynamics", tmp_path) == ["schedules.py"]


@pytest.mark.parametrize("assignment, name", [(assignment, name) for assignment, (_, _, modules) in
                                              sorted(ASSIGNMENTS.items()) for name in modules])
def test_every_stub_imports_keeps_the_api_and_names_its_task(assignment, name):
    reference_folder, stubs_folder, _ = ASSIGNMENTS[assignment]
    stub = load(ROOT / stubs_folder / f"{name}.py", name)
    reference = load(ROOT / reference_folder / f"{name}.py", f"reference_{name}")
    public = [n for n, f in vars(reference).items() if inspect.isfunction(f) and not n.startswith("_")]
    assert public
    for function_name in public:
        stub_function, reference_function = getattr(stub, function_name), getattr(reference, function_name)
        assert inspect.signature(stub_function) == inspect.signature(reference_function)
        assert stub_function.__doc__ == reference_function.__doc__
        source = inspect.getsource(stub_function)
        assert f'raise NotImplementedError("{name}.{function_name}: not implemented yet' in source
        assert "### BEGIN SOLUTION" not in source


def test_a_stub_raises_not_implemented_with_the_task_id():
    stub = load(ROOT / "assignments" / "optimization" / "optimizers.py", "optimizers")
    with pytest.raises(NotImplementedError, match="optimizers.adam: not implemented yet"):
        stub.adam(np.zeros(2), np.zeros(2), {})


def test_everything_outside_the_regions_is_kept_byte_for_byte():
    source = "import numpy as np\r\n\r\ndef f(x):\r\n    '''doc'''\r\n    ### BEGIN SOLUTION\r\n    return x\r\n" \
             "    ### END SOLUTION\r\n"
    assert stub_source(source, "m") == ("import numpy as np\r\n\r\ndef f(x):\r\n    '''doc'''\r\n"
                                        '    raise NotImplementedError("m.f: not implemented yet (see the docstring)")\r\n')


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "outside any function"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("def f():\n    pass\n    ### END SOLUTION\n", "without"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n", "inside another"),
    ("def f(:\n", "line 1: SyntaxError"),
])
def test_malformed_regions_are_errors_with_the_line(source, message):
    with pytest.raises(ReleaseError, match=message):
        stub_source(source, "m")
