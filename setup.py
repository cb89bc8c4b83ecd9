"""Packaging hook: a built wheel carries the policy and the schemas inside the engine
(``engine/bundled/policy``, ``engine/bundled/schema``), so that a plain ``pip install .`` answers cases
from any folder. An editable install needs no copy: it runs from the checkout, which has both."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("policy", "schema")


class BuildWithPolicy(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "engine" / "bundled"
        for name in BUNDLED:
            shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithPolicy})
