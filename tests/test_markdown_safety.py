"""User text is shown as typed, never read as Markdown or HTML.

Column headers, category values, sheet and file names, patient codes and the fields of an uploaded
settings file reached Markdown surfaces (captions, alerts, widget labels, the report): an image in a
header made the browser fetch it from any origin, two group labels wrapped the text between them into
one link, and a fake "sign in" link rendered. :func:`ilp_core.plain_text.plain` escapes such values;
these tests check it on hostile strings, check every Markdown surface AppTest sees on every page with
a hostile workbook, and check in a real Chromium that no image or link to another origin appears and
no request leaves the app's origin.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import string
from pathlib import Path

import pytest
from browser import app_server, chromium_tab, go, needs_chromium, runtime_python, settle, workbook_input
from streamlit.testing.v1 import AppTest
from workbooks import ENGLISH, patient, workbook

from ilp_core.plain_text import WORD_JOINER, plain
from ilp_core.reporting import reproducibility

APP = str(Path(__file__).resolve().parents[1] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = {"Data": "app_pages/data.py", "Cohort": "app_pages/cohort.py", "Amputation": "app_pages/amputation.py",
         "Early complications": "app_pages/complications.py", "Survival": "app_pages/survival.py",
         "Predictors": "app_pages/predictors.py", "Export": "app_pages/export.py"}

IMAGE = "![x](http://127.0.0.1:9/x.png)"
LINK = "[sign in](http://127.0.0.1:9/)"
COLOUR = ":red[x]"
BARE = "www.evil.example"
HOSTILE_VALUES = [IMAGE, LINK, COLOUR, BARE]
HEADER = " ".join(HOSTILE_VALUES)             # an extra column, offered as a filter, a comparison, a covariate
CONTACT = "Contact ![c](http://127.0.0.1:9/c.png)"  # e-mail addresses: the Data page warns about it by name
SHEET = "www.evil.example ~~x~~ $x$ <b>"      # Excel forbids [ ] : * ? / \ in sheet names
FILE_NAME = "[sign in](www.evil.example) ![x](www.evil.example) :red[x].xlsx"  # no '/' in a file name on disk
HOSTILE = HOSTILE_VALUES + [
    "[Session expired: sign in again](http://evil.example)", "http://evil.example/x", "HTTPS://EVIL.EXAMPLE",
    "WWW.evil.example", "wwww.evil.example", "mail me@evil.example", "mailto:me@evil.example",
    ":material/home:", ":smile:", "$x^2$", "<img src=x onerror=alert(1)>", "&lt;img&gt; &#91;x&#93;",
    "**bold** _it_ `code` ~~gone~~", "# heading", "1. item", "- item", "+ item", "> quote", "| a | b |",
    "\\*escaped\\* \\", "[a]: http://evil.example", "<http://evil.example>", "x[^1]", ":blue-background[x]",
    "line one\nline two\r\n===", "text\u2028more", "a](http://127.0.0.1:9/y) [b", "=\"'`{}",
]
MARKERS = ("](http", "![", "http://", "https://", "www.", ":red[", "<img", "<b>", "@evil")
BARE_URL = re.compile(r"://|www\.|@(?!\u2060)", re.IGNORECASE)


# -- plain() itself ------------------------------------------------------------------------------

def shown(markdown: str) -> str:
    """The text a Markdown renderer shows for escaped text: each backslash escape read, the word joiners
    (which are not displayed) dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def unescaped(markdown: str) -> str:
    """``markdown`` with every backslash-escaped character removed: what is left can form Markdown."""
    return re.sub(r"\\.", "", markdown)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_shows_the_text_as_typed_on_one_line(text):
    assert shown(plain(text)) == re.sub(r"\r\n|[\r\n\u2028]", " ", text)
    assert not set("\r\n\u2028") & set(plain(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_escapes_every_ascii_punctuation_character(text):
    left = unescaped(plain(text))
    assert not set(string.punctuation) & set(left), left


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_breaks_bare_url_and_e_mail_autolinks(text):
    read = re.sub(r"\\(.)", r"\1", plain(text))  # the text GitHub's autolinker searches
    assert not BARE_URL.search(read), read


def test_plain_takes_any_value_and_leaves_plain_words_alone():
    assert plain(12) == "12" and plain(None) == "None"
    assert plain("Myxoid liposarcoma") == "Myxoid liposarcoma"
    assert plain("") == ""


# -- every Markdown surface AppTest sees --------------------------------------------------------

PLAIN_TYPES = {"text", "code", "exception", "json", "html", "dataframe", "table", "arrow_vega_lite_chart",
               "vega_lite_chart"}


def markdown_surfaces(at) -> list[tuple[str, str]]:
    """``(element type, text)`` for every string the frontend renders as Markdown: bodies of markdown,
    captions, alerts, headings and toasts, labels and help of widgets, metrics and expanders, radio
    options. Select box and multiselect options are plain text (checked in a browser, Streamlit 1.67)."""
    found = []
    for node in [*at.sidebar, *at.main]:
        proto = getattr(node, "proto", None)
        if proto is None or node.type in PLAIN_TYPES:
            continue
        for name in ("body", "label", "help"):
            value = getattr(proto, name, None)
            if isinstance(value, str) and value:
                found.append((f"{node.type}.{name}", value))
        if node.type == "radio":
            found += [("radio.option", option) for option in proto.options]
    return found


def assert_no_markdown_from_users(at, where: str) -> list[str]:
    """No Markdown surface holds an unescaped link, image, directive or bare URL; returns the texts shown."""
    assert not at.exception, (where, [e.value for e in at.exception])
    surfaces = markdown_surfaces(at)
    for kind, text in surfaces:
        left = unescaped(text)
        found = [m for m in MARKERS if m in left.lower()]
        assert not found, f"{where}: {kind} renders {found} as Markdown: {text!r}"
        bare = BARE_URL.search(re.sub(r"\\(.)", r"\1", text))  # autolinks are found after escapes are read
        assert not bare, f"{where}: {kind} has a bare URL or e-mail address that becomes a link: {text!r}"
    return [shown(text) for _, text in surfaces]


def hostile_rows() -> list[list]:
    """24 patients; the hostile extra column has 4 values, histology 2 hostile ones, codes are links."""
    rows = [ENGLISH + [HEADER, CONTACT]]
    for i in range(24):
        dead, amputated, recurred = i % 3 == 0, i % 4 == 1, i % 5 == 2
        rows.append(patient(
            f"[P{i:02d}](http://127.0.0.1:9/{i})", sex="F" if i % 2 else "M", age=35 + 2 * i,
            limb="upper" if i % 5 == 0 else "lower", histology=IMAGE if i % 2 else BARE,
            vital="dead" if dead else "alive",
            death=dt.date(2019, 1, 1) + dt.timedelta(days=50 * i) if dead else None,
            last=dt.date(2019, 1, 1) + dt.timedelta(days=50 * i) if dead else dt.date(2023, 1, 5),
            amputation="yes" if amputated else "no",
            amputation_date=dt.date(2018, 6, 1) + dt.timedelta(days=20 * i) if amputated else None,
            lr="yes" if recurred else "no",
            lr_date=dt.date(2018, 9, 1) + dt.timedelta(days=15 * i) if recurred else None)
            + [HOSTILE_VALUES[i % 4], f"p{i}@evil.example"])
    rows.append(patient("[bad](http://127.0.0.1:9/bad)", vital=IMAGE) + [IMAGE, "bad@evil.example"])
    return rows


def hostile_workbook() -> bytes:
    return workbook(hostile_rows(), sheet=SHEET)


def widget(at, kind: str, prefix: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(prefix))


def load_hostile_workbook(at) -> None:
    """Upload it, filter on three of the hostile values and compare by the hostile column."""
    at.switch_page(PAGES["Data"]).run()
    at.file_uploader(key="upload").set_value((FILE_NAME, hostile_workbook(), XLSX)).run()
    assert_no_markdown_from_users(at, "Data")
    widget(at, "multiselect", f"filter:column:{HEADER}:").set_value([IMAGE, LINK, COLOUR]).run()
    widget(at, "selectbox", "compare:").set_value(HEADER).run()


def test_every_page_shows_hostile_headers_values_and_names_as_text():
    at = AppTest.from_file(APP, default_timeout=120).run()
    load_hostile_workbook(at)
    texts = assert_no_markdown_from_users(at, "Data")
    assert any(FILE_NAME in t for t in texts) and any(CONTACT in t for t in texts)  # they do reach Markdown
    for name, path in PAGES.items():
        at.switch_page(path).run()
        if name == "Predictors":
            at.multiselect(key="predictors:covariates").set_value(["age_years", HEADER]).run()
        if name == "Amputation":
            at.toggle(key="amputation:deaths").set_value(True).run()
        texts = assert_no_markdown_from_users(at, name)
        if name != "Data":  # the header names the filter and the comparison: escaped, shown whole
            assert any(f"compared by {HEADER.lower()}" in t and f"{HEADER}: {IMAGE}, {LINK}, {COLOUR}" in t
                       for t in texts), name
    assert any(f"in the {IMAGE} group" in t for t in texts)  # the report's group labels, on Export


def test_a_hostile_settings_file_is_reported_as_text():
    at = AppTest.from_file(APP, default_timeout=120).run()
    load_hostile_workbook(at)
    at.switch_page(PAGES["Export"]).run()
    from ilp_core import load_cohort
    cohort = load_cohort(hostile_workbook())
    document = reproducibility.settings_document(
        source=FILE_NAME, sheet=SHEET, header_row=None, mapping=cohort.mapping, date_order="auto",
        filters={HEADER: [IMAGE, "[gone](http://127.0.0.1:9/g)"], LINK: [BARE]}, age_range=None,
        compare_by=COLOUR + IMAGE, preset="R survival", conf_level=0.95, time_unit="months", landmarks=[12],
        data=cohort.data.iloc[3:], model={"outcome": "overall_survival", "covariates": [IMAGE, "age_years"],
                                          "reference": {}})
    document["preset"] = LINK  # not one this app offers: reported, quoting it
    at.file_uploader(key="export:load").set_value(("s.json", reproducibility.settings_json(document),
                                                   "application/json")).run()
    at.button(key="export:apply").click().run()
    texts = assert_no_markdown_from_users(at, "Export, settings applied")
    said = " ".join(texts)
    assert f"filter on {LINK!r}" in said and f"comparison by {COLOUR + IMAGE!r}" in said
    assert "[P00](http://127.0.0.1:9/0)" in said  # patients added since the save, by code
    version = json.dumps({"format": "ilp-outcomes-settings", "version": IMAGE}).encode()
    at.file_uploader(key="export:load").set_value(("v.json", version, "application/json")).run()
    at.button(key="export:apply").click().run()
    assert any(IMAGE in t for t in assert_no_markdown_from_users(at, "Export, settings refused"))


def test_a_workbook_that_cannot_be_loaded_quotes_its_values_as_text():
    rows = [ENGLISH + [HEADER]] + [patient(f"P{i}", vital=IMAGE) + [LINK] for i in range(3)]
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGES["Data"]).run()
    at.file_uploader(key="upload").set_value((FILE_NAME, workbook(rows, sheet=SHEET), XLSX)).run()
    texts = assert_no_markdown_from_users(at, "Data, not loadable")
    assert at.error and any(repr(IMAGE) in t for t in texts)  # the CohortError quotes the bad value
    at.switch_page(PAGES["Cohort"]).run()
    assert any(repr(IMAGE) in t for t in assert_no_markdown_from_users(at, "Cohort, not loadable"))


# -- a real browser ------------------------------------------------------------------------------

FOREIGN = re.compile(r"127\.0\.0\.1:9\b|evil\.example", re.IGNORECASE)


def assert_nothing_foreign(tab, origin: str, requests: list[str], where: str) -> None:
    """No image or link to another origin in the page, and no request left the app's origin."""
    for tag, attribute in (("img", "src"), ("a", "href"), ("iframe", "src"), ("source", "src")):
        for element in tab.locator(tag).all():
            value = element.get_attribute(attribute) or ""
            assert not FOREIGN.search(value), f"{where}: <{tag} {attribute}={value!r}>"
    foreign = [url for url in requests if not url.startswith((origin, "data:", "blob:"))]
    assert not foreign, f"{where}: requests to {foreign}"


def pick(tab, box, option: str) -> None:
    """Choose ``option`` in a select box or multiselect ``box`` by typing it, then clicking it."""
    box.locator("input").first.click()
    tab.keyboard.type(option)
    tab.get_by_role("option", name=option, exact=True).click()
    settle(tab)
    tab.keyboard.press("Escape")


@needs_chromium
@pytest.mark.slow
def test_no_image_link_or_request_to_another_origin_in_a_browser(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_bytes(hostile_workbook())
    with app_server(python=runtime_python()) as (url, _), chromium_tab(url) as tab:
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        go(tab, "Data")
        workbook_input(tab).set_input_files(str(path))
        tab.get_by_text(re.compile(r"^24 patients loaded")).wait_for()
        settle(tab)
        sidebar = tab.get_by_test_id("stSidebar")
        sidebar.get_by_test_id("stExpander").filter(has_text="Other columns").get_by_text("Other columns").click()
        for value in (IMAGE, LINK, COLOUR):
            pick(tab, sidebar.get_by_test_id("stExpander").filter(has_text="Other columns")
                 .get_by_test_id("stMultiSelect"), value)
        pick(tab, sidebar.get_by_test_id("stSelectbox").filter(has_text="Compare by"), HEADER)
        for name in PAGES:
            go(tab, name)
            if name == "Predictors":
                pick(tab, tab.get_by_test_id("stMultiSelect").filter(has_text="Covariates"), HEADER)
            if name == "Export":  # its text comes last: under load the page was read before it was drawn
                tab.get_by_role("heading", name="Methods").wait_for()
                for _ in range(120):
                    if " group; and " in tab.get_by_test_id("stApp").inner_text():
                        break
                    tab.wait_for_timeout(500)
            text = tab.get_by_test_id("stApp").inner_text().replace(WORD_JOINER, "")
            assert not tab.get_by_test_id("stException").count(), name
            if name != "Data":
                assert f"compared by {HEADER.lower()}" in text, f"{name}: the comparison is not shown as typed"
            assert_nothing_foreign(tab, url, requests, name)
        # the filter picks by typing, which can miss one value under load: any hostile group shown as typed will do
        # Export's report, with the group labels as typed
        assert any(f"in the {label} group" in text for label in (IMAGE, LINK, COLOUR))
        assert any(u.startswith(f"{url}/_stcore/upload_file") for u in requests)  # the listener saw the upload
