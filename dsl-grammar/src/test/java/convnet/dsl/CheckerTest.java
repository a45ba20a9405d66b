package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolution, shapes, counts and names of checked networks. */
class CheckerTest {

  private static Network ok(String source) {
    CheckResult r = Checker.checkSource(source, "t.cnn");
    assertTrue(r.ok(), () -> r.diagnostics().render(source));
    return r.network();
  }

  private static final String JARRETT =
      """
      network jarrett_fashion {
          input 1x28x28
          32F5x5CSG - Rabs - N - PA2x2
          64F5x5CSG - Rabs - N - PA2x2
          logistic 10
      }
      """;

  @Test
  void layersAreNamedByPositionInTheExpandedChain() {
    Network n = ok(JARRETT);
    assertEquals(
        List.of(
            "L1_conv",
            "L2_abs",
            "L3_lcn",
            "L4_avgpool",
            "L5_conv",
            "L6_abs",
            "L7_lcn",
            "L8_avgpool",
            "L9_logistic"),
        n.layers().stream().map(Layer::name).toList());
    assertEquals(
        List.of("L1_conv.weight", "L1_conv.bias", "L1_conv.gain"),
        n.layers().get(0).params().stream().map(ParamSpec::name).toList());
    assertEquals(List.of(32, 1, 5, 5), n.layers().get(0).params().get(0).shape());
    assertEquals(List.of(10, 64 * 4 * 4), n.layers().get(8).params().get(0).shape());
  }

  @Test
  void shapesFollowTheSeedArithmetic() {
    Network n = ok(JARRETT);
    assertEquals(new MapShape(32, 24, 24), n.layers().get(0).output());
    assertEquals(new MapShape(32, 24, 24), n.layers().get(2).output());
    assertEquals(new MapShape(32, 12, 12), n.layers().get(3).output());
    assertEquals(new MapShape(64, 8, 8), n.layers().get(4).output());
    assertEquals(new MapShape(64, 4, 4), n.layers().get(7).output());
    assertEquals(new MapShape(10, 1, 1), n.output());
    LayerArgs.Conv c = assertInstanceOf(LayerArgs.Conv.class, n.layers().get(0).args());
    assertEquals(Activation.TANH, c.activation());
    assertTrue(c.gain() && c.bias());
    LayerArgs.Lcn lcn = assertInstanceOf(LayerArgs.Lcn.class, n.layers().get(2).args());
    assertEquals(9, lcn.windowHeight());
    assertEquals(2.25, lcn.sigmaHeight());
    assertEquals(2, n.stages() - 1);
  }

  @Test
  void countsOfOneConvLayer() {
    Network n = ok(JARRETT);
    Layer conv = n.layers().get(0);
    assertEquals(32 * 25 + 32 + 32, conv.parameters());
    assertEquals(32L * 24 * 24, conv.neurons());
    assertEquals(32L * 24 * 24 * 25, conv.connections());
    assertEquals(0, n.layers().get(3).parameters());
    assertEquals(
        32L * 12 * 12 * 4, n.layers().get(3).connections(), "average pooling adds every window");
  }

  @Test
  void randomConnectionTableIsDeterministicAndHasKInputsPerMap() {
    String src = "network n {\n input 8x12x12\n conv(maps=6, kernel=3x3, table=random(3))\n}\n";
    LayerArgs.Conv a = (LayerArgs.Conv) ok(src).layers().get(0).args();
    LayerArgs.Conv b = (LayerArgs.Conv) ok(src).layers().get(0).args();
    assertEquals(a.table(), b.table());
    assertEquals(6, a.table().outputs());
    for (int o = 0; o < 6; o++) {
      int[] in = a.table().inputsOf(o);
      assertEquals(3, in.length);
      assertTrue(
          in[0] < in[1] && in[1] < in[2] && in[2] < 8,
          "sorted and distinct: " + java.util.Arrays.toString(in));
    }
    Layer l = ok(src).layers().get(0);
    assertEquals(List.of(6, 3, 3, 3), l.params().get(0).shape());
    assertEquals(6 * 3 * 9 + 6, l.parameters());
  }

