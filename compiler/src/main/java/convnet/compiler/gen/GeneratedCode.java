package convnet.compiler.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;

/**
 * A generated class loaded as a hidden class, with its class file bytes kept for dumps.
 *
 * <p>{@code -Dconvnet.dumpClasses=DIR} writes every generated class to DIR as it is defined; {@code
 * -Dconvnet.dump=bytecode} prints its disassembly to standard error.
 */
public final class GeneratedCode {
  /** System property naming a folder where every generated class file is written. */
  public static final String DUMP_CLASSES_PROPERTY = "convnet.dumpClasses";

  /** System property; the value {@code bytecode} prints every generated class. */
  public static final String DUMP_PROPERTY = "convnet.dump";

  private final String internalName;
  private final byte[] bytes;
  private final MethodHandles.Lookup lookup;

  private GeneratedCode(String internalName, byte[] bytes, MethodHandles.Lookup lookup) {
    this.internalName = internalName;
    this.bytes = bytes;
    this.lookup = lookup;
  }

  /** Whether dumps are requested, so that generators keep their comments in the bytecode. */
  static boolean commentsRequested() {
    return "bytecode".equals(System.getProperty(DUMP_PROPERTY))
        || System.getProperty(DUMP_CLASSES_PROPERTY) != null;
  }

  /**
   * Defines the class as a hidden class in this package.
   *
   * @param classData constants for {@code MethodHandles.classData}, or null
   */
  public static GeneratedCode define(ClassGen classGen, Object classData) {
    byte[] bytes = classGen.toBytes();
    MethodHandles.Lookup here = MethodHandles.lookup();
    MethodHandles.Lookup defined;
    try {
      defined =
          classData == null
              ? here.defineHiddenClass(bytes, true)
              : here.defineHiddenClassWithClassData(bytes, classData, true);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(
          "cannot define generated class " + classGen.internalName(), e);
    } catch (LinkageError | IllegalArgumentException e) {
      throw new IllegalStateException(
          "generated class " + classGen.internalName() + " is invalid: " + e.getMessage(), e);
    }
    GeneratedCode code = new GeneratedCode(classGen.internalName(), bytes, defined);
    String folder = System.getProperty(DUMP_CLASSES_PROPERTY);
    if (folder != null && !folder.isBlank()) {
      try {
        code.dumpTo(Path.of(folder));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot write generated class to " + folder + ": " + e.getMessage(), e);
      }
    }
    if ("bytecode".equals(System.getProperty(DUMP_PROPERTY))) {
      System.err.println(code.disassemble());
    }
    return code;
  }

  /** The slash-separated name given at generation (the hidden class adds a suffix). */
  public String internalName() {
    return internalName;
  }

  /** The simple name without package, used for dump files. */
  public String simpleName() {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }

  /** A copy of the class file. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public Class<?> type() {
    return lookup.lookupClass();
  }

  /** The public static method of that name; there must be exactly one. */
  public MethodHandle method(String name) {
    List<Method> found =
        Arrays.stream(type().getDeclaredMethods())
            .filter(
                m ->
                    m.getName().equals(name)
                        && Modifier.isStatic(m.getModifiers())
                        && Modifier.isPublic(m.getModifiers()))
            .toList();
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          simpleName() + " has " + found.size() + " public static methods named " + name);
    }
    Method method = found.get(0);
    try {
      return lookup.findStatic(
          type(), name, MethodType.methodType(method.getReturnType(), method.getParameterTypes()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot link " + simpleName() + "." + name, e);
    }
  }

  /**
   * Writes {@code <simpleName>.class} into the folder (created if missing), via a temporary file.
   */
  public Path dumpTo(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path target = folder.resolve(simpleName() + ".class");
    Path temporary = Files.createTempFile(folder, simpleName(), ".tmp");
    try {
      Files.write(temporary, bytes);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return target;
  }

  /**
   * ASM's Textifier listing of the class when asm-util is on the class path, else a list of the
   * methods and their sizes.
   */
  public String disassemble() {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    try {
      Class<?> printer = Class.forName("org.objectweb.asm.util.Printer");
      Object textifier =
          Class.forName("org.objectweb.asm.util.Textifier").getConstructor().newInstance();
      ClassVisitor trace =
          (ClassVisitor)
              Class.forName("org.objectweb.asm.util.TraceClassVisitor")
                  .getConstructor(ClassVisitor.class, printer, PrintWriter.class)
                  .newInstance(null, textifier, out);
      new ClassReader(bytes).accept(trace, 0);
    } catch (ReflectiveOperationException | LinkageError e) {
      out.println(
          "// class "
              + internalName
              + " ("
              + bytes.length
              + " bytes; asm-util is not on the class path)");
      new ClassReader(bytes)
          .accept(
              new ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
                @Override
                public org.objectweb.asm.MethodVisitor visitMethod(
                    int access,
                    String name,
                    String descriptor,
                    String signature,
                    String[] exceptions) {
                  out.println("//   " + name + descriptor);
                  return null;
                }
              },
              0);
    }
    out.flush();
    return text.toString();
  }
}
