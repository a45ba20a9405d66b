package convnet.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import convnet.autodiff.Graph;
import convnet.autodiff.Node;
import convnet.dsl.lower.Lowering;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every layer kind's definition, walked through {@link LayerKind#values()}: its example checks as
 * that kind, lowers to exactly the parameters the checker lists, and agrees with the facts the
 * definition states; the random generator draws every kind, and draws what it drew before.
 */
class LayerDefinitionTest {

  private static Network check(String source) {
    CheckResult r = Checker.checkSource(source, "t.cnn");
    assertTrue(r.ok(), () -> r.diagnostics().render(source));
    return r.network();
  }

  /**
   * The kind's example alone on the first stage line of a 4x10x10 network, a classifier after it.
   */
  private static String networkOf(LayerKind kind) {
    String fn = kind == LayerKind.FN ? "fn softsign(x) = x / (1 + abs(x))\n" : "";
    String classifier = kind == LayerKind.LOGISTIC ? "" : "  logistic 3\n";
    return fn
        + "network t {\n  input 4x10x10\n  "
        + kind.definition().example()
        + "\n"
        + classifier
        + "}\n";
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(LayerKind.class)
  void theSpatialWindowAgreesWithTheCheckedOutputSize(LayerKind kind) {
    Layer layer = check(networkOf(kind)).layers().get(0);
    SpatialWindow w = layer.spatialWindow();
    MapShape in = layer.input();
    MapShape out = layer.output();
    if (w == null) {
      assertEquals(1, out.height() * out.width(), "a kind without a spatial layout is 1x1");
      return;
    }
    // Pooling may round its output size up (round=ceil): one more window, starting inside the
    // padded input.
    int rows = (in.height() + 2 * w.padHeight() - w.height()) / w.strideHeight() + 1;
    int columns = (in.width() + 2 * w.padWidth() - w.width()) / w.strideWidth() + 1;
    assertTrue(out.height() == rows || out.height() == rows + 1, "output rows from the window");
    assertTrue(
        out.width() == columns || out.width() == columns + 1, "output columns from the window");
    assertTrue(w.firstRow(out.height() - 1) < in.height() + w.padHeight(), "last row's window");
    assertTrue(w.firstColumn(out.width() - 1) < in.width() + w.padWidth(), "last column's window");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(LayerKind.class)
  void theExampleChecksAsItsKindAndLowersToTheCheckedParameters(LayerKind kind) {
    LayerDefinition d = kind.definition();
    Network net = check(networkOf(kind));
    Layer layer = net.layers().get(0);
    assertEquals(kind, layer.kind());
    String kindName = kind == LayerKind.FN ? "softsign" : kind.keyword();
    assertEquals(kindName, layer.kindName());
    assertEquals("L1_" + kindName, layer.name());
    assertEquals(
        d.opensFilterStage() ? List.of(1) : List.of(),
        net.convStages(),
        "stages with a filter bank");
    if (d.keepsShape()) {
      assertEquals(layer.input(), layer.output(), "a kind that keeps its shape must keep it");
    }
    if (d.units() == LayerDefinition.Units.WEIGHTED) {
      assertFalse(layer.params().isEmpty(), "a weighted kind has parameters");
    }
    for (Lowering.Mode mode : Lowering.Mode.values()) {
      Graph g = Lowering.lower(net, 2, mode, true);
      Map<String, List<Integer>> lowered = new LinkedHashMap<>();
      for (Map.Entry<String, Node> p : g.params().entrySet()) {
        lowered.put(p.getKey(), p.getValue().shape().toList());
      }
      Map<String, List<Integer>> checked = new LinkedHashMap<>();
      for (ParamSpec p : net.parameterSpecs()) {
        checked.put(p.name(), p.shape());
      }
      assertEquals(checked, lowered, "parameters of the " + mode + " graph");
      boolean masks = g.inputs().keySet().stream().anyMatch(n -> n.startsWith("mask/"));
      assertEquals(
          kind == LayerKind.DROPOUT && mode == Lowering.Mode.TRAINING,
          masks,
          "dropout masks in " + mode);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(LayerKind.class)
  void everyKeywordNamesItsKind(LayerKind kind) {
    for (String keyword : kind.definition().keywords()) {
      assertSame(kind, LayerKind.byKeyword(keyword), keyword);
      assertTrue(Checker.isBuiltinLayerName(keyword), keyword);
    }
    if (kind != LayerKind.FN) {
      assertFalse(
          kind.definition().keywords().isEmpty(),
          "a built-in kind is called by at least one keyword");
      assertEquals(
          kind.keyword(), kind.definition().keywords().get(0), "the verbose keyword comes first");
    }
  }

  /**
   * The built-in names are those the language reserved before the kinds carried their definitions,
   * in that order (hints depend on it).
   */
  @Test
  void theReservedNamesAreTheLanguagesBuiltInLayerNames() {
    assertEquals(
        List.of(
            "conv",
            "abs",
            "Rabs",
            "relu",
            "Rpos",
            "tanh",
            "sigmoid",
            "lcn",
            "N",
            "avgpool",
            "maxpool",
            "dense",
            "dropout",
            "maxout",
            "lrn",
            "mlpconv",
            "logistic"),
        Checker.LAYER_KEYWORDS);
    assertNull(
        LayerKind.byKeyword("N"), "N is a paper token: the parser reads it, never as a keyword");
    assertNull(LayerKind.byKeyword("softsign"));
  }

  @Test
  void exactlyTheFilterBanksOpenAFilterStage() {
    Set<LayerKind> opening = EnumSet.noneOf(LayerKind.class);
    for (LayerKind k : LayerKind.values()) {
      if (k.opensFilterStage()) {
        opening.add(k);
      }
    }
    assertEquals(EnumSet.of(LayerKind.CONV, LayerKind.MLPCONV), opening);
  }

  /**
   * Over a few hundred seeds the generator writes a layer of every kind, in every notation of the
   * paper.
   */
  @Test
  void randomArchitecturesDrawEveryKind() {
    Set<LayerKind> drawn = EnumSet.noneOf(LayerKind.class);
    List<String> forms = new ArrayList<>();
    for (int seed = 0; seed < 300; seed++) {
      Program p =
          RandomArchitectures.generateProgram(
              new Random(seed), RandomArchitectures.Options.small());
      Network n = check(Printer.print(p));
      n.layers().forEach(l -> drawn.add(l.kind()));
      for (Decl d : p.decls()) {
        if (d instanceof Decl.Network dn) {
          for (Item i : dn.items()) {
            if (i instanceof Item.StageItem s) {
              s.stage().layers().forEach(l -> forms.add(AstDump.layer(l).split(" ")[0]));
            }
          }
        }
      }
    }
    assertEquals(EnumSet.allOf(LayerKind.class), drawn);
    assertTrue(
        forms.containsAll(List.of("paper-conv", "paper-pool", "paper-lcn", "call")),
        forms.toString());
  }

  /**
   * The networks of seeds 0..499 are those the generator drew before each kind drew its own layers
   * (pinned regression seeds elsewhere name networks by seed). If a change to the generator is
   * meant to change the draws, update the digest and the pinned seeds together.
   */
  @Test
  void theDrawsOfEachSeedAreUnchanged() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int seed = 0; seed < 500; seed++) {
      md.update(
          RandomArchitectures.generate(new Random(seed), RandomArchitectures.Options.small())
              .getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
    }
    assertEquals(
        "efd847af59d9fc8bf1f0c2f9f26aad42215a19fcb6b4a0935f2915076cc899a5",
        HexFormat.of().formatHex(md.digest()));
  }

  @Test
  void theVisitorReachesTheMethodOfEachForm() {
    LayerNode.Visitor<String> v =
        new LayerNode.Visitor<>() {
          @Override
          public String visitPaperConv(LayerNode.PaperConv conv) {
            return "conv " + conv.maps();
          }

          @Override
          public String visitPaperPool(LayerNode.PaperPool pool) {
            return "pool " + pool.windowHeight();
          }

          @Override
          public String visitPaperLcn(LayerNode.PaperLcn lcn) {
            return "lcn " + lcn.windowHeight();
          }

          @Override
          public String visitCall(LayerNode.Call call) {
            return "call " + call.name();
          }
        };
    SourcePos p = SourcePos.NONE;
    assertEquals("conv 8", new LayerNode.PaperConv(null, 8, 5, 5, true, false, p).accept(v));
    assertEquals("pool 2", new LayerNode.PaperPool(null, true, 2, 2, 0, p).accept(v));
    assertEquals("lcn 7", new LayerNode.PaperLcn(null, 7, 7, p).accept(v));
    assertEquals(
        "call relu", new LayerNode.Call(null, "relu", List.of(), LayerNode.Form.BARE, p).accept(v));
  }

  @Test
  void withLabelNamesALayerAndKeepsTheRest() {
    SourcePos p = SourcePos.NONE;
    List<LayerNode> nodes =
        List.of(
            new LayerNode.PaperConv(null, 8, 5, 3, true, true, p),
            new LayerNode.PaperPool(null, false, 2, 3, 1, true, p),
            new LayerNode.PaperLcn(null, 0, 0, p),
            new LayerNode.Call(
                null,
                "dense",
                List.of(new Arg(null, new Value.Num("4", p), p)),
                LayerNode.Form.COUNT,
                p));
    for (LayerNode n : nodes) {
      LayerNode named = n.withLabel("c1");
      assertEquals("c1", named.label());
      assertEquals("c1: " + Printer.layer(n), Printer.layer(named));
      assertEquals(n, named.withLabel(null));
    }
  }
}