  @Test
  void blocksExpandAndFunctionsBind() {
    Network n =
        ok(
            """
        fn softsign(x) = x / (1 + abs(x))
        define stage(m) = conv(maps=m, kernel=3x3, pad=1) - softsign - PM2x2
        network n {
            input 1x16x16
            stage(4)
            stage(8)
            logistic 3
        }
        """);
    assertEquals(
        List.of(
            "L1_conv",
            "L2_softsign",
            "L3_maxpool",
            "L4_conv",
            "L5_softsign",
            "L6_maxpool",
            "L7_logistic"),
        n.layers().stream().map(Layer::name).toList());
    assertEquals(new MapShape(8, 4, 4), n.layers().get(5).output());
    LayerArgs.Function f = assertInstanceOf(LayerArgs.Function.class, n.layers().get(1).args());
    assertEquals("x", f.param());
    assertEquals("(/ x (+ 1 (abs x)))", AstDump.expr(f.body()));
    assertEquals(LayerKind.FN, n.layers().get(1).kind());
    assertEquals(1, n.layers().get(0).stage());
    assertEquals(2, n.layers().get(3).stage());
    assertEquals(List.of(1, 2), n.convStages());
    assertEquals("softsign", n.layers().get(1).kindName());
  }

  @Test
  void ceilRoundingGivesZeilerAndFergusSizes() {
    Network n =
        ok(
            "network z {\n input 3x224x224\n conv(maps=96, kernel=7x7, stride=2, pad=1) - maxpool(3x3, stride=2, round=ceil)\n"
                + " conv(maps=256, kernel=5x5, stride=2) - maxpool(3x3, stride=2, round=ceil)\n}\n");
    assertEquals(110, n.layers().get(0).output().height());
    assertEquals(55, n.layers().get(1).output().height());
    assertEquals(26, n.layers().get(2).output().height());
    assertEquals(13, n.layers().get(3).output().height());
  }

  @Test
  void mlpconvCountsEveryInnerLayer() {
    Layer l =
        ok("network n {\n input 3x8x8\n mlpconv(maps=[4, 5], kernel=3x3)\n}\n").layers().get(0);
    assertEquals(new MapShape(5, 6, 6), l.output());
    assertEquals(4 * 3 * 9 + 4 + 5 * 4 + 5, l.parameters());
    assertEquals(
        List.of(
            "L1_mlpconv.0.weight", "L1_mlpconv.0.bias", "L1_mlpconv.1.weight", "L1_mlpconv.1.bias"),
        l.params().stream().map(ParamSpec::name).toList());
    assertEquals((4L + 5) * 36, l.neurons());
  }

  @Test
  void trainBlockResolvesWithDefaults() {
    Network n =
        ok(
            """
        network n {
            input 1x28x28
            8F5x5CSG - PA2x2
            16F5x5CSG - PA2x2
            logistic 10
            train {
                protocol = R+R
                optimizer = sgd(lr=0.05, weight_decay=5e-4)
                schedule = step(every=10, gamma=0.5)
                augment = [flip, crop(pad=4)]
            }
        }
        """);
    TrainSpec t = n.train();
    assertEquals("fashion-mnist", t.data());
    assertEquals(
        List.of(new TrainSpec.StageProtocol('R', true), new TrainSpec.StageProtocol('R', false)),
        t.protocol());
    assertEquals(0.05, t.optimizer().learningRate());
    assertEquals(0.9, t.optimizer().momentum());
    assertEquals(5e-4, t.optimizer().weightDecay());
    assertEquals(new TrainSpec.Schedule(TrainSpec.Schedule.Kind.STEP, 10, 0.5), t.schedule());
    assertEquals(
        List.of(TrainSpec.Augmentation.of("flip"), TrainSpec.Augmentation.of("crop", 4)),
        t.augment());
    assertEquals(10, t.epochs());
    assertEquals(64, t.batch());
    assertEquals(1, t.seed());
    assertEquals(TrainSpec.defaults(2).protocol(), ok(JARRETT).train().protocol());
  }

