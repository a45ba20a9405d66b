package convnet.runtime.train;

import convnet.autodiff.Function;
import convnet.autodiff.Tensor;
import convnet.runtime.data.DataSplits;
import convnet.runtime.model.Backend;
import convnet.runtime.model.BoundFunction;
import convnet.runtime.model.NetworkModel;
import convnet.runtime.run.EpochMetrics;
import convnet.runtime.run.FinalReport;
import convnet.runtime.run.MetricsCsv;
import convnet.runtime.run.Progress;
import convnet.runtime.run.RunFolder;
import convnet.runtime.run.RunLog;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Not a test: a benchmark main that puts the rate {@code convnet train} reports beside the rate of
 * the bare compiled step that {@code convnet bench} times, in one JVM, in turns, round by round, so
 * that the load of other processes falls on both alike. Each round trains one epoch with {@link
 * Trainer} (its reported images/s: the epoch's training images over the time from the epoch's start
 * to its last step, evaluation excluded), then runs the same number of steps of a separately
 * compiled training step on fixed random inputs, as {@code bench} does. Both are given in
 * wall-clock images/s and in process CPU seconds per 1000 images (for training, from the epoch's
 * start to its last step, the prefetching thread included), which the load of other processes
 * disturbs less.
 *
 * <p>Arguments: network file, data spec, training images per round, rounds.
 */
public final class TrainingRateBench {
  private TrainingRateBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/fashion.cnn");
    String data = args.length > 1 ? args[1] : "fashion-mnist-subset";
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 3200;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    PrintWriter quiet = new PrintWriter(new java.io.StringWriter());
    ModelBinding model = ModelBinding.of(NetworkModel.load(file, quiet), quiet);
    TrainConfig config =
        TrainConfig.resolve(
            model.network().train(),
            model.network().name(),
            "x",
            file.toAbsolutePath().getParent(),
            TrainConfig.Overrides.parse(
                data, 1, null, null, null, null, null, null, null, null, null, null, images, 640));
    DataSplits splits =
        TrainingData.open(
            model.network(),
            config.data(),
            config.preprocessing(),
            config.limitTrain(),
            config.limitTest(),
            config.limitModeValue());
    Trainer trainer = new Trainer(model, config, splits.train(), splits.test());
    Map<String, Tensor> init = model.init(config.seed());
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (String prefix : config.optimizerValue().statePrefixes()) {
      init.forEach((name, t) -> state.put(prefix + name, Tensor.zeros(t.shape())));
    }
    int batch = config.batch();
    int steps = splits.train().size() / batch;

    // The bare step, as bench runs it: the same function, compiled apart, random inputs.
    Function fn = model.trainingFunction(batch, config.optimizerValue(), java.util.Set.of());
    BoundFunction bare = BoundFunction.of(fn, model.prepareStep(fn, Backend.COMPILED));
    init.forEach(bare::set);
    SplittableRandom random = new SplittableRandom(1);
    for (String name : List.of("input", "labels")) {
      if (bare.reads(name)) {
        float[] b = bare.buffer(name);
        for (int i = 0; i < bare.shape(name).size(); i++) {
          b[i] = (float) random.nextDouble(-1, 1);
        }
      }
    }
    bare.fill("hyper/lr", 1e-6);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path dir = Files.createTempDirectory("rate");
    double[][] wall = new double[2][rounds];
    double[] ratio = new double[rounds];
    double[] cpuRatio = new double[rounds];
    System.out.printf(
        Locale.ROOT,
        "%s, %d steps of %d images per round; round 0 warms up and is not counted%n",
        file,
        steps,
        batch);
    for (int r = 0; r <= rounds; r++) {
      double[] reported = new double[1];
      // Process CPU time at the epoch's start and after its last step: the training loop's own.
      long[] loopCpu = new long[2];
      Progress capture =
          new Progress() {
            @Override
            public void startEpoch(int epoch, int epochs, int batches) {
              loopCpu[0] = os.getProcessCpuTime();
            }

            @Override
            public void batch(int b, double loss, double accuracy, double imagesPerSecond) {
              if (b == steps) {
                loopCpu[1] = os.getProcessCpuTime();
              }
            }

            @Override
            public void endEpoch(EpochMetrics m, int epochs) {
              reported[0] = m.imagesPerSecond();
            }

            @Override
            public void finish(FinalReport report) {}

            @Override
            public void close() {}
          };
      RunFolder folder = RunFolder.createAt(dir.resolve("r" + r));
      try (RunLog log = new RunLog(folder.trainLog(), null)) {
        trainer.run(
            new Checkpoint(0, 0, 0, 0, 0, 0, Double.NaN, 0, init, state),
            new Trainer.Session(
                folder,
                MetricsCsv.create(folder.metricsCsv(), Trainer.METRICS_COLUMNS),
                List.of(),
                capture,
                log,
                StopSignal.manual(),
                ""));
      }
      double trainCpu = (loopCpu[1] - loopCpu[0]) / 1e9;
      long t0 = System.nanoTime();
      long c0 = os.getProcessCpuTime();
      for (int s = 0; s < steps; s++) {
        bare.run();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double bareCpu = (os.getProcessCpuTime() - c0) / 1e9;
      double bareRate = steps * batch / seconds;
      System.out.printf(
          Locale.ROOT,
          "round %d: train reports %.0f images/s, bare step %.0f images/s, ratio %.3f; CPU s per"
              + " 1000 images: train loop %.3f, bare step %.3f, ratio %.3f%n",
          r,
          reported[0],
          bareRate,
          reported[0] / bareRate,
          1000 * trainCpu / (steps * batch),
          1000 * bareCpu / (steps * batch),
          trainCpu / bareCpu);
      if (r > 0) {
        wall[0][r - 1] = reported[0];
        wall[1][r - 1] = bareRate;
        ratio[r - 1] = reported[0] / bareRate;
        cpuRatio[r - 1] = trainCpu / bareCpu;
      }
    }
    double[] ratios = ratio.clone();
    Arrays.sort(ratios);
    System.out.printf(
        Locale.ROOT,
        "median train %.0f images/s, bare step %.0f images/s; ratio train/step: median %.3f"
            + " [%.3f - %.3f]%n",
        median(wall[0]),
        median(wall[1]),
        median(ratio),
        ratios[0],
        ratios[ratios.length - 1]);
    double[] cpuRatios = cpuRatio.clone();
    Arrays.sort(cpuRatios);
    System.out.printf(
        Locale.ROOT,
        "CPU time per image, train loop over bare step: median %.3f [%.3f - %.3f]%n",
        median(cpuRatio),
        cpuRatios[0],
        cpuRatios[cpuRatios.length - 1]);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
