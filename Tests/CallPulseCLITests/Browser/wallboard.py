#!/usr/bin/env python3
"""Drives Debian's Chromium (chromium-driver, python3-selenium) through `callpulse serve`.

Called by ServeBrowserTests with one JSON argument: base URL, user, password, output folder.
Logs in through the form, opens the wallboard, writes `ready` once the page's event stream
is live, then reads every tile 10 times a second until the file `stop` appears, noting
each tile's state with the wall-clock time the browser first showed it. Then opens the
call list and the first call. Screenshots: wallboard.png (when two tiles are talking, else
at the end), calls.png, call.png, report.png, and wallboard-alert.png when a tile turns red. Everything it saw goes to result.json.
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

args = json.loads(sys.argv[1])
base, out = args["base"], args["out"]
options = webdriver.ChromeOptions()
options.binary_location = args.get("chromium", "/usr/bin/chromium")
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service(args.get("driver", "/usr/bin/chromedriver")), options=options)
result = {"transitions": {}, "console": [], "texts": {}}
try:
    driver.get(base + "/")
    result["redirected_to_login"] = "/login" in driver.current_url
    driver.find_element(By.NAME, "name").send_keys(args["user"])
    driver.find_element(By.NAME, "password").send_keys(args["password"])
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "status").text == "live")
    open(os.path.join(out, "ready"), "w").close()

    read_tiles = """
        return Array.from(document.querySelectorAll('#board article.tile')).map(function (t) {
            return [t.getAttribute('data-agent'), t.getAttribute('data-state'), t.querySelector('.state').textContent,
                    t.querySelector('h2').textContent, t.className, t.textContent];
        });
    """
    last = {}
    shot = False
    alert_shot = False
    deadline = time.time() + args.get("max_s", 120)
    while not os.path.exists(os.path.join(out, "stop")) and time.time() < deadline:
        now = time.time()
        tiles = driver.execute_script(read_tiles)
        talking = 0
        red = False
        for agent, state, state_text, heading, classes, text in tiles:
            if last.get(agent) != state_text:
                last[agent] = state_text
                result["transitions"].setdefault(agent, []).append({"t": now, "state": state, "text": state_text, "heading": heading, "classes": classes})
            result["texts"][agent] = text
            talking += state == "talking"
            red = red or "level-red" in classes
        if red and not alert_shot:
            driver.save_screenshot(os.path.join(out, "wallboard-alert.png"))
            alert_shot = True
        if talking >= 2 and not shot:
            driver.save_screenshot(os.path.join(out, "wallboard.png"))
            shot = True
        time.sleep(0.1)
    if not shot:
        driver.save_screenshot(os.path.join(out, "wallboard.png"))
    result["status_text"] = driver.find_element(By.ID, "status").text

    driver.get(base + "/report?since=2000-01-01")
    driver.save_screenshot(os.path.join(out, "report.png"))
    driver.get(base + "/calls")
    result["calls_agents"] = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "table.calls td.agent")]
    driver.save_screenshot(os.path.join(out, "calls.png"))
    # The newest call that lasted (a ring heard as the capture stopped makes a call of 0:00).
    rows = driver.find_elements(By.CSS_SELECTOR, "table.calls tbody tr")
    links = [row.find_element(By.CSS_SELECTOR, "td a") for row in rows
             if row.find_elements(By.CSS_SELECTOR, "td")[2].text != "0:00"]
    if links:
        links[0].click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg.timeline"))
        result["call_heading"] = driver.find_element(By.CSS_SELECTOR, "section.call h3").text
        result["call_has_timeline"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.timeline")) == 1
        driver.set_window_size(1280, 1100)
        driver.save_screenshot(os.path.join(out, "call.png"))
    result["console"] = [entry.get("message", "") for entry in driver.get_log("browser")]
finally:
    with open(os.path.join(out, "result.json"), "w") as handle:
        json.dump(result, handle)
    driver.quit()
