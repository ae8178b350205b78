"""The Python suites speak TAP to meson (protocol: 'tap'), one line per test case, so that the
closing count of tools/test counts cases rather than files.

MD_TEST_NO_SKIP=1 (set by CI) turns every skip, a case's or a whole suite's, into a failure:
a suite that silently skipped on the machine that matters would prove nothing."""

import os
import sys
import traceback
import unittest

NO_SKIP = os.environ.get("MD_TEST_NO_SKIP") == "1"
_tap = sys.stdout  # where the TAP lines go; main() makes it the only writer of fd 1


def skip_suite(why):
    """The whole suite cannot run here: TAP's plan of 0 (meson: SKIP), or a failure under NO_SKIP."""
    if NO_SKIP:
        print(f"1..1\nnot ok 1 - the suite was skipped, and MD_TEST_NO_SKIP=1: {why}")
        sys.stdout.flush()
        sys.exit(1)
    print(f"1..0 # SKIP {why}")
    sys.stdout.flush()
    sys.exit(0)


def _diagnostics(text):
    for line in text.rstrip("\n").splitlines():
        print(f"# {line}", file=_tap)


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.number = 0

    def _line(self, test, ok, directive=""):
        self.number += 1
        name = f"{test.__class__.__name__}.{test._testMethodName}" if isinstance(test, unittest.TestCase) \
            else str(test)
        print(f"{'ok' if ok else 'not ok'} {self.number} - {name}{directive}", file=_tap)
        _tap.flush()

    def startTest(self, test):
        super().startTest(test)
        # what a case prints goes to stderr: stdout is TAP's
        print(f"# {test.id()}", file=sys.stderr)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False)
        _diagnostics("".join(traceback.format_exception(*err)))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False)
        _diagnostics("".join(traceback.format_exception(*err)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if NO_SKIP:
            self._line(test, False)
            _diagnostics(f"skipped, and MD_TEST_NO_SKIP=1: {reason}")
        else:
            self._line(test, True, f" # SKIP {reason}")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(test, True, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(test, False)


def main(module="__main__"):
    """Runs every TestCase of module as TAP on stdout; exit 0 (the TAP lines carry the verdict)."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module])
    # stdout belongs to TAP: whatever the tests and the code under test print goes to stderr
    global _tap
    sys.stdout.flush()
    _tap = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    print("TAP version 13", file=_tap)
    print(f"1..{suite.countTestCases()}", file=_tap)
    result = TapResult()
    suite.run(result)
    _tap.flush()
    sys.exit(0 if result.wasSuccessful() else 1)
