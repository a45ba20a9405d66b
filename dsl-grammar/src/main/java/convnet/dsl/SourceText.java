package convnet.dsl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes the bytes of a source file, refusing binary content with a diagnostic. */
public final class SourceText {
  private SourceText() {}

  /**
   * Returns the text of a UTF-8 file, or throws {@link DslException} at the line and column of the
   * first NUL byte or invalid UTF-8 sequence.
   */
  public static String decode(byte[] bytes, String fileName) {
    int bad = -1;
    String reason = null;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        bad = i;
        reason = "a NUL byte";
        break;
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text = null;
    try {
      text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int invalid = firstInvalid(bytes);
      if (bad < 0 || invalid < bad) {
        bad = invalid;
        reason = "invalid UTF-8";
      }
    }
    if (bad >= 0) {
      int line = 1;
      int col = 1;
      for (int i = 0; i < bad; i++) {
        // LF, CRLF and lone CR each end one line.
        if (bytes[i] == '\n' && i > 0 && bytes[i - 1] == '\r') {
          continue;
        }
        if (bytes[i] == '\n' || bytes[i] == '\r') {
          line++;
          col = 1;
        } else if ((bytes[i] & 0xC0) != 0x80) {
          col++;
        }
      }
      throw new DslException(
          Diagnostic.error(
              new SourcePos(fileName, line, col, 1),
              "binary file: " + reason + " at byte " + bad,
              "a .cnn file is UTF-8 text"));
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return text;
  }

  private static int firstInvalid(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Bisect on prefixes: a prefix that decodes cleanly (allowing a cut sequence at its end) ends
    // before the bad byte.
    int lo = 0;
    int hi = bytes.length;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (decodesPrefix(decoder, bytes, mid)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return Math.min(lo, bytes.length - 1);
  }

  private static boolean decodesPrefix(CharsetDecoder decoder, byte[] bytes, int length) {
    decoder.reset();
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(length + 1);
    return !decoder.decode(ByteBuffer.wrap(bytes, 0, length), out, false).isError();
  }
}
