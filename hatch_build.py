"""Build hook: compiles the fact walk (auditor/facts/_walk.pyx) into a C extension, when it can.

The walk is the largest part of an audit's time; compiled, it reads libxml2's nodes directly (see the
module's docstring). It is optional: when Cython, lxml's headers or a C compiler are missing, or the
compiler fails, the build says so and the package uses the walk in Python (same facts, slower).

Also runs on its own, to build the extension in place for a checkout: `python hatch_build.py`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

EXTENSION = "auditor.facts._walk"
SOURCE = "auditor/facts/_walk.pyx"


def build_in_place(root: Path) -> Path:
    """Compile the extension next to its source; the path of the built module. Raises on failure."""
    import lxml
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    here = os.getcwd()
    os.chdir(root)
    try:
        extension = Extension(EXTENSION, [SOURCE], include_dirs=lxml.get_include())
        # A Distribution of its own: setuptools would otherwise read pyproject.toml (hatchling's).
        dist = Distribution({"name": "auditor-walk", "ext_modules": cythonize([extension], quiet=True,
                                                                           compiler_directives={"language_level": 3})})
        command = build_ext(dist)
        command.inplace = True
        command.build_temp = str(root / "build" / "walk")
        command.ensure_finalized()
        command.run()
        return root / command.get_ext_filename(EXTENSION)
    finally:
        os.chdir(here)


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run on its own, without hatchling
    BuildHookInterface = object  # type: ignore[assignment,misc]


class WalkBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("AUDITOR_NO_COMPILE") == "1":
            return
        try:
            built = build_in_place(Path(self.root))
        except Exception as exc:  # no compiler, no Cython, a compile error: the Python walk it is
            self.app.display_warning(f"auditor: the compiled fact walk was not built ({type(exc).__name__}: "
                                     f"{exc}); the walk in Python is used (same results, slower)")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install imports it from the checkout
            build_data["force_include"][str(built)] = built.relative_to(self.root).as_posix()


if __name__ == "__main__":
    print(build_in_place(Path(__file__).resolve().parent))
    sys.exit(0)
