"""Settings for the whole suite: the policy cache lives in a temporary folder, never in the
user's own cache (commands run by the tests as subprocesses inherit it)."""

import atexit
import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="accountability-test-cache-")
os.environ["ACCOUNTABILITY_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
