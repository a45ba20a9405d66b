package convnet.compiler.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.ScalarOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

class GeneratedCodeTest {

  static ElementwiseKernel biasTanh() {
    Dims shape = Dims.of(2, 3, 40);
    Expr value =
        Expr.apply(
            ScalarOp.TANH,
            Expr.apply(ScalarOp.ADD, Expr.load(0, shape), Expr.load(1, Dims.of(3, 1))));
    return new ElementwiseKernel(
        "biasTanh", shape, List.of(new ElementwiseKernel.Output(2, value)));
  }

  @Test
  void dumpWritesReadableClassFiles(@TempDir Path folder) throws IOException {
    ClassGen classGen = new ElementwiseKernelGen(true).emit(biasTanh(), true);
    GeneratedCode code = GeneratedCode.define(classGen, null);
    Path file = code.dumpTo(folder.resolve("classes"));
    assertEquals("Elementwise_biasTanh.class", file.getFileName().toString());
    byte[] bytes = Files.readAllBytes(file);
    Verification.verify(bytes, file.toString());
    ClassNode node = new ClassNode();
    new ClassReader(bytes).accept(node, 0);
    assertEquals("convnet/compiler/gen/Elementwise_biasTanh", node.name);
    MethodNode run =
        node.methods.stream().filter(m -> m.name.equals("run")).findFirst().orElseThrow();
    assertEquals("([[FII)V", run.desc);
    try (Stream<Path> files = Files.list(folder.resolve("classes"))) {
      assertEquals(List.of(file), files.toList(), "no temporary files are left behind");
    }
    String text = code.disassemble();
    assertTrue(text.contains("INVOKEVIRTUAL jdk/incubator/vector/FloatVector.lanewise"), text);
    assertTrue(text.contains("INVOKESTATIC convnet/compiler/gen/VectorMath.tanh"), text);
    assertTrue(
        text.contains("LDC \"// elementwise biasTanh over [2,3,40]\""),
        "comments kept in dumps:\n" + text);
  }

  @Test
  void dumpClassesPropertyWritesEveryGeneratedClass(@TempDir Path folder) throws IOException {
    String previous = System.getProperty(GeneratedCode.DUMP_CLASSES_PROPERTY);
    System.setProperty(GeneratedCode.DUMP_CLASSES_PROPERTY, folder.toString());
    try {
      new ElementwiseKernelGen(false).generate(biasTanh());
      new ReduceKernelGen(true)
          .generate(
              new ReduceKernel(
                  "total",
                  Dims.of(4, 5),
                  List.of(0, 1),
                  List.of(
                      new ReduceKernel.Reduction(
                          1, ReduceKernel.Combine.SUM, Expr.load(0, Dims.of(4, 5))))));
    } finally {
      if (previous == null) {
        System.clearProperty(GeneratedCode.DUMP_CLASSES_PROPERTY);
      } else {
        System.setProperty(GeneratedCode.DUMP_CLASSES_PROPERTY, previous);
      }
    }
    for (String name : List.of("Elementwise_biasTanh.class", "Reduce_total.class")) {
      Path file = folder.resolve(name);
      assertTrue(Files.exists(file), name + " written");
      Verification.verify(Files.readAllBytes(file), name);
    }
  }

  @Test
  void commentsCostNothingWhenNotDumping() {
    byte[] plain =
        GeneratedCode.define(new ElementwiseKernelGen(true).emit(biasTanh(), false), null).bytes();
    byte[] commented =
        GeneratedCode.define(new ElementwiseKernelGen(true).emit(biasTanh(), true), null).bytes();
    assertTrue(plain.length < commented.length, plain.length + " vs " + commented.length);
    assertTrue(
        !new String(plain, java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("// elementwise"));
  }

  @Test
  void scalarPathNeverMentionsTheVectorApi() {
    String text = new ElementwiseKernelGen(false).generate(biasTanh()).disassemble();
    assertTrue(!text.contains("jdk/incubator/vector"), text);
    assertTrue(text.contains("convnet/compiler/gen/FastMath.tanh"), text);
  }

  @Test
  void generatedMethodsStaySmall() {
    List<String> sizes = new ArrayList<>();
    ClassNode node = new ClassNode();
    byte[] bytes = new ElementwiseKernelGen(true).generate(biasTanh()).bytes();
    new ClassReader(bytes).accept(node, 0);
    for (MethodNode method : node.methods) {
      int size = CodeSize.of(bytes, method.name);
      sizes.add(method.name + "=" + size);
      assertTrue(size < MethodSplitter.SOFT_LIMIT, sizes.toString());
    }
  }
}
