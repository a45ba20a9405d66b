package convnet.runtime.run;

import convnet.runtime.errors.UserError;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code train.log}: lines with an ISO-8601 UTC time stamp, appended and flushed one by one (so the
 * log of a killed run is complete up to its last line), optionally echoed to a stream.
 */
public final class RunLog implements Closeable {
  private final Path file;
  private final BufferedWriter writer;
  private final PrintStream echo;
  private final Clock clock;

  /** Appends to {@code file} (created if needed); {@code echo} may be null. */
  public RunLog(Path file, PrintStream echo, Clock clock) throws IOException {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.writer =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw UserError.io(file, "open", e);
    }
    this.echo = echo;
    this.clock = clock;
  }

  /** Appends to {@code file} with the system clock, echoing to {@code echo} if not null. */
  public RunLog(Path file, PrintStream echo) throws IOException {
    this(file, echo, Clock.systemUTC());
  }

  /** Logs one message (each of its lines gets the time stamp). */
  public synchronized void log(String message) {
    String stamp = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    try {
      for (String line : message.split("\\R", -1)) {
        writer.write(stamp);
        writer.write(' ');
        writer.write(line);
        writer.newLine();
      }
      writer.flush();
    } catch (IOException e) {
      throw UserError.io(file, "write", e);
    }
    if (echo != null) {
      echo.println(message);
      echo.flush();
    }
  }

  /** {@link #log} of a formatted message ({@link String#format} with the root locale). */
  public void logf(String format, Object... args) {
    log(String.format(java.util.Locale.ROOT, format, args));
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }
}
