package convnet.autodiff.rewrite;

/** Node counts before and after one pass of a pipeline run. */
public record PassStats(String pass, int nodesBefore, int nodesAfter, boolean changed) {}
