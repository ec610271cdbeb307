/** JMH benchmarks of the decoder LM: SFT training throughput and memory (full and LoRA). */
package org.lcrec.bench.model;
