/** JMH benchmarks of lcrec-onnx training against a plain ORT MatMul measured in the same run. */
package org.lcrec.bench.onnx;
