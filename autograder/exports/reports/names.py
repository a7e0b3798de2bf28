"""The folder each student's reports go to, whatever the student named the hand-in.

A student id is the name of a hand-in, so a student chooses it. Written as it is, the id
``gradebook.csv`` made ``OUT/gradebook.csv/`` a folder and ``autograder report`` failed for
the whole class. :func:`output_name` keeps an id that is a plain name and no class file's
name; any other id becomes its plain characters, ``~`` and a digest of the whole id. A
plain name has no ``~``, so the two kinds never meet, and different ids get different
digests: no id can name or replace a class file or another student's folder.
"""

import hashlib
import re

#: The files ``autograder report`` writes for the whole class, next to the students' folders.
CLASS_FILES = ("gradebook.csv", "class_summary.html", "canvas.csv")

#: A name every file system and URL takes as it is: letters, digits, ``.``, ``_``, ``-``,
#: not starting with a dot, at most 64 characters.
_PLAIN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {name.casefold() for name in CLASS_FILES}


def output_name(student_id):
    """The name of ``student_id``'s report folder: the id itself when it is plain and no class file's name."""
    if _PLAIN.fullmatch(student_id) and student_id.casefold() not in _RESERVED:
        return student_id
    digest = hashlib.sha256(student_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    readable = _NOT_PLAIN.sub("_", student_id).lstrip(".")[:40]
    return f"{readable}~{digest}"
