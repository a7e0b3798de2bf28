"""Build the similarity benchmark's classes in examples/similarity/ from the catalogs.

    python examples/similarity/build.py

For each assignment, a class of one zip per student and ``truth.json``, which says where
each student's graded functions came from:

  author-N        independent authors: author-0 writes the reference's implementation of
                  every function, author-N the catalog's N-th correct variant, or leaves
                  the stub where the catalog has fewer (an unfinished function)
  copy-N-DISGUISE author-N's hand-in, disguised as students disguise copies: ``rename``
                  (local variables), ``reorder`` (adjacent independent assignments),
                  ``comments`` (comments and blank lines added, spacing and quotes changed),
                  ``temporaries`` (operands split into temporaries), ``move`` (one module's
                  functions moved into another file), ``all`` (the five together)

and ``known/public-repo.zip``, the reference as a public repository of solutions would
hold it. The flagship's class also holds the example students (examples/optimization/submissions/:
ada, grace, linus, and ken's broken zip). Every disguise is drawn from a seeded random
generator, and the zips have fixed timestamps and order, so rebuilding changes nothing.
"""

import ast
import json
import random
import shutil
import zipfile
from pathlib import Path

from autograder.authoring.catalog import load_catalog
from autograder.authoring.release import stub_source
from autograder.grading.config import load_config

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
#: Assignment -> its grading config.
ASSIGNMENTS = {"optimization": ROOT / "reference" / "optimization" / "grading_config.yml",
               "training_dynamics": ROOT / "reference/training_dynamics/grading_config.yml",
               "activations_normalization": ROOT / "reference/activations_normalization/grading_config.yml"}
#: Assignment -> the seed its disguises are drawn with: the classes docs/benchmarks.md measured (the
#: flagship's was drawn under its earlier name).
DISGUISE_SEEDS = {"optimization": "flagship", "training_dynamics": "training_dynamics",
                  "activations_normalization": "activations_normalization"}
DISGUISES = ("rename", "reorder", "comments", "temporaries", "move", "all")
WORDS = ("acc", "buf", "cur", "val", "tmp", "res", "out", "res", "new", "step", "term", "part", "item", "delta")


def write_zip(path, files):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            info = zipfile.ZipInfo(f"{path.stem}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


def _replace_definitions(source, replacements):
    """``source`` with the top-level definitions named in ``replacements`` replaced by their text."""
    lines = source.splitlines(keepends=True)
    nodes = [node for node in ast.parse(source).body
             if isinstance(node, ast.FunctionDef) and node.name in replacements]
    for node in sorted(nodes, key=lambda node: node.lineno, reverse=True):
        first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
        lines[first - 1:node.end_lineno] = [replacements[node.name].strip("\n") + "\n"]
    return "".join(lines)


def _definition(source, name):
    node = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef) and node.name == name)
    return "".join(source.splitlines(keepends=True)[node.lineno - 1:node.end_lineno])


def authors(config):
    """Author id -> (module file -> text, origins ``module.function`` -> implementation or None)."""
    graded = sorted({(check.module, check.function) for check in config.assignment.checks})
    modules = sorted({module for module, _ in graded})
    reference = {module: (config.reference / f"{module}.py").read_text(encoding="utf-8") for module in modules}
    stubs = {module: stub_source(reference[module], module) for module in modules}
    _, variants = load_catalog(config.catalog)
    implementations = {(module, function): [("reference", _definition(reference[module], function))]
                       + [(variant.name, variant.code) for variant in variants
                          if (variant.module, variant.function) == (module, function)]
                       for module, function in graded}
    count = max(len(found) for found in implementations.values())
    written = {}
    for author in range(count):
        files, origins = {}, {}
        for module in modules:
            replacements = {}
            for (graded_module, function), found in implementations.items():
                if graded_module != module:
                    continue
                name, code = found[author] if author < len(found) else (None, _definition(stubs[module], function))
                replacements[function] = code
                origins[f"{module}.{function}"] = name
            files[f"{module}.py"] = _replace_definitions(reference[module], replacements)
        written[f"author-{author}"] = (files, origins)
    return written, graded


