#!/usr/bin/env bash
# Checks that 'mvn install' gives artifacts another Maven project can depend on, as the README shows:
# installs into a private local repository (seeded from ~/.m2 so little is downloaded; ~/.m2 itself is not
# touched), then builds and runs a one-class program that depends on org.convnetdsl:runtime and :onnx.
# usage: scripts/check-install.sh [SCRATCH_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${1:-$(mktemp -d)}"
repo="$scratch/m2"
mkdir -p "$repo"
if [ -d "$HOME/.m2/repository" ]; then
  cp -r "$HOME/.m2/repository/." "$repo/"
fi
(cd "$here" && mvn -B -ntp -q -Dmaven.repo.local="$repo" -DskipTests install)
app="$scratch/app"
mkdir -p "$app/src/main/java/demo"
cat > "$app/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId><artifactId>demo</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencies>
    <dependency><groupId>org.convnetdsl</groupId><artifactId>runtime</artifactId><version>0.1.0-SNAPSHOT</version></dependency>
    <dependency><groupId>org.convnetdsl</groupId><artifactId>onnx</artifactId><version>0.1.0-SNAPSHOT</version></dependency>
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version>
  </plugin></plugins></build>
</project>
POM
cat > "$app/src/main/java/demo/Demo.java" <<'JAVA'
package demo;

import convnet.onnx.api.OnnxExport;
import convnet.runtime.api.ConvNet;
import convnet.runtime.api.Weights;
import java.nio.file.Path;

public class Demo {
  public static void main(String[] args) {
    ConvNet net = ConvNet.parse("network demo { input 1x12x12\n 8F3x3CSG - Rabs - N - PA2x2\n logistic 3 }", "demo.cnn");
    Weights w = net.initWeights(1);
    System.out.println(OnnxExport.export(net, w, Path.of(args[0]), OnnxExport.DYNAMIC_BATCH, true).verification());
  }
}
JAVA
(cd "$app" && mvn -B -ntp -q -Dmaven.repo.local="$repo" package dependency:build-classpath \
  -Dmdep.outputFile=cp.txt)
java --add-modules jdk.incubator.vector -cp "$app/target/classes:$(cat "$app/cp.txt")" demo.Demo "$scratch/demo.onnx"
echo "check-install: a separate project built against the installed artifacts and ran"