  @Test
  void pretrainSettingReadsPsdArgumentsAndPlacesItsErrors() {
    String net =
        """
        network n {
            input 1x28x28
            8F5x5CSG - PA2x2
            logistic 10
            train {
                protocol = U+
                pretrain = psd(%s)
            }
        }
        """;
    assertEquals(TrainSpec.Pretrain.DEFAULTS, ok(net.formatted("")).train().pretrain());
    assertEquals(TrainSpec.Pretrain.DEFAULTS, ok(JARRETT).train().pretrain());
    assertEquals(
        new TrainSpec.Pretrain(0.25, 2, 3, 7, 0.05),
        ok(net.formatted("lambda=0.25, alpha=2, epochs=3, steps=7, lr=0.05")).train().pretrain());
    CheckResult bad = Checker.checkSource(net.formatted("lambda=-1, steps=0, lr=0"), "p.cnn");
    assertNull(bad.network());
    List<Diagnostic> errors = bad.diagnostics().errors();
    assertEquals(3, errors.size(), bad.diagnostics().render(""));
    assertEquals(List.of(7, 7, 7), errors.stream().map(d -> d.pos().line()).toList());
    assertEquals(
        List.of(31, 41, 47),
        errors.stream().map(d -> d.pos().col()).toList(),
        bad.diagnostics().render(""));
    assertTrue(
        errors.get(0).message().contains("lambda of 'psd' must be in [0,"),
        errors.get(0).message());
    assertTrue(
        errors.get(1).message().contains("steps of 'psd' must be between 1"),
        errors.get(1).message());
    CheckResult other = Checker.checkSource(net.replace("psd(%s)", "ica"), "p.cnn");
    assertTrue(
        other.diagnostics().errors().get(0).message().contains("pretrain must be psd("),
        other.diagnostics().render(""));
  }

  @Test
  void reportsEveryErrorNotJustTheFirst() {
    CheckResult r =
        Checker.checkSource(
            "network n {\n input 1x8x8\n 4F3x3C - Rabz\n 4F9x9C\n dense(0)\n logistic 10\n}\n",
            "e.cnn");
    assertNull(r.network());
    assertEquals(
        List.of(3, 4, 5),
        r.diagnostics().errors().stream().map(d -> d.pos().line()).toList(),
        r.diagnostics().render(""));
  }

  @Test
  void overflowIsAnErrorNotAWrapAround() {
    // 2^20 maps x 1024 inputs x 2^20 x 2^20 weights = 2^70: beyond a long.
    CheckResult r =
        Checker.checkSource(
            "network n {\n input 1024x8x8\n conv(maps=1048576, kernel=1048576, pad=524288)\n}\n",
            "o.cnn");
    assertFalse(r.ok());
    assertTrue(
        r.diagnostics().errors().get(0).message().contains("overflow"), r.diagnostics().render(""));
    CheckResult wide =
        Checker.checkSource(
            "network n {\n input 1x1000x1000\n conv(maps=1048576, kernel=1)\n}\n", "o.cnn");
    assertTrue(
        wide.diagnostics().errors().get(0).message().contains("absurdly large"),
        wide.diagnostics().render(""));
  }

  @Test
  void syntaxErrorsComeFromTheParserAsDiagnostics() {
    DslException e =
        assertThrows(
            DslException.class,
            () -> DslParser.parse("network n {\n input 1x8x8\n 4F3x3C - - PA2x2\n}\n", "s.cnn"));
    Diagnostic d = e.diagnostics().all().get(0);
    assertEquals(3, d.pos().line());
    assertEquals(11, d.pos().col());
    assertTrue(d.message().contains("unexpected '-'"), d.message());
  }

  @Test
  void renderDrawsTheLineAndACaret() {
    String src = "network n {\n input 1x8x8\n 4F3x3C - Rabz\n}\n";
    String rendered =
        new Diagnostics(Checker.checkSource(src, "r.cnn").diagnostics().errors()).render(src);
    assertEquals(
        """
        r.cnn:3:11: error: unknown layer 'Rabz'
             4F3x3C - Rabz
                      ^^^^
        hint: did you mean 'Rabs'?
        """,
        rendered);
  }

  @Test
  void didYouMeanUsesEditDistance() {
    assertEquals("Rabs", DidYouMean.closest("Rabz", List.of("Rabs", "relu", "tanh")));
    assertEquals("maxpool", DidYouMean.closest("maxpoool", List.of("maxpool", "avgpool")));
    assertNull(DidYouMean.closest("qqqqqq", List.of("conv", "dense")));
    assertEquals(3, DidYouMean.distance("kitten", "sitting"));
  }

  @Test
  void binaryInputIsADiagnostic() {
    CheckResult r = Checker.checkBytes(new byte[] {'n', 'e', '\n', 'x', 0, 1}, "b.cnn");
    Diagnostic d = r.diagnostics().all().get(0);
    assertEquals(2, d.pos().line());
    assertEquals(2, d.pos().col());
    assertArrayEquals(new int[] {2, 2}, new int[] {d.pos().line(), d.pos().col()});
  }

