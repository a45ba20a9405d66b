package convnet.runtime.sweep;

import convnet.runtime.model.Backend;
import java.io.Serializable;

/**
 * One run of a sweep, as an executor ships it: everything the run needs, so it is a pure function
 * of these fields and the data. Paths are absolute strings (a Spark worker sees the same file
 * system paths); {@code data} is the resolved data spec; limits of 0 mean every image; {@code
 * threads} is the kernel thread count, which fixes the result bitwise.
 */
public record RunTask(
    String id,
    int variant,
    String variantName,
    String protocolWritten,
    String protocol,
    long seed,
    String networkSource,
    String networkFile,
    String runDir,
    String sweepDir,
    String data,
    int limitTrain,
    int limitTest,
    int threads,
    Backend backend)
    implements Serializable {
  private static final long serialVersionUID = 1L;
}
