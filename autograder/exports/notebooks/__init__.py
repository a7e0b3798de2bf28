"""The assignment as nbgrader notebooks, and grading nbgrader submissions into its gradebook.

One job per module, in the order a course uses them:

- :mod:`~autograder.exports.notebooks.layout`: the cells of an assignment notebook and their nbgrader ids.
- :mod:`~autograder.exports.notebooks.generate`: write ``source/<assignment>/<module>.ipynb`` from ``reference/``,
  with the graded cells' support files (the visible checks' recorded expectations).
- :mod:`~autograder.exports.notebooks.cells`: runs inside the notebook kernel; a graded cell replays the
  visible checks against the functions the notebook defines.
- :mod:`~autograder.exports.notebooks.extract`: turn a submitted notebook's answer cells into ``<module>.py``
  without running the notebook, refusing malformed notebooks with a clear message.
- :mod:`~autograder.exports.notebooks.grading`: grade one submitted assignment with the engine.
- :mod:`~autograder.exports.notebooks.points`: the graded cells' points and scores, chosen so that the totals nbgrader
  sums (``nbgrader export``) are the grade's.
- :mod:`~autograder.exports.notebooks.gradebook`: the nbgrader course, writing scores into its gradebook and the
  ``autograded/`` notebooks that ``nbgrader generate_feedback`` reads.
- :mod:`~autograder.cli.notebooks`: the ``autograder notebooks`` command.

Nothing here is imported by the rest of the grader unless nbgrader is in use, so the
core works without the ``nbgrader`` extra (see :mod:`autograder.extras`).
"""