  @Test
  void crOnlyCrlfAndLfLineEndsAllReportTheRightLine() {
    String lf = "network n {\n  input 1x28x28\n  8F5x5CSG - Rabz\n  logistic 10\n}\n";
    for (String ending : List.of("\n", "\r\n", "\r")) {
      String source = lf.replace("\n", ending);
      CheckResult r = Checker.checkSource(source, "t.cnn");
      Diagnostic d = r.diagnostics().errors().get(0);
      String shown = ending.replace("\r", "CR").replace("\n", "LF");
      assertEquals(3, d.pos().line(), shown + ": " + r.diagnostics().render(source));
      assertEquals(14, d.pos().col(), shown);
      assertTrue(r.diagnostics().render(source).contains("    8F5x5CSG - Rabz\n"), shown);
      CheckResult fromBytes =
          Checker.checkBytes(source.getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.cnn");
      assertEquals(3, fromBytes.diagnostics().errors().get(0).pos().line(), shown);
    }
    byte[] binary =
        "network n {\r  input 1x28x28\r  \0\r}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(
        3,
        Checker.checkBytes(binary, "t.cnn").diagnostics().errors().get(0).pos().line(),
        "a NUL byte after CR-only lines");
  }

  @Test
  void scheduleNoneIsAConstantRate() {
    Network n =
        ok(
            "network n {\n input 1x28x28\n 8F5x5CSG - PA2x2\n logistic 10\n train {\n  schedule = none\n }\n}\n");
    assertEquals(
        new TrainSpec.Schedule(TrainSpec.Schedule.Kind.CONSTANT, 0, 0.1), n.train().schedule());
  }

  @Test
  void neuronCountsCountEachUnitOnce() {
    // conv then relu is one layer of units; relu after pooling makes new units; dropout is looked
    // through.
    Network n =
        ok(
            """
        network n {
            input 1x12x12
            conv(maps=4, kernel=3x3) - relu - abs
            maxpool(2x2) - tanh
            dense(20) - dropout(0.5) - relu
            logistic 10
        }
        """);
    List<Long> neurons = n.layers().stream().map(Layer::neurons).toList();
    assertEquals(List.of(4L * 10 * 10, 0L, 0L, 0L, 4L * 5 * 5, 20L, 0L, 0L, 10L), neurons);
    assertEquals(4 * 10 * 10 + 4 * 5 * 5 + 20 + 10, n.totalNeurons());
  }

  @Test
  void dataThatIsNotInstalledIsAnErrorAtItsPlaceOnlyWhenDataIsChecked() {
    String source =
        "network n {\n input 1x28x28\n 8F5x5CSG - PA2x2\n logistic 10\n train {\n  data = mnist\n }\n}\n";
    String before = System.getProperty(DataNames.ROOT_PROPERTY);
    try {
      System.setProperty(DataNames.ROOT_PROPERTY, "/nonexistent-convnet-datasets");
      assertTrue(
          Checker.checkSource(source, "t.cnn").ok(), "without data checking the file is fine");
      CheckResult r = Checker.checkSource(source, "t.cnn", Checker.Options.WITH_DATA);
      assertFalse(r.ok());
      Diagnostic d = r.diagnostics().errors().get(0);
      assertEquals(6, d.pos().line());
      assertEquals(10, d.pos().col());
      assertTrue(d.message().contains("'mnist' is not installed"), d.message());
      assertTrue(d.hint().contains("--data idx:DIR"), d.hint());
      String path = source.replace("mnist", "\"no/such/folder\"");
      CheckResult p = Checker.checkSource(path, "t.cnn", Checker.Options.WITH_DATA);
      assertTrue(
          p.diagnostics().errors().get(0).message().contains("'no/such/folder' does not exist"),
          p.diagnostics().render(path));
      assertTrue(
          Checker.checkSource(
                  source.replace("mnist", "fashion-mnist"), "t.cnn", Checker.Options.WITH_DATA)
              .ok(),
          "fashion-mnist ships with convnet");
    } finally {
      if (before == null) {
        System.clearProperty(DataNames.ROOT_PROPERTY);
      } else {
        System.setProperty(DataNames.ROOT_PROPERTY, before);
      }
    }
  }

