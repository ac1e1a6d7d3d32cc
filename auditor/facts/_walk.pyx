# cython: language_level=3
"""The fact walk of `auditor.facts.html`, over libxml2's nodes instead of lxml's Python proxies.

Why: the walk visits every element of every page (about 1,200 a page) and was the largest part of an
audit's time. In Python, each element costs two iterwalk events, a proxy object, and the calls that
read its tag, attributes, text and tail from libxml2 (about 1 µs an element), then the walk's own
steps. Here the tree is read through the structs lxml's public C API exposes (`lxml.includes`), and
the walk's steps are compiled; the facts it makes are the same Python objects, made in the same order.

`auditor.facts.html._walk_python` is the reference: this module must give the same facts for every
page (tests/test_walk.py compares the two on the corpus fixtures and the fuzz regressions). The few
elements that a recording helper needs as an lxml element (images, links, buttons, scripts, the title,
credit lines) are handed to it as one, made on demand by lxml (`elementFactory`).

Optional: without a C compiler the package works the same with the Python walk (see hatch_build.py).
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport strlen
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport LXML_VERSION_STRING, _Document, _Element, elementFactory, import_lxml__etree

import_lxml__etree()

# The lxml release whose headers this module was compiled against: `html.py` uses the module only
# with that release (the layout of lxml's element objects may change between releases).
BUILT_WITH_LXML = (<bytes>LXML_VERSION_STRING).decode("ascii")


cdef inline str _decode(const tree.xmlChar* text):
    # As lxml decodes node text and names (strict UTF-8).
    if text is NULL:
        return ""
    return PyUnicode_DecodeUTF8(<const char*>text, strlen(<const char*>text), NULL)


cdef inline bint _is_text(tree.xmlNode* c):
    return c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE


cdef inline bint _is_xinclude(tree.xmlNode* c):
    return c.type == tree.XML_XINCLUDE_START or c.type == tree.XML_XINCLUDE_END


cdef tree.xmlNode* _append_text(tree.xmlNode* c, list parts):
    """Append the run of text nodes from `c` on (what lxml's .text or .tail reads: XInclude marks are
    stepped over) to `parts` (None: read past them only); the first node after the run."""
    while c is not NULL and (_is_text(c) or _is_xinclude(c)):
        if parts is not None and _is_text(c) and c.content is not NULL and c.content[0] != 0:
            parts.append(_decode(c.content))
        c = c.next
    return c


cdef str _qualified(tree.xmlNode* c, const tree.xmlChar* name):
    # lxml's name of an element or attribute: "{namespace}name" when it has a namespace.
    if c.ns is not NULL and c.ns.href is not NULL:
        return "{" + _decode(c.ns.href) + "}" + _decode(name)
    return _decode(name)


cdef str _attribute_value(tree.xmlAttr* attr):
    # What lxml's items() gives (xmlGetNsProp): the attribute's text children, joined; "" without any.
    cdef tree.xmlNode* child = attr.children
    if child is NULL:
        return ""
    if child.next is NULL and _is_text(child):
        return _decode(child.content)
    pieces = []
    while child is not NULL:
        if _is_text(child) and child.content is not NULL:
            pieces.append(_decode(child.content))
        child = child.next
    return "".join(pieces)


cdef dict _attributes(tree.xmlNode* c):
    """dict(el.items()): the element's attributes in document order (a later duplicate wins)."""
    cdef tree.xmlAttr* attr = c.properties
    cdef dict attrs = {}
    while attr is not NULL:
        if attr.type == tree.XML_ATTRIBUTE_NODE:
            attrs[_qualified(<tree.xmlNode*>attr, attr.name)] = _attribute_value(attr)
        attr = attr.next
    return attrs


cdef int _line(_Document doc, tree.xmlNode* c):
    # el.sourceline or 0. libxml2 keeps lines past 65,535 elsewhere: lxml finds those.
    if c.line != 65535:
        return c.line
    return elementFactory(doc, c).sourceline or 0




