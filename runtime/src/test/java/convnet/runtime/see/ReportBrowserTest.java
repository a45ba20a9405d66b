package convnet.runtime.see;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import convnet.runtime.cli.Main;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The reports in a real headless Chromium, driven through chromedriver: a trained run's {@code
 * report.html} loads without console errors, every image has decoded, and the numbers of its
 * metrics and confusion tables equal {@code metrics.csv} and {@code confusion.csv}; a sweep's page
 * links to it.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them).
 * Without them the test fails when {@code CI=true} and is skipped, saying why, elsewhere.
 */
class ReportBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir static Path dir;
  static Path run;
  static ChromeDriver browser;

  private static final String NET =
      """
      network tiny {
          input 1x28x28
          6F5x5C - relu - PM2x2
          logistic 10
      }
      """;

  @BeforeAll
  static void trainAndOpenABrowser() throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String why =
          "needs "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true but the browser test cannot run: it " + why);
      }
      Assumptions.abort("skipped outside CI: this test " + why);
    }
    Path net = dir.resolve("tiny.cnn");
    Files.writeString(net, NET);
    run = dir.resolve("run");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.execute(
            new String[] {
              "train",
              net.toString(),
              "--data",
              "fashion-mnist-subset",
              "--epochs",
              "2",
              "--batch",
              "32",
              "--limit-train",
              "320",
              "--limit-test",
              "100",
              "--out",
              run.toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, status, out + "\n" + err);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // Offline and quiet: this machine reaches no network, and nothing may be fetched.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1200,900",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  static void closeTheBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  private static List<String> severeConsoleMessages() {
    List<String> bad = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        bad.add(e.getMessage());
      }
    }
    return bad;
  }

  private static List<List<String>> cells(String tableId, String cellTag) {
    List<List<String>> rows = new ArrayList<>();
    for (WebElement tr : browser.findElement(By.id(tableId)).findElements(By.tagName("tr"))) {
      List<String> row = new ArrayList<>();
      for (WebElement td : tr.findElements(By.tagName(cellTag))) {
        row.add(td.getText().strip());
      }
      if (!row.isEmpty()) {
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void theRunReportLoadsCleanlyAndItsNumbersAreTheRunsFiles() throws IOException {
    Path report = run.resolve("report.html");
    assertTrue(Files.isRegularFile(report), "the run wrote no report.html");
    browser.get(report.toUri().toString());
    assertEquals("convnet run: tiny", browser.getTitle());
    assertEquals(List.of(), severeConsoleMessages(), "console errors");

    @SuppressWarnings("unchecked")
    List<Object> widths =
        (List<Object>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1);");
    // Curves, filters, and one image per mistake (the tiny net makes many on 100 images).
    assertTrue(widths.size() >= 3, "images: " + widths);
    for (int i = 0; i < widths.size(); i++) {
      assertTrue(
          ((Number) widths.get(i)).longValue() > 0, "image " + i + " did not decode: " + widths);
    }

    List<String> csv =
        Files.readAllLines(run.resolve("metrics.csv")).stream().filter(l -> !l.isBlank()).toList();
    List<List<String>> shown = new ArrayList<>();
    shown.add(cells("metrics", "th").get(0));
    shown.addAll(cells("metrics", "td"));
    assertEquals(csv.size(), shown.size(), "rows of the metrics table");
    for (int r = 0; r < csv.size(); r++) {
      assertEquals(List.of(csv.get(r).split(",", -1)), shown.get(r), "metrics row " + r);
    }

    List<String> confusion =
        Files.readAllLines(run.resolve("confusion.csv")).stream()
            .filter(l -> !l.isBlank())
            .toList();
    List<List<String>> counts = cells("confusion", "td");
    assertEquals(confusion.size() - 1, counts.size(), "rows of the confusion table");
    for (int r = 0; r < counts.size(); r++) {
      List<String> expected = List.of(confusion.get(r + 1).split(",", -1));
      // confusion.csv rows start with the class name; the page shows it as a row header.
      assertEquals(
          expected.subList(expected.size() - counts.get(r).size(), expected.size()),
          counts.get(r),
          "confusion row " + r);
    }
    String network = browser.findElement(By.id("network")).getText();
    assertTrue(network.contains("L1_conv") && network.contains("total"), network);
  }

  @Test
  void theSweepReportLinksToEachRunsReport() throws IOException {
    Path sweep = dir.resolve("sweep");
    Files.createDirectories(sweep);
    // The run folder sits beside the sweep's here; a real sweep keeps its runs inside.
    Path page =
        SweepReport.write(
            sweep,
            "sweep of tiny",
            List.of("variant", "accuracy"),
            List.of(
                new SweepReport.Row(List.of("tiny", "0.5"), "../run"),
                new SweepReport.Row(List.of("none", "-"), null)));
    browser.get(page.toUri().toString());
    assertEquals("sweep of tiny", browser.getTitle());
    assertEquals(
        List.of(List.of("tiny", "0.5", "../run"), List.of("none", "-", "")), cells("sweep", "td"));
    assertEquals(List.of(), severeConsoleMessages(), "console errors");
    browser.findElement(By.linkText("../run")).click();
    assertEquals("convnet run: tiny", browser.getTitle());
  }
}
