package convnet.dsl;

import java.util.Collection;

/** Suggests the closest known name for a misspelt one (Levenshtein distance). */
public final class DidYouMean {
  private DidYouMean() {}

  /** The closest candidate within a distance that still looks like a typo, or null. */
  public static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d =
          distance(word.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int limit = Math.max(1, Math.min(3, word.length() / 3 + 1));
    return bestDistance <= limit ? best : null;
  }

  public static String hint(String word, Collection<String> candidates) {
    String c = closest(word, candidates);
    return c == null ? null : "did you mean '" + c + "'?";
  }

  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
