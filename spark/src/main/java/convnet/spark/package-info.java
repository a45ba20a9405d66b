/** The Apache Spark executor of sweeps: {@code convnet sweep --executor spark}. */
package convnet.spark;
