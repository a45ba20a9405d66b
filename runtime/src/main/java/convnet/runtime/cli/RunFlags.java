package convnet.runtime.cli;

import convnet.runtime.errors.UsageError;
import convnet.runtime.model.Backend;
import picocli.CommandLine.Option;

/**
 * The flags that {@code train} and {@code pretrain} share, each overriding one setting of the
 * network's {@code train} block (null where not given).
 */
abstract class RunFlags {
  @Option(
      names = "--data",
      paramLabel = "SPEC",
      description =
          "Data set: fashion-mnist (the full set when Debian's dataset-fashion-mnist is "
              + "installed, else the shipped subset), fashion-mnist-subset, idx:DIR, "
              + "cifar10:DIR, folder:DIR or DIR (see 'convnet data --help'). Default: the train "
              + "block's data.")
  String data;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Images per step (default: the train block's).")
  Integer batch;

  @Option(
      names = "--preprocess",
      paramLabel = "P",
      description =
          "Input preprocessing, steps joined by commas: resize(HxW), pad(P) (zero "
              + "pixels on every side), standardize (per image), lcn(W) or lcn(W,SIGMA); or none "
              + "(default: the train block's preprocess, else standardize).")
  String preprocess;

  @Option(
      names = "--protocol",
      paramLabel = "P",
      description =
          "One letter per conv stage: R (random filters kept fixed), R+ (random, then "
              + "trained), U (pre-trained without labels by PSD, then kept fixed) or U+ (pre-trained,"
              + " then trained); the classifier always trains (default: the train block's).")
  String protocol;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "Seed of every random choice of the run: initial weights, batch order, and "
              + "augmentation, dropout or dictionaries (default: the train block's).")
  Long seed;

  @Option(
      names = "--backend",
      paramLabel = "B",
      description =
          "compiled or interpreted (default: compiled; the interpreter is used, with a "
              + "notice, when the compiled backend is not available).")
  String backend;

  /** {@code --backend} as a backend (null where not given); another word is bad usage. */
  Backend backendFlag() {
    return backend == null
        ? null
        : Backend.named(backend)
            .orElseThrow(
                () ->
                    new UsageError(
                        "--backend must be compiled or interpreted, not '" + backend + "'"));
  }
}
