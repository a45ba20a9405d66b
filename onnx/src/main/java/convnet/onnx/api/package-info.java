/** The public API of the ONNX export: {@link convnet.onnx.api.OnnxExport}. */
package convnet.onnx.api;
