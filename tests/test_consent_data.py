"""The consent data files: rules/data/consent.toml (vocabulary and consent-platform fingerprints),
consent_phrases.toml (legitimate interest, implied consent, reject links, cookie-wall words) and
trackers.toml (scripts and pixels that must wait for consent). No corpus needed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomllib

from auditor.analysis.consent import ConsentData, ConsentVocabulary, load_vocabulary
from auditor.analysis.consent_signals import TrackerData, load_trackers
from auditor.analysis.selectors import parse_selector

DATA = Path(__file__).resolve().parent.parent / "rules" / "data"
CONSENT = DATA / "consent.toml"
PHRASES = DATA / "consent_phrases.toml"
TRACKERS = DATA / "trackers.toml"

# The selector grammar the data may use: #id, .class, tag.class, tag#id, [attr], [attr=value],
# [attr^=value], tag[attr=value]. No combinators, no pseudo-classes, one class at most.
SIMPLE_SELECTOR = re.compile(
    r"^(?:(?P<tag>[a-z][a-z0-9]*)?(?:#[A-Za-z_][\w-]*|\.[a-z0-9_-]+)"
    r"|(?P<atag>[a-z][a-z0-9]*)?\[[a-z_][\w:-]*(?:\^?=[\w:./-]+)?\])$"
)
HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
CATEGORIES = {"analytics", "advertising", "social", "session-replay", "tag-manager", "audience-measurement"}
PURPOSES = {"analytics", "advertising", "social_media", "personalisation"}
MARKERS = ("root_ids", "root_classes", "root_id_prefixes", "script_hosts", "script_paths", "globals")


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def consent() -> ConsentData:
    return ConsentData.model_validate(_toml(CONSENT))


@pytest.fixture(scope="module")
def vocab() -> Iterator[ConsentVocabulary]:
    load_vocabulary.cache_clear()
    vocabulary = load_vocabulary(CONSENT)
    yield vocabulary
    load_vocabulary.cache_clear()


# --- consent platforms ------------------------------------------------------------------------------


def test_consent_toml_validates_and_lists_the_platforms(consent: ConsentData) -> None:
    names = [c.name for c in consent.cmp]
    assert len(names) >= 30
    assert len(set(names)) == len(names), [n for n, k in Counter(names).items() if k > 1]
    for wanted in ("OneTrust", "Cookiebot", "Didomi", "Quantcast Choice", "Usercentrics", "Sourcepoint",
                   "consentmanager.net", "Complianz", "CookieYes", "Borlabs Cookie", "Klaro", "iubenda",
                   "Osano", "TrustArc", "Axeptio", "Sirdata", "Google Funding Choices", "CookieHub",
                   "tarteaucitron", "Crownpeak (Evidon)", "HubSpot cookie banner",
                   "GDPR Cookie Compliance (Moove)", "Cookie Notice (Hu-manity.co)",
                   "CookieConsent (orestbida)", "cookieconsent.js (Osano open source)"):
        assert wanted in names


def test_every_platform_has_a_reference_and_a_marker(consent: ConsentData) -> None:
    for cmp in consent.cmp:
        assert cmp.reference.startswith("https://"), cmp.name
        assert any(getattr(cmp, field) for field in MARKERS), f"{cmp.name}: nothing to recognise it by"


def test_markers_are_written_the_way_the_matcher_reads_them(consent: ConsentData) -> None:
    for cmp in consent.cmp:
        for cls in cmp.root_classes:
            assert cls == cls.lower() and " " not in cls and not cls.startswith("."), (cmp.name, cls)
        for root in cmp.root_ids + cmp.root_id_prefixes:
            assert root and " " not in root and not root.startswith("#"), (cmp.name, root)
        for host in cmp.script_hosts:
            assert HOST.match(host), (cmp.name, host)  # a host name: lower-case, no scheme, no path
        for path in cmp.script_paths:
            assert path == path.lower() and path.strip() == path and len(path) >= 5, (cmp.name, path)
        for marker in cmp.globals:
            assert marker.strip() == marker and len(marker) >= 4, (cmp.name, marker)


def test_no_marker_points_to_two_platforms(consent: ConsentData) -> None:
    for field in ("root_ids", "root_classes", "root_id_prefixes", "script_hosts", "script_paths", "globals"):
        owners: dict[str, str] = {}
        for cmp in consent.cmp:
            for value in getattr(cmp, field):
                key = value.lower() if field in ("root_classes", "script_hosts", "script_paths") else value
                assert owners.setdefault(key, cmp.name) == cmp.name, f"{field} {value!r}: {owners[key]} and {cmp.name}"


def test_selectors_are_simple(consent: ConsentData) -> None:
    for cmp in consent.cmp:
        for selector in cmp.accept + cmp.reject + cmp.settings:
            assert SIMPLE_SELECTOR.match(selector), (cmp.name, selector)
            assert parse_selector(selector) is not None, (cmp.name, selector)
            if "." in selector.split("[", 1)[0]:
                assert selector == selector.lower() or "#" in selector, (cmp.name, selector)  # classes lower-case
        assert not set(cmp.accept) & set(cmp.reject), cmp.name


def test_tcf_cmp_ids_are_unique_positive_integers(consent: ConsentData) -> None:
    ids = [c.tcf_cmp_id for c in consent.cmp if c.tcf_cmp_id is not None]
    assert ids, "at least the documented IDs (Didomi 7, consentmanager 31, Cookiebot 134)"
    assert all(isinstance(i, int) and i > 0 for i in ids)
    assert len(set(ids)) == len(ids)
    by_name = {c.name: c.tcf_cmp_id for c in consent.cmp}
    assert (by_name["Didomi"], by_name["Cookiebot"], by_name["consentmanager.net"]) == (7, 134, 31)


# --- vocabulary -------------------------------------------------------------------------------------

CHOICES = {
    "en": ("Accept all", "Reject all", "Cookie settings"),
    "de": ("Alle akzeptieren", "Alle ablehnen", "Einstellungen"),
    "fr": ("Tout accepter", "Tout refuser", "Personnaliser"),
    "es": ("Aceptar todo", "Rechazar todas", "Configuración"),
    "it": ("Accetta e chiudi", "Rifiuta", "Personalizza"),
    "pt": ("Aceitar e fechar", "Rejeitar todos", "Gerir cookies"),
    "nl": ("Alles accepteren", "Weigeren", "Instellingen"),
    "pl": ("Zaakceptuj wszystkie", "Odrzuć wszystkie", "Ustawienia"),
    "sv": ("Godkänn alla cookies", "Avvisa", "Inställningar"),
    "da": ("Acceptér alle", "Afvis alle", "Tilpas"),
    "ja": ("すべて同意する", "拒否する", "Cookieの設定"),
    "zh": ("全部接受", "全部拒绝", "管理 Cookie"),
    "ko": ("모두 동의", "거부", "쿠키 설정"),
}


def test_the_choice_vocabulary_covers_13_languages(vocab: ConsentVocabulary) -> None:
    assert len(CHOICES) == 13
    for lang, (accept, reject, settings) in CHOICES.items():
        assert vocab.choice_of(accept) == "accept", (lang, accept)
        assert vocab.choice_of(reject) == "reject", (lang, reject)
        assert vocab.choice_of(settings) == "settings", (lang, settings)


@pytest.mark.parametrize(("text", "kind"), [
    ("Accept all", "accept"), ("ACCEPT ALL COOKIES", "accept"), ("Allow all", "accept"),
    ("Akzeptieren & schließen", "accept"), ("Akzeptieren und schließen", "accept"),
    ("OK, bin einverstanden", "accept"), ("J'accepte", "accept"), ("J’accepte", "accept"),
    ("Accepter et fermer", "accept"), ("Alle ablehnen", "reject"), ("Tout refuser", "reject"),
    ("Continuer sans accepter", "reject"), ("Nur notwendige Cookies", "reject"), ("Rechazar todas", "reject"),
    ("Odrzuć wszystkie", "reject"), ("Afvis alle", "reject"), ("全部拒绝", "reject"), ("모두 거부하기", "reject"),
    ("Einstellungen", "settings"), ("Individuelle Datenschutzeinstellungen", "settings"),
    ("すべて同意する", "accept"), ("同意する", "accept"), ("Read more", None), ("Close this dialog", None),
    ("Einstellungen speichern", None),
])
def test_choice_of(vocab: ConsentVocabulary, text: str, kind: str | None) -> None:
    assert vocab.choice_of(text) == kind


def test_every_choice_word_reaches_its_own_kind(consent: ConsentData, vocab: ConsentVocabulary) -> None:
    """Each word is written as choice_of normalises a control's text, and no word is in two lists."""
    for kind, words in consent.choices.items():
        assert len({w.lower() for w in words}) == len(words), [w for w, n in Counter(words).items() if n > 1]
        for word in words:
            assert vocab.choice_of(word) == kind, (kind, word)


