package com.rediacc.e2e;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

/**
 * A headless Debian chromium driven through Debian's chromium-driver, both by their paths (nothing
 * is downloaded: Selenium Manager is never asked). Missing, they fail the test with what to install.
 */
final class ConsoleBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    /** Generous: the services, the bridge and the browser share a busy machine. */
    static final Duration WAIT = Duration.ofSeconds(60);

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final String base;

    ConsoleBrowser(String base) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver at " + CHROMIUM
                    + " and " + CHROMEDRIVER + ": apt-get install chromium chromium-driver (.ci/run installs them)");
        }
        System.setProperty("SE_OFFLINE", "true");
        this.base = base;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        // The pages update live: an element a condition reads may be replaced under it (a row re-rendered
        // by its stream); the condition is then asked again, as for an element not there yet.
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** Signs in through the form, as a user would: the token typed once, then the page asked for. */
    ConsoleBrowser signIn(String token, String next) {
        driver.get(base + "/sign-in?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
        // A browser just started may return from its first get before the page is there (seen on a loaded CI run).
        until("the sign-in form", d -> !d.findElements(By.id("token")).isEmpty());
        driver.findElement(By.id("token")).sendKeys(token);
        driver.findElement(By.id("sign-in")).click();
        until("signed in", d -> !d.getCurrentUrl().contains("/sign-in"));
        return this;
    }

    /** Opens a console page and waits until its script has loaded its data. */
    ConsoleBrowser open(String path) {
        driver.get(base + path);
        return ready();
    }

    ConsoleBrowser ready() {
        until("the page loaded its data", d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        return this;
    }

    <T> T until(String what, ExpectedCondition<T> condition) {
        return wait.withMessage(() -> what + "; at " + driver.getCurrentUrl() + ", console: " + consoleLog()
                + ", page: " + abbreviated(driver.getPageSource())).until(condition);
    }

    private String consoleLog() {
        try {
            return driver.manage().logs().get(LogType.BROWSER).getAll().toString();
        } catch (Exception e) {
            return "(no browser log)";
        }
    }

    private static String abbreviated(String page) {
        return page == null || page.length() < 4000 ? page : page.substring(0, 4000) + "...";
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    String sessionCookie() {
        Cookie cookie = driver.manage().getCookieNamed("rediacc_session");
        return cookie == null ? null : cookie.getValue();
    }

    Cookie cookie() {
        return driver.manage().getCookieNamed("rediacc_session");
    }

    /** Every URL the browser requested since the last call (Chrome's performance log). */
    List<String> requestedUrls() {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                var message = E2eStack.JSON.readTree(entry.getMessage()).path("message");
                if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                    urls.add(message.path("params").path("request").path("url").asText());
                }
            } catch (Exception e) {
                // not JSON: skip
            }
        }
        return urls;
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
