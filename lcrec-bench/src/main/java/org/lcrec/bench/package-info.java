/**
 * JMH benchmarks of the SDK. Each benchmark that claims a speed measures its physical reference in
 * the same run (a plain file read, a memory-streaming pass, a raw ORT MatMul), so results are read
 * as ratios. Build: {@code mvn -B -pl lcrec-bench -am package -DskipTests}; run: {@code java -jar
 * lcrec-bench/target/benchmarks.jar [regex]}.
 */
package org.lcrec.bench;
