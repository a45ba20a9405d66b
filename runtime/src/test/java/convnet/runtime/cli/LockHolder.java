package convnet.runtime.cli;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A process that locks a file as a writing run does, says so, and waits to be killed. */
final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    FileChannel channel =
        FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    System.out.print(lock != null ? "locked\n" : "busy\n");
    System.out.flush();
    Thread.sleep(600_000);
  }
}
