"""What grading produces for people and other tools: stubs, reports (HTML, Markdown, Gradescope,
Canvas), nbgrader notebooks and the student kit.
"""
