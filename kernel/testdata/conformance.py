"""Runs the Jupyter project's jupyter_kernel_test suite against a kernel.

Every sample attribute is filled so that nothing passes by being skipped,
and every wait is bounded: jupyter_kernel_test waits for some replies with
no timeout (is_complete_reply among them), which would hang on a kernel
that never answers. Prints one JSON object: test name -> {"status":
"passed"|"failed"|"skipped", "detail": "..."}.
"""
import json
import sys
import time
import unittest

import jupyter_kernel_test as jkt

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "neuronb"
WAIT = 60  # seconds any single reply may take (a cold build included)

# Bound the waits the suite leaves unbounded.
_orig = jkt.KernelTests.get_non_kernel_info_reply


def bounded_reply(self, timeout=None):
    return _orig(self, timeout=WAIT if timeout is None else timeout)


bounded_reply.__wrapped__ = _orig
jkt.KernelTests.get_non_kernel_info_reply = bounded_reply
jkt.TIMEOUT = WAIT


class NeuronbKernelTests(jkt.KernelTests):
    kernel_name = KERNEL
    language_name = "go"
    file_extension = ".go"

    code_hello_world = '%%\nfmt.Println("hello, world")'
    code_stderr = '%%\nfmt.Fprintln(os.Stderr, "to stderr")'
    code_generate_error = '%%\npanic("deliberate error")'
    # GoNB publishes a cell's display data from a goroutine that the end of
    # the cell does not wait for, so a display can arrive after the cell's
    # idle status (or be lost) unless the program ends with gonbui.Sync(),
    # as GoNB's documentation asks and neuronb's widgets do after every output.
    code_display_data = [
        {"code": '%%\ngonbui.DisplayHTML("<b>bold</b>")\ngonbui.Sync()', "mime": "text/html"},
        {"code": '%%\ngonbui.DisplayMarkdown("*emphasis*")\ngonbui.Sync()', "mime": "text/markdown"},
    ]
    # Go statements live in a function body or a %% cell; a bare top-level
    # expression is not Go, and GoNB offers nothing there. The expected sets
    # are gopls v0.23.0's fuzzy matches.
    completion_samples = [
        {"text": "%%\nfmt.Printl", "matches": {"Println", "Fprintln", "Sprintln"}},
        {"text": "%%\nstrings.ToUpp", "matches": {"ToUpper", "ToUpperSpecial"}},
    ]
    code_inspect_sample = "fmt.Println"
    complete_code_samples = ['fmt.Println("done")', "x := 1"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {"]
    invalid_code_samples = []
    code_execute_result = [{"code": "%%\n1 + 1", "result": "2"}]
    code_history_pattern = "1*"
    code_page_something = ""
    code_clear_output = ""

    def test_completion(self):
        # GoNB answers a completion request at once, with an error, while
        # gopls still loads the workspace (~10 s idle, minutes on a busy
        # machine); a user pressing Tab then gets nothing and presses again.
        # Wait until gopls serves, then run the suite's own check.
        deadline = time.monotonic() + 2 * WAIT
        while time.monotonic() < deadline:
            msg_id = self.kc.complete("%%\nfmt.Printl", len("%%\nfmt.Printl"))
            reply = self.kc.get_shell_msg(timeout=WAIT)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = self.kc.get_shell_msg(timeout=WAIT)
            if reply["content"].get("status") == "ok" and reply["content"].get("matches"):
                break
            time.sleep(1)
        super().test_completion()

    def check_is_complete(self, sample, status):
        # As the suite's own check, but a kernel answers is_complete at once:
        # wait 10 s, not the minute a cell build may take.
        msg_id = self.kc.is_complete(sample)
        reply = jkt.KernelTests.get_non_kernel_info_reply.__wrapped__(self, timeout=10)
        jkt.validate_message(reply, "is_complete_reply", msg_id)
        if reply["content"]["status"] != status:
            raise AssertionError("For code sample %r expected %r, got %r" % (sample, status, reply["content"]["status"]))


def name_of(test):
    # Sub-tests report through a _SubTest wrapper around the test case.
    return getattr(test, "test_case", test)._testMethodName


class Collector(unittest.TextTestResult):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.status = {}

    def addSuccess(self, test):
        super().addSuccess(test)
        self.status.setdefault(name_of(test), {"status": "passed", "detail": ""})

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.status[name_of(test)] = {"status": "failed", "detail": self._exc_info_to_string(err, test)[-1500:]}

    def addError(self, test, err):
        super().addError(test, err)
        self.status[name_of(test)] = {"status": "failed", "detail": self._exc_info_to_string(err, test)[-1500:]}

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.status[name_of(test)] = {"status": "skipped", "detail": str(reason)}

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.status[name_of(test)] = {"status": "failed", "detail": self._exc_info_to_string(err, test)[-1500:]}


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(NeuronbKernelTests)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Collector)
    result = runner.run(suite)
    print(json.dumps(result.status))
