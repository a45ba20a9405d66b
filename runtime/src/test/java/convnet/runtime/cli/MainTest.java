package convnet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class MainTest {

  @Command(name = "hungry")
  static final class Hungry implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Command(name = "buggy")
  static final class Buggy implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("broken invariant");
    }
  }

  private static String[] run(Object command, int expectedStatus) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.execute(
            command, new String[0], new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(expectedStatus, status, err.toString());
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void runningOutOfMemoryAnywhereIsAnErrorMessageNotATrace() {
    String err = run(new Hungry(), Main.EXIT_USER_ERROR)[1];
    assertTrue(err.startsWith("convnet: out of memory while running the command"), err);
    assertTrue(err.contains("CONVNET_JAVA_OPTS=-Xmx"), err);
    assertFalse(err.contains("\tat "), err);
  }

  @Test
  void aBugIsReportedAsAnInternalErrorWithoutATrace() {
    String err = run(new Buggy(), Main.EXIT_INTERNAL)[1];
    assertTrue(
        err.contains("internal error: java.lang.IllegalStateException: broken invariant"), err);
    assertFalse(err.contains("\tat "), err);
  }

  @Test
  void noCommandIsAUsageError() {
    StringWriter err = new StringWriter();
    assertEquals(
        Main.EXIT_USAGE,
        Main.execute(
            new String[0], new PrintWriter(new StringWriter()), new PrintWriter(err, true)));
    assertTrue(err.toString().contains("missing command"), err.toString());
  }
}
