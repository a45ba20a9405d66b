package convnet.runtime.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import convnet.autodiff.io.AtomicFiles;
import convnet.runtime.errors.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The folder of one training run and the names of everything in it. A new run never overwrites
 * anything: an explicit folder must be absent or empty, a default one gets a fresh name.
 *
 * <p>Checkpoints: write {@code checkpoint.npz} first and {@code checkpoint.json} last, both with
 * {@link AtomicFiles}; the JSON is then the commit marker, and {@link #openExisting} requires it.
 */
public final class RunFolder {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final boolean created;

  private RunFolder(Path dir, boolean created) {
    this.dir = dir;
    this.created = created;
  }

  /** Whether this process created the folder (rather than being given an empty or existing one). */
  public boolean created() {
    return created;
  }

  /**
   * Creates {@code runsRoot/<network>-<yyyyMMdd-HHmmss>} (local time of {@code clock}); if that
   * exists, appends {@code -2}, {@code -3}, … so two runs started in the same second both work.
   */
  public static RunFolder createDefault(Path runsRoot, String network, Clock clock) {
    String base = sanitize(network) + "-" + LocalDateTime.now(clock).format(STAMP);
    try {
      Files.createDirectories(runsRoot);
    } catch (IOException e) {
      throw new UserError(runsRoot + ": cannot create the runs folder: " + reason(e), e);
    }
    for (int k = 1; ; k++) {
      Path candidate = runsRoot.resolve(k == 1 ? base : base + "-" + k);
      try {
        Files.createDirectory(candidate);
        return new RunFolder(candidate, true);
      } catch (FileAlreadyExistsException e) {
        // Taken by an earlier run started in the same second: try the next suffix.
      } catch (IOException e) {
        throw new UserError(candidate + ": cannot create the run folder: " + reason(e), e);
      }
    }
  }

  /** {@link #createDefault} under {@code runs/} of the working directory, with the system clock. */
  public static RunFolder createDefault(String network) {
    return createDefault(Path.of("runs"), network, Clock.systemDefaultZone());
  }

  /** Uses {@code dir} for a new run: created if absent, refused if it exists and is not empty. */
  public static RunFolder createAt(Path dir) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new UserError(dir + ": exists and is not a folder; choose another --out");
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        if (entries.iterator().hasNext()) {
          throw new UserError(
              dir
                  + ": folder exists and is not empty; a run never overwrites "
                  + "another: choose a new --out, or --resume "
                  + dir
                  + " to continue it");
        }
      } catch (IOException e) {
        throw new UserError(dir + ": cannot read: " + reason(e), e);
      }
      return new RunFolder(dir, false);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError(dir + ": cannot create the run folder: " + reason(e), e);
    }
    return new RunFolder(dir, true);
  }

  /** An existing run folder, to resume: it must hold {@code checkpoint.json}. */
  public static RunFolder openExisting(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserError(dir + ": no such run folder");
    }
    RunFolder folder = new RunFolder(dir, false);
    if (!Files.isRegularFile(folder.checkpointJson())) {
      throw new UserError(dir + ": not a resumable run: it has no checkpoint.json");
    }
    return folder;
  }

  private static String sanitize(String network) {
    String s = network.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() ? "run" : s;
  }

  private static String reason(IOException e) {
    return UserError.reason(e);
  }

  public Path dir() {
    return dir;
  }

  public Path weightsFinal() {
    return dir.resolve("weights-final.npz");
  }

  public Path weightsBest() {
    return dir.resolve("weights-best.npz");
  }

  public Path checkpointNpz() {
    return dir.resolve("checkpoint.npz");
  }

  public Path checkpointJson() {
    return dir.resolve("checkpoint.json");
  }

  public Path metricsCsv() {
    return dir.resolve("metrics.csv");
  }

  public Path configJson() {
    return dir.resolve("config.json");
  }

  public Path confusionCsv() {
    return dir.resolve("confusion.csv");
  }

  public Path confusionTxt() {
    return dir.resolve("confusion.txt");
  }

  public Path trainLog() {
    return dir.resolve("train.log");
  }

  public Path curvesPng() {
    return dir.resolve("curves.png");
  }

  /** Writes {@code value} (a record, map, or Jackson tree) as indented JSON, atomically. */
  public static void writeJson(Path file, Object value) throws IOException {
    writing(file, () -> AtomicFiles.writeWith(file, out -> JSON.writeValue(out, value)));
  }

  private static volatile java.util.function.Predicate<Path> fullDisk = p -> false;

  /**
   * Makes {@link #writing} fail for the files {@code failing} accepts as a full disk would (null:
   * no more failures). For tests of the error paths, which cannot fill a real disk.
   */
  public static void simulateFullDisk(java.util.function.Predicate<Path> failing) {
    fullDisk = failing == null ? p -> false : failing;
  }

  /** An output operation that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface Output {
    /** Does the writing. */
    void write() throws IOException;
  }

  /**
   * Runs {@code output}, which writes {@code file}; a failure (a full disk, a read-only folder)
   * becomes a {@link UserError} naming the file and the reason, never a temporary file's name.
   */
  public static void writing(Path file, Output output) {
    try {
      if (fullDisk.test(file)) {
        throw new java.nio.file.FileSystemException(null, null, "No space left on device");
      }
      output.write();
    } catch (IOException e) {
      throw UserError.io(file, "write", e);
    }
  }

  /**
   * Reads JSON written by {@link #writeJson} into {@code type} (a record or Jackson tree); a
   * missing or malformed file is a {@link UserError} naming it.
   */
  public static <T> T readJson(Path file, Class<T> type) {
    if (!Files.isRegularFile(file)) {
      throw new UserError(file + ": file not found");
    }
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new UserError(
          file
              + ": corrupt JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"),
          e);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read: " + reason(e), e);
    }
  }

  /** The lock file held by the process writing the folder (see {@link #lock()}). */
  public Path lockFile() {
    return dir.resolve("run.lock");
  }

  /**
   * The lock of a run folder held by one writing process; closing it lets another process write.
   */
  public static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        lock.release();
      } catch (IOException e) {
        // Closing the channel releases the lock in any case, and the process's exit always does.
      } finally {
        closeQuietly(channel);
      }
    }
  }

  /**
   * Takes the folder's lock ({@code run.lock}, an operating-system lock that dies with the process,
   * so a killed run never leaves it stuck); another process writing the folder is a {@link
   * UserError}.
   */
  public Lock lock() {
    Path file = lockFile();
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw UserError.io(file, "write", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw UserError.io(file, "lock", e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new UserError(
          dir
              + ": another convnet process is writing this run folder (it holds "
              + file.getFileName()
              + "); wait for it to finish, or stop it, then try again");
    }
    return new Lock(channel, lock);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing was written through it.
    }
  }

  /**
   * Removes what a new run wrote before it could start (its configuration, initial checkpoint,
   * metrics, log and lock), and the folder itself if {@code created} and then empty, so that a run
   * that failed at its start (a full disk) leaves nothing that looks like a run. Best effort: the
   * error that stopped the run is what the user needs to see.
   */
  public void discardUnstarted(boolean created) {
    for (Path p :
        new Path[] {
          checkpointJson(), checkpointNpz(), metricsCsv(), configJson(), trainLog(), lockFile()
        }) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // Left behind; the folder then stays too.
      }
    }
    if (created) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // Not empty or not removable: it stays.
      }
    }
  }

  /** Writes the resolved configuration to {@code config.json}. */
  public void writeConfig(Object config) throws IOException {
    writeJson(configJson(), config);
  }

  /** Writes the confusion matrix as {@code confusion.csv} and {@code confusion.txt}. */
  public void writeConfusion(ConfusionMatrix matrix) throws IOException {
    writing(confusionCsv(), () -> AtomicFiles.writeString(confusionCsv(), matrix.toCsv()));
    writing(confusionTxt(), () -> AtomicFiles.writeString(confusionTxt(), matrix.toText()));
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