  @Test
  void anInstalledNamedDataSetChecksAndResolvesToItsFolder(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws java.io.IOException {
    java.nio.file.Files.createDirectories(root.resolve("cifar-10"));
    String before = System.getProperty(DataNames.ROOT_PROPERTY);
    try {
      System.setProperty(DataNames.ROOT_PROPERTY, root.toString());
      String source =
          "network n {\n input 3x32x32\n 8F5x5CSG - PA2x2\n logistic 10\n train {\n  data = cifar-10\n }\n}\n";
      assertTrue(Checker.checkSource(source, "t.cnn", Checker.Options.WITH_DATA).ok());
      assertEquals("cifar10:" + root.resolve("cifar-10"), DataNames.installedSpec("cifar-10"));
      assertNull(DataNames.installedSpec("caltech-101"));
    } finally {
      if (before == null) {
        System.clearProperty(DataNames.ROOT_PROPERTY);
      } else {
        System.setProperty(DataNames.ROOT_PROPERTY, before);
      }
    }
  }

  @Test
  void paperPoolingTokensTakeACeilRoundingSuffix() {
    // 24 rows, window 3, stride 2: floor gives 11 (the last row left out), ceil gives 12.
    Network n = ok("network n {\n input 1x28x28\n 8F5x5C - PM3x3/2c - PA2x2c\n logistic 10\n}\n");
    assertEquals(new MapShape(8, 12, 12), n.layers().get(1).output());
    assertEquals(new LayerArgs.Pool(3, 3, 2, 2, 0, 0, true), n.layers().get(1).args());
    assertEquals(new MapShape(8, 6, 6), n.layers().get(2).output());
    Network floor = ok("network n {\n input 1x28x28\n 8F5x5C - PM3x3/2\n logistic 10\n}\n");
    assertEquals(new MapShape(8, 11, 11), floor.layers().get(1).output());
    Network odd = ok("network n {\n input 1x7x7\n PA2x2c\n logistic 10\n}\n");
    assertEquals(new MapShape(1, 4, 4), odd.layers().get(0).output());
    String printed =
        Printer.print(
            DslParser.parse("network n {\n input 1x28x28\n PM3x3/2c - PA2x2c\n}\n", "t.cnn"));
    assertTrue(printed.contains("PM3x3/2c - PA2x2c"), printed);
  }

  private static String absChain(int layers) {
    return "network deep {\n  input 1x4x4\n  2F3x3C\n  "
        + String.join(" - ", java.util.Collections.nCopies(layers, "Rabs"))
        + "\n  logistic 3\n}\n";
  }

  @Test
  void networkAtTheDepthLimitIsAccepted() {
    // A conv layer and the classifier plus the abs chain make exactly MAX_DEPTH layers.
    assertEquals(Checker.MAX_DEPTH, ok(absChain(Checker.MAX_DEPTH - 2)).layers().size());
  }

  @Test
  void networkDeeperThanTheLimitIsAPositionedError() {
    String source = absChain(20_000);
    CheckResult r = Checker.checkSource(source, "deep.cnn");
    assertFalse(r.ok());
    Diagnostic d = r.diagnostics().errors().get(0);
    assertTrue(
        d.message().contains("20002 layers deep") && d.message().contains("more than the 10000"),
        d.message());
    // The limit is passed at layer 10,001 of the chain: the 9,999th Rabs after the conv layer on
    // line 3.
    assertEquals(4, d.pos().line());
    assertEquals(3 + 9_999 * "Rabs - ".length(), d.pos().col());
    String rendered = r.diagnostics().render(source);
    assertTrue(rendered.contains("deep.cnn:4:69996: error:"), rendered);
    // The 140,000-character line is shown as a window around the caret, which points at a Rabs.
    String[] lines = rendered.split("\n");
    assertTrue(
        lines[1].length() < 140 && lines[1].startsWith("    ...") && lines[1].endsWith("..."),
        lines[1]);
    assertEquals(
        "Rabs", lines[1].substring(lines[2].indexOf('^'), lines[2].indexOf('^') + 4), rendered);
  }

  @Test
  void functionOperatorsCountTowardsTheDepth() {
    String body = String.join(" + ", java.util.Collections.nCopies(900, "tanh(x)"));
    String source =
        "fn big(x) = "
            + body
            + "\nnetwork deep {\n  input 1x4x4\n  2F3x3C - big - big - big - big - big - big - big\n"
            + "  logistic 3\n}\n";
    CheckResult r = Checker.checkSource(source, "fn.cnn");
    assertFalse(r.ok());
    Diagnostic d = r.diagnostics().errors().get(0);
    // Each use of big costs 899 additions and 900 calls: the sixth use passes 10,000.
    assertTrue(d.message().contains("more than the 10000"), d.message());
    assertEquals(4, d.pos().line());
    assertEquals(3 + "2F3x3C - big - big - big - big - big - ".length(), d.pos().col());
  }
}
