package convnet.runtime.data;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a limit of N images ({@code --limit-train N}, {@code --limit-test N}) chooses them from a
 * split: {@code stratified} (the default) takes N images balanced over the classes, the first of
 * each class in file order; {@code first} takes the first N in file order, whatever their classes.
 * Both keep file order and depend on nothing but the file, so a resumed run sees the same images.
 */
public enum LimitMode {
  /** The first N images of the file. */
  FIRST,
  /** N images balanced over the classes: the first ones of each class, in file order. */
  STRATIFIED;

  /** The mode used when none is asked for. */
  public static final LimitMode DEFAULT = STRATIFIED;

  /** {@code first} or {@code stratified}; anything else is a {@link DataError}. */
  public static LimitMode parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "first" -> FIRST;
      case "stratified" -> STRATIFIED;
      default -> throw new DataError("limit mode '" + text + "': expected first or stratified");
    };
  }

  /** The text form, parseable by {@link #parse}. */
  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code data} cut to {@code limit} images (0 or at least the size: all of them). */
  public Dataset apply(Dataset data, int limit) {
    if (limit <= 0 || limit >= data.size()) {
      return data;
    }
    return data.subset(select(data.labels(), data.classCount(), limit));
  }

  /** The indices, in file order, of the {@code limit} images chosen among {@code labels}. */
  int[] select(int[] labels, int classes, int limit) {
    int[] chosen = new int[limit];
    if (this == FIRST) {
      for (int i = 0; i < limit; i++) {
        chosen[i] = i;
      }
      return chosen;
    }
    int[] quota = quotas(labels, classes, limit);
    int[] taken = new int[classes];
    int k = 0;
    for (int i = 0; i < labels.length && k < limit; i++) {
      int c = labels[i];
      if (taken[c] < quota[c]) {
        taken[c]++;
        chosen[k++] = i;
      }
    }
    return chosen;
  }

  /**
   * Images per class summing to {@code limit}: as equal as the classes allow, lower labels taking
   * the remainder; a class with too few images gives its share to the others.
   */
  static int[] quotas(int[] labels, int classes, int limit) {
    int[] available = new int[classes];
    for (int label : labels) {
      available[label]++;
    }
    // Water-filling: the largest level L with sum over classes of min(available, L) <= limit ...
    int low = 0;
    int high = Arrays.stream(available).max().orElse(0);
    while (low < high) {
      int mid = (int) (((long) low + high + 1) / 2);
      if (filled(available, mid) <= limit) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    int[] quota = new int[classes];
    long remaining = limit;
    for (int c = 0; c < classes; c++) {
      quota[c] = Math.min(available[c], low);
      remaining -= quota[c];
    }
    // ... then one more image for each of the lowest labels that still have one, until N.
    for (int c = 0; c < classes && remaining > 0; c++) {
      if (available[c] > quota[c]) {
        quota[c]++;
        remaining--;
      }
    }
    return quota;
  }

  private static long filled(int[] available, int level) {
    long sum = 0;
    for (int a : available) {
      sum += Math.min(a, level);
    }
    return sum;
  }
}