class _Locals(ast.NodeTransformer):
    """Renames the names a function assigns (not its arguments) by ``mapping``."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        node.id = self.mapping.get(node.id, node.id)
        return node


def rename(tree, graded_names, rng):
    for function in _graded(tree, graded_names):
        arguments = {argument.arg for argument in ast.walk(function.args) if isinstance(argument, ast.arg)}
        assigned = sorted({node.id for node in ast.walk(function) if isinstance(node, ast.Name)
                           and isinstance(node.ctx, ast.Store)} - arguments)
        mapping = {name: f"{rng.choice(WORDS)}_{index}" for index, name in enumerate(assigned)}
        _Locals(mapping).visit(function)


def _names(node, kind):
    return {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name) and isinstance(inner.ctx, kind)}


def _writes(statement):
    written = set()
    for target in statement.targets:
        written |= _names(target, ast.Store) | {inner.value.id for inner in ast.walk(target)
                                                 if isinstance(inner, ast.Subscript | ast.Attribute)
                                                 and isinstance(inner.value, ast.Name)}
    return written


def reorder(tree, graded_names, rng):
    """Swap adjacent assignments that neither read nor write what the other writes."""
    del rng  # the swaps are all made, in order
    for function in _graded(tree, graded_names):
        for block in [node.body for node in ast.walk(function) if hasattr(node, "body")
                      and isinstance(node.body, list)]:
            index = 0
            while index + 1 < len(block):
                first, second = block[index], block[index + 1]
                if isinstance(first, ast.Assign) and isinstance(second, ast.Assign) and not (
                        _writes(first) & (_names(second, ast.Load) | _writes(second))
                        or _writes(second) & _names(first, ast.Load)):
                    block[index], block[index + 1] = second, first
                    index += 2
                else:
                    index += 1


def temporaries(tree, graded_names, rng):
    """Split the left operand of every binary operation assigned or returned into a temporary."""
    counter = 0
    for function in _graded(tree, graded_names):
        for block in [node.body for node in ast.walk(function) if hasattr(node, "body")
                      and isinstance(node.body, list)]:
            index = 0
            while index < len(block):
                statement = block[index]
                value = getattr(statement, "value", None)
                if isinstance(statement, ast.Assign | ast.Return) and isinstance(value, ast.BinOp) \
                        and isinstance(value.left, ast.Call | ast.BinOp | ast.Subscript | ast.Attribute):
                    name = f"{rng.choice(WORDS)}_part{counter}"
                    counter += 1
                    block.insert(index, ast.Assign(targets=[ast.Name(name, ast.Store())], value=value.left))
                    value.left = ast.Name(name, ast.Load())
                    index += 1
                index += 1
        ast.fix_missing_locations(function)


def _graded(tree, graded_names):
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in graded_names]


def comments(text, rng):
    """Comments before some lines and blank lines after others; ``ast.unparse`` already
    changed the quotes and the spacing."""
    out = []
    for line in text.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        stripped = line.strip()
        if indent and stripped and not stripped.startswith(("'", '"')) and rng.random() < 0.3:
            out.append(f"{indent}# {rng.choice(('update', 'compute the step', 'see lecture 4', 'edge case'))}")
        out.append(line.rstrip() + ("  # done" if stripped.startswith("return") and rng.random() < 0.5 else ""))
        if stripped and rng.random() < 0.15:
            out.append("")
    return "\n".join(out) + "\n"


#: The disguises that rewrite a module's syntax tree, by name.
AST_DISGUISES = {"rename": rename, "reorder": reorder, "temporaries": temporaries}


def disguise(files, graded, kind, rng):
    """``files`` (module file -> text) disguised by ``kind``."""
    by_module = {}
    for module, function in graded:
        by_module.setdefault(module, set()).add(function)
    kinds = ("rename", "reorder", "temporaries", "comments", "move") if kind == "all" else (kind,)
    out = {}
    for name, text in files.items():
        tree = ast.parse(text)
        names = by_module.get(name[:-3], set())
        for step in kinds:
            if step in AST_DISGUISES:
                AST_DISGUISES[step](tree, names, rng)
        out[name] = ast.unparse(tree) + "\n"
        if "comments" in kinds:
            out[name] = comments(out[name], rng)
    if "move" in kinds:
        source, target = sorted(files)[:2] if len(files) > 1 else (None, None)
        if source:
            tree = ast.parse(out[source])
            moved = [node for node in tree.body if isinstance(node, ast.FunctionDef)
                     and node.name in by_module.get(source[:-3], ())]
            tree.body = [node for node in tree.body if node not in moved]
            tree.body.append(ast.ImportFrom(module=target[:-3], names=[ast.alias(node.name) for node in moved],
                                            level=0))
            out[source] = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
            out[target] += "\n\n" + "\n\n\n".join(ast.unparse(node) for node in moved) + "\n"
    return out


def build_class(name, config_path, out):
    """Write one assignment's class into ``out``; return its truth."""
    config = load_config(config_path)
    written, graded = authors(config)
    truth = {}
    rng = random.Random(f"similarity-{DISGUISE_SEEDS[name]}")
    for author, (files, origins) in written.items():
        write_zip(out / "submissions" / f"{author}.zip", files)
        truth[author] = {"copy_of": None, "disguise": None, "origins": origins}
        for kind in DISGUISES:
            copier = f"copy-{author.removeprefix('author-')}-{kind}"
            write_zip(out / "submissions" / f"{copier}.zip", disguise(files, graded, kind, rng))
            truth[copier] = {"copy_of": author, "disguise": kind, "origins": origins}
    reference = {f"{module}.py": (config.reference / f"{module}.py").read_text(encoding="utf-8")
                 for module in sorted({module for module, _ in graded})}
    write_zip(out / "known" / "public-repo.zip", reference)
    truth["public-repo"] = {"copy_of": None, "disguise": None, "known": True,
                            "origins": {f"{module}.{function}": "reference" for module, function in graded}}
    return truth


def build(out=HERE):
    for name, config_path in ASSIGNMENTS.items():
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        truth = build_class(name, config_path, folder)
        if name == "optimization":
            truth.update(_example_students(folder, truth))
        (folder / "truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _example_students(folder, truth):
    """ada (every variant, the last one of a function binding it), grace (a bug in the
    reference), linus (the stubs) and ken (a broken zip), copied from examples/optimization/submissions/."""
    origins = truth["author-0"]["origins"]
    _, variants = load_catalog(ROOT / "reference" / "optimization" / "catalog")
    ada = dict(origins)
    for variant in variants:
        ada[f"{variant.module}.{variant.function}"] = variant.name
    examples = {"ada": ada, "grace": dict(origins), "linus": dict.fromkeys(origins), "ken": dict.fromkeys(origins)}
    for student in examples:
        shutil.copyfile(ROOT / "examples" / "optimization" / "submissions" / f"{student}.zip",
                        folder / "submissions" / f"{student}.zip")
    return {student: {"copy_of": None, "disguise": None, "origins": found} for student, found in examples.items()}


if __name__ == "__main__":
    build()
