"""The HTML report in a real headless Chromium: it renders, every image loads, no console errors, a screenshot
that is not blank, and text from YAML (here a title and a description written as HTML) shows as text."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_NOTE = "<img src=x onerror=\"document.title='pwned'\">"

pytestmark = pytest.mark.slow


def _browser():  # type: ignore[no-untyped-def]
    if CHROMIUM is None or CHROMEDRIVER is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver must be installed in CI (Debian packages chromium, chromium-driver)")
        pytest.skip("chromium/chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1200,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    hostile = tmp / "hostile.yaml"
    hostile.write_text(
        f"extends: {ROOT / 'configs' / 'baseline.yaml'}\n"
        "name: hostile\n"
        f"title: {json.dumps(HOSTILE_TITLE)}\n"
        f"description: {json.dumps(HOSTILE_NOTE)}\n",
        encoding="utf-8",
    )
    out = tmp / "results"
    code = main(
        [
            "run",
            str(ROOT / "configs" / "baseline.yaml"),
            str(hostile),
            "--n",
            "30",
            "--executor",
            "serial",
            "--quiet",
            "--out",
            str(out),
            "--set",
            "simulation.horizon_days=90",
            "--set",
            "simulation.trace_sample=5",
        ]
    )
    assert code == 0
    path = tmp / "report.html"
    assert main(["report", str(out), "-o", str(path)]) == 0
    return path


def test_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]
    assert "<script" not in html.replace("&lt;script&gt;", "")  # no script at all, hostile one escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("data:image/png;base64,") >= 6


def test_report_opens_with_the_judgments(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    first = html.index("<h2>")
    assert html[first:].startswith("<h2>Does the model say what the report says?</h2>")
    assert html.index("Does the model say") < html.index("Headline figures")
    assert "russia_backs_armenia_in_the_end" in html
    assert "Putin will likely support his ally Armenia in the end" in html
    assert 'alt="the report&#39;s judgments against baseline"' in html


def test_report_names_the_places_and_defines_the_outcomes(report: Path) -> None:
    from scenarios.io.records import OUTCOME_DEFINITIONS

    html = report.read_text(encoding="utf-8")
    places = html[html.index("<h2>Places</h2>") : html.index("<h2>What the outcomes mean</h2>")]
    for label in ("Sugovushan (Madagiz)", "Aghdam", "Jabrayil", "Martuni", "Shusha"):
        assert f"<td>{label}</td>" in places
    assert places.count('<table class="places">') == 2  # one per scenario, each captioned with its n
    assert "<caption>baseline (n = 30)</caption>" in places
    meaning = html[html.index("<h2>What the outcomes mean</h2>") :]
    for name in OUTCOME_DEFINITIONS:
        assert f"<code>{name}</code>" in meaning
    outcomes = load_scenario(ROOT / "configs" / "baseline.yaml").outcomes
    durable = f"A truce is durable if it stays formally in force for at least {outcomes.durable_days:g} days"
    assert f"<strong>Durable</strong>: {durable}" in meaning
    quiet = f"nobody fights an operation under it and fewer than {outcomes.quiet_violations_per_day:g} violations"
    assert f"A truce holds in fact while {quiet}" in meaning
    assert "Places change hands both ways" in places and "taken back by Armenia (share of runs)" in places
    assert "{" not in meaning.split("</table>")[0]  # every threshold filled in


def test_a_share_of_runs_is_never_rounded_to_none_or_all() -> None:
    from scenarios.analysis.render import share_of_runs

    assert [share_of_runs(x) for x in (0.0, 1 / 200, 0.004, 0.26, 0.996, 1.0)] == [
        "0%",
        "<1%",
        "<1%",
        "26%",
        ">99%",
        "100%",
    ]


OVERFLOWING = """
return Array.from(document.querySelectorAll('table td, table th'))
  .filter(c => c.scrollWidth > c.clientWidth + 1)
  .map(c => [c.closest('table').className, c.scrollWidth, c.clientWidth, c.textContent.slice(0, 80)]);
"""


def test_no_table_cell_overflows_at_1280_or_800_pixels(report: Path) -> None:
    driver = _browser()
    try:
        driver.get(report.as_uri())
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")  # laid out
        assert driver.execute_script("return document.querySelectorAll('table.assumptions td').length") > 20
        for width in (1280, 800):
            driver.set_window_size(width, 900)
            inner = driver.execute_script("return window.innerWidth")
            assert inner <= width
            assert driver.execute_script(OVERFLOWING) == [], width
            page = driver.execute_script("return document.documentElement.scrollWidth")
            assert page <= inner, (width, page)  # no table pushes the page sideways either
    finally:
        driver.quit()


def test_report_renders_in_chromium(report: Path, tmp_path: Path) -> None:
    driver = _browser()
    try:
        driver.get(report.as_uri())
        assert driver.title.startswith("Ceasefire durability")
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        assert len(images) >= 6
        assert all(done and w > 100 and h > 100 for done, w, h in images), images
        body = driver.find_element("tag name", "body").text
        assert HOSTILE_TITLE in body  # shown as text, not executed
        assert "P(holds 30 days)" in body and "Assumptions" in body
        assert "Does the model say what the report says?" in body
        rows = driver.find_elements("css selector", "table.check tr")
        assert len(rows) > 10
        assert "Putin will likely support his ally Armenia in the end" in body
        from selenium.common.exceptions import NoAlertPresentException

        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018 - no alert() ran
        assert driver.title != "pwned"
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        png = driver.get_screenshot_as_png()
        (tmp_path / "screenshot.png").write_bytes(png)
        pixels = mpimg.imread(io.BytesIO(png), format="png")
        assert pixels.shape[0] > 500 and pixels.shape[1] > 800
        assert float(np.std(pixels[..., :3])) > 0.05  # not a blank page
    finally:
        driver.quit()