@pytest.mark.parametrize("text", [
    "This website uses cookies to improve your experience.",
    "Diese Website benutzt Cookies. Wenn du die Website weiter nutzt, gehen wir von deinem Einverständnis aus.",
    "Cookies erleichtern die Bereitstellung unserer Dienste. Mit der Nutzung unserer Dienste erklären Sie sich "
    "damit einverstanden, dass wir Cookies verwenden.",
    "Nous utilisons des cookies pour mesurer l'audience.",
    "Este sitio web utiliza cookies propias y de terceros.",
    "Questo sito utilizza cookie tecnici e di profilazione.",
    "Este site utiliza cookies para melhorar a sua experiência.",
    "Deze website gebruikt cookies.",
    "Ta strona używa plików cookie.",
    "Vi använder kakor för statistik.",
    "Vi bruger cookies til statistik.",
    "이 웹사이트는 쿠키를 사용합니다.",
])
def test_notice_wording(vocab: ConsentVocabulary, text: str) -> None:
    assert vocab.cookie.search(text) and vocab.notice.search(text)


@pytest.mark.parametrize("text", ["当サイトではCookieを使用しています。", "本网站使用Cookie来改善体验。",
                                  "当サイトはクッキーを利用しています。"])
def test_notice_wording_in_unspaced_scripts(vocab: ConsentVocabulary, text: str) -> None:
    assert vocab.cookie.search(text) and vocab.notice.search(text)


