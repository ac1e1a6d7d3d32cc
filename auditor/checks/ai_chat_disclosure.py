"""AIL011: a chat or assistant widget must tell readers when they are talking to an AI.

Why: EU AI Act Art. 50(1): people must be informed that they are interacting with an AI system,
unless that is obvious to a reasonably well-informed person. Widgets load and speak at run time, so
the HTML can only show whether the page itself says the assistant is an AI; whether the widget's
first message says so must be checked in a browser: `incomplete`, with what to verify.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import ItemRef, Outcome


@check("ai_chat_disclosure")
def ai_chat_disclosure(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for widget in page.chat_widgets:
        ref = ItemRef(id=f"chat-{widget.name.lower().replace(' ', '-')}", kind="chat-widget", label=widget.name)
        if widget.disclosure:
            yield Finding(Outcome.passed,
                          f"{widget.name} chat ({widget.recognised_by}): the page tells readers it is an AI: "
                          f"'{widget.disclosure}'.", ref, widget.disclosure_location,
                          [widget.location] if widget.location else [])
        else:
            nature = ("an AI agent by design" if widget.ai == "always"
                      else "a chat tool that can run an AI bot")
            yield Finding(Outcome.incomplete,
                          f"{widget.name} chat ({widget.recognised_by}) is {nature}; the page does not say readers "
                          "are talking to an AI, and the widget's own messages only appear at run time. Open the "
                          "page and check that the assistant says it is an AI in its first message.",
                          ref, widget.location)
