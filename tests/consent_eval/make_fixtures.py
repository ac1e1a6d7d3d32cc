"""Write the hand-made pages of the cookie-consent evaluation set, and their ground truth.

    python tests/consent_eval/make_fixtures.py          # (re)write pages/fixtures/ and labels.json
    python tests/consent_eval/make_fixtures.py --check  # exit 1 when the files on disk differ from this script

Everything is deterministic: the same script writes the same bytes. Three groups of pages:

- fixtures/cmp/: for each consent platform one page whose banner is server-rendered (`<slug>-banner`,
  the platform's public root ids/classes and button hooks, see shared/research/consent-and-labels.md
  A2) and one page that only loads the platform's script (`<slug>-loader`, the banner would be
  injected at run time);
- fixtures/notice/: hand-made notices (no platform) in 13 languages, in a footer or a role=dialog box,
  plus a few variants (implied consent, a named bar outside the footer);
- fixtures/negative/: pages that talk about cookies without a notice (privacy and cookie policies,
  articles about baking and about cookie law, a tutorial with banner code in <pre>), a footer with
  only a "Cookie settings" link, and dialogs that are no cookie notice (newsletter, paywall, age gate).

All wordings were written for this set; only ids, class names and attribute names follow the
platforms' public fingerprints. Entries of labels.json whose path does not start with "fixtures/"
(the real pages, labelled by hand) are kept as they are.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
FIXTURES = PAGES / "fixtures"
LABELS = HERE / "labels.json"

ABOUT = (
    "Ground truth of the cookie-consent evaluation (scripts/eval_consent.py). Keys of `pages` are paths "
    "relative to tests/consent_eval/pages. `banner`: the page shows a cookie/consent notice, either in its "
    "HTML or injected at run time by a consent platform (CMP) the page loads. `cmp`: the platform, named as "
    "in rules/data/consent.toml `[[cmp]] name`, or null (hand-made notice, no notice, or a platform the "
    "ground truth cannot name); `aliases`: other spellings of that platform that count as right. `note`: "
    "why, and where the ground truth differs from the shared corpus annotation. Entries under fixtures/ "
    "are written by tests/consent_eval/make_fixtures.py; edit the script, not the file. Entries under "
    "real/ are edited by hand (sources in pages/real/SOURCES.md)."
)

# Platform names as in rules/data/consent.toml, with other spellings that count as the same platform.
CMP_ALIASES: dict[str, tuple[str, ...]] = {
    "OneTrust": ("OneTrust CMP", "Optanon", "CookiePro"),
    "Cookiebot": ("Cookiebot (Usercentrics)", "Cybot", "Usercentrics Cookiebot"),
    "Didomi": (),
    "Quantcast Choice": ("Quantcast", "InMobi Choice", "Quantcast Choice (InMobi)", "InMobi CMP"),
    "Usercentrics": ("Usercentrics CMP",),
    "TrustArc": ("TRUSTe", "TrustArc (TRUSTe)"),
    "Sourcepoint": (),
    "iubenda": ("iubenda Privacy Controls and Cookie Solution",),
    "Complianz": ("Complianz (WordPress)", "Complianz GDPR"),
    # WebToffee's WordPress plugin cookie-law-info, now CookieYes (not WPEka's "GDPR Cookie Consent").
    "CookieYes": ("CookieYes / GDPR Cookie Consent (cookie-law-info, WordPress)", "cookie-law-info",
                  "CookieLawInfo", "CookieYes (cookie-law-info)"),
    "consentmanager.net": ("consentmanager", "Consentmanager.net", "consentmanager.de"),
    "Osano": ("Osano CMP",),
    "Klaro": ("Klaro!", "KIProtect Klaro"),
    "Borlabs Cookie": ("Borlabs", "Borlabs Cookie (WordPress)"),
    "Google Funding Choices": ("Funding Choices", "Google FC", "Google Privacy & messaging",
                               "Google CMP", "Google Consent Management"),
    "Cookie Notice (Hu-manity.co)": ("Cookie Notice", "Cookie Notice (WordPress, dFactory)",
                                     "Cookie Notice (dFactory)", "Cookie Notice & Compliance",
                                     "Cookie Notice for GDPR & CCPA"),
    "Cookie-Script": ("CookieScript", "Cookie Script"),
    "CookieFirst": ("Cookie First",),
    "Civic Cookie Control": ("Cookie Control", "CIVIC Cookie Control", "Civic", "Cookie Control (Civic)"),
    "Termly": (),
    # The open-source library of Osano (formerly Insites/Silktide), self-hosted or from a CDN.
    "cookieconsent.js (Osano open source)": ("cookieconsent.js", "cookieconsent", "Osano / cookieconsent.js",
                                             "Osano cookieconsent", "Cookie Consent by Osano",
                                             "Insites cookieconsent", "Silktide cookieconsent"),
}


@dataclass(frozen=True)
class Page:
    path: str  # relative to tests/consent_eval/pages
    html: str
    banner: bool
    cmp: str | None = None
    note: str = ""

    def label(self) -> dict[str, object]:
        out: dict[str, object] = {"banner": self.banner, "cmp": self.cmp}
        if self.cmp and CMP_ALIASES.get(self.cmp):
            out["aliases"] = list(CMP_ALIASES[self.cmp])
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Lang:
    code: str
    domain: str
    brand: str
    nav: tuple[str, str, str]
    title: str
    paras: tuple[str, str]
    privacy: str  # footer link to the privacy policy
    imprint: str  # footer link to the legal notice / contact
    # a hand-made cookie notice in this language
    heading: str
    notice: str
    accept: str
    reject: str
    settings: str
    policy: str


LANGS: dict[str, Lang] = {
    lang.code: lang
    for lang in (
        Lang("en", "riverside-gazette.example", "Riverside Gazette", ("News", "Sport", "Culture"),
             "Council approves two new cycle lanes along the river",
             ("The city council voted on Tuesday to build two protected cycle lanes on the east bank, "
              "connecting the old harbour with the university campus.",
              "Work is expected to start in spring and take about eight months. Residents can comment "
              "on the plans at the town hall until the end of the month."),
             "Privacy policy", "Contact",
             "Your privacy",
             "We use cookies to keep you signed in, to remember your settings and to measure how the site "
             "is used. Cookies for statistics are only set if you agree, and you can change your choice at "
             "any time.",
             "Accept all", "Reject all", "Settings", "Cookie policy"),
        Lang("de", "stadtanzeiger.example", "Stadtanzeiger", ("Lokales", "Sport", "Kultur"),
             "Stadtrat beschließt zwei neue Radwege am Fluss",
             ("Der Stadtrat hat am Dienstag beschlossen, am Ostufer zwei geschützte Radwege zu bauen. Sie "
              "sollen den alten Hafen mit dem Campus der Universität verbinden.",
              "Die Arbeiten beginnen voraussichtlich im Frühjahr und dauern etwa acht Monate. Die Pläne "
              "liegen bis Monatsende im Rathaus aus."),
             "Datenschutz", "Impressum",
             "Datenschutz-Hinweis",
             "Wir verwenden Cookies, um die Seite sicher zu betreiben und ihre Nutzung zu messen. "
             "Statistik-Cookies setzen wir nur mit Ihrer Einwilligung. Ihre Wahl können Sie jederzeit "
             "ändern.",
             "Alle akzeptieren", "Nur notwendige", "Einstellungen", "Datenschutzerklärung"),
        Lang("fr", "le-courrier-du-port.example", "Le Courrier du Port", ("Actualités", "Sport", "Culture"),
             "Le conseil municipal approuve deux nouvelles pistes cyclables",
             ("Le conseil municipal a voté mardi la création de deux pistes cyclables protégées sur la rive "
              "est, entre le vieux port et le campus universitaire.",
              "Les travaux devraient commencer au printemps et durer environ huit mois. Les habitants "
              "peuvent consulter le projet à la mairie jusqu'à la fin du mois."),
             "Confidentialité", "Mentions légales",
             "Vos choix",
             "Nous utilisons des cookies pour assurer le bon fonctionnement du site et mesurer son audience. "
             "Les cookies de mesure ne sont déposés qu'avec votre accord.",
             "Tout accepter", "Tout refuser", "Personnaliser", "Politique de cookies"),
        Lang("es", "diario-del-puerto.example", "Diario del Puerto", ("Noticias", "Deportes", "Cultura"),
             "El ayuntamiento aprueba dos nuevos carriles bici junto al río",
             ("El pleno municipal aprobó el martes la construcción de dos carriles bici protegidos en la "
              "orilla este, entre el puerto viejo y el campus universitario.",
              "Las obras comenzarán previsiblemente en primavera y durarán unos ocho meses. Los vecinos "
              "pueden consultar el proyecto en el ayuntamiento hasta final de mes."),
             "Privacidad", "Aviso legal",
             "Su privacidad",
             "Utilizamos cookies propias y de terceros para que el sitio funcione y para analizar cómo se "
             "usa. Solo instalaremos las cookies analíticas si nos da su consentimiento.",
             "Aceptar todo", "Rechazar todo", "Configuración", "Política de cookies"),
        Lang("it", "gazzetta-del-porto.example", "Gazzetta del Porto", ("Cronaca", "Sport", "Cultura"),
             "Il consiglio comunale approva due nuove piste ciclabili",
             ("Martedì il consiglio comunale ha approvato due piste ciclabili protette sulla riva est, tra "
              "il porto vecchio e il campus universitario.",
              "I lavori dovrebbero iniziare in primavera e durare circa otto mesi. I cittadini possono "
              "consultare il progetto in municipio fino alla fine del mese."),
             "Privacy", "Contatti",
             "La tua privacy",
             "Utilizziamo i cookie per far funzionare il sito e per misurarne l'utilizzo. I cookie "
             "statistici vengono installati solo con il tuo consenso.",
             "Accetta tutto", "Rifiuta tutto", "Personalizza", "Cookie policy"),
        Lang("pt", "jornal-do-porto.example", "Jornal do Porto", ("Notícias", "Desporto", "Cultura"),
             "Câmara aprova duas novas ciclovias junto ao rio",
             ("A câmara municipal aprovou na terça-feira a construção de duas ciclovias protegidas na "
              "margem este, entre o porto velho e o campus universitário.",
              "As obras deverão começar na primavera e durar cerca de oito meses. Os moradores podem "
              "consultar o projeto nos paços do concelho até ao fim do mês."),
             "Privacidade", "Contactos",
             "A sua privacidade",
             "Utilizamos cookies para garantir o funcionamento do site e medir a sua utilização. Os cookies "
             "de estatística só são instalados com o seu consentimento.",
             "Aceitar todos", "Rejeitar todos", "Gerir cookies", "Política de privacidade"),
        Lang("nl", "havenkrant.example", "De Havenkrant", ("Nieuws", "Sport", "Cultuur"),
             "Gemeenteraad keurt twee nieuwe fietspaden langs de rivier goed",
             ("De gemeenteraad heeft dinsdag ingestemd met twee vrijliggende fietspaden op de oostoever, "
              "tussen de oude haven en de universiteitscampus.",
              "De werkzaamheden beginnen naar verwachting in het voorjaar en duren ongeveer acht maanden. "
              "Bewoners kunnen de plannen tot het einde van de maand inzien op het stadhuis."),
             "Privacy", "Contact",
             "Uw privacy",
             "Wij gebruiken cookies om de website goed te laten werken en om het gebruik te meten. "
             "Analytische cookies plaatsen we alleen met uw toestemming.",
             "Accepteer alles", "Alles afwijzen", "Instellingen", "Privacybeleid"),
        Lang("pl", "gazeta-portowa.example", "Gazeta Portowa", ("Wiadomości", "Sport", "Kultura"),
             "Rada miasta zatwierdza dwie nowe drogi rowerowe nad rzeką",
             ("Rada miasta zagłosowała we wtorek za budową dwóch wydzielonych dróg rowerowych na "
              "wschodnim brzegu, między starym portem a kampusem uniwersytetu.",
              "Prace mają się rozpocząć wiosną i potrwać około ośmiu miesięcy. Mieszkańcy mogą zapoznać "
              "się z projektem w ratuszu do końca miesiąca."),
             "Prywatność", "Kontakt",
             "Twoja prywatność",
             "Używamy plików cookie, aby strona działała poprawnie i aby mierzyć ruch. Statystyczne pliki "
             "cookie zapisujemy tylko za Twoją zgodą.",
             "Akceptuj wszystkie", "Odrzuć wszystkie", "Ustawienia", "Polityka prywatności"),
        Lang("sv", "hamnbladet.example", "Hamnbladet", ("Nyheter", "Sport", "Kultur"),
             "Kommunfullmäktige säger ja till två nya cykelbanor längs ån",
             ("Kommunfullmäktige beslutade i tisdags att bygga två separerade cykelbanor på östra sidan, "
              "mellan gamla hamnen och universitetsområdet.",
              "Arbetet väntas börja i vår och ta ungefär åtta månader. Invånarna kan ta del av planerna i "
              "stadshuset till slutet av månaden."),
             "Integritet", "Kontakt",
             "Din integritet",
             "Vi använder kakor (cookies) för att webbplatsen ska fungera och för att mäta hur den används. "
             "Statistikkakor sparas bara om du godkänner det.",
             "Godkänn alla", "Endast nödvändiga", "Inställningar", "Integritetspolicy"),
        Lang("da", "havnebladet.example", "Havnebladet", ("Nyheder", "Sport", "Kultur"),
             "Byrådet godkender to nye cykelstier langs åen",
             ("Byrådet besluttede tirsdag at anlægge to adskilte cykelstier på østbredden mellem den "
              "gamle havn og universitetets campus.",
              "Arbejdet ventes at begynde til foråret og tage omkring otte måneder. Borgerne kan se "
              "planerne på rådhuset indtil udgangen af måneden."),
             "Privatliv", "Kontakt",
             "Dit privatliv",
             "Vi bruger cookies til at få hjemmesiden til at fungere og til at måle, hvordan den bliver "
             "brugt. Statistikcookies sætter vi kun, hvis du giver samtykke.",
             "Accepter alle", "Afvis alle", "Tilpas", "Privatlivspolitik"),
        Lang("ja", "minato-shimbun.example", "みなと新聞", ("ニュース", "スポーツ", "文化"),
             "市議会、川沿いの自転車道2本の整備を承認",
             ("市議会は火曜日、旧港と大学キャンパスを結ぶ東岸の自転車専用道2本の整備を可決した。",
              "工事は春に始まり、約8か月かかる見込み。計画は月末まで市役所で閲覧できる。"),
             "プライバシー", "お問い合わせ",
             "クッキーの使用について",
             "当サイトでは、サイトの利便性向上とアクセス解析のためにクッキーを使用しています。解析用のクッキーは、"
             "同意いただいた場合にのみ使用します。",
             "すべて同意する", "すべて拒否する", "Cookieの設定", "プライバシーポリシー"),
        Lang("zh", "gangkou-ribao.example", "港口日报", ("新闻", "体育", "文化"),
             "市议会批准沿河新建两条自行车道",
             ("市议会周二投票通过，在东岸修建两条受保护的自行车道，连接老港口和大学校园。",
              "工程预计于春季开工，工期约八个月。市民可在月底前到市政厅查阅规划。"),
             "隐私", "联系我们",
             "Cookie 提示",
             "本网站使用Cookie来确保网站正常运行并统计访问情况。只有在您同意后，我们才会使用统计类Cookie。",
             "接受所有", "拒绝所有", "管理设置", "隐私政策"),
        Lang("ko", "hangu-ilbo.example", "항구일보", ("뉴스", "스포츠", "문화"),
             "시의회, 강변 자전거도로 두 곳 신설 승인",
             ("시의회는 화요일 옛 항구와 대학 캠퍼스를 잇는 동쪽 강변에 보호형 자전거도로 두 곳을 만들기로 의결했다.",
              "공사는 봄에 시작해 약 8개월이 걸릴 예정이다. 주민들은 이달 말까지 시청에서 계획안을 열람할 수 있다."),
             "개인정보", "문의",
             "쿠키 사용 안내",
             "이 웹사이트는 서비스 제공과 방문 통계 분석을 위해 쿠키를 사용합니다. 통계용 쿠키는 동의하신 경우에만 "
             "저장됩니다.",
             "모두 허용", "모두 거부", "쿠키 설정", "개인정보처리방침"),
    )
}


def document(lang: Lang, slug: str, *, main: str = "", head: str = "", before_footer: str = "",
             footer_extra: str = "", after_footer: str = "", title: str = "", html_class: str = "") -> str:
    """A whole page: header with navigation, the article (or `main`), the footer, anything after it."""
    title = title or lang.title
    if not main:
        main = (f"  <article>\n    <h1>{title}</h1>\n"
                + "".join(f"    <p>{p}</p>\n" for p in lang.paras)
                + "  </article>\n")
    cls = f' class="{html_class}"' if html_class else ""
    nav = "".join(f'<li><a href="/{i}">{n}</a></li>' for i, n in enumerate(lang.nav, 1))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.code}"{cls}>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title} | {lang.brand}</title>\n"
        f'<link rel="canonical" href="https://www.{lang.domain}/{slug}">\n'
        f"{head}</head>\n<body>\n"
        f'<header>\n  <a class="logo" href="/">{lang.brand}</a>\n  <nav><ul>{nav}</ul></nav>\n</header>\n'
        f"<main>\n{main}</main>\n{before_footer}"
        f'<footer>\n  <ul class="footer-links"><li><a href="/privacy">{lang.privacy}</a></li>'
        f'<li><a href="/imprint">{lang.imprint}</a></li></ul>\n{footer_extra}</footer>\n'
        f"{after_footer}</body>\n</html>\n"
    )


# -- consent platforms -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cmp:
    name: str
    slug: str
    lang: str
    banner: str  # server-rendered banner markup, placed after the footer
    loader: str  # the platform's loader (scripts in <head>), for the loader-only page
    root: str  # what marks the banner, for the note
    host: str  # what marks the loader, for the note
    html_class: str = ""


CMPS: tuple[Cmp, ...] = (
    Cmp("OneTrust", "onetrust", "en",
        '<div id="onetrust-consent-sdk">\n'
        '  <div class="onetrust-pc-dark-filter ot-fade-in"></div>\n'
        '  <div id="onetrust-banner-sdk" class="otFlat" tabindex="0" role="region" aria-label="Cookie banner">\n'
        '    <div id="onetrust-policy">\n'
        '      <h2 id="onetrust-policy-title">Your choices about cookies</h2>\n'
        '      <p id="onetrust-policy-text">We and our partners use cookies and similar technologies to '
        'store and read information on your device, to measure our audience and to show relevant '
        'advertising. Choose "Accept All Cookies" to agree or "Reject All" to refuse; you can change '
        'your mind at any time. <a class="ot-cookie-policy-link" href="/cookie-policy">Cookie Policy</a></p>\n'
        '    </div>\n'
        '    <div id="onetrust-button-group-parent"><div id="onetrust-button-group">\n'
        '      <button id="onetrust-pc-btn-handler">Cookie Settings</button>\n'
        '      <button id="onetrust-reject-all-handler">Reject All</button>\n'
        '      <button id="onetrust-accept-btn-handler">Accept All Cookies</button>\n'
        '    </div></div>\n'
        '  </div>\n'
        '</div>\n',
        '<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" type="text/javascript" '
        'charset="UTF-8" data-domain-script="3f1c2b7a-5d4e-4a5b-9c8d-0e1f2a3b4c5d"></script>\n'
        '<script type="text/javascript">function OptanonWrapper() { }</script>\n',
        "#onetrust-consent-sdk / #onetrust-banner-sdk", "cdn.cookielaw.org otSDKStub.js"),
    Cmp("Cookiebot", "cookiebot", "da",
        '<div id="CybotCookiebotDialog" name="CybotCookiebotDialog" role="dialog" aria-modal="true" '
        'aria-labelledby="CybotCookiebotDialogBodyContentTitle" tabindex="-1" lang="da" '
        'class="CybotCookiebotDialogActive" data-template="popup">\n'
        '  <div id="CybotCookiebotDialogBody">\n'
        '    <h2 id="CybotCookiebotDialogBodyContentTitle">Denne hjemmeside bruger cookies</h2>\n'
        '    <div id="CybotCookiebotDialogBodyContentText">Vi bruger cookies til at tilpasse indhold og '
        'annoncer og til at analysere trafikken på siden. Du kan til enhver tid ændre eller trække dit '
        'samtykke tilbage.</div>\n'
        '  </div>\n'
        '  <div id="CybotCookiebotDialogFooter"><div id="CybotCookiebotDialogBodyButtonsWrapper">\n'
        '    <button id="CybotCookiebotDialogBodyButtonDecline" class="CybotCookiebotDialogBodyButton">Afvis</button>\n'
        '    <button id="CybotCookiebotDialogBodyLevelButtonCustomize" '
        'class="CybotCookiebotDialogBodyButton">Tilpas</button>\n'
        '    <button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" '
        'class="CybotCookiebotDialogBodyButton">Tillad alle</button>\n'
        '  </div></div>\n'
        '</div>\n',
        '<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" '
        'data-cbid="8c2e4f6a-1b3d-4c5e-9f0a-2b4c6d8e0f1a" data-blockingmode="auto" type="text/javascript"></script>\n',
        "#CybotCookiebotDialog", "consent.cookiebot.com/uc.js"),
    Cmp("Didomi", "didomi", "fr",
        '<div id="didomi-host" data-nosnippet="true" aria-hidden="false">\n'
        '  <div class="didomi-popup-backdrop didomi-notice-popup didomi-popup__backdrop">\n'
        '    <div class="didomi-popup-container didomi-popup-notice">\n'
        '      <div id="didomi-notice" class="didomi-popup-notice-text-container" role="dialog" aria-modal="true" '
        'aria-labelledby="didomi-notice-title">\n'
        '        <h1 id="didomi-notice-title">Vos données, vos choix</h1>\n'
        '        <div class="didomi-popup-notice-text">Avec nos partenaires, nous utilisons des cookies pour '
        'stocker et lire des informations sur votre terminal, mesurer l\'audience et personnaliser les '
        'publicités. Vous pouvez changer d\'avis à tout moment depuis le lien « Préférences » en bas de page.</div>\n'
        '        <div class="didomi-popup-notice-buttons">\n'
        '          <button id="didomi-notice-learn-more-button" class="didomi-button didomi-button-standard">En '
        'savoir plus</button>\n'
        '          <button id="didomi-notice-agree-button" class="didomi-button didomi-components-button">Accepter '
        'et fermer</button>\n'
        '        </div>\n'
        '        <span class="didomi-continue-without-agreeing" role="button" tabindex="0">Continuer sans '
        'accepter</span>\n'
        '      </div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script type="text/javascript">window.didomiConfig = { app: { apiKey: '
        '"5e7a1c3b-0d2f-4e6a-8b9c-1d2e3f4a5b6c" } };</script>\n'
        '<script type="text/javascript" async src="https://sdk.privacy-center.org/5e7a1c3b-0d2f-4e6a-8b9c-1d2e3f4a5b6c/'
        'loader.js?target=www.le-courrier-du-port.example"></script>\n',
        "#didomi-host / #didomi-notice", "sdk.privacy-center.org loader.js",
        html_class="didomi-popup-open"),
    Cmp("Quantcast Choice", "quantcast", "en",
        '<div id="qc-cmp2-container" data-nosnippet="">\n'
        '  <div class="qc-cmp2-main" id="qc-cmp2-main">\n'
        '    <div id="qc-cmp2-ui" role="dialog" aria-label="qc-cmp2-ui" aria-modal="true" tabindex="0" '
        'class="qc-cmp2-ui">\n'
        '      <div class="qc-cmp2-summary-section">\n'
        '        <h2>We care about your privacy</h2>\n'
        '        <div class="qc-cmp2-summary-info"><p>We and our partners store and read information on your '
        'device, such as cookies, and process personal data such as unique identifiers to show personalised '
        'ads and content, to measure them and to improve our services. Click to agree, or manage your '
        'choices, including your right to object where legitimate interest is used.</p></div>\n'
        '      </div>\n'
        '      <div class="qc-cmp2-footer"><div class="qc-cmp2-summary-buttons">\n'
        '        <button mode="secondary" size="large" class="css-47sehv">MORE OPTIONS</button>\n'
        '        <button mode="secondary" size="large" class="css-47sehv">DISAGREE</button>\n'
        '        <button mode="primary" size="large" class="css-47sehv">AGREE</button>\n'
        '      </div></div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script type="text/javascript" async '
        'src="https://cmp.inmobi.com/choice/Xk3dP9qRtV2aB/www.riverside-gazette.example/choice.js?tag_version=V3"></script>\n',
        "#qc-cmp2-container / #qc-cmp2-ui", "cmp.inmobi.com choice.js"),
    Cmp("Usercentrics", "usercentrics", "de",
        '<div id="usercentrics-root">\n'
        '  <div id="uc-main-banner" class="uc-banner-wrap">\n'
        '    <div id="uc-banner-modal" class="uc-banner-content" role="dialog" aria-labelledby="uc-banner-title">\n'
        '      <h2 id="uc-banner-title">Privatsphäre-Einstellungen</h2>\n'
        '      <div id="uc-banner-text">Wir nutzen Cookies und ähnliche Technologien, um unsere Website '
        'bereitzustellen, ihre Nutzung statistisch auszuwerten und Inhalte von Drittanbietern einzubinden. '
        'Ihre Einwilligung ist freiwillig und kann jederzeit widerrufen werden.</div>\n'
        '      <div class="uc-banner-btn-list">\n'
        '        <button id="uc-btn-more-info-banner" class="uc-btn uc-btn-link">Einstellungen</button>\n'
        '        <button id="uc-btn-deny-banner" class="uc-btn uc-btn-default btn-deny">Ablehnen</button>\n'
        '        <button id="uc-btn-accept-banner" class="uc-btn uc-btn-primary">Alle akzeptieren</button>\n'
        '      </div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script id="usercentrics-cmp" src="https://web.cmp.usercentrics.eu/ui/loader.js" '
        'data-settings-id="Rk7aQ2pLm" async></script>\n',
        "#usercentrics-root (legacy banner ids #uc-banner-modal, #uc-btn-deny-banner)",
        "web.cmp.usercentrics.eu loader.js"),
    Cmp("TrustArc", "trustarc", "en",
        '<div id="consent_blackbar">\n'
        '  <div id="truste-consent-track" style="display: block;">\n'
        '    <div id="truste-consent-content" role="dialog" aria-label="Cookie consent">\n'
        '      <div id="truste-consent-text">This site uses cookies and related technologies for site '
        'operation, analytics and third-party advertising. You may agree to all of them, allow only the '
        'required ones, or set your preferences. See our <a href="/privacy">privacy statement</a>.</div>\n'
        '      <div id="truste-consent-buttons">\n'
        '        <button id="truste-consent-required" class="truste-button2">Required Only</button>\n'
        '        <button id="truste-show-consent" class="truste-button3">Cookie Preferences</button>\n'
        '        <button id="truste-consent-button" class="truste-button1">Accept All</button>\n'
        '      </div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script async="async" crossorigin="" src="https://consent.trustarc.com/notice?'
        'domain=riverside-gazette.example&amp;c=teconsent&amp;js=nj&amp;noticeType=bb&amp;gtm=1"></script>\n',
        "#truste-consent-track / #truste-consent-content", "consent.trustarc.com/notice"),
    Cmp("Sourcepoint", "sourcepoint", "de",
        '<div id="sp_message_container_912345" class="sp-message-container">\n'
        '  <iframe id="sp_message_iframe_912345" title="SP Consent Message" '
        'src="https://cdn.privacy-mgmt.com/index.html?message_id=912345&amp;consentUUID=null&amp;'
        'consentLanguage=de&amp;preload_message=true" style="width: 100%; height: 100%;"></iframe>\n'
        '</div>\n',
        '<script type="text/javascript">window._sp_queue = []; window._sp_ = { config: { accountId: 1234, '
        'baseEndpoint: "https://cdn.privacy-mgmt.com", gdpr: {} } };</script>\n'
        '<script src="https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js" async></script>\n',
        "div#sp_message_container_<id> with the message iframe (the text and buttons live in the iframe)",
        "cdn.privacy-mgmt.com wrapperMessagingWithoutDetection.js with window._sp_ config",
        html_class="sp-message-open"),
    Cmp("iubenda", "iubenda", "it",
        '<div id="iubenda-cs-banner" class="iubenda-cs-default iubenda-cs-bottom iubenda-cs-visible" '
        'role="alertdialog" aria-labelledby="iubenda-cs-title" aria-describedby="iubenda-cs-paragraph">\n'
        '  <div class="iubenda-cs-container"><div class="iubenda-cs-content">\n'
        '    <div id="iubenda-cs-title">Informativa</div>\n'
        '    <div id="iubenda-cs-paragraph"><p class="iub-p">Noi e alcuni partner selezionati utilizziamo '
        'cookie o tecnologie simili per finalità tecniche e, con il tuo consenso, anche per misurazione e '
        'pubblicità. Puoi liberamente prestare, rifiutare o revocare il tuo consenso in qualsiasi momento. '
        '<a href="/privacy/cookie-policy" class="iubenda-cs-cookie-policy-lnk">Cookie policy</a></p></div>\n'
        '    <div class="iubenda-cs-opt-group">\n'
        '      <button class="iubenda-cs-customize-btn">Scopri di più e personalizza</button>\n'
        '      <button class="iubenda-cs-reject-btn iubenda-cs-btn-primary">Rifiuta</button>\n'
        '      <button class="iubenda-cs-accept-btn iubenda-cs-btn-primary">Accetta</button>\n'
        '    </div>\n'
        '  </div></div>\n'
        '</div>\n',
        '<script type="text/javascript">var _iub = _iub || []; _iub.csConfiguration = {"siteId": 3456789, '
        '"cookiePolicyId": 98765432, "lang": "it"};</script>\n'
        '<script type="text/javascript" src="https://cs.iubenda.com/autoblocking/3456789.js"></script>\n'
        '<script type="text/javascript" src="//cdn.iubenda.com/cs/iubenda_cs.js" charset="UTF-8" async></script>\n',
        "#iubenda-cs-banner", "cdn.iubenda.com/cs/iubenda_cs.js, cs.iubenda.com, _iub.csConfiguration"),
    Cmp("Complianz", "complianz", "nl",
        '<div id="cmplz-cookiebanner-container">\n'
        '  <div class="cmplz-cookiebanner banner-1 optin cmplz-bottom-right cmplz-categories-type-view-preferences" '
        'aria-modal="true" data-nosnippet="true" role="dialog" aria-live="polite" '
        'aria-labelledby="cmplz-header-1-optin" aria-describedby="cmplz-message-1-optin">\n'
        '    <div class="cmplz-header"><div class="cmplz-title" id="cmplz-header-1-optin">Toestemming '
        'beheren</div></div>\n'
        '    <div class="cmplz-body"><div class="cmplz-message" id="cmplz-message-1-optin">Om de beste '
        'ervaring te bieden gebruiken wij cookies. Wij gebruiken ze om de website te laten werken en, als u '
        'toestemming geeft, om bezoekersstatistieken bij te houden. Als u geen toestemming geeft, kunnen '
        'sommige functies minder goed werken.</div></div>\n'
        '    <div class="cmplz-buttons">\n'
        '      <button class="cmplz-btn cmplz-accept">Accepteren</button>\n'
        '      <button class="cmplz-btn cmplz-deny">Weigeren</button>\n'
        '      <button class="cmplz-btn cmplz-view-preferences">Voorkeuren bekijken</button>\n'
        '    </div>\n'
        '    <div class="cmplz-links"><a href="/cookiebeleid" class="cmplz-link '
        'cookie-statement">Cookiebeleid</a></div>\n'
        '  </div>\n'
        '</div>\n',
        '<script id="cmplz-cookiebanner-js-extra">var complianz = {"prefix": "cmplz_", "user_banner_id": "1", '
        '"set_cookies": [], "banner_version": "12", "version": "6.5.5"};</script>\n'
        '<script src="https://www.havenkrant.example/wp-content/plugins/complianz-gdpr/cookiebanner/js/'
        'complianz.min.js?ver=6.5.5" id="cmplz-cookiebanner-js"></script>\n',
        "#cmplz-cookiebanner-container .cmplz-cookiebanner",
        "self-hosted wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js"),
    Cmp("CookieYes", "cookieyes", "en",
        '<div class="cky-consent-container cky-banner-bottom" tabindex="0" aria-label="We value your privacy" '
        'role="region">\n'
        '  <div class="cky-consent-bar" data-cky-tag="notice">\n'
        '    <div class="cky-notice">\n'
        '      <p class="cky-title" role="heading" aria-level="1" data-cky-tag="title">Cookies on this site</p>\n'
        '      <div class="cky-notice-group">\n'
        '        <div class="cky-notice-des" data-cky-tag="description"><p>We use cookies to make the site '
        'work, to understand how visitors use it and to show you relevant offers. Choose "Accept All" to '
        'allow all of them or "Reject All" to keep only the necessary ones.</p></div>\n'
        '        <div class="cky-notice-btn-wrapper" data-cky-tag="notice-buttons">\n'
        '          <button class="cky-btn cky-btn-customize" data-cky-tag="settings-button">Customise</button>\n'
        '          <button class="cky-btn cky-btn-reject" data-cky-tag="reject-button">Reject All</button>\n'
        '          <button class="cky-btn cky-btn-accept" data-cky-tag="accept-button">Accept All</button>\n'
        '        </div>\n'
        '      </div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script id="cookieyes" type="text/javascript" '
        'src="https://cdn-cookieyes.com/client_data/0f3b5d7e9a1c2e4f6a8b0c2d/script.js"></script>\n',
        ".cky-consent-container", "cdn-cookieyes.com/client_data/.../script.js"),
    Cmp("consentmanager.net", "consentmanager", "de",
        '<div id="cmpbox" class="cmpbox cmpstyleroot cmpBoxBig" role="dialog" aria-modal="true" '
        'aria-labelledby="cmpboxtitle">\n'
        '  <div class="cmpboxinner">\n'
        '    <div class="cmpboxtxt cmptxt_txt"><h3 id="cmpboxtitle">Wir respektieren Ihre Privatsphäre</h3>'
        '<p>Wir und unsere Partner verwenden Cookies und ähnliche Techniken, um Informationen auf Ihrem '
        'Gerät zu speichern und abzurufen, die Reichweite zu messen und Werbung anzuzeigen. Ihre '
        'Einwilligung können Sie jederzeit widerrufen.</p></div>\n'
        '    <div class="cmpboxbtns">\n'
        '      <a class="cmpboxbtn cmpboxbtnno cmptxt_btn_no" role="button" href="#">Ablehnen</a>\n'
        '      <a class="cmpboxbtn cmpboxbtncustom cmptxt_btn_custom" role="button" href="#">Einstellungen</a>\n'
        '      <a class="cmpboxbtn cmpboxbtnyes cmptxt_btn_yes" role="button" href="#">Akzeptieren</a>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script type="text/javascript" data-cmp-ab="1" '
        'src="https://cdn.consentmanager.net/delivery/autoblocking/4d7e2a9c1b3f.js" '
        'data-cmp-host="c.delivery.consentmanager.net" data-cmp-cdn="cdn.consentmanager.net" '
        'data-cmp-codesrc="1"></script>\n',
        "#cmpbox", "cdn.consentmanager.net autoblocking script"),
    Cmp("Osano", "osano", "en",
        '<div class="osano-cm-window" dir="ltr">\n'
        '  <div role="dialog" aria-label="Cookie Consent Banner" aria-describedby="osano-cm-dialog__message" '
        'class="osano-cm-dialog osano-cm-dialog--position_bottom osano-cm-dialog--type_bar">\n'
        '    <span class="osano-cm-content"><span id="osano-cm-dialog__message" class="osano-cm-message">This '
        'website keeps data such as cookies so that it works properly, and for marketing, personalisation '
        'and analytics.</span> <a class="osano-cm-link" href="/cookie-policy">Cookie Policy</a></span>\n'
        '    <div class="osano-cm-dialog__buttons osano-cm-buttons">\n'
        '      <button class="osano-cm-manage osano-cm-button osano-cm-button--type_manage">Manage '
        'Preferences</button>\n'
        '      <button class="osano-cm-denyAll osano-cm-button osano-cm-button--type_denyAll">Deny</button>\n'
        '      <button class="osano-cm-accept-all osano-cm-button osano-cm-button--type_accept">Accept</button>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script '
        'src="https://cmp.osano.com/16BdVbSx1QYk42eQ/6a1c9e3d-2b4f-4e8a-9c1d-3e5f7a9b1c2d/osano.js"></script>\n',
        ".osano-cm-window / .osano-cm-dialog", "cmp.osano.com/.../osano.js"),
    Cmp("Klaro", "klaro", "de",
        '<div id="klaro">\n'
        '  <div class="klaro">\n'
        '    <div class="cookie-notice" role="dialog" aria-describedby="id-cookie-notice" '
        'aria-labelledby="id-cookie-title">\n'
        '      <div class="cn-body">\n'
        '        <h2 id="id-cookie-title">Dürfen wir Sie kurz stören?</h2>\n'
        '        <p id="id-cookie-notice">Wir möchten einige zusätzliche Dienste für Statistik und für '
        'eingebettete Videos nutzen. Diese setzen Cookies. Sie können Ihre Einwilligung jederzeit ändern '
        'oder widerrufen. <a href="/datenschutz">Datenschutzerklärung</a></p>\n'
        '        <div class="cn-ok">\n'
        '          <a class="cm-link cn-learn-more" href="#">Lassen Sie mich wählen</a>\n'
        '          <div class="cn-buttons">\n'
        '            <button class="cm-btn cm-btn-danger cn-decline" type="button">Ich lehne ab</button>\n'
        '            <button class="cm-btn cm-btn-success cm-btn-accept-all" type="button">Alle akzeptieren</button>\n'
        '          </div>\n'
        '        </div>\n'
        '      </div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script type="text/javascript">var klaroConfig = { elementID: "klaro", storageMethod: "cookie", '
        'services: [{ name: "matomo", purposes: ["analytics"] }, { name: "youtube", purposes: ["media"] }] '
        '};</script>\n'
        '<script defer data-config="klaroConfig" type="application/javascript" '
        'src="https://cdn.kiprotect.com/klaro/v0.7.22/klaro.js"></script>\n',
        "#klaro .klaro .cookie-notice", "klaro.js with klaroConfig"),
    Cmp("Borlabs Cookie", "borlabs", "de",
        '<div id="BorlabsCookieBox" class="BorlabsCookie" role="dialog" aria-labelledby="CookieBoxTextHeadline" '
        'aria-describedby="CookieBoxTextDescription" aria-modal="true">\n'
        '  <div class="bottom-center" style="display: block;"><div class="_brlbs-box-wrap"><div class="_brlbs-box">\n'
        '    <div class="cookie-box"><div class="container">\n'
        '      <span role="heading" aria-level="3" class="_brlbs-h3" '
        'id="CookieBoxTextHeadline">Datenschutzeinstellungen</span>\n'
        '      <p id="CookieBoxTextDescription">Wir setzen auf unserer Website Cookies ein. Einige sind für den '
        'Betrieb nötig, andere helfen uns, das Angebot zu verbessern. Sie können selbst entscheiden, welche '
        'Sie zulassen.</p>\n'
        '      <p class="_brlbs-accept"><a href="#" role="button" class="_brlbs-btn _brlbs-btn-accept-all '
        '_brlbs-cursor" '
        'data-cookie-accept-all>Alle akzeptieren</a></p>\n'
        '      <p class="_brlbs-refuse-btn"><a href="#" role="button" class="_brlbs-btn _brlbs-cursor" '
        'data-cookie-refuse>Nur essenzielle Cookies akzeptieren</a></p>\n'
        '      <p class="_brlbs-manage-btn"><a href="#" role="button" class="_brlbs-cursor" '
        'data-cookie-individual>Individuelle Datenschutzeinstellungen</a></p>\n'
        '      <p class="_brlbs-legal"><a href="/datenschutz" class="_brlbs-cursor">Datenschutzerklärung</a></p>\n'
        '    </div></div>\n'
        '  </div></div></div>\n'
        '</div>\n',
        '<script id="borlabs-cookie-js-extra">var borlabsCookieConfig = {"ajaxURL": '
        '"https:\\/\\/www.stadtanzeiger.example\\/wp-admin\\/admin-ajax.php", "language": "de", '
        '"cookieLifetime": "60"};</script>\n'
        '<script src="https://www.stadtanzeiger.example/wp-content/plugins/borlabs-cookie/assets/javascript/'
        'borlabs-cookie.min.js?ver=2.2.67" id="borlabs-cookie-js"></script>\n',
        "#BorlabsCookieBox", "self-hosted wp-content/plugins/borlabs-cookie/ script, borlabsCookieConfig"),
    Cmp("Google Funding Choices", "funding-choices", "en",
        '<div class="fc-consent-root" dir="ltr">\n'
        '  <div class="fc-dialog-container">\n'
        '    <div class="fc-dialog fc-choice-dialog" role="dialog" aria-modal="true" aria-labelledby="fc-headline">\n'
        '      <div class="fc-dialog-content">\n'
        '        <h1 class="fc-dialog-headline-text" id="fc-headline">riverside-gazette.example asks for your '
        'consent to use your personal data</h1>\n'
        '        <div class="fc-dialog-body"><p>Your data may be used for personalised advertising and '
        'content, for measuring them and for developing services. Cookies and other identifiers may be '
        'stored on and read from your device.</p></div>\n'
        '      </div>\n'
        '      <div class="fc-footer-buttons-container"><div class="fc-buttons-root">\n'
        '        <button class="fc-button fc-cta-consent fc-primary-button"><p '
        'class="fc-button-label">Consent</p></button>\n'
        '        <button class="fc-button fc-cta-do-not-consent fc-secondary-button"><p class="fc-button-label">Do '
        'not consent</p></button>\n'
        '        <button class="fc-button fc-cta-manage-options fc-secondary-button"><p '
        'class="fc-button-label">Manage options</p></button>\n'
        '      </div></div>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script async src="https://fundingchoicesmessages.google.com/i/pub-4071926385140267?ers=1"></script>\n'
        '<script>(function () { function mark() { if (window.frames["googlefcPresent"]) { return; } '
        'if (!document.body) { setTimeout(mark, 0); return; } var f = document.createElement("iframe"); '
        'f.name = "googlefcPresent"; f.style.display = "none"; document.body.appendChild(f); } mark(); '
        '})();</script>\n',
        ".fc-consent-root / .fc-dialog-container", "fundingchoicesmessages.google.com, googlefcPresent frame"),
    Cmp("Cookie Notice (Hu-manity.co)", "cookie-notice", "en",
        '<div id="cookie-notice" role="dialog" class="cookie-notice-visible cookie-revoke-hidden cn-position-bottom" '
        'aria-label="Cookie Notice" style="background-color: rgba(50,50,58,1);">\n'
        '  <div class="cookie-notice-container" style="color: #fff">\n'
        '    <span id="cn-notice-text" class="cn-text-container">We use cookies so that we can offer you '
        'the best experience on our site. If you keep using the site we will assume that you are happy '
        'with it.</span>\n'
        '    <span id="cn-notice-buttons" class="cn-buttons-container">'
        '<a href="#" id="cn-accept-cookie" data-cookie-set="accept" class="cn-set-cookie cn-button">Ok</a>'
        '<a href="#" id="cn-refuse-cookie" data-cookie-set="refuse" class="cn-set-cookie cn-button">No</a>'
        '<a href="/privacy-policy/" target="_blank" id="cn-more-info" class="cn-more-info cn-button">Privacy '
        'policy</a></span>\n'
        '    <span id="cn-close-notice" data-cookie-set="accept" class="cn-close-icon" title="No"></span>\n'
        '  </div>\n'
        '</div>\n',
        '<script id="cookie-notice-front-js-before">var cnArgs = {"ajaxUrl": '
        '"https:\\/\\/www.riverside-gazette.example\\/wp-admin\\/admin-ajax.php", "cookieName": '
        '"cookie_notice_accepted", "cookieTime": 2592000, "refuse": true};</script>\n'
        '<script '
        'src="https://www.riverside-gazette.example/wp-content/plugins/cookie-notice/js/front.min.js?ver=2.4.16" '
        'id="cookie-notice-front-js"></script>\n',
        "#cookie-notice (#cn-accept-cookie, #cn-refuse-cookie)",
        "self-hosted wp-content/plugins/cookie-notice/js/front.min.js, cnArgs"),
    Cmp("Cookie-Script", "cookie-script", "en",
        '<div id="cookiescript_injected" role="dialog" aria-labelledby="cookiescript_header" tabindex="0">\n'
        '  <div id="cookiescript_toprow">\n'
        '    <div id="cookiescript_header">This website uses cookies</div>\n'
        '    <div id="cookiescript_description">We use cookies to improve your experience, to count visits '
        'and to learn which pages are popular. By selecting "Accept all" you agree to all cookies. '
        '<a href="/cookie-policy" id="cookiescript_readmore">Read more</a></div>\n'
        '  </div>\n'
        '  <div id="cookiescript_buttons">\n'
        '    <div id="cookiescript_accept" tabindex="0" role="button">Accept all</div>\n'
        '    <div id="cookiescript_reject" tabindex="0" role="button">Decline all</div>\n'
        '    <div id="cookiescript_manage_wrap" tabindex="0" role="button"><span id="cookiescript_manage">Show '
        'details</span></div>\n'
        '  </div>\n'
        '</div>\n',
        '<script type="text/javascript" charset="UTF-8" '
        'src="//cdn.cookie-script.com/s/5e8f0c1a2b3d4e5f6a7b8c9d0e1f2a3b.js"></script>\n',
        "#cookiescript_injected", "cdn.cookie-script.com/s/<id>.js"),
    Cmp("CookieFirst", "cookiefirst", "en",
        '<div id="cookiefirst-root">\n'
        '  <div class="cf3Tgk cf2MAH" role="dialog" aria-modal="true" aria-label="Cookie consent" '
        'data-cookiefirst-widget="banner">\n'
        '    <p class="cf3E9g">We would like to use cookies for statistics and marketing. Necessary cookies are '
        'always on. You can change your choice at any time. <a href="/cookie-policy">Cookie Policy</a></p>\n'
        '    <div class="cf2L3T">\n'
        '      <button data-cookiefirst-action="reject" class="cf1lHZ">Reject all</button>\n'
        '      <button data-cookiefirst-action="adjust" class="cf1lHZ">Preferences</button>\n'
        '      <button data-cookiefirst-action="accept" class="cf1lHZ cf2IxI">Accept all</button>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script src="https://consent.cookiefirst.com/sites/riverside-gazette.example-'
        '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/consent.js"></script>\n',
        "#cookiefirst-root with data-cookiefirst-action buttons", "consent.cookiefirst.com/sites/.../consent.js"),
    Cmp("Civic Cookie Control", "civic-cookie-control", "en",
        '<div id="ccc" role="region" aria-label="Cookie Control">\n'
        '  <div id="ccc-notify" class="ccc-notify__notify" role="dialog" aria-labelledby="ccc-notify-title">\n'
        '    <div class="ccc-notify-text"><h3 id="ccc-notify-title">Cookies on the Riverside Gazette</h3>'
        '<p>We use some essential cookies to make this site work. We would also like to set optional '
        'analytics cookies to help us improve it. We will not set them unless you allow them.</p></div>\n'
        '    <div class="ccc-notify-buttons">\n'
        '      <button id="ccc-notify-accept" class="ccc-notify-button ccc-accept-button">Accept</button>\n'
        '      <button id="ccc-notify-reject" class="ccc-notify-button ccc-reject-button">Reject</button>\n'
        '      <button class="ccc-notify-button ccc-notify-link">Cookie Preferences</button>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script src="https://cc.cdn.civiccomputing.com/9/cookieControl-9.x.min.js" type="text/javascript"></script>\n'
        '<script type="text/javascript">CookieControl.load({ apiKey: "0a1b2c3d4e5f", product: "PRO", '
        'optionalCookies: [{ name: "analytics", label: "Analytics", cookies: ["_pk_id", "_pk_ses"] }] });</script>\n',
        "#ccc / #ccc-notify", "cc.cdn.civiccomputing.com cookieControl script, CookieControl.load"),
    Cmp("Termly", "termly", "en",
        '<div id="termly-code-snippet-support">\n'
        '  <div class="t-consentPrompt t-bottom" role="alertdialog" aria-label="Cookie consent banner">\n'
        '    <p class="t-description">We use essential cookies to make our site work. With your consent, '
        'we may also use non-essential cookies to improve your experience and analyse traffic. By clicking '
        '"Accept", you agree to our use of cookies as described in our <a href="/cookie-policy">Cookie '
        'Policy</a>.</p>\n'
        '    <div class="t-buttons">\n'
        '      <button class="t-preference-button" data-tid="banner-manage">Preferences</button>\n'
        '      <button class="t-declineAllButton" data-tid="banner-decline">Decline</button>\n'
        '      <button class="t-acceptAllButton" data-tid="banner-accept">Accept</button>\n'
        '    </div>\n'
        '  </div>\n'
        '</div>\n',
        '<script type="text/javascript" src="https://app.termly.io/embed.min.js" data-auto-block="on" '
        'data-website-uuid="7c9e1a3b-5d2f-4a6b-8c0d-2e4f6a8b0c1d"></script>\n',
        "#termly-code-snippet-support with data-tid banner buttons", "app.termly.io/embed.min.js"),
)


def cmp_pages() -> list[Page]:
    pages = []
    for cmp in CMPS:
        lang = LANGS[cmp.lang]
        pages.append(Page(
            f"fixtures/cmp/{cmp.slug}-banner.html",
            document(lang, f"{cmp.slug}-banner", after_footer=cmp.banner, html_class=cmp.html_class),
            True, cmp.name, f"server-rendered {cmp.name} banner: {cmp.root}; no script",
        ))
        pages.append(Page(
            f"fixtures/cmp/{cmp.slug}-loader.html",
            document(lang, f"{cmp.slug}-loader", head=cmp.loader),
            True, cmp.name, f"loader only ({cmp.host}); the banner is injected at run time",
        ))
    return pages


# -- hand-made notices -----------------------------------------------------------------------------

def _buttons(lang: Lang, settings: bool) -> str:
    out = ""
    if settings:
        out += f'<button type="button" class="btn btn-link">{lang.settings}</button>\n'
    out += f'<button type="button" class="btn">{lang.reject}</button>\n'
    out += f'<button type="button" class="btn btn-primary">{lang.accept}</button>\n'
    return out


def footer_notice(lang: Lang) -> str:
    """A notice bar inside the page footer, with neutral class names."""
    return (
        '  <div class="site-bar" id="site-bar">\n'
        f'    <p>{lang.notice} <a href="/privacy#cookies">{lang.policy}</a></p>\n'
        f'    <div class="site-bar__actions">\n{_indent(_buttons(lang, False), 6)}    </div>\n'
        "  </div>\n"
    )


def dialog_notice(lang: Lang) -> str:
    """A modal box with role=dialog, with neutral class names."""
    return (
        '<div class="modal is-open" role="dialog" aria-modal="true" aria-labelledby="privacy-title">\n'
        '  <div class="modal__box">\n'
        f'    <h2 id="privacy-title">{lang.heading}</h2>\n'
        f"    <p>{lang.notice}</p>\n"
        f'    <p><a href="/privacy#cookies">{lang.policy}</a></p>\n'
        f'    <div class="modal__actions">\n{_indent(_buttons(lang, True), 6)}    </div>\n'
        "  </div>\n"
        "</div>\n"
    )


def _indent(text: str, n: int) -> str:
    return "".join(" " * n + line + "\n" for line in text.splitlines())


NOTICE_STYLE = {"en": "dialog", "de": "footer", "fr": "dialog", "es": "footer", "it": "dialog", "pt": "footer",
                "nl": "dialog", "pl": "footer", "sv": "dialog", "da": "footer", "ja": "dialog", "zh": "footer",
                "ko": "dialog"}


def notice_pages() -> list[Page]:
    pages = []
    for code, style in NOTICE_STYLE.items():
        lang = LANGS[code]
        slug = f"notice-{code}-{style}"
        if style == "footer":
            html = document(lang, slug, footer_extra=footer_notice(lang))
            where = "a bar inside <footer> (class site-bar)"
        else:
            html = document(lang, slug, after_footer=dialog_notice(lang))
            where = "a role=dialog box (class modal)"
        pages.append(Page(f"fixtures/notice/{slug}.html", html, True, None,
                          f"hand-made notice in {code}: {where}, with {lang.accept!r} and {lang.reject!r}"))

    en, de, fr = LANGS["en"], LANGS["de"], LANGS["fr"]
    implied = (
        '  <div class="notice" id="notice">\n'
        "    <p>This site uses cookies. By continuing to browse it you agree to our use of cookies. "
        '<a href="/privacy#cookies">Find out more</a></p>\n'
        '    <button type="button" class="notice__close" aria-label="Close">Got it</button>\n'
        "  </div>\n"
    )
    pages.append(Page("fixtures/notice/notice-en-implied-footer.html",
                      document(en, "notice-en-implied-footer", footer_extra=implied), True, None,
                      "hand-made implied-consent notice ('By continuing to browse') in the footer, "
                      "one 'Got it' button"))
    named = (
        '<div id="cookie-hinweis" class="cookie-hinweis fixed-bottom">\n'
        "  <p>Diese Website nutzt Cookies. Wenn Sie weiterlesen, gehen wir von Ihrem Einverständnis aus. "
        '<a href="/datenschutz">Mehr erfahren</a></p>\n'
        '  <button type="button" class="cookie-hinweis__ok">OK</button>\n'
        "</div>\n"
    )
    pages.append(Page("fixtures/notice/notice-de-named-bar.html",
                      document(de, "notice-de-named-bar", before_footer=named), True, None,
                      "hand-made bar named #cookie-hinweis between <main> and <footer>, 'OK' only"))
    bandeau = (
        '<aside class="bandeau" role="alertdialog" aria-label="Cookies">\n'
        "  <p>En poursuivant votre navigation, vous acceptez le dépôt de cookies destinés à mesurer "
        "l'audience du site. "
        '<a href="/confidentialite">En savoir plus</a></p>\n'
        '  <button type="button">Continuer sans accepter</button>\n'
        '  <button type="button">J\'accepte</button>\n'
        "</aside>\n"
    )
    pages.append(Page("fixtures/notice/notice-fr-alertdialog.html",
                      document(fr, "notice-fr-alertdialog", after_footer=bandeau), True, None,
                      "hand-made <aside role=alertdialog> with 'En poursuivant votre navigation' wording, "
                      "'Continuer sans accepter' and 'J'accepte'"))
    return pages


# -- negatives -------------------------------------------------------------------------------------

def _article(title: str, *blocks: str) -> str:
    return f"  <article>\n    <h1>{title}</h1>\n" + "".join(f"    {b}\n" for b in blocks) + "  </article>\n"


def negative_pages() -> list[Page]:
    en, de, fr = LANGS["en"], LANGS["de"], LANGS["fr"]
    pages = []

    policy_en = _article(
        "Privacy policy",
        "<p>This policy explains what personal data the Riverside Gazette collects when you visit this website, "
        "why we collect it and what rights you have.</p>",
        "<h2>Who we are</h2>",
        "<p>The Riverside Gazette is published by Riverside Media Ltd, 12 Quay Street. You can reach our data "
        "protection officer at privacy@riverside-gazette.example.</p>",
        '<h2 id="cookies">Cookies and similar technologies</h2>',
        "<p>We use cookies and similar technologies on this website. A cookie is a small text file that a "
        "website stores in your browser. This website uses cookies for three purposes:</p>",
        "<ul><li><strong>Strictly necessary cookies</strong> keep you signed in and remember your cookie choice. "
        "They do not need your consent.</li><li><strong>Analytics cookies</strong> count visits and show us which "
        "articles are read. We use them only with your consent.</li><li><strong>Advertising cookies</strong> are "
        "set by our partners to show ads that match your interests, also only with your consent.</li></ul>",
        "<table><thead><tr><th>Name</th><th>Purpose</th><th>Expires</th></tr></thead><tbody>"
        "<tr><td>rg_session</td><td>keeps you signed in</td><td>end of session</td></tr>"
        "<tr><td>rg_consent</td><td>stores your cookie choice</td><td>6 months</td></tr>"
        "<tr><td>_pk_id</td><td>analytics: recognises returning visitors</td><td>13 months</td></tr>"
        "</tbody></table>",
        "<p>By continuing to use a part of the site that needs a cookie, for example the comment form, you "
        "accept that cookie. You can accept or refuse analytics and advertising cookies in the cookie "
        "settings, and withdraw your consent at any time; withdrawing is as easy as giving it.</p>",
        "<h2>Your rights</h2>",
        "<p>You have the right to access, correct and delete your data, and to complain to a supervisory "
        "authority.</p>",
    )
    pages.append(Page("fixtures/negative/privacy-policy-en.html",
                      document(en, "privacy", main=policy_en, title="Privacy policy"), False, None,
                      "privacy policy that explains the site's cookies at length ('We use cookies', "
                      "'This website uses cookies', 'your consent') in the article; no notice"))

    policy_de = _article(
        "Datenschutzerklärung",
        "<p>Mit dieser Erklärung informieren wir Sie darüber, welche Daten wir beim Besuch unserer Website "
        "verarbeiten und welche Rechte Sie haben.</p>",
        "<h2>Verantwortlicher</h2>",
        "<p>Stadtanzeiger Verlag GmbH, Marktplatz 3. Unseren Datenschutzbeauftragten erreichen Sie unter "
        "datenschutz@stadtanzeiger.example.</p>",
        '<h2 id="cookies">Cookies</h2>',
        "<p>Wir verwenden Cookies. Cookies sind kleine Textdateien, die Ihr Browser speichert. Diese Website "
        "verwendet Cookies, die für den Betrieb notwendig sind, und – nur mit Ihrer Einwilligung nach "
        "§ 25 Abs. 1 TDDDG – Cookies zur Reichweitenmessung.</p>",
        "<p>Ihre Einwilligung können Sie jederzeit über den Link „Cookie-Einstellungen“ am Seitenende "
        "widerrufen. Dort können Sie auch alle akzeptieren oder alle ablehnen.</p>",
        "<h2>Ihre Rechte</h2>",
        "<p>Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung sowie "
        "ein Beschwerderecht bei einer Aufsichtsbehörde.</p>",
    )
    pages.append(Page("fixtures/negative/privacy-policy-de.html",
                      document(de, "datenschutz", main=policy_de, title="Datenschutzerklärung"), False, None,
                      "Datenschutzerklärung with 'Wir verwenden Cookies' and 'Diese Website verwendet Cookies' "
                      "in the article; no notice"))

    policy_fr = _article(
        "Politique de cookies",
        "<p>Cette page explique comment Le Courrier du Port utilise les cookies et comment vous pouvez "
        "modifier vos choix.</p>",
        "<h2>Qu'est-ce qu'un cookie ?</h2>",
        "<p>Un cookie est un petit fichier déposé sur votre terminal lors de la consultation d'un site.</p>",
        "<h2>Les cookies que nous utilisons</h2>",
        "<p>Nous utilisons des cookies nécessaires au fonctionnement du site, qui ne demandent pas votre "
        "accord, et des cookies de mesure d'audience, que nous ne déposons qu'avec votre consentement. Vous "
        "pouvez tout accepter ou tout refuser, et revenir sur votre choix à tout moment.</p>",
    )
    pages.append(Page("fixtures/negative/cookie-policy-fr.html",
                      document(fr, "cookies", main=policy_fr, title="Politique de cookies"), False, None,
                      "French cookie policy page ('Nous utilisons des cookies') in the article; no notice"))

    settings_link = ('  <p class="footer-legal">© 2024 Riverside Media Ltd · '
                     '<a href="#" class="cookie-settings-link">Cookie settings</a></p>\n')
    pages.append(Page("fixtures/negative/footer-cookie-settings-en.html",
                      document(en, "footer-cookie-settings", footer_extra=settings_link), False, None,
                      "ordinary article; the footer only has a 'Cookie settings' link (no notice text)"))
    settings_link_de = ('  <p class="footer-legal">© 2024 Stadtanzeiger Verlag · '
                        '<button type="button" class="consent-settings">Cookie-Einstellungen</button> · '
                        '<a href="/cookie-richtlinie">Cookie-Richtlinie</a></p>\n')
    pages.append(Page("fixtures/negative/footer-cookie-settings-de.html",
                      document(de, "footer-cookie-einstellungen", footer_extra=settings_link_de), False, None,
                      "ordinary article; the footer has a 'Cookie-Einstellungen' button and a "
                      "'Cookie-Richtlinie' link, no notice text"))

    recipe = _article(
        "Brown butter chocolate chip cookies",
        "<p>These cookies are crisp at the edges and soft in the middle. The secret is butter browned in a "
        "pan until it smells of hazelnuts.</p>",
        "<h2>Ingredients</h2>",
        "<ul><li>200 g butter</li><li>180 g brown sugar</li><li>2 eggs</li><li>300 g flour</li>"
        "<li>200 g dark chocolate, chopped</li></ul>",
        "<h2>Method</h2>",
        "<ol><li>Brown the butter and let it cool.</li><li>Beat in the sugar and eggs, then fold in the flour "
        "and chocolate.</li><li>Rest the dough for an hour. We use an ice-cream scoop to portion the cookies.</li>"
        "<li>Bake at 180 °C for 11 minutes.</li></ol>",
        "<p>Accept no shortcuts: the resting time makes all the difference.</p>",
    )
    bakery_footer = ('  <p class="footer-about">Crumbs &amp; Co. bakes cookies, cakes and bread every morning. '
                     "We use only free-range eggs and flour from local mills.</p>\n")
    pages.append(Page("fixtures/negative/recipe-cookies.html",
                      document(en, "recipe-cookies", main=recipe, footer_extra=bakery_footer,
                               title="Brown butter chocolate chip cookies"), False, None,
                      "recipe for baked cookies; trap: the footer says 'bakes cookies' and 'We use only "
                      "free-range eggs'"))

    law_en = _article(
        "Regulators take aim at cookie banners that hide the reject button",
        "<p>Data protection authorities across Europe say many websites still make it far easier to accept "
        "cookies than to refuse them.</p>",
        "<p>A typical banner reads \u201cThis website uses cookies to improve your experience\u201d and offers a "
        "large \u201cAccept all\u201d button, while \u201cReject all\u201d is hidden behind a second layer of "
        "settings. Under the ePrivacy rules, sites need consent before they store non-essential cookies, and "
        "refusing must be as easy as accepting.</p>",
        "<p>\u201cWe use cookies\u201d is not enough information, one regulator said; visitors must learn what the "
        "cookies are for and be able to say no with one click.</p>",
    )
    pages.append(Page("fixtures/negative/article-cookie-law-en.html",
                      document(en, "cookie-law", main=law_en, title="Regulators take aim at cookie banners"),
                      False, None,
                      "news article about cookie-banner rules that quotes banner wording ('This website uses "
                      "cookies', 'Accept all', 'Reject all'); no notice"))

    law_de = _article(
        "Cookie-Banner: Was die neue Verordnung ändert",
        "<p>Wer eine Website besucht, sieht fast immer denselben Satz: „Wir verwenden Cookies, um Ihnen das "
        "beste Erlebnis zu bieten.“ Darunter ein großer Knopf „Alle akzeptieren“.</p>",
        "<p>Die neue Einwilligungsverordnung soll das ändern. Anerkannte Dienste sollen Einwilligungen "
        "verwalten, damit Nutzer nicht auf jeder Seite neu entscheiden müssen. Verbraucherschützer begrüßen "
        "das, Verlage fürchten um ihre Werbeeinnahmen.</p>",
    )
    pages.append(Page("fixtures/negative/article-cookie-law-de.html",
                      document(de, "cookie-verordnung", main=law_de,
                               title="Cookie-Banner: Was die neue Verordnung ändert"),
                      False, None,
                      "German news article about cookie-banner law quoting 'Wir verwenden Cookies' and "
                      "'Alle akzeptieren'; no notice"))

    tutorial = _article(
        "Build an accessible cookie banner without a framework",
        "<p>In this tutorial we write a small consent banner in plain HTML and JavaScript. Start with the markup:</p>",
        '<pre><code>&lt;div class="cookie-banner" role="dialog" aria-labelledby="cb-title"&gt;\n'
        '  &lt;h2 id="cb-title"&gt;Cookies&lt;/h2&gt;\n'
        "  &lt;p&gt;We use cookies to measure traffic. Is that OK?&lt;/p&gt;\n"
        "  &lt;button&gt;Reject all&lt;/button&gt;\n"
        "  &lt;button&gt;Accept all&lt;/button&gt;\n"
        "&lt;/div&gt;</code></pre>",
        "<p>Give both buttons the same size and colour: refusing must be as easy as accepting. Store the "
        "choice in a first-party cookie and do not load analytics before the visitor agrees.</p>",
    )
    pages.append(Page("fixtures/negative/tutorial-cookie-banner.html",
                      document(en, "tutorial-cookie-banner", main=tutorial,
                               title="Build an accessible cookie banner"), False, None,
                      "developer tutorial whose <pre><code> shows banner markup as text; no notice"))

    newsletter = (
        '<div class="modal is-open" role="dialog" aria-modal="true" aria-labelledby="nl-title">\n'
        '  <div class="modal__box">\n'
        '    <h2 id="nl-title">Get our morning briefing</h2>\n'
        "    <p>Sign up and we will send you the day's top local stories at 7 am. We use your email address "
        'only to send the newsletter, and you can unsubscribe at any time. See our <a href="/privacy">privacy '
        "policy</a>.</p>\n"
        '    <form action="/newsletter" method="post"><label>Email <input type="email" name="email"></label>\n'
        '      <button type="submit">Subscribe</button> <button type="button">No thanks</button></form>\n'
        "  </div>\n"
        "</div>\n"
    )
    pages.append(Page("fixtures/negative/newsletter-dialog.html",
                      document(en, "newsletter", after_footer=newsletter), False, None,
                      "newsletter sign-up dialog ('We use your email address', 'privacy policy', 'No thanks'); "
                      "no cookie wording"))

    paywall = (
        '<div class="paywall" role="dialog" aria-modal="true" aria-labelledby="pw-title">\n'
        '  <h2 id="pw-title">You have read all your free articles this month</h2>\n'
        "  <p>Subscribe for €1 for the first month to keep reading the Riverside Gazette on all your devices. "
        "Cancel at any time.</p>\n"
        '  <a class="btn btn-primary" href="/subscribe">Subscribe now</a>\n'
        '  <a class="btn" href="/login">Already a subscriber? Log in</a>\n'
        "</div>\n"
    )
    pages.append(Page("fixtures/negative/paywall-dialog.html",
                      document(en, "paywall", after_footer=paywall), False, None,
                      "paywall dialog ('Subscribe now', 'Log in'); no cookie wording"))

    age_gate = (
        '<div class="age-gate" role="dialog" aria-modal="true" aria-labelledby="ag-title">\n'
        '  <h2 id="ag-title">Are you 18 or older?</h2>\n'
        "  <p>This section reviews wines and spirits. Please confirm your age to continue.</p>\n"
        '  <button type="button">Yes</button> <button type="button">No</button>\n'
        "</div>\n"
    )
    pages.append(Page("fixtures/negative/age-gate-dialog.html",
                      document(en, "age-gate", after_footer=age_gate), False, None,
                      "age-verification dialog with 'Yes' / 'No' buttons; no cookie wording"))
    return pages


def all_pages() -> list[Page]:
    return cmp_pages() + notice_pages() + negative_pages()


# -- writing and checking --------------------------------------------------------------------------

def labels_text(pages: list[Page], existing: dict[str, object]) -> str:
    kept = {k: v for k, v in existing.items() if not k.startswith("fixtures/")}
    merged = {**kept, **{p.path: p.label() for p in pages}}
    data = {"about": ABOUT, "pages": {k: merged[k] for k in sorted(merged)}}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _existing_labels() -> dict[str, object]:
    if not LABELS.exists():
        return {}
    pages: dict[str, object] = json.loads(LABELS.read_text(encoding="utf-8")).get("pages", {})
    return pages


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    pages = all_pages()
    paths = [p.path for p in pages]
    if len(set(paths)) != len(paths):
        raise SystemExit("duplicate fixture paths")
    wanted = {PAGES / p.path: p.html for p in pages}
    wanted[LABELS] = labels_text(pages, _existing_labels())
    on_disk = {f for f in FIXTURES.rglob("*") if f.is_file()} if FIXTURES.exists() else set()
    stale = sorted(f for f, text in wanted.items() if not f.exists() or f.read_bytes() != text.encode("utf-8"))
    extra = sorted(on_disk - set(wanted))
    if check:
        for f in stale:
            print(f"out of date: {f.relative_to(HERE)}")
        for f in extra:
            print(f"not written by this script: {f.relative_to(HERE)}")
        return 1 if stale or extra else 0
    for f in stale:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(wanted[f].encode("utf-8"))
    for f in extra:
        f.unlink()
    print(f"{len(pages)} fixture pages; {len(stale)} file(s) written, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
