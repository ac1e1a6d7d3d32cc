# The compiled fact walk (_walk.pyx); present only when the package was built with a C compiler.
from typing import Any

from lxml import etree

BUILT_WITH_LXML: str

def walk(root: etree._Element, facts: Any, locator: Any, main_el: etree._Element | None, H: Any) -> None: ...
