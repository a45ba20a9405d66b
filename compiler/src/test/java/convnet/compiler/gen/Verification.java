package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Runs ASM's bytecode verifier over generated classes in tests. */
final class Verification {
  private Verification() {}

  /** Fails with the verifier's report when the class does not verify. */
  static GeneratedCode verified(GeneratedCode code) {
    verify(code.bytes(), code.simpleName());
    return code;
  }

  static void verify(byte[] bytes, String what) {
    StringWriter report = new StringWriter();
    CheckClassAdapter.verify(
        new ClassReader(bytes),
        Verification.class.getClassLoader(),
        false,
        new PrintWriter(report));
    assertEquals("", report.toString(), "verifier report for " + what);
  }
}
