"""The student kit's README: what to run, what the self-check's output means, and what is graded beyond it.

Written by ``autograder kit`` from the config and the kit's recorded checks, so that its
files, counts, points and limits are the kit's own.
"""

from autograder.core.scoring import point_shares
from autograder.core.values import points
from autograder.grading.grade import configured_checks

README = """\
# Self-check kit

This folder holds the stubs of the assignment ({files}) and `selfcheck.py`, which runs
the grader's {visible} visible checks on your code, on examples of its own.

## What to run

Write your code in the stubs, in place of each `raise NotImplementedError(...)`, then run,
in this folder (or in a folder that holds your own {files}: run `python PATH/TO/selfcheck.py` there):

    python selfcheck.py              # every visible check
    python selfcheck.py {function:<12} # only the checks whose id contains "{function}"
    python selfcheck.py --json       # the results as JSON
    python selfcheck.py --help

It needs Python 3 and numpy. The statistical checks also need scipy; without it they are
skipped, and the self-check says which. PyTorch is not needed, and your code may not use
it: {forbidden} cannot be imported when the grader runs your code.

Your code runs in a child process of the self-check, with your permissions: it is not a
sandbox, so run it on code you wrote.

## What the output means

First one line per check, in the order of the assignment:

    passed  {check_id}  ({points}/{points})

its status, its id (`module.function.family`: the same id as in your stub's
`NotImplementedError` and in the grader's feedback) and its points. A status is one of:

- `passed`: every example of the check gave the expected answer;
- `failed`: a wrong answer;
- `error`: your code raised an exception, or returned something that cannot be graded;
- `timeout`: a call took longer than {call_seconds:g} seconds (an infinite loop?);
- `missing`: the module's file, or the function, was not found;
- `skipped`: a statistical check, without scipy.

Then the details of the checks that did not pass, the first {details} of them: what the check
verifies, why it failed, the smallest failing example the kit holds (each input by name,
the expected answer, what your code returned and where they differ most), what your code
printed, and a hint. For the mistakes students often make, the kit holds the example the
grader's feedback would show: the smallest input on which that mistake goes wrong. Checks that stopped on the same error (a function not written yet)
are shown once. Run the self-check on one function to see all of its details. The last
line counts the visible checks that pass; the exit status is 0 when they all do.

## What is graded beyond it

- **Other examples.** The grader runs the same visible checks on examples of its own, drawn
  the same way but not the kit's, and shrinks a failure to the smallest input it can find:
  a check that passes here can still fail there. Code that looks its answers up in the kit
  earns nothing.
{grader_only}- **Hidden checks.** {hidden}
- **Points that depend on others.** A check of how a function behaves (it does not modify its
  inputs, returns the right types, gives the same result twice) pays only when the same
  function's values are right.
- **Limits.** The grader runs your code in a sandbox, without network, with {call_seconds:g} seconds a
  call and {submission_seconds:g} seconds for the whole submission.
"""

#: The most failing checks whose details the self-check prints in one run (selfcheck.py's ``MAX_DETAILS``).
DETAILS_SHOWN = 10


def kit_readme(config, recorded):
    """The README of the kit of ``config``, whose recorded checks are ``recorded`` (expectations.bin's data)."""
    checks, assignment = configured_checks(config), config.assignment
    points_of = point_shares(assignment, checks)
    hidden = [check for check in checks if assignment.family_of(check).hidden]
    grader_only = recorded["grader_only"]
    first = (recorded["checks"] or [{"id": "module.function.family", "function": "function", "max_score": 1}])[0]
    return README.format(
        check_id=first["id"], function=first["function"], points=points(first["max_score"]),
        files=", ".join(f"`{file}`" for file in config.module_files.values()),
        visible=len(recorded["checks"]) + len(grader_only),
        forbidden=", ".join(f"`{name}`" for name in recorded["forbidden_modules"]) or "nothing",
        call_seconds=config.limits.call_seconds, submission_seconds=config.limits.submission_seconds,
        details=DETAILS_SHOWN,
        grader_only=(f"- **Custom checks.** {len(grader_only)} visible checks run in the grader only (the "
                     f"self-check lists them): {', '.join(f'`{check_id}`' for check_id in grader_only)}.\n"
                     if grader_only else ""),
        hidden=(f"{len(hidden)} checks worth {points(sum(points_of(check) for check in hidden))} of the "
                f"{points(sum(points_of(check) for check in checks))} points are not in the kit: your feedback "
                "shows their names and points only." if hidden else "None: every check is in the kit."))
