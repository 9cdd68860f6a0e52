"""`snakemake --report` of the tiny run: a category per arm and a subcategory per figure, every
figure and the table behind it embedded, captions filled from the run's config, and the page
rendered by a real headless browser (Debian's chromium; .ci/run installs it)."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from eigflow_arms.common.labels import figure_label
from test_workflow import snakemake

CATEGORIES = ("MNIST (Fig. 2, supp. S4-S6)", "Splicing codes (Fig. 3, supp. S3, S7-S10)",
              "The liver and its regulator (Fig. 4, supp. S11, S12)",
              "Raw sequence, EIG beside the genomics toolbox (beyond the paper)",
              "Raw sequence, GIA and DeepResolve (beyond the paper)")
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def report(tiny_run):
    snakemake(tiny_run, "--report", "report_test.html")
    return tiny_run, (tiny_run / "report_test.html").read_text(errors="ignore")


def _figures(project):
    return sorted(p.stem for p in (project / "results" / "figures").glob("*.png"))


def test_every_figure_and_its_table_is_embedded(report):
    project, html = report
    figures = _figures(project)
    assert len(figures) >= 28
    for name in figures:  # embedded as data, not linked
        assert f"filename={name}.png;base64," in html, name
        assert f"filename={name}.tsv;base64," in html, name
    for extra in ("fig4a_tomtom", "figS12_motif_enrichment", "mnist_model_accuracy",
                  "splicing_model_metrics"):
        assert f"filename={extra}.tsv;base64," in html, extra


def test_categories_subcategories_and_labels(report):
    _, html = report
    for category in CATEGORIES:
        assert category in html, category
    for subcategory in ("Fig. 2a", "Supp. Fig. S4", "Fig. 3g", "Ground truth", "Fig. 4e",
                        "Supp. Fig. S12", "Models"):
        assert f'"{subcategory}"' in html, subcategory
    assert '"content"' in html and '"Tomtom matches"' in html


def test_captions_are_filled_from_the_runs_config(report):
    project, html = report
    config = yaml.safe_load((project / "config" / "tiny.yaml").read_text())
    mnist, splicing = config["mnist"], config["splicing"]
    assert f"{mnist['n_samples']} samples per set, {mnist['n_baselines']} baselines" in html
    assert f"at most {mnist['max_train']} training images" in html
    n = splicing["simulate"]
    assert f"{n['n_cassette']} cassette and {n['n_constitutive']} constitutive exons" in html
    assert "a simulated knockout of the liver regulator of the program" in html
    assert f"This report holds the arms this run made ({', '.join(config['arms'])})" in html
    assert "This report holds the MNIST arm" not in html
    assert not re.search(r"\{\{|\{%", html), "unrendered Jinja in a caption"


_SHOWN = """() => Array.from(document.images).filter(i => !i.closest('nav') && i.complete
    && i.naturalWidth > 0).map(i => (i.src.match(/filename=([^;]+);/) || [, i.src.slice(0, 30)])[1])"""


def _show(page, row, content, shown):
    """A figure's row: click its eye, record the decoded images shown; other rows: count them
    (a TSV is a download, with no preview)."""
    if content != "figure":
        shown[content] = shown.get(content, 0) + 1
        return
    row.locator("a[iconname=eye]").click()
    page.wait_for_timeout(200)
    shown["figure"] = page.evaluate(_SHOWN)


def walk(page, categories):
    """Click through the report as a reader does: Results, each arm, each figure, each kind of
    content; return {category: {subcategory: {"figure": [file names of the decoded images the
    main panel shows], "table": rows}}}."""
    nav = page.locator("nav")
    seen = {}
    nav.get_by_text("Results", exact=True).first.click()
    for category in categories:
        nav.get_by_text(category, exact=True).first.click()
        subs = page.locator("nav div.p-3 li span").all_inner_texts()
        seen[category] = {}
        for sub in subs:
            page.locator("nav div.p-3 li span").get_by_text(sub, exact=True).click()
            seen[category][sub] = shown = {}
            # Two contents: a figure/table toggle over one row; more: one row per item.
            values = page.locator("nav input[name=content]").evaluate_all("els => els.map(e => e.value)")
            for value in values:
                page.locator(f"nav label[for='toggle-content-{value}']").click()
                _show(page, page.locator("nav tbody tr").first, value, shown)
            if not values:
                rows = page.locator("nav tbody tr")
                for i in range(rows.count()):
                    cells = rows.nth(i).locator("td").all_inner_texts()
                    _show(page, rows.nth(i), cells[-2].strip() if len(cells) >= 3 else "table", shown)
            page.locator("nav ol a").get_by_text(category, exact=True).click()
        page.locator("nav ol a").get_by_text("Results", exact=True).click()
    return seen


def test_report_renders_in_a_headless_browser(report, tmp_path):
    """Chromium, driven by Playwright where it is installed (every arm, figure and item clicked
    and the figures checked as decoded images), else by its own --dump-dom."""
    if BROWSER is None:
        if os.environ.get("EIGFLOW_REQUIRE_BROWSER"):
            pytest.fail("no chromium: apt-get install chromium (.ci/run does)")
        pytest.skip("no headless browser (apt-get install chromium)")
    project, _ = report
    page_uri = (project / "report_test.html").as_uri()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None:
        dom = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
                              "--virtual-time-budget=15000", "--dump-dom", page_uri],
                             capture_output=True, text=True, timeout=180)
        assert dom.returncode == 0 and '<div id="app"><div' in dom.stdout, dom.stderr[-2000:]
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(page_uri)
        page.wait_for_selector("nav")
        page.screenshot(path=str(project / "report_home.png"))
        seen = walk(page, CATEGORIES)
        page.screenshot(path=str(project / "report_last.png"))
        browser.close()
    (project / "report_walk.json").write_text(json.dumps(seen, indent=1))
    figures = [sub for subs in seen.values() for sub in subs if sub != "Models"]
    assert len(figures) >= 28, seen
    for category, subs in seen.items():
        for sub, contents in subs.items():
            if sub == "Models":
                continue
            assert set(contents) >= {"figure", "table"}, (category, sub, contents)
            assert contents["table"] >= 1, (category, sub, contents)
            shown = [f for f in contents["figure"] if figure_label(Path(f).stem) == sub]
            assert shown, (category, sub, contents)
