package convnet.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import convnet.compiler.gen.GeneratedCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Runs ASM's bytecode verifier over every class a compiled function generated. */
final class Verification {
  private Verification() {}

  static CompiledFunction verified(CompiledFunction f) {
    for (GeneratedCode code : f.generatedClasses()) {
      StringWriter report = new StringWriter();
      CheckClassAdapter.verify(
          new ClassReader(code.bytes()),
          Verification.class.getClassLoader(),
          false,
          new PrintWriter(report));
      assertEquals("", report.toString(), "verifier report for " + code.simpleName());
    }
    return f;
  }
}