def test_purposes_and_policy_words_in_several_languages(vocab: ConsentVocabulary) -> None:
    for text, purpose in (("Statistik", "analytics"), ("mesure d'audience", "analytics"), ("Werbung", "advertising"),
                          ("pubblicità personalizzata", "advertising"), ("personnalisation", "personalisation"),
                          ("réseaux sociaux", "social_media"), ("strictly necessary", "necessary")):
        assert vocab.purposes[purpose].search(text), (text, purpose)
    for text in ("Datenschutzerklärung", "politique de confidentialité", "privacybeleid", "polityka prywatności",
                 "integritetspolicy", "privatlivspolitik", "プライバシーポリシー", "개인정보처리방침"):
        assert vocab.policy.search(text), text


# --- consent phrases --------------------------------------------------------------------------------


def test_consent_phrases() -> None:
    data = _toml(PHRASES)
    assert set(data) == {"legitimate_interest", "implied_consent", "reject_link_words", "pay_or_subscribe"}
    for key, words in data.items():
        assert words and all(isinstance(w, str) and w == w.strip() and w for w in words), key
        assert len({w.lower() for w in words}) == len(words), key
    for phrase in ("legitimate interest", "berechtigtes interesse", "intérêt légitime", "interés legítimo",
                   "interesse legittimo", "interesse legítimo", "gerechtvaardigd belang",
                   "prawnie uzasadniony interes", "berättigat intresse", "legitim interesse", "正当な利益", "正当利益",
                   "정당한 이익"):
        assert phrase in data["legitimate_interest"], phrase
    for phrase in ("by continuing to use", "by continuing to browse", "if you continue", "weitere nutzung",
                   "indem sie fortfahren", "en poursuivant", "en continuant", "si continúa navegando", "se continui",
                   "ao continuar", "door verder te gaan", "kontynuując"):
        assert phrase in data["implied_consent"], phrase
    assert "continuer sans accepter" in data["reject_link_words"]
    for word in ("subscribe", "abonnieren", "s'abonner", "abbonati", "suscribirse", "subskrybuj", "pur abo"):
        assert word in data["pay_or_subscribe"], word


