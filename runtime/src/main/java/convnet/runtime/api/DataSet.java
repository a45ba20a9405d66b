package convnet.runtime.api;

import convnet.runtime.data.DataError;
import convnet.runtime.data.DataSplits;
import convnet.runtime.data.Dataset;
import convnet.runtime.data.Preprocessing;
import convnet.runtime.train.TrainingData;
import java.util.List;

/** Labelled images held in memory: one split of a data set, or images a program made itself. */
public final class DataSet {
  private final Dataset data;

  private DataSet(Dataset data) {
    this.data = data;
  }

  /** The training and test splits of a data set, and a sentence saying what was opened. */
  public record Splits(DataSet train, DataSet test, String source) {}

  /**
   * Opens a data set as {@code convnet train --data SPEC} does, checked against the network's input
   * and classes and preprocessed the same way (per-image standardisation): {@code fashion-mnist}
   * (the full set when installed, else the subset that ships inside convnet), {@code
   * fashion-mnist-subset}, {@code idx:DIR}, {@code cifar10:DIR}, {@code folder:DIR}, or a bare
   * folder.
   */
  public static Splits open(String spec, ConvNet network) {
    try {
      DataSplits s =
          TrainingData.open(network.model().network(), spec, Preprocessing.DEFAULT, 0, 0);
      return new Splits(new DataSet(s.train()), new DataSet(s.test()), s.source());
    } catch (DataError e) {
      throw new ConvNetException(e.getMessage(), List.of());
    } catch (RuntimeException e) {
      throw ConvNet.translate(e);
    }
  }

  /** Images [N, C, H, W] with a class index per image, used as they are (no preprocessing). */
  public static DataSet of(NdArray images, int[] labels, List<String> classNames) {
    int[] s = images.shape();
    if (s.length != 4 || s[0] != labels.length) {
      throw new IllegalArgumentException(
          "images must be [N, C, H, W] with one label per image; got images "
              + images
              + " and "
              + labels.length
              + " labels");
    }
    return new DataSet(
        new Dataset("images", s[1], s[2], s[3], classNames, images.toFloatArray(), labels.clone()));
  }

  /** The first {@code n} images (all when there are fewer), for quick runs. */
  public DataSet first(int n) {
    if (n >= data.size()) {
      return this;
    }
    int[] idx = new int[Math.max(0, n)];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    return new DataSet(data.subset(idx));
  }

  /** Number of images. */
  public int size() {
    return data.size();
  }

  /** The images [N, C, H, W]. */
  public NdArray images() {
    float[] px = new float[data.size() * data.imageSize()];
    for (int i = 0; i < data.size(); i++) {
      data.copyImage(i, px, i * data.imageSize());
    }
    return NdArray.own(new int[] {data.size(), data.channels(), data.height(), data.width()}, px);
  }

  /** The class index of each image. */
  public int[] labels() {
    return data.labels().clone();
  }

  /** The class names, by index. */
  public List<String> classNames() {
    return data.classNames();
  }

  Dataset dataset() {
    return data;
  }
}
