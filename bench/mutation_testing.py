"""Mutation testing of the graded checks: mutate reference/, grade each mutant, list survivors.

    python bench/mutation_testing.py [MODULE ...] [--jobs N] [--limit K]

Each mutant changes one spot inside a solution region of the reference: an arithmetic
operator (+ - * / **), a comparison (< <= > >= == !=), a boolean operator, a numeric
constant (c -> c + 1, 0.5 -> 0.25...), or removes a `raise`. The mutant is graded as a
submission (only the function it touches); it is killed when it loses any point. A
surviving mutant is either a gap in the checks or equivalent to the reference; the
report lists each with its line so that a person can tell which.
"""

import argparse
import ast
import multiprocessing
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OPERATOR_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
                  ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                  ast.NotEq: ast.Eq, ast.And: ast.Or, ast.Or: ast.And}


def solution_lines(source):
    """Line numbers inside solution regions, with the function each belongs to."""
    owners = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            for line in range(node.lineno, node.end_lineno + 1):
                owners[line] = node.name
    inside, lines = False, {}
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == "### BEGIN SOLUTION":
            inside = True
        elif line.strip() == "### END SOLUTION":
            inside = False
        elif inside:
            lines[number] = owners[number]
    return lines


class _Mutator(ast.NodeTransformer):
    """Applies the ``target``-th possible mutation among nodes on the given lines."""

    def __init__(self, lines, target):
        self.lines, self.target, self.seen, self.applied = lines, target, 0, None

    def _hit(self, node, description):
        if getattr(node, "lineno", None) not in self.lines:
            return False
        self.seen += 1
        if self.seen - 1 == self.target:
            self.applied = (node.lineno, description)
            return True
        return False

    def visit_BinOp(self, node):
        self.generic_visit(node)
        swap = OPERATOR_SWAPS.get(type(node.op))
        if swap and self._hit(node, f"{type(node.op).__name__} -> {swap.__name__}"):
            node.op = swap()
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        swap = OPERATOR_SWAPS.get(type(node.ops[0]))
        if swap and self._hit(node, f"{type(node.ops[0]).__name__} -> {swap.__name__}"):
            node.ops = [swap(), *node.ops[1:]]
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        swap = OPERATOR_SWAPS[type(node.op)]
        if self._hit(node, f"{type(node.op).__name__} -> {swap.__name__}"):
            node.op = swap()
        return node

    def visit_Constant(self, node):
        if type(node.value) in (int, float) and self._hit(node, f"constant {node.value!r} -> {node.value + 1!r}"):
            return ast.copy_location(ast.Constant(node.value + 1), node)
        return node

    def visit_Raise(self, node):
        if self._hit(node, "raise removed"):
            return ast.copy_location(ast.Pass(), node)
        return node


def mutants(module):
    """(index, line, function, description, source) of every mutant of a reference module."""
    source = (ROOT / "reference" / "optimization" / f"{module}.py").read_text()
    lines = solution_lines(source)
    index = 0
    while True:
        mutator = _Mutator(set(lines), index)
        tree = mutator.visit(ast.parse(source))
        if mutator.applied is None:
            return
        line, description = mutator.applied
        yield index, line, lines[line], description, ast.unparse(tree)
        index += 1


_oracle = None


def _grade(job):
    global _oracle
    module, index, line, function, description, source, cache = job
    from autograder.grading.config import load_config
    from autograder.grading.grade import grade_submission
    from autograder.grading.oracle import Oracle

    config = load_config(ROOT / "reference" / "optimization" / "grading_config.yml")
    # passing checks replay, as in a batch
    _oracle = _oracle or Oracle(config.reference, cache_path=cache, checks=config.checks)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, f"{module}.py").write_text(source)
        result = grade_submission(folder, config=config, oracle=_oracle, functions={function})
    killed = result.score < result.max_score
    failing = sorted({check.family for check in result.checks if check.status != "passed"})
    return module, line, function, description, killed, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=["optimizers", "initializers", "batchnorm", "dropout"])
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--limit", type=int, default=None, help="at most this many mutants per module")
    arguments = parser.parse_args()
    jobs = [(module, *mutant) for module in arguments.modules
            for mutant in list(mutants(module))[:arguments.limit]]
    with tempfile.TemporaryDirectory() as scratch, multiprocessing.get_context("spawn").Pool(arguments.jobs) as pool:
        cache = Path(scratch) / "expectations.sqlite"
        outcomes = pool.map(_grade, [(*job, cache) for job in jobs], chunksize=1)
    survivors = [outcome for outcome in outcomes if not outcome[4]]
    print(f"mutants: {len(outcomes)}, killed: {len(outcomes) - len(survivors)}, "
          f"mutation score: {(len(outcomes) - len(survivors)) / max(1, len(outcomes)):.1%}")
    for module, line, function, description, _, _ in survivors:
        print(f"survived: {module}.py line {line} ({function}): {description}")
    sys.exit(0)


if __name__ == "__main__":
    main()
