/**
 * lcrec-onnx: differentiable ONNX graphs, the engine that trains LC-Rec's models on ONNX Runtime.
 *
 * <h2>Why</h2>
 *
 * ONNX Runtime ships no training build for desktop Java, and plain Java arithmetic is ~40x slower
 * than ORT's kernels. So models are built as ONNX graphs in Java, their gradients are derived here
 * (reverse-mode autodiff emitting standard ONNX ops into the same graph), and forward+backward run
 * as one ordinary ORT inference session (CPU by default, CUDA on request).
 *
 * <h2>Building a graph</h2>
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("mlp");
 * Tensor x = g.input("x", DType.FLOAT, Dim.dim("batch"), 768);
 * g.pushScope("enc.0");
 * Tensor w = g.parameter("weight", Init.xavierNormal(), 768, 2048);   // "enc.0.weight"
 * Tensor b = g.parameter("bias", Init.zeros(), 2048);
 * g.popScope();
 * Tensor h = g.relu(g.linear(x, w, b));
 * ...
 * Tensor loss = Losses.mse(g, recon, x);
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.lcrec.onnx.GraphBuilder}: typed symbolic {@link org.lcrec.onnx.Tensor}s with
 *       static, symbolic ({@code "batch"}) or unknown {@link org.lcrec.onnx.Dim}s; inputs,
 *       trainable and frozen parameters, constants; name scopes ({@code pushScope/popScope} or
 *       try-with-resources {@code scope}); shape inference at build time, so a mismatch fails where
 *       it is written, naming the op and both shapes. Opset {@value
 *       org.lcrec.onnx.GraphBuilder#OPSET}.
 *   <li>Ops: MatMul, Gemm, Add/Sub/Mul/Div/Neg/Pow/Sqrt/Exp/Log/Abs/Reciprocal/Max/Min/Sum, Relu,
 *       Sigmoid, Tanh, Erf, SiLU, GELU (exact and tanh), Softmax, LogSoftmax, ReduceSum/Mean/Max,
 *       ArgMin/ArgMax, Transpose, Reshape (static or from shape pieces such as {@code dimOf}),
 *       Concat, Slice, Pad, Gather, GatherElements, GatherND, ScatterElements/ScatterND (none/add),
 *       Unsqueeze/Squeeze, Expand, Where, comparisons and logic, Cast, Identity,
 *       Shape/Size/ConstantOfShape/NonZero, Range, Trilu, Cos/Sin, LayerNorm and RMSNorm
 *       (compositions), dropout with explicit seeded masks, and {@code stopGradient}. {@code
 *       op(...)} emits anything else (non-differentiable).
 *   <li>{@link org.lcrec.onnx.Losses}: MSE, L1, cross-entropy with an ignore index (mean over valid
 *       positions), VQ codebook/commitment losses and the straight-through estimator.
 * </ul>
 *
 * <h2>Autodiff</h2>
 *
 * {@code Gradients grads = Autodiff.gradients(g, loss, params)} (on the builder, before {@code
 * build()}) appends the backward pass. It prunes nodes not on a path from the requested tensors to
 * the loss, sums the contributions of values used several times, reduces gradients of broadcast
 * operands over the broadcast axes (with Shape/NonZero ops where dims are only known at run time),
 * stops at {@code stopGradient}, and never differentiates integer or bool values. A requested
 * tensor that the loss does not depend on gets zeros. Every rule is checked against central finite
 * differences in double precision ({@code GradientRulesTest}).
 *
 * <h2>Training</h2>
 *
 * {@link org.lcrec.onnx.train.Trainer} compiles forward and backward into one ORT session. Design,
 * chosen by measurement (see lcrec-bench {@code OnnxTrainingBenchmark}):
 *
 * <ul>
 *   <li>Trainable parameters live in Java, in the {@link org.lcrec.onnx.ParameterStore}'s direct
 *       native-order buffers, and are fed to ORT as inputs each step without copying (an {@code
 *       OnnxTensor} wraps each buffer once). Frozen parameters (LoRA base weights) are baked in as
 *       initialisers, so ORT can pre-pack them.
 *   <li>Gradients, the loss and the squared global gradient norm (summed in-graph, so clipping and
 *       NaN detection cost no extra pass) are written by ORT into pre-allocated direct buffers
 *       (pinned outputs): no per-step allocation or copy through Java arrays.
 *   <li>AdamW (decoupled weight decay on parameters flagged {@code decay}; rank &ge; 2 by default)
 *       or SGD with momentum runs in Java over those buffers, in parallel chunks; the moments are
 *       on-heap float arrays. Memory: parameters + gradients + 2 moments + ORT's activations. An
 *       in-graph optimiser would need a second copy of parameters and moments (outputs cannot alias
 *       inputs in ORT), so it was not chosen; the Java update is a small share of a step.
 *   <li>Schedules ({@link org.lcrec.onnx.train.LrSchedule}: constant, linear, cosine, each with
 *       warmup), clipping by global norm, gradient accumulation, and a {@link
 *       org.lcrec.onnx.train.TrainingDivergedException} naming the step when the loss or gradients
 *       become NaN/Inf.
 *   <li>Checkpoints: one safetensors file (trainable parameters, optimiser state, partial
 *       accumulation) with metadata (format version, parameter signature, step, schedule,
 *       optimiser, RNG state), written atomically. Loading into a trainer for the same graph
 *       continues with the same losses as an uninterrupted run on CPU; a checkpoint of another
 *       graph is rejected naming the differences. Draw training randomness from {@code
 *       trainer.rng()} so that it resumes too.
 * </ul>
 *
 * <h2>Files and runtime</h2>
 *
 * <ul>
 *   <li>{@link org.lcrec.onnx.OnnxExport} writes {@code ModelProto} with a hand-written protobuf
 *       encoder (no protobuf-java), pruned to the requested outputs; initialisers above a threshold
 *       can go to an external-data file for models over 2 GB. {@link org.lcrec.onnx.OnnxModel}
 *       reads an existing model's I/O signature, opsets and initialisers (raw, typed or external
 *       data).
 *   <li>{@link org.lcrec.onnx.Safetensors}: F32/F16/BF16/F64/integer tensors (floats widen to F32
 *       on read), Hugging Face names preserved, atomic writes.
 *   <li>{@link org.lcrec.onnx.runtime}: one ORT environment, {@link
 *       org.lcrec.onnx.runtime.SessionConfig} (CPU or CUDA, threads), checked sessions, reusable
 *       direct tensors.
 * </ul>
 */
package org.lcrec.onnx;
