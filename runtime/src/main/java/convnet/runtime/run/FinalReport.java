package convnet.runtime.run;

import java.nio.file.Path;

/** The outcome of a finished run: final and best test accuracy and where the run was written. */
public record FinalReport(
    int epochs, double testAccuracy, double bestTestAccuracy, int bestEpoch, Path runFolder) {}
