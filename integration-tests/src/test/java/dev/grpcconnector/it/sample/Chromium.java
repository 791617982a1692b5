package dev.grpcconnector.it.sample;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * Headless Chromium for {@link BrowserIT}, driven through the installed chromedriver
 * (Debian's {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them).
 * Nothing is downloaded: the driver is given both as the {@code webdriver.chrome.driver}
 * system property and as the service's executable, and the browser binary is given too,
 * so Selenium Manager has nothing to look up.
 *
 * <p>As a JUnit {@link ExecutionCondition} it disables the test class, with a message
 * naming what is missing, when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver}
 * (system properties {@code it.chromium}, {@code it.chromedriver}) are not there, unless
 * {@code it.browser.required=true}: then the test runs and fails on the missing browser,
 * so that CI cannot pass by skipping it.
 */
public final class Chromium implements ExecutionCondition {

    static final Path BINARY = Path.of(System.getProperty("it.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("it.chromedriver", "/usr/bin/chromedriver"));
    static final boolean REQUIRED = Boolean.getBoolean("it.browser.required");

    /** What is missing to run the browser, empty when both are there. */
    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(BINARY)) {
            missing.add(BINARY + " (Debian package chromium)");
        }
        if (!Files.isExecutable(DRIVER)) {
            missing.add(DRIVER + " (Debian package chromium-driver)");
        }
        return missing;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
        }
        if (REQUIRED) {
            return ConditionEvaluationResult.enabled("it.browser.required=true: runs to fail on the missing " + missing);
        }
        String reason = "browser end-to-end test skipped: not installed: " + String.join(", ", missing)
                + "; install with: apt-get install -y chromium chromium-driver";
        System.out.println("=== " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /**
     * Starts a fresh headless Chromium: a new profile in {@code profile}, downloads saved
     * without asking into {@code downloads}, the performance log on (for HTTP statuses of
     * navigations), the chromedriver log into {@code driverLog}.
     */
    static ChromeDriver start(Path profile, Path downloads, Path driverLog) {
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("cannot run the browser test, not installed: " + missing
                    + " (apt-get install -y chromium chromium-driver)");
        }
        try {
            Files.createDirectories(profile);
            Files.createDirectories(downloads);
            Files.createDirectories(driverLog.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());

        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                // Without these the closed network makes Chromium misbehave (it keeps trying to reach Google).
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--password-store=basic", "--no-default-browser-check",
                "--window-size=1000,760", "--user-data-dir=" + profile.toAbsolutePath());
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false,
                "download.directory_upgrade", true,
                "safebrowsing.enabled", false,
                "credentials_enable_service", false,
                "profile.password_manager_enabled", false));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofMinutes(2));
            driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(1));
        } catch (RuntimeException e) {
            driver.quit();
            throw e;
        }
        return driver;
    }
}
