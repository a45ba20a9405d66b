package convnet.examples;

import convnet.onnx.api.OnnxExport;
import convnet.runtime.api.ConvNet;
import convnet.runtime.api.ConvNetException;
import convnet.runtime.api.NdArray;
import convnet.runtime.api.Weights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Loads weights trained in PyTorch (a {@code state_dict} saved with {@code numpy.savez}, parameter
 * names as convnet names its layers), runs the network on a few images, and exports it to ONNX,
 * checked in ONNX Runtime.
 *
 * <p>Usage: {@code PyTorchToOnnx FILE.cnn WEIGHTS.npz OUT.onnx}.
 */
public final class PyTorchToOnnx {
  private PyTorchToOnnx() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: PyTorchToOnnx FILE.cnn WEIGHTS.npz OUT.onnx");
      System.exit(2);
    }
    try {
      ConvNet net = ConvNet.load(Path.of(args[0]));
      Weights weights = net.loadWeights(Path.of(args[1]));
      int[] in = net.inputShape();
      float[] pixels = new float[4 * in[0] * in[1] * in[2]];
      Random r = new Random(1);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) r.nextGaussian();
      }
      NdArray logits = net.forward(weights, NdArray.of(new int[] {4, in[0], in[1], in[2]}, pixels));
      System.out.println(
          "predicted classes of 4 random images: " + Arrays.toString(logits.argmaxRows()));
      OnnxExport.Result result =
          OnnxExport.export(net, weights, Path.of(args[2]), OnnxExport.DYNAMIC_BATCH, true);
      System.out.println("wrote " + result.file() + " (" + result.bytes() + " bytes)");
      System.out.println(result.verification());
    } catch (ConvNetException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
