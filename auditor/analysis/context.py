"""PageContext: a page's facts plus the shared interpretations, each computed at most once."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.analysis.attribution import Attribution, find_attribution
from auditor.analysis.chat import ChatWidget, find_widgets, load_catalogue
from auditor.analysis.consent import ConsentVocabulary, Notice, find_notice
from auditor.analysis.consent_signals import ConsentSignals, find_consent_signals, load_trackers
from auditor.analysis.disclosures import (
    FoundDisclosure,
    LabelledImage,
    find_disclosures,
    item_ref,
    labelled_images,
)
from auditor.analysis.provenance import ImageProvenance, find_provenance
from auditor.analysis.signals import MachineSignal, find_signals
from auditor.facts.model import PageFacts
from auditor.lexicon import Lexicon
from auditor.models import ItemRef


@dataclass(slots=True)
class PageContext:
    facts: PageFacts
    lexicon: Lexicon
    vocabulary: ConsentVocabulary
    _disclosures: list[FoundDisclosure] | None = field(default=None, repr=False)
    _images: list[LabelledImage] | None = field(default=None, repr=False)
    _notice: Notice | None = field(default=None, repr=False)
    _attribution: Attribution | None = field(default=None, repr=False)
    _signals: list[MachineSignal] | None = field(default=None, repr=False)
    _chat: list[ChatWidget] | None = field(default=None, repr=False)
    _provenance: list[ImageProvenance] | None = field(default=None, repr=False)
    _consent_signals: ConsentSignals | None = field(default=None, repr=False)

    @property
    def disclosures(self) -> list[FoundDisclosure]:
        if self._disclosures is None:
            self._disclosures = find_disclosures(self.facts, self.lexicon)
        return self._disclosures

    @property
    def labelled_images(self) -> list[LabelledImage]:
        if self._images is None:
            self._images = labelled_images(self.facts, self.disclosures)
        return self._images

    @property
    def notice(self) -> Notice:
        if self._notice is None:
            self._notice = find_notice(self.facts, self.vocabulary, self.consent_signals)
        return self._notice

    @property
    def attribution(self) -> Attribution:
        if self._attribution is None:
            self._attribution = find_attribution(self.facts, self.lexicon.tools)
        return self._attribution

    @property
    def signals(self) -> list[MachineSignal]:
        if self._signals is None:
            self._signals = find_signals(self.facts)
        return self._signals

    @property
    def chat_widgets(self) -> list[ChatWidget]:
        if self._chat is None:
            self._chat = find_widgets(self.facts, load_catalogue())
        return self._chat

    @property
    def provenance(self) -> list[ImageProvenance]:
        if self._provenance is None:
            self._provenance = find_provenance(self.facts, self.labelled_images, self.signals)
        return self._provenance

    @property
    def consent_signals(self) -> ConsentSignals:
        if self._consent_signals is None:
            self._consent_signals = find_consent_signals(self.facts, load_trackers())
        return self._consent_signals

    @property
    def main_ref(self) -> ItemRef | None:
        """The main article as reports name it, or None on a page without one (a listing)."""
        facts = self.facts
        return item_ref(facts, facts.items[facts.main_item]) if facts.main_item else None

    @property
    def main_ai_labels(self) -> list[FoundDisclosure]:
        """Visible labels that call the main article AI-made."""
        main = self.facts.main_item
        if main is None:
            return []
        return [d for d in self.disclosures if d.visible and d.ai_made and d.item is not None and d.item.id == main]
