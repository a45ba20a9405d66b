/**
 * Seeing inside a network: grids of images (augmentation previews, filters, deconvnet projections)
 * drawn headless with {@code java.awt.image}, and the self-contained {@code report.html} of a run
 * or a sweep.
 */
package convnet.runtime.see;