def test_consent_phrases_are_loaded_with_the_vocabulary(vocab: ConsentVocabulary) -> None:
    phrases = vocab.phrases
    assert phrases.legitimate_interest.search("Einige Partner berufen sich auf ein berechtigtes Interesse.")
    assert phrases.legitimate_interest.search("Certains partenaires invoquent leur intérêt légitime.")
    assert phrases.implied_consent.search("En poursuivant votre navigation, vous acceptez les cookies.")
    assert phrases.implied_consent.search("Si continúa navegando, consideramos que acepta su uso.")
    assert "continue without accepting" in phrases.reject_links
    assert phrases.pay_or_subscribe.search("Mit Werbung lesen oder PUR Abo abschließen")


# --- trackers ---------------------------------------------------------------------------------------


def test_trackers_toml() -> None:
    data = _toml(TRACKERS)
    TrackerData.model_validate(data)
    trackers = data["tracker"]
    assert len(trackers) >= 35
    names = [t["name"] for t in trackers]
    assert len(set(names)) == len(names), [n for n, k in Counter(names).items() if k > 1]
    for t in trackers:
        assert t["category"] in CATEGORIES, t["name"]
        assert t["purpose"] in PURPOSES, t["name"]
        assert t.get("reference", "").startswith("https://"), t["name"]
        assert t.get("company"), t["name"]
        assert any(t.get(k) for k in ("hosts", "paths", "globals", "pixel_hosts")), t["name"]
        for host in t.get("hosts", []):
            assert HOST.match(host), (t["name"], host)
        for value in t.get("paths", []) + t.get("pixel_hosts", []):
            assert value == value.lower() and value.strip() == value, (t["name"], value)
        for marker in t.get("globals", []):
            assert len(marker) >= 4, (t["name"], marker)  # short markers ("ym(", "hj(") match unrelated code
    cookieless = {t["name"] for t in trackers if t.get("cookieless")}
    assert {"Plausible Analytics", "Fathom Analytics", "Simple Analytics"} <= cookieless


def test_a_host_without_paths_belongs_to_one_tracker() -> None:
    """Entries sharing a host must tell themselves apart by path, or the later ones never match."""
    by_host: dict[str, list[dict]] = {}
    for t in _toml(TRACKERS)["tracker"]:
        for host in t.get("hosts", []):
            by_host.setdefault(host, []).append(t)
    for host, entries in by_host.items():
        if len(entries) > 1:
            assert all(t.get("paths") for t in entries), host


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.googletagmanager.com/gtag/js?id=G-TEST", "Google Analytics (gtag.js)"),
    ("https://www.googletagmanager.com/gtm.js?id=GTM-TEST", "Google Tag Manager"),
    ("https://www.google-analytics.com/analytics.js", "Google Analytics (analytics.js)"),
    ("https://securepubads.g.doubleclick.net/tag/js/gpt.js", "Google Publisher Tag (Ad Manager)"),
    ("https://connect.facebook.net/en_US/fbevents.js", "Meta Pixel"),
    ("https://connect.facebook.net/de_DE/sdk.js", "Facebook SDK (social plugins)"),
    ("https://bat.bing.com/bat.js", "Microsoft Advertising UET"),
    ("https://www.clarity.ms/tag/abc", "Microsoft Clarity"),
    ("https://static.hotjar.com/c/hotjar-1.js?sv=6", "Hotjar"),
    ("https://mc.yandex.ru/metrika/tag.js", "Yandex Metrica"),
    ("https://sb.scorecardresearch.com/beacon.js", "comScore (Scorecard Research)"),
    ("https://plausible.io/js/script.js", "Plausible Analytics"),
    ("https://s.pinimg.com/ct/core.js", "Pinterest Tag"),
    ("https://example.org/assets/fonts.js", None),
])
def test_tracker_lookup(url: str, name: str | None) -> None:
    load_trackers.cache_clear()
    try:
        spec = load_trackers(TRACKERS).for_url(url)
    finally:
        load_trackers.cache_clear()
    assert (spec.name if spec else None) == name
