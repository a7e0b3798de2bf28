"""Reports built from results, without regrading: what students, TAs and instructors read.

- :mod:`~autograder.exports.reports.student`: one result as the student's feedback (HTML, Markdown) or the TA's full view;
- :mod:`~autograder.exports.reports.plots`: the result's diagnostics drawn as base64 PNG, each by the plot registered for
  its kind (:mod:`~autograder.authoring.plot_kinds`);
- :mod:`~autograder.exports.reports.classreport`: the gradebook CSV and the class summary page;
- :mod:`~autograder.exports.reports.gradescope`: Gradescope's ``results.json``, checked against its schema;
- :mod:`~autograder.exports.reports.bundle`: Gradescope's ``autograder.zip``;
- :mod:`~autograder.exports.reports.build`: all of them from a folder of results (``autograder report``).
"""
