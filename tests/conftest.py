"""Settings for the whole suite: the policy cache lives in a temporary folder, never in the
user's own cache (commands run by the tests as subprocesses inherit it); and a folder the test
workers of one run share, for what is expensive to make and the same for all (the built site)."""

import atexit
import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="accountability-test-cache-")
os.environ["ACCOUNTABILITY_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


SHARED = "ACCOUNTABILITY_TEST_SHARED"


def pytest_configure(config):
    """The run's shared folder, made by the process that starts the workers (they inherit it)."""
    if hasattr(config, "workerinput") or os.environ.get(SHARED):
        return
    os.environ[SHARED] = config._accountability_shared = tempfile.mkdtemp(
        prefix="accountability-test-shared-"
    )


def pytest_unconfigure(config):
    shared = getattr(config, "_accountability_shared", None)
    if shared:
        shutil.rmtree(shared, ignore_errors=True)
        os.environ.pop(SHARED, None)