cdef tree.xmlNode* _to_element(tree.xmlNode* cursor, list parts, _Document doc, facts, record_suppression):
    """From `cursor` on among siblings: comments (an inline suppression is recorded) with the text after
    them appended to `parts`, up to the next element (NULL: none). The walk in Python gets no event for
    any other kind of node (processing instructions, which the parser drops anyway), nor reads the text
    after one."""
    while cursor is not NULL and cursor.type != tree.XML_ELEMENT_NODE:
        if cursor.type == tree.XML_COMMENT_NODE:
            if cursor.content is not NULL:
                text = _decode(cursor.content)
                if text and "auditor-" in text:
                    record_suppression(text, _line(doc, cursor), facts)
            cursor = _append_text(cursor.next, parts)
        else:
            cursor = _append_text(cursor.next, None)
    return cursor


def walk(_Element root not None, facts, locator, main_el, H):
    """Fill `facts` from the tree under `root` as `H._walk_python` does (`H`: auditor.facts.html)."""
    cdef _Document doc = root._doc
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* c_main = (<_Element>main_el)._c_node if main_el is not None else NULL
    cdef tree.xmlNode* c = top
    cdef tree.xmlNode* following
    cdef Py_ssize_t index, max_elements, max_depth
    cdef bint starting = True
    cdef dict names = {}
    cdef dict attrs
    cdef list parts = None
    cdef list frames = []
    cdef list nodes = facts.nodes
    cdef list blocks = facts.blocks
    cdef dict items = facts.items
    cdef list suppressions = facts.suppressions
    cdef dict counters = {}
    cdef list tags_column = locator.tags, parents_column = locator.parents, ids_column = locator.ids
    cdef list lines_column = locator.lines, ends = locator.ends

    Node, TextBlock, Item = H.Node, H.TextBlock, H.Item
    block_tags, skip_tags, recorded_tags, control_roles = H.BLOCK_TAGS, H.SKIP_TAGS, H.RECORDED_TAGS, H.CONTROL_ROLES
    region_tags, region_roles, item_tags, hidden_style = H.REGION_TAGS, H.REGION_ROLES, H.ITEM_TAGS, H.HIDDEN_STYLE
    headings, snippet_chars = H.HEADINGS, H.SNIPPET_CHARS
    class_cache, class_info, no_class = H._CLASS_INFO, H._class_info, H._NO_CLASS
    record_element, record_skipped, record_suppression, text_of = (
        H._record_element, H._record_skipped, H._record_suppression, H._text_of)
    limits = H.limits()
    max_elements, max_depth = limits.elements, limits.dom_depth

    region = "body"
    item = None
    hidden = False
    parent_index = None

    while True:
        if not starting:
            # -- element c ends ----------------------------------------------------------------------
            node, outer_region, outer_item, outer_hidden, outer_parts = frames.pop()
            node.end = ends[node.index] = len(nodes) - 1
            if parts is not outer_parts and parts is not None:  # a block: its text is done
                block_text = " ".join("".join(parts).split())  # squash()
                if block_text:
                    btag = node.tag
                    level = headings.get(btag, 0)
                    where = node.location.with_snippet(block_text[:snippet_chars])
                    blocks.append(TextBlock(len(blocks), block_text, btag, region,
                                            item.id if item is not None else None, node.index, where, hidden, level))
                    if level and item is not None and not item.heading:
                        item.heading = block_text[:200]
            region, item, hidden, parts, parent_index = outer_region, outer_item, outer_hidden, outer_parts, node.parent
            if c == top:
                return
            # Its tail, comments after it, and the next element: it starts; else the parent ends.
            following = _to_element(_append_text(c.next, parts), parts, doc, facts, record_suppression)
            if following is not NULL:
                c = following
                starting = True
            else:
                c = c.parent
            continue

        # -- element c starts ----------------------------------------------------------------------
        key = <size_t>c.name
        tag = names.get(key) if c.ns is NULL else None
        if tag is None:
            tag = _qualified(c, c.name).lower()
            if c.ns is NULL:
                names[key] = tag
        line = _line(doc, c)
        if suppressions:
            last = suppressions[-1]
            if last.kind == "disable-next" and not last.target_line:
                last.target_line = line
        attrs = _attributes(c) if c.properties is not NULL else {}
        index = len(nodes)
        frame_hidden = hidden
        if attrs:
            el_id = attrs.get("id")
            el_id = el_id.strip() if el_id else ""
            class_attr = attrs.get("class")
            cinfo = (class_cache.get(class_attr) or class_info(class_attr)) if class_attr else no_class
            classes = cinfo[0]
            role_attr = attrs.get("role")
            role = role_attr.strip().lower() if role_attr else ""
            if not hidden:
                if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
                    hidden = True
                else:
                    style = attrs.get("style")
                    hidden = bool((style and hidden_style.search(style)) or cinfo[1])
        else:
            el_id = role = ""
            classes = ()
            cinfo = no_class
        node = Node(index, tag, parent_index, el_id, classes, role, attrs, line, locator)
        nodes.append(node)
        tags_column.append(tag)
        parents_column.append(parent_index)
        ids_column.append(el_id)
        lines_column.append(line)
        ends.append(-1)
        if index >= max_elements:
            raise ValueError(f"more than {max_elements} elements (limit elements)")
        frames.append((node, region, item, frame_hidden, parts))
        parent_index = index

        if tag in skip_tags or len(frames) > max_depth:
            if len(frames) > max_depth:
                if not facts.notes:
                    facts.notes.append(f"elements nested deeper than {max_depth} (limit dom-depth, line {line}) "
                                       "were not audited")
            elif tag == "script" or tag == "title":
                record_skipped(elementFactory(doc, c), attrs, tag, facts, index, node.location)
            starting = False  # its subtree is not walked: it ends now
            continue

        new_region = region_tags.get(tag)
        if new_region is None and attrs:
            new_region = region_roles.get(role) if role else None
            if new_region is None:
                new_region = cinfo[2]
            if new_region is None and (attrs.get("aria-modal") or "").lower() == "true":
                new_region = "dialog"
        if new_region is not None:
            region = new_region

        if c == c_main:
            item_kind = "main"
        else:
            item_kind = item_tags.get(tag)
            if item_kind is None:
                if tag == "aside" and item is not None and item.kind == "main":
                    item_kind = "box"
                elif cinfo[3]:
                    item_kind = "teaser"
        if item_kind is not None:
            n = counters[item_kind] = counters.get(item_kind, 0) + 1
            item_id = "main" if item_kind == "main" else f"{item_kind}-{n}"
            item = items[item_id] = Item(item_id, item_kind, index, item.id if item is not None else None,
                                         node.location)

        if tag in block_tags:
            parts = []
        following = _append_text(c.children, parts)  # the element's text
        if parts is not None and tag == "br":
            parts.append(" ")
        if tag in recorded_tags or (role and role in control_roles):
            record_element(elementFactory(doc, c), attrs, tag, role, facts, index, node.location, region,
                           item.id if item is not None else None, hidden)
        if cinfo[4]:
            el = elementFactory(doc, c)
            credit = text_of(el)
            if credit and len(credit) <= 200:
                facts.credit_lines.append((item.id if item is not None else None, credit, node.location))
                # Names in separate elements ("<span>A</span><span>B</span>") stay apart.
                leaves = [text_of(x) for x in el.iter() if x is not el and isinstance(x.tag, str) and len(x) == 0]
                facts.byline_parts[index] = [t for t in leaves if t][:12]
        # Comments after the text, and the first child element: it starts; else c ends.
        following = _to_element(following, parts, doc, facts, record_suppression)
        if following is not NULL:
            c = following
        else:
            starting = False
