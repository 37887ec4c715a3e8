"""The Examples in ilp_core's docstrings run, and give what they show (the estimators' values are R's)."""
import doctest
import importlib
import pkgutil

import pytest

import ilp_core
from ilp_core.stats import differences

MODULES = sorted(m.name for m in pkgutil.walk_packages(ilp_core.__path__, "ilp_core.")
                 if not m.name.endswith("_workbook_child"))
ESTIMATORS = [ilp_core.kaplan_meier, ilp_core.median_follow_up, ilp_core.cumulative_incidence, ilp_core.logrank_test,
              ilp_core.gray_test, ilp_core.proportion_ci, ilp_core.cox_regression, ilp_core.fine_gray,
              differences.landmark_difference]


def run_examples(module) -> doctest.TestResults:
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, module.__name__):
        runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_give_what_they_show(name):
    result = run_examples(importlib.import_module(name))
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (output above)"


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda f: f.__name__)
def test_every_public_estimator_has_an_example(estimator):
    assert ">>> " in estimator.__doc__ and "\n    Examples\n    --------\n" in estimator.__doc__


def test_a_wrong_example_is_caught(tmp_path, monkeypatch):
    """The runner fails on a wrong value (so the examples above are checked, not only run)."""
    (tmp_path / "wrong_example.py").write_text('def f():\n    """\n    >>> 1 + 1\n    3\n    """\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    assert run_examples(importlib.import_module("wrong_example")).failed == 1
