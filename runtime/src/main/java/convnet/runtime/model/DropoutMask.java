package convnet.runtime.model;

import convnet.autodiff.Shape;

/**
 * The mask input of one dropout layer in the training function: its input name ({@code
 * mask/<layer>}), shape (the layer's input for a whole batch) and drop probability p; the trainer
 * fills it with 0 (probability p) or 1/(1−p).
 */
public record DropoutMask(String input, Shape shape, double p) {}
