"""Ten browser sessions at once against one server, each with its own cohort: each sees only its own."""
import asyncio
import datetime as dt
import re
import time

from browser import ARGS, CHROMIUM, READY, app_server, needs_chromium, peak_memory_mb, workbook_input
from workbooks import ENGLISH, patient, workbook

SESSIONS = 10


TITLES = {"Data": "Data", "Cohort": "Cohort", "Amputation": "Amputation", "Survival": "Survival"}


async def _session(browser, url: str, number: int, path, timings: list) -> None:
    """Upload this session's cohort, then check its count and its own result on three pages."""
    from playwright.async_api import expect
    n = number + 3
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(120_000)
    await page.goto(url)
    await page.wait_for_selector(READY)

    async def visit(name):
        start = time.perf_counter()
        await page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
        await expect(page.get_by_role("heading", name=TITLES[name], level=1)).to_be_visible(timeout=120_000)
        await page.wait_for_selector(READY)
        timings.append((name, time.perf_counter() - start))

    await visit("Data")
    await workbook_input(page).set_input_files(str(path))
    # anchored: the sample's "34 patients loaded" contains "4 patients loaded"
    await expect(page.get_by_text(re.compile(rf"^{n} patients loaded"))).to_be_visible(timeout=120_000)
    count = page.get_by_test_id("stSidebar").get_by_test_id("stMetricValue")
    for name in ("Cohort", "Amputation", "Survival"):
        await visit(name)
        await expect(count).to_have_text(f"{n} of {n}", timeout=120_000)
        if name == "Amputation":
            headline = page.get_by_test_id("stMetric").filter(has_text="Amputation at 12 months")
            await expect(headline.get_by_test_id("stMetricValue")).to_have_text(f"{100 * number / n:.1f}%",
                                                                                timeout=120_000)
    await context.close()


@needs_chromium
def test_ten_sessions_each_see_only_their_own_cohort(tmp_path):
    from playwright.async_api import async_playwright
    paths = []
    for number in range(SESSIONS):
        # session `number` has number + 3 patients, `number` of them amputated at 5 months
        rows = [ENGLISH] + [patient(f"S{number:02d}P{i:02d}", sex="F" if i % 2 else "M",
                                    amputation="yes" if i < number else "no",
                                    amputation_date=dt.date(2018, 6, 10) if i < number else None)
                            for i in range(number + 3)]
        path = tmp_path / f"cohort_{number}.xlsx"
        path.write_bytes(workbook(rows))
        paths.append(path)
    timings = []

    async def main(url):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            await asyncio.gather(*(_session(browser, url, n, paths[n], timings) for n in range(SESSIONS)))
            await browser.close()

    with app_server() as (url, process):
        started = time.perf_counter()
        asyncio.run(main(url))  # each session asserts its own count and result
        elapsed = time.perf_counter() - started
        memory = peak_memory_mb(process.pid)
    slowest = max(timings, key=lambda t: t[1])
    print(f"\n{SESSIONS} concurrent sessions in {elapsed:.1f} s; server peak memory {memory:.0f} MB; "
          f"slowest page {slowest[0]} {slowest[1]:.2f} s")
