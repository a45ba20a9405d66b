package convnet.runtime.sweep;

import convnet.dsl.sweep.Sweep;
import convnet.dsl.sweep.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runs of a sweep in their fixed order (variant, then protocol as written, then seed), each
 * with its id, which names its run folder: {@code v003-R+-s2}.
 */
public record SweepPlan(Sweep sweep, List<Run> runs) {
  public SweepPlan {
    runs = List.copyOf(runs);
  }

  /** One run: a variant under one protocol (as written and as given to the run) and one seed. */
  public record Run(
      String id,
      Variant variant,
      int protocolIndex,
      String protocolWritten,
      String protocol,
      long seed) {}

  /** The plan of {@code sweep}. */
  public static SweepPlan of(Sweep sweep) {
    List<Run> runs = new ArrayList<>();
    int digits = Math.max(3, String.valueOf(sweep.variants().size()).length());
    for (Variant v : sweep.variants()) {
      for (int p = 0; p < sweep.protocols().size(); p++) {
        String written = sweep.protocols().get(p);
        for (long seed : sweep.seeds()) {
          String id =
              String.format(Locale.ROOT, "v%0" + digits + "d-%s-s%d", v.number(), written, seed);
          runs.add(new Run(id, v, p, written, Sweep.protocolFor(written, v.convStages()), seed));
        }
      }
    }
    return new SweepPlan(sweep, runs);
  }
}
